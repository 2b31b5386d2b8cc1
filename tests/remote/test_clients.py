"""Real aria2 clients (aria2p, aioaria2) driving a real `wherry serve` over loopback."""

from __future__ import annotations

import asyncio
import hashlib
import queue
import threading
import time

import pytest

from tests.e2e.conftest import wait_for
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from tests.remote.conftest import SECRET

pytestmark = pytest.mark.e2e

TIMEOUT = 30.0
SIZE = 1_500_000


class Listener:
    """aria2p's notification loop in a thread, collecting (kind, gid)."""

    def __init__(self, client) -> None:
        self.client = client
        self.seen: queue.Queue[tuple[str, str]] = queue.Queue()
        kinds = ("start", "pause", "stop", "complete", "error")
        callbacks = {f"on_download_{k}": (lambda gid, k=k: self.seen.put((k, gid))) for k in kinds}
        self.thread = threading.Thread(
            target=client.listen_to_notifications,
            kwargs={**callbacks, "timeout": 1, "handle_signals": False},
            daemon=True,
        )
        self.thread.start()

    def wait(self, kind: str, gid: str, timeout: float = TIMEOUT) -> None:
        if not self.saw(kind, gid, timeout):
            raise AssertionError(f"no {kind} notification for {gid}")

    def saw(self, kind: str, gid: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.seen.get(timeout=max(deadline - time.monotonic(), 0.01)) == (kind, gid):
                    return True
            except queue.Empty:
                break
        return False

    def warm_up(self, api, flaky_server) -> None:
        """aria2p opens its WebSocket in the thread; a notification that arrives proves it is open."""
        for attempt in range(20):
            url = flaky_server.add(f"/warm{attempt}.bin", payload(1000, seed=attempt))
            if self.saw("complete", api.add_uris([url]).gid, timeout=2.0):
                return
        raise AssertionError("aria2p never received a notification")

    def stop(self) -> None:
        self.client.stop_listening()
        self.thread.join(timeout=10)


def test_aria2p_adds_lists_pauses_resumes_removes_and_listens(served, flaky_server, downloads):
    import aria2p

    api = aria2p.API(aria2p.Client(host="http://127.0.0.1", port=served.port, secret=SECRET))
    assert wait_for(lambda: api.client.get_version()["version"] == "1.37.0", TIMEOUT)
    listener = Listener(api.client)
    try:
        listener.warm_up(api, flaky_server)

        body = payload(SIZE)
        url = flaky_server.add("/big.bin", body, plan=FaultPlan(gate_after=400_000))
        download = api.add_uris([url], options={"split": "1", "dir": str(downloads)})
        listener.wait("start", download.gid)
        assert download.gid in {d.gid for d in api.get_downloads()}
        assert flaky_server.wait_gate("/big.bin", TIMEOUT)

        assert api.pause([download]) == [True]
        listener.wait("pause", download.gid)
        download.update()
        assert download.status == "paused"
        assert 0 < download.completed_length < SIZE

        flaky_server.release("/big.bin")
        assert api.resume([download]) == [True]
        listener.wait("complete", download.gid)
        download.update()
        assert download.is_complete
        assert download.total_length == download.completed_length == SIZE
        assert download.name == "big.bin"
        assert hashlib.sha256((downloads / "big.bin").read_bytes()).digest() == hashlib.sha256(body).digest()

        held = api.add_uris(
            [flaky_server.add("/held.bin", payload(SIZE), plan=FaultPlan(gate_after=200_000))]
        )
        assert flaky_server.wait_gate("/held.bin", TIMEOUT)
        assert api.remove([held]) == [True]
        listener.wait("stop", held.gid)
        # Removed for aria2p (and its result cleaned), kept by Wherry: the .part is still there.
        assert held.gid not in {d.gid for d in api.get_downloads()}
        assert (downloads / "held.bin.part").exists()
    finally:
        listener.stop()


def test_aioaria2_over_http_and_websocket(served, flaky_server, downloads):
    import aioaria2

    body = payload(400_000, seed=11)
    url = flaky_server.add("/aio.bin", body)
    missing = flaky_server.add("/missing.bin", b"", plan=FaultPlan(always_status=404))

    async def scenario() -> None:
        rpc = f"http://127.0.0.1:{served.port}/jsonrpc"
        async with aioaria2.Aria2HttpClient(rpc, token=SECRET) as http:
            assert (await http.getVersion())["version"] == "1.37.0"
            ws = await aioaria2.Aria2WebsocketClient.new(
                f"ws://127.0.0.1:{served.port}/jsonrpc", token=SECRET
            )
            try:
                done: dict[str, asyncio.Future[str]] = {
                    k: asyncio.get_running_loop().create_future() for k in ("complete", "error")
                }

                @ws.onDownloadComplete
                async def complete(trigger, data):
                    if not done["complete"].done():
                        done["complete"].set_result(data["params"][0]["gid"])

                @ws.onDownloadError
                async def error(trigger, data):
                    if not done["error"].done():
                        done["error"].set_result(data["params"][0]["gid"])

                gid = await ws.addUri([url], {"dir": str(downloads)})
                assert await asyncio.wait_for(done["complete"], TIMEOUT) == gid
                status = await http.tellStatus(gid, ["status", "completedLength", "files"])
                assert status["status"] == "complete"
                assert status["completedLength"] == str(len(body))
                assert status["files"][0]["path"] == str(downloads / "aio.bin")
                bad = await http.addUri([missing])
                assert await asyncio.wait_for(done["error"], TIMEOUT) == bad
                failed = await http.tellStatus(bad, ["status", "errorCode", "errorMessage"])
                assert failed["status"] == "error"
                assert failed["errorCode"] == "3"  # aria2's "resource not found"
                assert failed["errorMessage"]
                stopped = await http.tellStopped(0, 10, ["gid"])
                assert {s["gid"] for s in stopped} == {gid, bad}
            finally:
                await ws.close()

    asyncio.run(scenario())
    assert (downloads / "aio.bin").read_bytes() == body
