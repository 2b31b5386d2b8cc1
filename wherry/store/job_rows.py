"""A job as a jobs row and back: the columns, their SQLite values, the fixed upserts.

The repository's hot paths run this SQL straight on the sqlite3 connection (see repository.py);
reading tolerates what a newer Wherry may have written (a state or an error kind it does not
know, unreadable piece digests or headers) rather than lose the job.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from peewee import BooleanField, Field

from wherry.core.errors import ErrorKind
from wherry.core.jobs import ChecksumSpec, Job, JobState, Mirror, Pieces, Segment
from wherry.store.models import JobRow, UtcDateTimeField

__all__ = [
    "RawRow",
    "job_from_row",
    "job_readers",
    "job_upsert",
    "job_values",
    "segment_rows",
    "segment_upsert",
]

_SEGMENT_UPSERT = (
    "INSERT INTO segments (job_id, ordinal, range_start, range_end, done) VALUES {rows} "
    "ON CONFLICT (job_id, ordinal) DO UPDATE SET "
    "range_start = excluded.range_start, range_end = excluded.range_end, done = excluded.done"
)


def segment_rows(job: Job) -> list[tuple[Any, ...]]:
    return [(job.id, i, s.start, s.end, s.done) for i, s in enumerate(job.segments)]


def _job_columns(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "url": job.url,
        "directory": job.directory,
        "state": job.state.value,
        "filename": job.filename,
        "requested_name": job.requested_name,
        "overwrite": job.overwrite,
        "connections": job.connections,
        "speed_limit": job.speed_limit,
        "pieces": _pieces_json(job.pieces),
        "request_headers": _headers_json(job),
        "checksum_source": job.checksum_source,
        "position": job.position,
        "total_size": job.total_size,
        "etag": job.etag,
        "last_modified": job.last_modified,
        "accept_ranges": job.accept_ranges,
        "checksum_algorithm": None if job.checksum is None else job.checksum.algorithm,
        "checksum_hexdigest": None if job.checksum is None else job.checksum.hexdigest,
        "actual_digest": job.actual_digest,
        "error_kind": None if job.error_kind is None else job.error_kind.value,
        "error_message": job.error_message,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


class RawRow:
    """A jobs row read with plain sqlite3, answering the attribute names a JobRow has."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__ = values

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)


def _converting(field: Field) -> bool:
    """Does this column need the field's own conversion (times as text, booleans)?"""
    return isinstance(field, UtcDateTimeField | BooleanField)


def job_readers() -> tuple[list[str], list[str], list[Any]]:
    fields = JobRow._meta.sorted_fields
    return (
        [f.name for f in fields],
        [f.column_name for f in fields],
        [f.python_value if _converting(f) else None for f in fields],
    )


def job_values(job: Job) -> dict[str, Any]:
    """``_job_columns`` as SQLite values, converted the way the row's fields would."""
    values = _job_columns(job)
    for name, convert in _conversions():
        if name in values:
            values[name] = convert(values[name])
    return values


@functools.cache
def _conversions() -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    # Found once: asking every field of every saved job whether it converts showed in profiles.
    # A job's creation time is converted on every save of the job: datetimes are immutable, so
    # the text of each is kept (aware datetimes that compare equal are the same instant).
    return tuple(
        (
            name,
            functools.lru_cache(maxsize=8192)(f.db_value) if isinstance(f, UtcDateTimeField) else f.db_value,
        )
        for name, f in JobRow._meta.fields.items()
        if _converting(f)
    )


@functools.lru_cache(maxsize=64)
def segment_upsert(count: int) -> str:
    # One multi-row statement: a checkpoint is then BEGIN, UPDATE, INSERT, DELETE, COMMIT.
    return _SEGMENT_UPSERT.format(rows=", ".join(["(?, ?, ?, ?, ?)"] * count))


_UPSERTS: dict[tuple[str, ...], str] = {}


def job_upsert(names: tuple[str, ...]) -> str:
    sql = _UPSERTS.get(names)
    if sql is None:
        updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "id")
        sql = _UPSERTS[names] = (
            f"INSERT INTO jobs ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}"
        )
    return sql


def job_from_row(row: JobRow, mirrors: list[Mirror], segments: list[Segment]) -> Job:
    checksum = None
    if row.checksum_algorithm is not None and row.checksum_hexdigest is not None:
        checksum = ChecksumSpec(row.checksum_algorithm, row.checksum_hexdigest)
    return Job(
        url=row.url,
        directory=row.directory,
        id=row.id,
        state=_state(row.state),
        mirrors=mirrors,
        filename=row.filename,
        requested_name=row.requested_name,
        overwrite=bool(row.overwrite),
        connections=row.connections,
        speed_limit=row.speed_limit,
        pieces=_pieces_from(row.pieces),
        **_headers_from(row.request_headers),
        checksum_source=row.checksum_source,
        position=row.position,
        total_size=row.total_size,
        etag=row.etag,
        last_modified=row.last_modified,
        accept_ranges=bool(row.accept_ranges),
        checksum=checksum,
        actual_digest=row.actual_digest,
        segments=segments,
        error_kind=_error_kind(row.error_kind),
        error_message=row.error_message,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


def _state(value: str) -> JobState:
    try:
        return JobState(value)
    except ValueError:
        # Written by a newer Wherry that knows more states: hold the job still rather than lose
        # it or guess at running it.
        return JobState.PAUSED


def _error_kind(value: str | None) -> ErrorKind | None:
    if value is None:
        return None
    try:
        return ErrorKind(value)
    except ValueError:
        return ErrorKind.INTERNAL  # a kind from a newer Wherry; the message still says what happened


def _pieces_json(pieces: Pieces | None) -> str | None:
    if pieces is None:
        return None
    return json.dumps({"algorithm": pieces.algorithm, "length": pieces.length, "hashes": list(pieces.hashes)})


def _pieces_from(text: str | None) -> Pieces | None:
    if not text:
        return None
    try:
        data = json.loads(text)
        return Pieces(str(data["algorithm"]), int(data["length"]), tuple(str(h) for h in data["hashes"]))
    except (ValueError, KeyError, TypeError):
        return None  # unreadable piece digests only lose the early check; the file hash remains


def _headers_json(job: Job) -> str | None:
    if not job.headers and not job.secret_headers and not job.host_headers:
        return None
    return json.dumps(
        {
            "headers": [list(pair) for pair in job.headers],
            "secret": list(job.secret_headers),
            "scoped": [list(entry) for entry in job.host_headers],
        }
    )


def _headers_from(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        data = json.loads(text)
        headers = tuple((str(name), str(value)) for name, value in data["headers"])
        scoped = tuple((str(host), str(name), str(value)) for host, name, value in data.get("scoped", ()))
        return {
            "headers": headers,
            "secret_headers": tuple(str(n) for n in data.get("secret", ())),
            "host_headers": scoped,
        }
    except (ValueError, KeyError, TypeError):
        return {}  # the download goes on without them; the server will say if it needs a login
