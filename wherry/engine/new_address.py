"""A resting job given a new address (an expired link): may it keep the bytes it has?

Only when the new address serves a file of the same size and validator (ETag when strong, else
Last-Modified); otherwise the bytes go, so a different file is never continued.
"""

from __future__ import annotations

from wherry.core.errors import InputError, WherryError
from wherry.core.jobs import Job
from wherry.engine.probe import probe
from wherry.engine.sizes import human_size
from wherry.engine.transport import Transport

__all__ = ["same_file_at", "what_became_of"]


async def same_file_at(transport: Transport, url: str, job: Job) -> bool:
    """Does ``url`` serve the file the job's bytes came from? True when it has none to lose;
    InputError when the address cannot be checked."""
    if job.bytes_done == 0 or job.total_size is None:
        return True
    try:
        remote = await probe(transport, url, job)
    except WherryError as error:
        raise InputError(error.kind, f"The new address could not be checked: {error.message}") from error
    return remote.total_size == job.total_size and _same_validator(
        job, remote.strong_etag, remote.last_modified
    )


def what_became_of(url: str, had: int, kept: bool) -> str:
    """The sentence for the job's history and the person: what happened to its ``had`` bytes."""
    if kept:
        return f"The download now uses {url}" + (
            f"; the {human_size(had)} already downloaded were kept." if had else "."
        )
    return (
        f"{url} serves a different file (its size or version differs); "
        f"the {human_size(had)} already downloaded were discarded."
    )


def _same_validator(job: Job, etag: str | None, last_modified: str | None) -> bool:
    """Is the new address's validator the one the bytes on disk were fetched under?"""
    if job.etag and not job.etag.startswith("W/"):
        return etag == job.etag
    if job.last_modified:
        return last_modified == job.last_modified
    return True  # nothing to compare but the size (and the checksum, when the job has one)
