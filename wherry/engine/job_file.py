"""Where one job's bytes go: its final name, decided once, and its locked .part file.

The name comes from the first response (or the request) and never changes afterwards, except
to step past a file or a .part that another process put at it first: a name this run chose is
claimed by creating its .part exclusively, and the rename at the end never replaces a file it
was not asked to.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from wherry.core.errors import ErrorKind, JobError
from wherry.core.jobs import Job
from wherry.engine.http_errors import translate_disk_error
from wherry.engine.naming import sanitize_filename, unique_name
from wherry.engine.partfile import PartFile, finalize
from wherry.engine.probe import RemoteFile, url_filename
from wherry.engine.sizes import human_size

if TYPE_CHECKING:
    from wherry.engine.runner import RunContext

__all__ = ["JobFile"]

# Names tried, at most, when other files keep taking the next free one.
_NAME_TRIES = 100


class JobFile:
    def __init__(self, job: Job, ctx: RunContext) -> None:
        self.job = job
        self.ctx = ctx
        self.part: PartFile | None = None
        # The name was chosen by this run and its .part is not created yet: another process may
        # take the same free name in between, so the .part is created only if still absent.
        self._unclaimed: str | None = None  # the name before numbering, while unclaimed

    def decide_name(self, remote: RemoteFile) -> None:
        """Fix the final file name from the first response; never changes afterwards."""
        job = self.job
        if job.filename:
            return
        if job.requested_name:
            job.filename = job.requested_name
        else:
            suggested = remote.filename or url_filename(remote.final_url) or url_filename(job.url)
            name = sanitize_filename(suggested)
            taken = self.ctx.taken_names(job)
            self._unclaimed = name
            if self.ctx.from_before(job) and name not in taken:
                job.filename = self._own_name_from_before(name)
            else:
                job.filename = unique_name(job.directory, name, taken)

    def _own_name_from_before(self, name: str) -> str:
        """The natural name of a job from an earlier run that no other job holds.

        That run may have left its .part, or even its finished file, at this name before the
        store heard of it: its saves wait a group commit (milliseconds). So the name is kept,
        not numbered past what may be its own. A .part left there is resumed (its lock still
        guards against a live owner; the store counts none of its bytes, so none is trusted).
        A file in the way is compared when the download ends (``kept_from_before``): the same
        bytes are that run's, anything else keeps its name and the download takes the next.
        """
        if os.path.lexists(Path(self.job.directory, f"{name}.part")):
            self._unclaimed = None  # opened as a resume, not created
            self.ctx.note(self.job, f"Using {name}.part again, left by a run stopped before saving the name.")
        return name

    def check_space(self, total: int | None) -> None:
        remaining = (total or 0) - self.job.bytes_done
        if remaining <= 0:
            return
        try:
            free = shutil.disk_usage(self.job.directory).free
        except OSError:
            return
        if free < remaining:
            raise JobError(
                ErrorKind.DISK_FULL, f"The disk is full; {human_size(remaining - free)} more is needed."
            )

    def open(self) -> PartFile:
        """The job's .part, opened (or, for a name this run chose, created) on first use."""
        if self.part is None:
            self.part = self._open(new=False) if self._unclaimed is None else self._claim_name()
        return self.part

    def _open(self, new: bool) -> PartFile:
        path = self.job.part_path
        assert path is not None, "the name is decided before the first byte"
        return PartFile.open(path, self.ctx.syncs, new=new)

    def _claim_name(self) -> PartFile:
        """Create the .part of a name chosen by this run; if another process (a second Wherry
        on the same folder) created it since, move on to the next free name."""
        job, base = self.job, self._unclaimed or ""
        for _ in range(_NAME_TRIES):
            try:
                part = self._open(new=True)
            except FileExistsError:
                # That .part now exists, so the name it belongs to is no longer free.
                job.filename = unique_name(job.directory, base, self.ctx.taken_names(job))
                self.ctx.changed(job, "name")
                continue
            self._unclaimed = None
            return part
        raise JobError(ErrorKind.FILE_EXISTS, f"No free name for {job.filename} could be found.")

    def rename(self, sync_folder: bool = True) -> None:
        """Put the finished .part at the job's final name (the next free one if a file took it)."""
        job = self.job
        part, target = job.part_path, job.target
        assert part is not None
        assert target is not None
        for _ in range(_NAME_TRIES):
            try:
                finalize(part, target, job.overwrite, sync_folder)
                return
            except FileExistsError as exc:
                if job.requested_name:
                    raise JobError(
                        ErrorKind.FILE_EXISTS,
                        f"{target} appeared while downloading and was not replaced; "
                        f"the download is kept as {part.name}.",
                    ) from exc
                # A file took our name meanwhile: pick the next free one and keep the .part.
                new_name = unique_name(Path(job.directory), job.filename or "", self.ctx.taken_names(job))
                new_part = Path(job.directory, new_name + ".part")
                part.rename(new_part)
                job.filename = new_name
                part, target = new_part, Path(job.directory, new_name)
                self.ctx.changed(job, "name")
            except OSError as exc:
                raise translate_disk_error(exc, str(target)) from exc
        raise JobError(ErrorKind.FILE_EXISTS, f"No free name for {job.filename} could be found.")
