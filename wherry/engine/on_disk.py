"""Downloads that need no download: the file was renamed just before a crash, or an identical
file is already on disk (same size and digest) and is copied or linked instead."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from wherry.core.errors import WherryError
from wherry.core.jobs import Segment
from wherry.engine.http_errors import translate_disk_error
from wherry.engine.probe import probe
from wherry.engine.published import GIT_BLOB, hash_prefix

if TYPE_CHECKING:
    from wherry.engine.runner import Runner

__all__ = ["renamed_before_a_crash", "reuse_copy"]


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
    runner.decide_name(remote)
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
    runner.rename()
    ctx.note(job, f"An identical file was already at {found}; it was {how} instead of downloaded.")
    return True
