"""What the engine needs from the outside world, as protocols its composition root fills in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from wherry.core.jobs import ChecksumSpec, Job, JobId
from wherry.core.settings import Settings

__all__ = ["Hasher", "JobRepository", "LocalCopies", "SettingsRepository", "Verifier"]


class JobRepository(Protocol):
    """Durable home of jobs. Every method commits before it returns (an implementation may let
    running jobs' saves share a later transaction, keeping their order and values)."""

    def load_jobs(self) -> list[Job]:
        """All jobs, in queue order (``position``, then creation time)."""
        ...

    def save_job(self, job: Job) -> None:
        """Insert or update the job with its mirrors and segments, in one transaction."""
        ...

    def save_jobs(self, jobs: Sequence[Job]) -> None:
        """Insert or update several jobs in one transaction (a list of URLs added at once)."""
        ...

    def save_progress(self, job: Job) -> None:
        """Checkpoint: write only the segments' ``done`` counters and size/validators. Cheap."""
        ...

    def save_positions(self, positions: dict[JobId, int]) -> None:
        """Write new queue positions (a reorder) in one transaction."""
        ...

    def delete_job(self, job_id: JobId) -> None: ...

    def add_history(self, job_id: JobId, message: str) -> None:
        """Append a line (retry, error, restart…) to the job's history, stamped with the time now."""
        ...

    def load_history(self, job_id: JobId) -> list[tuple[datetime, str]]:
        """The job's history lines, oldest first."""
        ...

    def purge_finished(self, older_than: timedelta) -> int:
        """Forget finished jobs older than ``older_than``; return how many were removed."""
        ...


class SettingsRepository(Protocol):
    def load_settings(self) -> Settings: ...

    def save_settings(self, settings: Settings) -> None: ...


class Hasher(Protocol):
    """The part of a hashlib object Wherry uses."""

    name: str

    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...

    def copy(self) -> Hasher: ...


class Verifier(Protocol):
    """Hashing off the event loop (a thread pool in the app, an executor headless)."""

    async def hash_prefix(self, path: Path, algorithm: str, length: int) -> Hasher:
        """Hash the first ``length`` bytes of ``path``; the result can keep absorbing bytes."""
        ...


class LocalCopies(Protocol):
    """Finding a file that is already on disk, so a download can be a copy instead."""

    async def find(
        self,
        checksum: ChecksumSpec,
        size: int,
        folders: Sequence[str | Path],
        shallow: Sequence[str | Path] = (),
    ) -> Path | None:
        """A file of ``size`` bytes whose digest is ``checksum``, directly in one of ``shallow``
        or anywhere under ``folders``; None if there is none."""
        ...
