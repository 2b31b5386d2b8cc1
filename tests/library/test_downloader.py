"""``wherry.Downloader``: one engine for many downloads, and handles to steer them."""

from __future__ import annotations

import asyncio

import pytest

import wherry
from tests.engine.conftest import payload, until
from tests.helpers.flaky_server import FaultPlan
from wherry.core.errors import ErrorKind

SIZE = 300_000


async def test_many_downloads_share_one_downloader(flaky_server, downloads):
    bodies = {f"/{n}.bin": payload(SIZE, seed=n) for n in range(3)}
    urls = {path: flaky_server.add(path, body) for path, body in bodies.items()}
    async with wherry.Downloader() as d:
        handles = [d.add(url, downloads / path.lstrip("/")) for path, url in urls.items()]
        results = await asyncio.gather(*handles)
        again = await d.download(urls["/0.bin"], downloads / "0.bin")
    assert [r.path.read_bytes() for r in results] == list(bodies.values())
    assert again.job_id == results[0].job_id


async def test_a_handle_pauses_resumes_and_is_iterated_for_progress(flaky_server, downloads):
    body = payload(SIZE)
    url = flaky_server.add("/p.bin", body, plan=FaultPlan(gate_after=100_000))
    async with wherry.Downloader() as d:
        handle = d.add(url, downloads / "p.bin")
        readings: list[wherry.Progress] = []

        async def follow() -> None:
            readings.extend([reading async for reading in handle])

        follower = asyncio.ensure_future(follow())
        assert await asyncio.to_thread(flaky_server.wait_gate, "/p.bin", 10)
        await handle.pause()
        assert handle.state is wherry.JobState.PAUSED
        flaky_server.release("/p.bin")
        waiting = asyncio.ensure_future(handle.result())
        for _ in range(50):  # loop turns, not time: a handle that gave up on pause would be done
            await asyncio.sleep(0)
        assert not waiting.done()
        await handle.resume()
        result = await asyncio.wait_for(waiting, 20)
        await asyncio.wait_for(follower, 5)
    assert result.path.read_bytes() == body
    assert result.bytes_reused == 0  # paused and resumed within one run: nothing came from an earlier one
    assert flaky_server.requests_for("/p.bin", "GET")[-1].range != "bytes=0-"
    assert readings[-1].bytes_downloaded == SIZE
    assert readings[-1].state is wherry.JobState.FINISHED


async def test_a_cancelled_handle_raises_and_leaves_no_file(flaky_server, downloads):
    url = flaky_server.add("/x.bin", payload(SIZE), plan=FaultPlan(gate_after=50_000))
    async with wherry.Downloader() as d:
        handle = d.add(url, downloads / "x.bin")
        assert await asyncio.to_thread(flaky_server.wait_gate, "/x.bin", 10)
        await handle.cancel()
        flaky_server.release("/x.bin")
        with pytest.raises(wherry.JobError) as caught:
            await handle
    assert caught.value.kind is ErrorKind.CANCELLED
    assert list(downloads.iterdir()) == []


async def test_headers_go_into_the_job(flaky_server, downloads):
    url = flaky_server.add("/auth.bin", payload(1000))
    async with wherry.Downloader() as d:
        handle = d.add(url, downloads / "auth.bin", headers={"Authorization": "Bearer t0ken"})
        await handle
        assert d._live_engine().job(handle.job_id).headers == (("Authorization", "Bearer t0ken"),)


async def test_a_job_finished_by_another_process_is_seen_by_an_open_downloader(flaky_server, downloads):
    body = payload(SIZE)
    url = flaky_server.add("/late.bin", body)
    async with wherry.Downloader() as d:
        # Another process (here: another downloader) finishes the file after d read the store.
        other = await wherry.download(url, downloads / "late.bin")
        gets = len(flaky_server.requests_for("/late.bin", "GET"))
        result = await d.download(url, downloads / "late.bin")
    assert result.job_id == other.job_id
    assert len(flaky_server.requests_for("/late.bin", "GET")) == gets


async def test_two_handles_for_the_same_file_download_it_once(flaky_server, downloads):
    body = payload(SIZE)
    url = flaky_server.add("/same.bin", body, plan=FaultPlan(gate_after=100_000))
    async with wherry.Downloader() as d:
        first = d.add(url, downloads / "same.bin")
        assert await asyncio.to_thread(flaky_server.wait_gate, "/same.bin", 10)
        second = d.add(url, downloads / "same.bin")
        await until(lambda: first.job_id is not None)
        flaky_server.release("/same.bin")
        one, two = await asyncio.gather(first, second)
    assert one.job_id == two.job_id
    assert two.bytes_reused == SIZE
    assert one.path.read_bytes() == body
    assert sum(r.bytes_sent for r in flaky_server.requests_for("/same.bin", "GET")) == SIZE


async def test_add_outside_the_context_is_a_programming_error(downloads):
    with pytest.raises(RuntimeError, match="async with"):
        wherry.Downloader().add("http://127.0.0.1:9/x", downloads / "x")
