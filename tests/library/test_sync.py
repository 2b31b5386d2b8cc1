"""``wherry.download_sync`` from plain threads, from beside a running loop, and from inside one."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

import wherry
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan

SIZE = 300_000


def test_two_threads_download_different_files_at_once(flaky_server, downloads):
    bodies = {name: payload(SIZE, seed=n) for n, name in enumerate(("a.bin", "b.bin"))}
    urls = {
        name: flaky_server.add(f"/{name}", body, plan=FaultPlan(gate_after=10_000))
        for name, body in bodies.items()
    }
    with ThreadPoolExecutor(2) as pool:
        futures = {
            name: pool.submit(
                wherry.download_sync, url, downloads / name, sha256=hashlib.sha256(bodies[name]).hexdigest()
            )
            for name, url in urls.items()
        }
        # Both transfers are held at their gates at the same time: the calls really overlap.
        assert all(flaky_server.wait_gate(f"/{name}", 10) for name in urls)
        for name in urls:
            flaky_server.release(f"/{name}")
        results = {name: future.result(timeout=30) for name, future in futures.items()}
    for name, result in results.items():
        assert result.path.read_bytes() == bodies[name]
    assert results["a.bin"].job_id != results["b.bin"].job_id


def test_beside_an_event_loop_running_in_another_thread(flaky_server, downloads):
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        body = payload(SIZE)
        url = flaky_server.add("/beside.bin", body)
        ticks = asyncio.run_coroutine_threadsafe(asyncio.sleep(0, result="alive"), loop)
        result = wherry.download_sync(url, downloads / "beside.bin")
        assert result.path.read_bytes() == body
        assert ticks.result(timeout=5) == "alive"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


async def test_called_from_inside_a_running_loop(flaky_server, downloads):
    body = payload(SIZE)
    url = flaky_server.add("/inside.bin", body)
    result = wherry.download_sync(url, downloads / "inside.bin")  # blocks this loop, but works
    assert result.path.read_bytes() == body


def test_the_same_file_from_two_threads_is_fetched_once(flaky_server, downloads):
    body = payload(SIZE)
    url = flaky_server.add("/one.bin", body, plan=FaultPlan(gate_after=100_000))
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(wherry.download_sync, url, downloads / "one.bin")
        assert flaky_server.wait_gate("/one.bin", 10)
        second = pool.submit(wherry.download_sync, url, downloads / "one.bin")
        flaky_server.release("/one.bin")
        one, two = first.result(timeout=30), second.result(timeout=30)
    assert one.job_id == two.job_id
    assert one.path.read_bytes() == body
    assert sum(r.bytes_sent for r in flaky_server.requests_for("/one.bin", "GET")) == SIZE
