"""The part of the engine the window uses, as a protocol (the UI never imports the engine)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

from wherry.core import AddRequest, ChecksumSpec, Job, JobId, Progress, Settings

__all__ = ["EnginePort", "MoveWhere", "SettingsStore"]

MoveWhere = Literal["up", "down", "top", "bottom"]


class EnginePort(Protocol):
    """What ``wherry.engine.Engine`` offers the window; all coroutines run on the qasync loop."""

    def jobs(self) -> list[Job]: ...

    def job(self, job_id: JobId) -> Job: ...

    def snapshot(self, active_only: bool = False) -> dict[JobId, Progress]: ...

    def progress_of(self, job_id: JobId) -> Progress: ...

    def history(self, job_id: JobId) -> list[tuple[datetime, str]]: ...

    def runs_elsewhere(self, job_id: JobId) -> bool:
        """Is another Wherry (a command line, a script) running the job, or holding it for later?"""
        ...

    def update_settings(self, settings: Settings) -> None: ...

    async def add(self, request: AddRequest) -> Job: ...

    async def pause(self, job_id: JobId) -> None: ...

    async def resume(self, job_id: JobId) -> None: ...

    async def retry(self, job_id: JobId) -> None: ...

    async def cancel(self, job_id: JobId) -> None: ...

    async def remove(self, job_id: JobId, delete_file: bool = False) -> None: ...

    async def pause_all(self) -> None: ...

    async def resume_all(self) -> None: ...

    async def move(self, job_id: JobId, where: MoveWhere) -> None: ...

    async def replace_url(self, job_id: JobId, url: str) -> str: ...

    def replace_credentials(
        self,
        job_id: JobId,
        headers: tuple[tuple[str, str], ...],
        secret: tuple[str, ...] = (),
        cookie_file: str | None = None,
    ) -> None: ...

    async def find_checksum(self, request: AddRequest) -> tuple[ChecksumSpec, str]: ...


class SettingsStore(Protocol):
    """Where settings live (the job database), shared with the engine and the command line."""

    def load_settings(self) -> Settings: ...

    def save_settings(self, settings: Settings) -> None: ...
