"""The error tree: every failure Wherry reports is a kind plus one plain sentence.

    WherryError                  kind + sentence; never shown with a traceback
    ├── RetryableError           retry this URL later (reset, timeout, stall, 5xx, 429/503)
    ├── SourceError              abandon this URL, try the next mirror (404, 410, 401/403, TLS, size)
    ├── JobError                 fail the job (no sources left, checksum mismatch, disk full, …)
    │   └── RemoteChangedError   the remote file is not the one we started; restart from zero
    ├── InputError               the user asked for something impossible (bad URL, file exists)
    └── StoreError               the job database cannot be used as it is

Third-party exceptions become these in ``wherry.engine.http_errors`` and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ErrorKind",
    "InputError",
    "JobError",
    "RemoteChangedError",
    "RetryableError",
    "SourceError",
    "StoreError",
    "WherryError",
]


class ErrorKind(StrEnum):
    NETWORK = "network"
    TIMEOUT = "timeout"
    STALLED = "stalled"
    SERVER = "server"
    RATE_LIMITED = "rate-limited"
    NOT_FOUND = "not-found"
    FORBIDDEN = "forbidden"
    LOGIN_NEEDED = "login-needed"  # 401/403 or a proxy's 407: credentials would let it go on
    TLS = "tls"
    HTTP = "http"
    SIZE_MISMATCH = "size-mismatch"
    REMOTE_CHANGED = "remote-changed"
    BAD_RESPONSE = "bad-response"
    CHECKSUM_MISMATCH = "checksum-mismatch"
    NO_SOURCES = "no-sources"
    DISK_FULL = "disk-full"
    PERMISSION = "permission"
    FILESYSTEM = "filesystem"
    BAD_URL = "bad-url"
    FILE_EXISTS = "file-exists"
    BAD_INPUT = "bad-input"
    CORRUPT_DATABASE = "corrupt-database"
    INTERNAL = "internal"
    CANCELLED = "cancelled"


class WherryError(Exception):
    """A failure with a kind and one sentence a person can act on."""

    def __init__(self, kind: ErrorKind | str, message: str) -> None:
        # The arguments are kept as ``args`` so the error survives pickling and a Celery result
        # backend, both of which rebuild it as ``cls(*args)``.
        super().__init__(kind, message)
        self.kind = ErrorKind(kind)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RetryableError(WherryError):
    """Transient: the same URL may work if we wait. ``retry_after`` is the server's own hint."""

    def __init__(self, kind: ErrorKind | str, message: str, retry_after: float | None = None) -> None:
        super().__init__(kind, message)
        self.args = (self.kind, message, retry_after)
        self.retry_after = retry_after


class SourceError(WherryError):
    """This URL will not give us the file; another mirror might."""


class JobError(WherryError):
    """The job cannot go on from any source until the user acts."""


class RemoteChangedError(JobError):
    """The bytes on disk belong to a different version of the remote file."""


class InputError(WherryError):
    """The request itself cannot be carried out (bad URL, target exists, bad checksum text)."""


class StoreError(WherryError):
    """The job database is unreadable, corrupt or from a newer Wherry."""
