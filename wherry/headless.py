"""Composition root without Qt: store + engine + executor hashing, for ``wherry get`` and scripts."""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from wherry import paths
from wherry.core.errors import InputError
from wherry.core.events import EventSink
from wherry.core.headers import split_userinfo
from wherry.core.jobs import AddRequest, Job, JobState
from wherry.core.settings import Settings
from wherry.engine import Engine, RunClaims, claims_folder
from wherry.engine.credentials import request_credentials
from wherry.store import SqliteRepository, open_store
from wherry.verify.copies import FinderCopies
from wherry.verify.hashing import ExecutorVerifier

__all__ = [
    "EarlierJobs",
    "SqliteRepository",  # the type open_repository hands out, for front doors that may not import the store
    "configure_logging",
    "earlier_job",
    "earlier_jobs",
    "headless_engine",
    "open_repository",
    "start_or_resume",
    "start_or_resume_all",
]


def configure_logging() -> None:
    """Tracebacks go to the log file in the data folder; people get sentences, not stacks."""
    root = logging.getLogger()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        paths.log_path(), maxBytes=2 * 1024 * 1024, backupCount=2, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def open_repository(home: str | os.PathLike[str] | None = None) -> tuple[SqliteRepository, str | None]:
    """The job store (the user's, or the one in ``home``); raises StoreError with a sentence."""
    return open_store(paths.database_path(home))


@asynccontextmanager
async def headless_engine(
    repository: SqliteRepository,
    sink: EventSink,
    settings: Settings | None = None,
    *,
    manage_all: bool = False,
) -> AsyncIterator[Engine]:
    """An engine closed on exit. It runs only the jobs this process adds or resumes, unless
    ``manage_all`` (``wherry serve``): then it runs the whole queue, as the window does."""
    engine = Engine(
        repository,
        ExecutorVerifier(),
        sink,
        settings or repository.load_settings(),
        manage_all=manage_all,
        copies=FinderCopies(),
        claims=RunClaims(claims_folder(repository.path)),
    )
    await engine.start()
    try:
        yield engine
    finally:
        await asyncio.shield(engine.close())


def _same_request(job: Job, request: AddRequest) -> bool:
    return (
        job.url == split_userinfo(request.url.strip())[0]
        and Path(job.directory) == Path(request.directory).resolve()
        and job.requested_name == request.filename
    )


def earlier_job(jobs: list[Job], request: AddRequest) -> Job | None:
    """The newest job among ``jobs`` that the same request (URL, folder, name) started before."""
    earlier = [j for j in jobs if _same_request(j, request)]
    return max(earlier, key=lambda j: j.created_at) if earlier else None


async def start_or_resume(engine: Engine, request: AddRequest) -> tuple[Job, bool]:
    """Resume the job the same request started before, or add a new one.

    Returns the job and whether an earlier, unfinished job was continued. A finished job whose
    file is still there is returned as it is, without starting anything.
    """
    job = earlier_job(engine.jobs(), request)
    if job is None:
        return await engine.add(request), False
    return job, await _continue(engine, job, request)


_RequestKey = tuple[str, Path, str | None]


def _request_key(request: AddRequest, folders: dict[str, Path] | None = None) -> _RequestKey:
    folders = {} if folders is None else folders
    folder = folders.get(request.directory)
    if folder is None:
        folder = folders[request.directory] = Path(request.directory).resolve()
    return (split_userinfo(request.url.strip())[0], folder, request.filename)


EarlierJobs = dict[_RequestKey, Job]


def earlier_jobs(engine: Engine) -> EarlierJobs:
    """The newest job of each request the engine knows, to match a list against."""
    earlier: EarlierJobs = {}
    for job in engine.jobs():
        key = (job.url, Path(job.directory), job.requested_name)
        if key not in earlier or job.created_at > earlier[key].created_at:
            earlier[key] = job
    return earlier


async def start_or_resume_all(
    engine: Engine, requests: Sequence[AddRequest], earlier: EarlierJobs | None = None
) -> list[tuple[Job | InputError, bool]]:
    """``start_or_resume`` for a whole list (``wherry get -i``): one pass over the job list to
    find what earlier runs started, and the new ones added in one transaction.

    Returns, per request in order, its job (or the InputError refusing it) and whether an
    earlier job was continued. A line given twice is the same download. A list taken in parts
    passes ``earlier_jobs`` once, instead of a pass over every job for each part.
    """
    if earlier is None:
        earlier = earlier_jobs(engine)
    results: list[tuple[Job | InputError, bool] | None] = [None] * len(requests)
    fresh: list[tuple[int, AddRequest]] = []
    first: dict[_RequestKey, int] = {}
    repeats: dict[int, int] = {}
    folders: dict[str, Path] = {}
    for index, request in enumerate(requests):
        key = _request_key(request, folders)
        found = earlier.get(key)
        if found is not None:
            results[index] = (found, await _continue(engine, found, request))
        elif key in first:
            repeats[index] = first[key]
        else:
            first[key] = index
            fresh.append((index, request))
    added = await engine.add_many([request for _, request in fresh])
    for (index, _), outcome in zip(fresh, added, strict=True):
        results[index] = (outcome, False)
    for index, original in repeats.items():
        results[index] = results[original]
    return [r for r in results if r is not None]


async def _continue(engine: Engine, job: Job, request: AddRequest) -> bool:
    """Resume an earlier job for the same request; False when its file is simply there."""
    if job.state is JobState.FINISHED and job.target is not None and job.target.exists():
        return False
    if job.checksum is None and request.checksum is not None:
        job.checksum, job.checksum_source = request.checksum, "given"
    _, headers, secret = request_credentials(request)
    if headers and (headers, secret) != (job.headers, job.secret_headers):
        # Asked again with a fresh token or cookie: the stored ones are replaced.
        engine.replace_credentials(job.id, headers, secret)
    await engine.resume(job.id)
    return True
