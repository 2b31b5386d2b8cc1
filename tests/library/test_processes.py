"""Programs that download through the library in real processes: SIGKILL, rerun, two at once."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import wherry
from tests.e2e.conftest import REPO, stored_progress, wait_for
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.store import open_store

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to see open files"),
]

SIZE = 1_000_000

# A program that downloads one file and prints what it got (or the sentence it failed with).
PROGRAM = """
import json, sys, wherry
try:
    r = wherry.download_sync(sys.argv[1], sys.argv[2], sha256=sys.argv[3])
except wherry.DownloadError as e:
    print(json.dumps({"error": str(e), "kind": str(e.kind)}))
    sys.exit(1)
print(json.dumps({"path": str(r.path), "reused": r.bytes_reused, "job": r.job_id}))
"""


def _spawn(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, "-c", PROGRAM, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


def _has_open(pid: int, folder: Path) -> bool:
    """Does process ``pid`` have a file in ``folder`` open (Linux: /proc/PID/fd)?"""
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return any(Path(link).parent == folder for link in links)


def _finish(process: subprocess.Popen[str]) -> tuple[int, dict[str, object]]:
    out, err = process.communicate(timeout=60)
    assert out.strip(), err
    return process.returncode, json.loads(out.strip().splitlines()[-1])


def test_sigkill_mid_download_then_a_rerun_resumes(flaky_server, downloads, wherry_home):
    body = payload(SIZE)
    digest = hashlib.sha256(body).hexdigest()
    url = flaky_server.add("/big.bin", body, plan=FaultPlan(hold_at=400_000))
    process = _spawn(url, str(downloads / "big.bin"), digest)
    try:
        assert flaky_server.wait_bytes_sent("/big.bin", 400_000, 30)
        assert wait_for(lambda: stored_progress(wherry_home).get("big.bin") == 400_000)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        flaky_server.set_plan("/big.bin", FaultPlan())
        process.stdout.close()
        process.stderr.close()
    assert not (downloads / "big.bin").exists()

    result = wherry.download_sync(url, downloads / "big.bin", sha256=digest)

    assert result.path.read_bytes() == body
    assert result.bytes_reused == 400_000
    assert flaky_server.requests_for("/big.bin", "GET")[-1].range.startswith("bytes=400000-")


def test_the_same_job_from_two_processes_at_once_waits_and_corrupts_nothing(
    flaky_server, downloads, wherry_home
):
    body = payload(SIZE)
    digest = hashlib.sha256(body).hexdigest()
    url = flaky_server.add("/twice.bin", body, plan=FaultPlan(hold_at=300_000))
    first = _spawn(url, str(downloads / "twice.bin"), digest)
    second = None
    try:
        assert flaky_server.wait_bytes_sent("/twice.bin", 300_000, 30)
        second = _spawn(url, str(downloads / "twice.bin"), digest)
        # The second program holds the lock file open, waiting for the first to let go.
        assert wait_for(lambda: _has_open(second.pid, wherry_home / "locks"), 30)
        assert second.poll() is None
        gets = len(flaky_server.requests_for("/twice.bin", "GET"))
        flaky_server.set_plan("/twice.bin", FaultPlan())
        (code1, one), (code2, two) = _finish(first), _finish(second)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
    assert (code1, code2) == (0, 0), (one, two)
    assert one["job"] == two["job"]
    assert two["reused"] == SIZE
    assert (downloads / "twice.bin").read_bytes() == body
    assert len(flaky_server.requests_for("/twice.bin", "GET")) == gets, "the second program fetched too"
    repository, _ = open_store(wherry_home / "wherry.db")
    try:
        assert len(repository.load_jobs()) == 1
    finally:
        repository.close()
