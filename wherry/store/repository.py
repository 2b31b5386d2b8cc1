"""The job repository: jobs, their history and the settings in one SQLite file.

Implements ``JobRepository`` and ``SettingsRepository`` from ``wherry.core.ports``. Rows never
leave this module; callers see ``Job``, ``Settings`` and ``StoreError`` only.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from peewee import PeeweeException, SqliteDatabase, chunked

from wherry.core.errors import ErrorKind
from wherry.core.jobs import ChecksumSpec, Job, JobId, JobState, Mirror, Pieces, Segment, utcnow
from wherry.core.settings import Settings
from wherry.store.db import open_database, store_error
from wherry.store.ledger import TransferLedger
from wherry.store.models import JobRow, Rows, bind_rows

__all__ = ["SqliteRepository", "open_store"]

# Rows per INSERT, well under SQLite's limit of 32766 bound parameters per statement.
_CHUNK = 500


def open_store(path: Path) -> tuple[SqliteRepository, str | None]:
    """Open the job list at ``path``; the second value tells the user about a recovery, if any."""
    db, notice = open_database(path)
    return SqliteRepository(db, path), notice


@contextmanager
def _translated() -> Iterator[None]:
    """Turn SQLite's failures into one-sentence StoreErrors; the cause stays for the log."""
    try:
        yield
    except (PeeweeException, sqlite3.Error) as exc:
        raise store_error(exc) from exc


