"""A job that stopped short → the DownloadError subclass that says why, in one sentence."""

from __future__ import annotations

from wherry.core.errors import (
    ErrorKind,
    InputError,
    JobError,
    RemoteChangedError,
    RetryableError,
    SourceError,
    StoreError,
    WherryError,
)
from wherry.core.jobs import Job, JobState

__all__ = ["RETRYABLE_KINDS", "failure_of"]

# Failures that may go away by themselves: worth trying again later (Celery's retry does).
RETRYABLE_KINDS = frozenset(
    {ErrorKind.NETWORK, ErrorKind.TIMEOUT, ErrorKind.STALLED, ErrorKind.SERVER, ErrorKind.RATE_LIMITED}
)
_SOURCE_KINDS = frozenset(
    {
        ErrorKind.NOT_FOUND,
        ErrorKind.FORBIDDEN,
        ErrorKind.TLS,
        ErrorKind.HTTP,
        ErrorKind.SIZE_MISMATCH,
        ErrorKind.NO_SOURCES,
    }
)
_INPUT_KINDS = frozenset({ErrorKind.BAD_URL, ErrorKind.BAD_INPUT, ErrorKind.FILE_EXISTS})


def failure_of(job: Job) -> WherryError:
    """The error to raise for a job that rests without being finished."""
    if job.state is JobState.CANCELLED:
        return JobError(ErrorKind.CANCELLED, f"The download of {job.display_name} was cancelled.")
    kind = job.error_kind or ErrorKind.INTERNAL
    message = job.error_message or f"The download of {job.display_name} stopped; the log file has details."
    if kind in RETRYABLE_KINDS:
        return RetryableError(kind, message)
    if kind in _SOURCE_KINDS:
        return SourceError(kind, message)
    if kind in _INPUT_KINDS:
        return InputError(kind, message)
    if kind is ErrorKind.REMOTE_CHANGED:
        return RemoteChangedError(kind, message)
    if kind is ErrorKind.CORRUPT_DATABASE:
        return StoreError(kind, message)
    return JobError(kind, message)
