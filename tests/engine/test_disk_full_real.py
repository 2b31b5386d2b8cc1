"""A disk that really fills up mid-download: the job pauses, keeps every byte, finishes later.

The download folder is a small loop-mounted file system without fallocate (see
tests/helpers/small_disk.py), so no preallocation catches the full disk at the start: ENOSPC
arrives from write(2) in the middle of the transfer, as it does on a FAT USB stick.
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import os

from tests.engine.conftest import payload, until
from tests.helpers.flaky_server import FaultPlan
from tests.helpers.small_disk import fill_to, small_disk
from wherry.core.errors import ErrorKind
from wherry.core.jobs import AddRequest, JobState

KIB, MIB = 1024, 1024 * 1024
SIZE = 3 * MIB
GATE = 512 * KIB


def _fallocate_unsupported(folder) -> bool:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    fd = os.open(folder / "probe", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        failed = libc.fallocate(fd, 0, ctypes.c_longlong(0), ctypes.c_longlong(4096)) != 0
        return failed and ctypes.get_errno() in (errno.EOPNOTSUPP, errno.ENOTSUP)
    finally:
        os.close(fd)
        (folder / "probe").unlink()


async def test_a_disk_filling_up_mid_download_pauses_keeps_the_bytes_and_finishes_after_space_is_freed(
    harness, flaky_server, tmp_path
):
    body = payload(SIZE)
    url = flaky_server.add("/big.bin", body, plan=FaultPlan(gate_after=GATE))
    with small_disk(tmp_path, size_mib=8) as (disk, _fstype):
        assert _fallocate_unsupported(disk), "the test needs a file system without fallocate"
        engine = await harness.open()
        job = await engine.add(AddRequest(url=url, directory=str(disk), connections=1))
        assert await asyncio.to_thread(flaky_server.wait_gate, "/big.bin", 10)
        await until(lambda: job.bytes_done == GATE)
        # Someone else fills the disk while the download runs: about 1 MiB stays free.
        filler = await asyncio.to_thread(fill_to, disk, MIB)
        flaky_server.release("/big.bin")
        paused = await asyncio.wait_for(engine.wait(job.id), 30)
        assert paused.state is JobState.PAUSED
        assert paused.error_kind is ErrorKind.DISK_FULL
        assert paused.error_message.startswith("The disk is full;")
        kept = paused.bytes_done
        assert GATE < kept < SIZE  # it got past the gate, then the disk ran out
        part = disk / "big.bin.part"
        stored = next(j for j in harness.repository.load_jobs() if j.id == job.id)
        assert stored.bytes_done == kept
        on_disk = part.read_bytes()
        for segment in stored.segments:  # every counted byte is the server's
            assert on_disk[segment.start : segment.position] == body[segment.start : segment.position]
        assert not (disk / "big.bin").exists()

        filler.unlink()
        await engine.resume(job.id)
        done = await asyncio.wait_for(engine.wait(job.id), 30)
        assert done.state is JobState.FINISHED, done.error_message
        assert (disk / "big.bin").read_bytes() == body
        resumed = flaky_server.requests_for("/big.bin", "GET")[-1]
        assert resumed.range is not None
        assert resumed.range.startswith(f"bytes={kept}-")  # nothing kept was fetched again
        await harness.close()
