"""The torture bench in small: one multi-connection download SIGKILLed several times, rerun after
each kill, then checked byte for byte (bench/torture.py does 20 kills of 1 GiB)."""

from __future__ import annotations

import hashlib
import os
import signal

import pytest

from tests.e2e.conftest import spawn, wherry
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.store import open_store

pytestmark = pytest.mark.e2e

SIZE = 2 * 1024 * 1024
RATE = 250_000  # per connection: four connections make the whole file last about two seconds
# Where the kills fall, as bytes served in all (the file once is SIZE): a few mid-transfer instants.
KILLS = (300_000, 1_100_000, 1_900_000)


def _counted(home, workdir, body: bytes) -> int:
    """Check every byte the store counts against the server's file; return how many it counts."""
    repo, _ = open_store(home / "wherry.db")
    try:
        (job,) = repo.load_jobs()
    finally:
        repo.close()
    part = workdir / "t.bin.part"
    on_disk = part.read_bytes() if part.exists() else b""
    for segment in job.segments:
        assert on_disk[segment.start : segment.position] == body[segment.start : segment.position]
    return job.bytes_done


def test_several_sigkills_of_one_download_then_the_exact_file(flaky_server, workdir, wherry_home):
    body = payload(SIZE, seed=11)
    digest = hashlib.sha256(body).hexdigest()
    url = flaky_server.add("/t.bin", body, plan=FaultPlan(drip_rate=RATE))
    argv = ("get", url, "-c", "4", "-o", "t.bin", "--sha256", digest)
    counted = []
    for served in KILLS:
        process = spawn(*argv, cwd=workdir)
        try:
            assert flaky_server.wait_bytes_sent("/t.bin", served, 30)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
            process.stdout.close()
            process.stderr.close()
        assert not (workdir / "t.bin").exists()
        counted.append(_counted(wherry_home, workdir, body))
    assert counted == sorted(counted), "a rerun never loses what a checkpoint kept"
    assert counted[-1] > 0
    last = wherry(*argv, cwd=workdir)
    assert last.returncode == 0, last.stderr
    assert (workdir / "t.bin").read_bytes() == body
    # Each kill costs at most what arrived since the last checkpoint (one second) and the bytes in
    # flight: far less than starting again from zero would.
    extra = flaky_server.bytes_sent("/t.bin") - SIZE
    assert extra <= len(KILLS) * (4 * RATE * 1.5 + 256 * 1024)
