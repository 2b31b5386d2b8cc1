"""The torture bench in small: one multi-connection download SIGKILLed several times, rerun after
each kill, then checked byte for byte (bench/torture.py does 20 kills of 1 GiB)."""

from __future__ import annotations

import hashlib
import os
import signal

import pytest

from tests.e2e.conftest import spawn, stored_progress, wait_for, wherry
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.store import open_store

pytestmark = pytest.mark.e2e

SIZE = 3 * 1024 * 1024
RATE = 250_000  # per connection: four connections make the whole file last about three seconds
# The first kill comes before any checkpoint; each later one once the run has checkpointed
# something new, so every rerun has bytes to keep and the kills fall mid-transfer.
KILLS = ("before-a-checkpoint", "after-a-checkpoint", "after-a-checkpoint")


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


def _history(home) -> list[str]:
    repo, _ = open_store(home / "wherry.db")
    try:
        (job,) = repo.load_jobs()
        return [line for _, line in repo.load_history(job.id)]
    finally:
        repo.close()


def test_several_sigkills_of_one_download_then_the_exact_file(flaky_server, workdir, wherry_home):
    # Small pieces, as a big file gets them: with a checksum the connections take the file piece
    # by piece in order, and the rest of the file is one segment past the pieces in flight.
    repo, _ = open_store(wherry_home / "wherry.db")
    try:
        repo.save_settings(repo.load_settings().with_changes(min_split_size=128 * 1024))
    finally:
        repo.close()
    body = payload(SIZE, seed=11)
    digest = hashlib.sha256(body).hexdigest()
    url = flaky_server.add("/t.bin", body, plan=FaultPlan(drip_rate=RATE))
    argv = ("get", url, "-c", "4", "-o", "t.bin", "--sha256", digest)
    counted = [0]
    for when in KILLS:
        process = spawn(*argv, cwd=workdir)
        try:
            if when == "before-a-checkpoint":
                assert flaky_server.wait_bytes_sent("/t.bin", 200_000, 30)
            else:
                assert wait_for(lambda: stored_progress(wherry_home).get("t.bin", 0) > counted[-1], 20)
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
    assert counted[-1] > counted[-2] > 0
    last = wherry(*argv, cwd=workdir)
    assert last.returncode == 0, last.stderr
    assert (workdir / "t.bin").read_bytes() == body
    assert not [line for line in _history(wherry_home) if "starting again" in line]
    # Each kill costs at most what arrived since the last checkpoint (one second) and the bytes in
    # flight: far less than starting again from zero would.
    extra = flaky_server.bytes_sent("/t.bin") - SIZE
    assert extra <= len(KILLS) * (4 * RATE * 1.5 + 256 * 1024)
