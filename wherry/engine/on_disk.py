"""Downloads that need no download: the file was renamed just before a crash, or an identical
file is already on disk (same size and digest) and is copied or linked instead; and a second
copy that needs no keeping, because the run before a crash had already put the same bytes in
place."""

from __future__ import annotations

import asyncio
import filecmp
import os
import shutil
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from wherry.core.errors import WherryError
from wherry.core.jobs import Segment
from wherry.engine.http_errors import translate_disk_error
from wherry.engine.probe import probe
from wherry.engine.published import GIT_BLOB, hash_prefix

if TYPE_CHECKING:
    from wherry.engine.runner import Runner

__all__ = ["kept_from_before", "renamed_before_a_crash", "reuse_copy"]


async def renamed_before_a_crash(runner: Runner) -> bool:
    """All bytes were in and the file was renamed, but the process died before the job was
    saved as finished: recognise the finished file instead of fetching it again."""
    job = runner.job
    part, target = job.part_path, job.target
    if not runner.finished() or job.total_size is None or part is None or target is None:
        return False
    if part.exists() or not target.is_file() or target.stat().st_size != job.total_size:
        return False
    if job.checksum is not None:
        hasher = await hash_prefix(
            runner.ctx.verifier, target, job.checksum.algorithm, job.total_size, job.total_size
        )
        if hasher.hexdigest() != job.checksum.hexdigest:
            return False
        job.actual_digest = job.checksum.hexdigest
    runner.ctx.note(job, "The file had been completed just before Wherry stopped; nothing was fetched again.")
    return True


async def kept_from_before(runner: Runner) -> bool:
    """Is the file at the job's name already these very bytes, put there by the job's own run
    before a crash? Then that file is the download, and the .part (the second copy) goes.

    The engine's saves wait a group commit (milliseconds), so a run can sync and rename a file
    before the store hears that it started; run again, the job finds its own file in the way.
    Only a job from an earlier run can have made it, and only identical bytes prove it did: a
    different file keeps its name and the download takes the next free one, as ever. The
    .part is compared while still open and locked.
    """
    job = runner.job
    part, target = job.part_path, job.target
    if job.overwrite or part is None or target is None or not runner.ctx.from_before(job):
        return False
    try:
        found = os.lstat(target)
    except OSError:
        return False  # most jobs: nothing there, and no trip to a thread
    if not stat.S_ISREG(found.st_mode) or found.st_size != job.total_size:
        return False
    if not await asyncio.get_running_loop().run_in_executor(None, _same_bytes, part, target):
        return False
    if runner.part is not None:
        runner.part.close()
    try:
        part.unlink()
    except OSError as exc:
        raise translate_disk_error(exc, str(part)) from exc
    runner.ctx.note(
        job,
        f"{target.name} had been completed by a run stopped before it was recorded; the copy "
        "fetched again was identical, so the file is kept once.",
    )
    return True


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        # The same file under two names: a crash between the link and the unlink of the rename.
        return os.path.samefile(a, b) or filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


async def reuse_copy(runner: Runner) -> bool:
    """Before the first byte: if the file is already on disk (same size and digest), use it."""
    job, ctx = runner.job, runner.ctx
    if job.checksum is None or ctx.copies is None or not ctx.settings.reuse_existing or job.bytes_done:
        return False
    if job.checksum.algorithm == GIT_BLOB:
        return False  # the library's index knows plain digests, not git blob ids
    try:
        remote = await probe(ctx.transport, job.url, job)
    except WherryError:
        return False  # the download itself will meet the problem and report it
    if remote.total_size is None:
        return False  # without a size every file would have to be hashed
    found = await ctx.copies.find(
        job.checksum, remote.total_size, ctx.settings.library_dirs, shallow=[job.directory]
    )
    if found is None:
        return False
    job.total_size = remote.total_size
    job.segments = [Segment(0, remote.total_size, remote.total_size)]
    job.actual_digest = job.checksum.hexdigest
    if not job.requested_name and found.parent == Path(job.directory).resolve():
        # Already in the download folder: that file is the download; no second copy.
        job.filename = found.name
        ctx.note(
            job,
            f"{found.name} was already in the folder with the expected checksum; nothing was downloaded.",
        )
        return True
    runner.file.decide_name(remote)
    part = job.part_path
    assert part is not None
    how = "copied"
    try:
        if ctx.settings.link_existing:
            try:
                os.link(found, part)
                how = "linked"
            except OSError:
                pass  # another disk, or no hard links here: copy instead
        if how == "copied":
            await asyncio.get_running_loop().run_in_executor(None, shutil.copyfile, found, part)
    except OSError as exc:
        raise translate_disk_error(exc, str(part)) from exc
    runner.file.rename()
    ctx.note(job, f"An identical file was already at {found}; it was {how} instead of downloaded.")
    return True
