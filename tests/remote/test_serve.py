"""`wherry serve` as a process: the whole queue, SIGTERM, restarts, refusals in one sentence."""

from __future__ import annotations

import os
import signal
import socket

import pytest

from tests.e2e.conftest import stored_progress, wait_for, wherry
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from tests.remote.conftest import SECRET, TIMEOUT, post, start_serve, store_fast_settings

pytestmark = pytest.mark.e2e

SIZE = 2_000_000


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_pauses_at_a_checkpoint_exits_0_and_the_next_start_finishes_the_file(
    served, flaky_server, downloads, wherry_home, tmp_path, signum
):
    body = payload(SIZE)
    url = flaky_server.add("/big.bin", body, plan=FaultPlan(gate_after=SIZE // 2))
    gid = served.call("aria2.addUri", [url], {"split": "1"})
    assert flaky_server.wait_gate("/big.bin", TIMEOUT)
    assert wait_for(lambda: stored_progress(wherry_home).get("big.bin", 0) >= SIZE // 2, TIMEOUT)
    os.killpg(served.proc.pid, signum)
    assert served.proc.wait(timeout=TIMEOUT) == 0
    assert (downloads / "big.bin.part").exists()
    assert not (downloads / "big.bin").exists()
    kept = stored_progress(wherry_home)["big.bin"]
    assert kept >= SIZE // 2

    flaky_server.release("/big.bin")
    again = start_serve(tmp_path)  # resumes unfinished jobs by itself, nobody asks
    try:
        assert wait_for(lambda: (downloads / "big.bin").exists(), TIMEOUT)
        status = again.call("aria2.tellStatus", gid, ["status", "completedLength"])
        assert status == {"status": "complete", "completedLength": str(SIZE)}
    finally:
        assert again.stop() == 0
    assert (downloads / "big.bin").read_bytes() == body
    resumed = [r for r in flaky_server.requests_for("/big.bin", "GET") if r.range]
    assert resumed[-1].range.startswith(f"bytes={kept}-")


def test_serve_runs_the_whole_queue_including_jobs_added_elsewhere(
    flaky_server, downloads, wherry_home, tmp_path
):
    store_fast_settings(wherry_home, downloads)
    url = flaky_server.add("/queued.bin", payload(10_000))
    # A job left in the queue (here by an interrupted `wherry get`) is the serve process's too.
    from wherry.core.jobs import Job
    from wherry.store import open_store

    repository, _ = open_store(wherry_home / "wherry.db")
    repository.save_job(Job(url=url, directory=str(downloads)))
    repository.close()
    server = start_serve(tmp_path)
    try:
        assert wait_for(lambda: (downloads / "queued.bin").exists(), TIMEOUT)
    finally:
        assert server.stop() == 0


def test_shutdown_over_rpc_stops_the_process_cleanly(served):
    assert served.call("aria2.shutdown") == "OK"
    assert served.proc.wait(timeout=TIMEOUT) == 0


def test_a_port_in_use_is_refused_in_one_sentence(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = wherry("serve", "--port", str(port), cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"wherry: Port {port} is already in use by another program; choose another port."]


def test_listen_all_without_a_secret_is_refused(tmp_path):
    result = wherry("serve", "--listen-all", "--port", "0", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "needs a secret" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_secret_can_come_from_a_file(tmp_path, wherry_home, downloads):
    store_fast_settings(wherry_home, downloads)
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("from-a-file\n", encoding="utf-8")
    from tests.e2e.conftest import spawn
    from tests.remote.conftest import Served, read_port

    proc = spawn("serve", "--port", "0", "--secret-file", str(secret_file), cwd=tmp_path)
    server = Served(proc, read_port(proc), secret="from-a-file")
    try:
        assert server.call("aria2.getVersion")["version"] == "1.37.0"
        status, answer = post(
            server.url, f'{{"id": 1, "method": "aria2.getVersion", "params": ["token:{SECRET}"]}}'.encode()
        )
        assert status == 400
        assert answer["error"]["message"] == "Unauthorized"
    finally:
        assert server.stop() == 0


def test_the_log_file_records_what_serve_did(served, wherry_home):
    served.call("aria2.getVersion")
    assert served.stop() == 0
    log = (wherry_home / "wherry.log").read_text(encoding="utf-8")
    assert "remote control listening on port" in log


def test_what_a_client_removed_stays_removed_across_restarts_and_the_bytes_stay(
    served, flaky_server, downloads, wherry_home, tmp_path
):
    url = flaky_server.add("/kept.bin", payload(SIZE), plan=FaultPlan(gate_after=300_000, gate_times=None))
    gid = served.call("aria2.addUri", [url], {"split": "1"})
    assert flaky_server.wait_gate("/kept.bin", TIMEOUT)
    assert served.call("aria2.remove", gid) == gid
    assert served.stop() == 0

    again = start_serve(tmp_path)
    try:
        assert again.call("aria2.tellStatus", gid, ["status"]) == {"status": "removed"}
        assert again.call("aria2.removeDownloadResult", gid) == "OK"
    finally:
        assert again.stop() == 0
    third = start_serve(tmp_path)
    try:
        status, answer = post(
            third.url,
            f'{{"id": 1, "method": "aria2.tellStatus", "params": ["token:{SECRET}", "{gid}"]}}'.encode(),
        )
        assert status == 400
        assert "not found" in answer["error"]["message"]
        assert third.call("aria2.tellWaiting", 0, 10, ["gid"]) == []
    finally:
        assert third.stop() == 0
    # Out of the clients' sight, never lost: the job and its bytes are still Wherry's.
    assert stored_progress(wherry_home)["kept.bin"] > 0
    assert (downloads / "kept.bin.part").exists()


def test_after_sigkill_the_next_serve_continues_from_the_last_checkpoint(
    served, flaky_server, downloads, wherry_home, tmp_path
):
    body = payload(SIZE, seed=5)
    url = flaky_server.add("/killed.bin", body, plan=FaultPlan(gate_after=SIZE // 2))
    gid = served.call("aria2.addUri", [url], {"split": "1"})
    assert flaky_server.wait_gate("/killed.bin", TIMEOUT)
    assert wait_for(lambda: stored_progress(wherry_home).get("killed.bin", 0) >= SIZE // 2, TIMEOUT)
    os.killpg(served.proc.pid, signal.SIGKILL)
    served.proc.wait(timeout=TIMEOUT)
    kept = stored_progress(wherry_home)["killed.bin"]
    flaky_server.release("/killed.bin")
    again = start_serve(tmp_path)
    try:
        assert wait_for(lambda: (downloads / "killed.bin").exists(), TIMEOUT)
        assert again.call("aria2.tellStatus", gid, ["status"]) == {"status": "complete"}
    finally:
        assert again.stop() == 0
    assert (downloads / "killed.bin").read_bytes() == body
    resumed = [r for r in flaky_server.requests_for("/killed.bin", "GET") if r.range]
    assert resumed[-1].range.startswith(f"bytes={kept}-")