class SqliteRepository:
    """Jobs, history and settings in one SQLite database. Every method commits before it returns.

    Use it from one thread (the event loop's): the connection belongs to the thread that opened it.
    """

    def __init__(self, db: SqliteDatabase, path: Path) -> None:
        """Wrap a database ``open_database`` has checked and migrated; use ``open_store`` instead."""
        self._db = db
        self._rows: Rows = bind_rows(db)
        self.path = path

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; SQLite folds the write-ahead log back into the file."""
        self._db.close()

    @property
    def closed(self) -> bool:
        return bool(self._db.is_closed())

    def __enter__(self) -> SqliteRepository:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- jobs ------------------------------------------------------------------------------

    def load_jobs(self) -> list[Job]:
        """All jobs in queue order: ``position``, then creation time."""
        r = self._rows
        with _translated(), self._db.atomic():  # one snapshot for all three reads
            job_rows = list(r.job.select().order_by(r.job.position, r.job.created_at, r.job.id))
            mirrors: defaultdict[str, list[Mirror]] = defaultdict(list)
            for m in r.mirror.select().order_by(r.mirror.job_id, r.mirror.ordinal):
                mirrors[m.job_id].append(Mirror(url=m.url, priority=m.priority, rejected=m.rejected))
            segments: defaultdict[str, list[Segment]] = defaultdict(list)
            for s in r.segment.select().order_by(r.segment.job_id, r.segment.ordinal):
                segments[s.job_id].append(Segment(start=s.start, end=s.end, done=s.done))
        return [_job_from_row(row, mirrors[row.id], segments[row.id]) for row in job_rows]

    def save_job(self, job: Job) -> None:
        """Insert or update the job with its mirrors and segments, in one transaction."""
        r = self._rows
        columns = _job_columns(job)
        # An upsert, not INSERT OR REPLACE: replacing deletes the row first, and the cascade
        # would take the job's history with it.
        changed = [getattr(r.job, name) for name in columns if name != "id"]
        with _translated(), self._db.atomic("IMMEDIATE"):
            r.job.insert(**columns).on_conflict(conflict_target=[r.job.id], preserve=changed).execute()
            r.mirror.delete().where(r.mirror.job_id == job.id).execute()
            mirror_rows = [
                {"job_id": job.id, "ordinal": i, "url": m.url, "priority": m.priority, "rejected": m.rejected}
                for i, m in enumerate(job.mirrors)
            ]
            for batch in chunked(mirror_rows, _CHUNK):
                r.mirror.insert_many(batch).execute()
            self._write_segments(job)

    def save_progress(self, job: Job) -> None:
        """Checkpoint: the segments and the fields that change while a job runs. Cheap.

        A job that is no longer stored (removed while its transfer wound down) stays removed.
        """
        r = self._rows
        with _translated(), self._db.atomic("IMMEDIATE"):
            updated = (
                r.job.update(
                    {
                        r.job.state: job.state.value,
                        r.job.filename: job.filename,
                        r.job.total_size: job.total_size,
                        r.job.etag: job.etag,
                        r.job.last_modified: job.last_modified,
                        r.job.accept_ranges: job.accept_ranges,
                        r.job.actual_digest: job.actual_digest,
                        r.job.error_kind: None if job.error_kind is None else job.error_kind.value,
                        r.job.error_message: job.error_message,
                        r.job.finished_at: job.finished_at,
                    }
                )
                .where(r.job.id == job.id)
                .execute()
            )
            if updated:
                self._write_segments(job)

    def _write_segments(self, job: Job) -> None:
        # Upsert by position in the list and drop the surplus: the same statements serve an
        # unchanged set (only ``done`` moves), a re-split one and a shrunken one.
        r = self._rows
        seg = r.segment
        rows = [
            {"job_id": job.id, "ordinal": i, "start": s.start, "end": s.end, "done": s.done}
            for i, s in enumerate(job.segments)
        ]
        for batch in chunked(rows, _CHUNK):
            seg.insert_many(batch).on_conflict(
                conflict_target=[seg.job_id, seg.ordinal], preserve=[seg.start, seg.end, seg.done]
            ).execute()
        seg.delete().where((seg.job_id == job.id) & (seg.ordinal >= len(rows))).execute()

    def save_positions(self, positions: dict[JobId, int]) -> None:
        """Write new queue positions for several jobs in one transaction (a reorder)."""
        r = self._rows
        with _translated(), self._db.atomic("IMMEDIATE"):
            for job_id, position in positions.items():
                r.job.update(position=position).where(r.job.id == job_id).execute()

    def delete_job(self, job_id: JobId) -> None:
        """Forget the job with its mirrors, segments and history. Unknown ids are ignored."""
        r = self._rows
        with _translated():
            r.job.delete().where(r.job.id == job_id).execute()

    def purge_finished(self, older_than: timedelta) -> int:
        """Forget finished jobs that finished more than ``older_than`` ago; return how many."""
        r = self._rows
        try:
            cutoff = utcnow() - older_than
        except OverflowError:
            return 0  # older than the calendar goes back: nothing is that old
        with _translated():
            count: int = (
                r.job.delete()
                .where(
                    (r.job.state == JobState.FINISHED.value)
                    & r.job.finished_at.is_null(False)
                    & (r.job.finished_at < cutoff)
                )
                .execute()
            )
        return count

    def ledger(self) -> TransferLedger:
        """The runs recorded for the statistics, on this repository's connection."""
        return TransferLedger(self._db)

    # -- history ---------------------------------------------------------------------------

    def add_history(self, job_id: JobId, message: str) -> None:
        """Append a line stamped with the time now. Lines for a job no longer stored are dropped."""
        r = self._rows
        with _translated(), self._db.atomic("IMMEDIATE"):
            if r.job.select().where(r.job.id == job_id).exists():
                r.history.insert(job_id=job_id, at=utcnow(), message=message).execute()

    def load_history(self, job_id: JobId) -> list[tuple[datetime, str]]:
        """The job's lines, oldest first (in the order they were added)."""
        h = self._rows.history
        with _translated():
            query = h.select(h.at, h.message).where(h.job_id == job_id).order_by(h.id)
            return [(row.at, row.message) for row in query]

    # -- settings --------------------------------------------------------------------------

    def load_settings(self) -> Settings:
        """The stored settings; keys this version does not know are ignored, not dropped."""
        s = self._rows.setting
        values: dict[str, Any] = {}
        with _translated():
            for row in s.select():
                try:
                    values[row.key] = json.loads(row.value)
                except ValueError:
                    continue  # an unreadable value falls back to its default
        return Settings.from_dict(values)

    def save_settings(self, settings: Settings) -> None:
        s = self._rows.setting
        rows = [{"key": key, "value": json.dumps(value)} for key, value in settings.to_dict().items()]
        with _translated(), self._db.atomic("IMMEDIATE"):
            for batch in chunked(rows, _CHUNK):
                s.insert_many(batch).on_conflict(conflict_target=[s.key], preserve=[s.value]).execute()


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


def _job_from_row(row: JobRow, mirrors: list[Mirror], segments: list[Segment]) -> Job:
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
