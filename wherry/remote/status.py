"""Wherry's jobs in aria2's words: statuses, exit codes, and the tellStatus / getFiles structs.

aria2 sends every number as a string; so does this module. Pieces are ``pieceLength`` spans
of the file (the metalink's piece size when it has one, else 1 MiB as aria2's default), and a
piece's bit is set when the segments' completed bytes cover it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wherry.core.errors import ErrorKind
from wherry.core.events import Progress
from wherry.core.jobs import Job, JobState

__all__ = [
    "ERROR_CODES",
    "STATUS",
    "bitfield",
    "error_code",
    "files_of",
    "piece_length",
    "status_struct",
    "uris_of",
]

STATUS = {
    JobState.QUEUED: "waiting",
    JobState.RUNNING: "active",
    JobState.VERIFYING: "active",
    JobState.PAUSED: "paused",
    JobState.FINISHED: "complete",
    JobState.FAILED: "error",
    JobState.CANCELLED: "removed",
}

# Wherry's error kinds as aria2's exit codes (aria2c(1), "EXIT STATUS"); docs/REMOTE.md shows it.
ERROR_CODES: dict[ErrorKind, int] = {
    ErrorKind.NETWORK: 6,  # network problem
    ErrorKind.TIMEOUT: 2,  # time out
    ErrorKind.STALLED: 2,
    ErrorKind.SERVER: 29,  # the server is overloaded or down for maintenance
    ErrorKind.RATE_LIMITED: 29,
    ErrorKind.NOT_FOUND: 3,  # resource not found
    ErrorKind.FORBIDDEN: 24,  # HTTP authorization failed
    ErrorKind.LOGIN_NEEDED: 24,
    ErrorKind.TLS: 1,
    ErrorKind.HTTP: 22,  # HTTP response header was bad or unexpected
    ErrorKind.SIZE_MISMATCH: 22,
    ErrorKind.REMOTE_CHANGED: 22,
    ErrorKind.BAD_RESPONSE: 22,
    ErrorKind.CHECKSUM_MISMATCH: 32,  # checksum validation failed
    ErrorKind.NO_SOURCES: 1,
    ErrorKind.DISK_FULL: 9,  # not enough disk space
    ErrorKind.PERMISSION: 16,  # could not create the file
    ErrorKind.FILESYSTEM: 17,  # file I/O error
    ErrorKind.BAD_URL: 28,  # bad option or URI
    ErrorKind.FILE_EXISTS: 13,  # file already existed
    ErrorKind.BAD_INPUT: 28,
    ErrorKind.CORRUPT_DATABASE: 1,
    ErrorKind.INTERNAL: 1,  # unknown error
    ErrorKind.CANCELLED: 31,  # aria2's code for a removed download
}

DEFAULT_PIECE = 1024 * 1024


def error_code(job: Job) -> int:
    if job.state is JobState.FINISHED:
        return 0
    if job.error_kind is None:
        return 0 if job.state is not JobState.FAILED else 1
    return ERROR_CODES.get(job.error_kind, 1)


def piece_length(job: Job) -> int:
    return job.pieces.length if job.pieces is not None else DEFAULT_PIECE


def _done_spans(job: Job) -> list[tuple[int, int]]:
    spans = sorted((s.start, s.start + s.done) for s in job.segments if s.done > 0)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def bitfield(job: Job) -> tuple[str, int]:
    """aria2's bitfield (hex, first piece in the high bit) and the number of pieces."""
    total = job.total_size
    if not total:
        return "", 0
    length = piece_length(job)
    count = -(-total // length)
    finished = job.state is JobState.FINISHED
    spans = _done_spans(job)
    bits = bytearray(-(-count // 8))
    for index in range(count):
        start, end = index * length, min((index + 1) * length, total)
        if finished or any(a <= start and end <= b for a, b in spans):
            bits[index // 8] |= 0x80 >> (index % 8)
    return bits.hex(), count


def _completed(job: Job, progress: Progress | None) -> int:
    if job.state is JobState.FINISHED and job.total_size is not None:
        return job.total_size
    return progress.bytes_downloaded if progress is not None else job.bytes_done


def _connections(job: Job) -> int:
    if not job.state.is_active:
        return 0
    working = [s for s in job.segments if not s.complete]
    return max(1, min(job.connections, len(working))) if working or not job.segments else 0


def uris_of(job: Job) -> list[dict[str, str]]:
    """The primary URI is in use while the job runs; mirrors wait their turn, as aria2 shows."""
    used = job.state.is_active
    return [
        {"uri": uri, "status": "used" if used and index == 0 else "waiting"}
        for index, uri in enumerate(job.urls)
    ]


def files_of(job: Job, progress: Progress | None) -> list[dict[str, Any]]:
    target = job.target
    return [
        {
            "index": "1",
            "path": str(target) if target is not None else "",
            "length": str(job.total_size or 0),
            "completedLength": str(_completed(job, progress)),
            "selected": "true",
            "uris": uris_of(job),
        }
    ]


def status_struct(
    job: Job, gid: str, status: str, progress: Progress | None, keys: Iterable[str] | None = None
) -> dict[str, Any]:
    """tellStatus for one job; ``keys`` (when given) keeps only those keys, as aria2 does."""
    bits, pieces = bitfield(job)
    speed = int(progress.speed) if progress is not None and job.state.is_active else 0
    struct: dict[str, Any] = {
        "gid": gid,
        "status": status,
        "totalLength": str(job.total_size or 0),
        "completedLength": str(_completed(job, progress)),
        "uploadLength": "0",
        "downloadSpeed": str(speed),
        "uploadSpeed": "0",
        "pieceLength": str(piece_length(job)),
        "numPieces": str(pieces),
        "connections": str(_connections(job)),
        "dir": job.directory,
        "files": files_of(job, progress),
    }
    if bits:
        struct["bitfield"] = bits
    if status in ("complete", "error", "removed"):
        # aria2's error_code::REMOVED is 31 (listed as "reserved" among its exit codes).
        struct["errorCode"] = "31" if status == "removed" else str(error_code(job))
        struct["errorMessage"] = job.error_message or ""
    if keys is not None:
        wanted = set(keys)
        struct = {k: v for k, v in struct.items() if k in wanted}
    return struct
