"""In-memory doubles of the engine and the settings store for model and widget tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from wherry.core import (
    AddRequest,
    ErrorKind,
    Event,
    InputError,
    Job,
    JobAdded,
    JobId,
    JobPaused,
    JobQueued,
    JobRemoved,
    JobState,
    Progress,
    Segment,
    Settings,
)


class MemorySettingsStore:
    def __init__(self) -> None:
        self.saved: list[Settings] = []

    def load_settings(self) -> Settings:
        return self.saved[-1] if self.saved else Settings()

    def save_settings(self, settings: Settings) -> None:
        self.saved.append(settings)


class FakeEngine:
    """Keeps jobs in a list and answers the engine's public methods without any network.

    ``progress`` is what ``snapshot()`` returns; tests change it to simulate transfers.
    """

    def __init__(self, jobs: list[Job] | None = None) -> None:
        self.sink: Callable[[Event], None] = lambda event: None
        self._jobs: list[Job] = list(jobs or [])
        self.progress: dict[JobId, Progress] = {}
        self.settings = Settings()
        self.calls: list[tuple[str, object]] = []
        self.snapshot_calls = 0
        self.elsewhere: set[JobId] = set()  # jobs "another Wherry" runs

    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def job(self, job_id: JobId) -> Job:
        for job in self._jobs:
            if job.id == job_id:
                return job
        raise KeyError(job_id)

    def snapshot(self, active_only: bool = False) -> dict[JobId, Progress]:
        self.snapshot_calls += 1
        return {i: p for i, p in self.progress.items() if p.state.is_active or not active_only}

    def progress_of(self, job_id: JobId) -> Progress:
        return self.progress[job_id]

    def runs_elsewhere(self, job_id: JobId) -> bool:
        return job_id in self.elsewhere

    def history(self, job_id: JobId) -> list[tuple[datetime, str]]:
        return [(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "Connection reset; retrying in 2 s.")]

    def update_settings(self, settings: Settings) -> None:
        self.settings = settings

    async def add(self, request: AddRequest) -> Job:
        if not request.url.startswith(("http://", "https://")):
            raise InputError(ErrorKind.BAD_URL, f"{request.url} is not a web address.")
        job = Job(
            url=request.url,
            directory=request.directory,
            requested_name=request.filename,
            checksum=request.checksum,
            state=JobState.PAUSED if request.start_paused else JobState.QUEUED,
        )
        self._jobs.append(job)
        self.calls.append(("add", request))
        self.sink(JobAdded(job.id))
        return job

    async def pause(self, job_id: JobId) -> None:
        self.calls.append(("pause", job_id))
        self.job(job_id).transition(JobState.PAUSED)
        self.progress.pop(job_id, None)
        self.sink(JobPaused(job_id))

    async def resume(self, job_id: JobId) -> None:
        self.calls.append(("resume", job_id))
        self.job(job_id).transition(JobState.QUEUED)
        self.sink(JobQueued(job_id))

    async def retry(self, job_id: JobId) -> None:
        self.calls.append(("retry", job_id))
        self.job(job_id).transition(JobState.QUEUED)
        self.sink(JobQueued(job_id))

    async def cancel(self, job_id: JobId) -> None:
        self.calls.append(("cancel", job_id))
        self.job(job_id).transition(JobState.CANCELLED)
        self.sink(JobQueued(job_id))

    async def remove(self, job_id: JobId, delete_file: bool = False) -> None:
        self.calls.append(("remove", (job_id, delete_file)))
        self._jobs.remove(self.job(job_id))
        self.progress.pop(job_id, None)
        self.sink(JobRemoved(job_id))

    async def pause_all(self) -> None:
        self.calls.append(("pause_all", None))
        for job in self._jobs:
            if job.state in (JobState.QUEUED, JobState.RUNNING):
                await self.pause(job.id)

    async def resume_all(self) -> None:
        self.calls.append(("resume_all", None))
        for job in self._jobs:
            if job.state is JobState.PAUSED:
                await self.resume(job.id)

    async def move(self, job_id: JobId, where: str) -> None:
        self.calls.append(("move", (job_id, where)))
        job = self.job(job_id)
        row = self._jobs.index(job)
        self._jobs.pop(row)
        target = {"up": max(0, row - 1), "down": row + 1, "top": 0, "bottom": len(self._jobs)}[where]
        self._jobs.insert(min(target, len(self._jobs)), job)


def make_job(name: str, state: JobState = JobState.QUEUED, size: int | None = 1000, done: int = 0) -> Job:
    job = Job(url=f"http://127.0.0.1:9/{name}", directory="/downloads", filename=name, total_size=size)
    job.state = state
    if size is not None:
        job.segments = [Segment(0, size, done)]
    return job
