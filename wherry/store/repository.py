"""The job repository: jobs, their history and the settings in one SQLite file.

Implements ``JobRepository`` and ``SettingsRepository`` from ``wherry.core.ports``. Rows never
leave this module; callers see ``Job``, ``Settings`` and ``StoreError`` only.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from peewee import BooleanField, Field, PeeweeException, SqliteDatabase, chunked

from wherry.core.errors import ErrorKind
from wherry.core.jobs import ChecksumSpec, Job, JobId, JobState, Mirror, Pieces, Segment, utcnow
from wherry.core.settings import Settings
from wherry.store.db import open_database, store_error
from wherry.store.ledger import TransferLedger
from wherry.store.models import JobRow, Rows, UtcDateTimeField, bind_rows

__all__ = ["SqliteRepository", "open_store"]

# Rows per INSERT, well under SQLite's limit of 32766 bound parameters per statement.
_CHUNK = 500

# The hot paths (add, checkpoint, transitions, history) run fixed SQL straight on the sqlite3
# connection: building each statement with peewee's query builder cost more CPU than the rest
# of a small file's download together (see docs/PERFORMANCE.md). sqlite3 keeps the prepared
# statements in its per-connection cache, keyed by the SQL text.
_SEGMENT_UPSERT = (
    "INSERT INTO segments (job_id, ordinal, range_start, range_end, done) VALUES {rows} "
    "ON CONFLICT (job_id, ordinal) DO UPDATE SET "
    "range_start = excluded.range_start, range_end = excluded.range_end, done = excluded.done"
)
_SEGMENT_TRIM = "DELETE FROM segments WHERE job_id = ? AND ordinal >= ?"
_MIRROR_CLEAR = "DELETE FROM mirrors WHERE job_id = ?"
_MIRROR_INSERT = "INSERT INTO mirrors (job_id, ordinal, url, priority, rejected) VALUES (?, ?, ?, ?, ?)"
_PROGRESS_UPDATE = (
    "UPDATE jobs SET state = ?, filename = ?, total_size = ?, etag = ?, last_modified = ?, "
    "accept_ranges = ?, actual_digest = ?, error_kind = ?, error_message = ?, finished_at = ? "
    "WHERE id = ?"
)
_HISTORY_INSERT = (
    "INSERT INTO history (job_id, at, message) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?)"
)
_POSITION_UPDATE = "UPDATE jobs SET position = ? WHERE id = ?"

# A write whose values were taken when it was asked for, to run inside some transaction.
_Op = Callable[[sqlite3.Connection], object]
# Arranges for a callback to run a little later on the caller's event loop.
Schedule = Callable[[Callable[[], None]], object]
log = logging.getLogger(__name__)
_AT = UtcDateTimeField()


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
    """Jobs, history and settings in one SQLite database. Every method commits before it returns,
    except the saves ``group_commits`` lets running jobs share a transaction.

    Use it from one thread (the event loop's): the connection belongs to the thread that opened it.
    """

    def __init__(self, db: SqliteDatabase, path: Path) -> None:
        """Wrap a database ``open_database`` has checked and migrated; use ``open_store`` instead."""
        self._db = db
        self._rows: Rows = bind_rows(db)
        self.path = path
        self._schedule: Schedule | None = None
        self._pending: list[_Op] = []
        # Per job, where its queued whole save ("job") and the checkpoint queued after it
        # ("progress") sit in _pending: a later save of the same job that covers one takes its
        # place instead of queuing another write (see _submit_save).
        self._queued_saves: dict[JobId, dict[str, int]] = {}
        self._mirrored: set[JobId] = set()  # jobs that may have rows in the mirrors table
        self._commit_count = 0  # transactions committed by this repository, for tests and the bench

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Commit what is pending and close; SQLite folds the write-ahead log back into the file."""
        try:
            if not self._db.is_closed():
                self.commit_pending()
        finally:
            self._schedule = None
            self._db.close()

    # -- group commits -----------------------------------------------------------------------

    def group_commits(self, schedule: Schedule | None) -> None:
        """Let the running jobs' saves share transactions (None: every save commits at once).

        With a ``schedule``, ``save_job``, ``save_progress`` and ``add_history`` take their
        values at once but queue the writes; the first one queued asks ``schedule`` for a
        callback that commits all of them in one transaction. Many small files finishing
        together then cost one commit, not five each. The order of the durability rules is
        unchanged: what a save records is what was true (synced, renamed) when it was asked
        for, and it reaches the disk later, never earlier. A crash can lose the last few
        milliseconds of saves, as it could lose the last second of progress already; a file
        renamed into place in those milliseconds is recognised when its job runs again
        (engine.on_disk.kept_from_before).
        Everything else (adds, reorders, deletes, reads, settings) commits the queue first.
        """
        if schedule is None:
            self.commit_pending()
        self._schedule = schedule

    @property
    def commit_count(self) -> int:
        return self._commit_count

    def commit_pending(self) -> None:
        """Commit the queued writes now, in one transaction. Raises StoreError if that fails."""
        if self._pending:
            self._run([])

    def _flush_soon(self) -> None:
        try:
            self.commit_pending()
        except Exception:
            # Nothing to raise into: every save commits on its own from now on, so the next
            # one that fails reports the failure to the job that asked for it.
            log.exception("a group commit failed; saving one by one")
            self._schedule = None

    def _submit(self, op: _Op, soon: bool) -> None:
        """Run ``op`` now (after the queue, in the same transaction), or queue it."""
        if soon and self._schedule is not None:
            first = not self._pending
            self._pending.append(op)
            if first:
                self._schedule(self._flush_soon)
            return
        self._run([op])

    def _submit_save(self, job_id: JobId, kind: str, op: _Op) -> None:
        """Queue a save of one job, in place of queued saves of the same job that it covers.

        Every queued write commits in one transaction, so only the end state of a job's rows is
        ever visible: a whole save covers every earlier save of the same job, a checkpoint the
        checkpoints queued since the last whole save. A small file's five or six saves within
        one commit window then cost one write. The values are still the ones taken when each
        save was asked for; the newest takes the place of the first one it covers, so the
        job's row exists before any history line queued after that one.
        """
        if self._schedule is None:
            self._run([op])
            return
        slots = self._queued_saves.setdefault(job_id, {})
        if kind == "job" and slots:
            first, *rest = sorted(slots.values())
            for index in rest:
                self._pending[index] = _nothing
            self._pending[first] = op
            self._queued_saves[job_id] = {"job": first}
            return
        if kind == "progress" and "progress" in slots:
            # Queued after the job's last whole save (a whole save drops the checkpoint slot).
            self._pending[slots["progress"]] = op
            return
        slots[kind] = len(self._pending)
        self._submit(op, soon=True)

    def _run(self, ops: list[_Op]) -> None:
        # The queue goes first, in the same transaction; if that fails, the queue is gone as a
        # single save's values would be, and the caller hears of it.
        work, self._pending = [*self._pending, *ops], []
        self._queued_saves.clear()
        with self._writing() as conn:
            for op in work:
                op(conn)

    @property
    def closed(self) -> bool:
        return bool(self._db.is_closed())

    def __enter__(self) -> SqliteRepository:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = self._db.connection()  # type: ignore[no-untyped-call]
        return conn

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on the raw connection (peewee runs it in autocommit mode).

        IMMEDIATE takes the write lock up front, so a second process waits its busy timeout
        instead of failing half-way. Inside an open transaction this is a savepoint, so the
        caller's transaction decides when it commits. SQLite may already have rolled back on
        its own (a full disk does that), so only what is still open is rolled back.
        """
        with _translated():
            conn = self._conn()
            nested = conn.in_transaction
            conn.execute("SAVEPOINT wherry_write" if nested else "BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK TO wherry_write" if nested else "ROLLBACK")
                    if nested:
                        conn.execute("RELEASE wherry_write")
                raise
            conn.execute("RELEASE wherry_write" if nested else "COMMIT")
            if not nested:
                self._commit_count += 1

    # -- jobs ------------------------------------------------------------------------------

    def load_jobs(self) -> list[Job]:
        """All jobs in queue order: ``position``, then creation time."""
        self.commit_pending()
        names, columns, readers = _job_readers()
        job_sql = f"SELECT {', '.join(columns)} FROM jobs ORDER BY position, created_at, id"
        with _translated(), self._db.atomic():  # one snapshot for all three reads
            conn = self._conn()
            job_rows = conn.execute(job_sql).fetchall()
            mirrors: defaultdict[str, list[Mirror]] = defaultdict(list)
            for job_id, url, priority, rejected in conn.execute(
                "SELECT job_id, url, priority, rejected FROM mirrors ORDER BY job_id, ordinal"
            ):
                mirrors[job_id].append(Mirror(url=url, priority=priority, rejected=rejected))
                self._mirrored.add(job_id)
            segments: defaultdict[str, list[Segment]] = defaultdict(list)
            for job_id, start, end, done in conn.execute(
                "SELECT job_id, range_start, range_end, done FROM segments ORDER BY job_id, ordinal"
            ):
                segments[job_id].append(Segment(start=start, end=end, done=done))
        # 30,000 rows must load in well under a second: build each row with C-speed dict(zip)
        # and convert only the columns that need it.
        # The cyclic collector would otherwise walk every object made so far, again and again,
        # while tens of thousands of jobs are built (none of them cyclic garbage).
        converted = [(name, read) for name, read in zip(names, readers, strict=True) if read is not None]
        jobs = []
        collecting = gc.isenabled()
        gc.disable()
        try:
            for values in job_rows:
                fields = dict(zip(names, values, strict=True))
                for name, read in converted:
                    fields[name] = read(fields[name])
                row = _RawRow(fields)
                jobs.append(_job_from_row(row, mirrors[row.id], segments[row.id]))  # type: ignore[arg-type]
        finally:
            if collecting:
                gc.enable()
        return jobs

    def save_job(self, job: Job) -> None:
        """Insert or update the job with its mirrors and segments, in one transaction."""
        self._submit_save(job.id, "job", self._job_op([job]))

    def save_jobs(self, jobs: Sequence[Job]) -> None:
        """Insert or update several jobs, with their mirrors and segments, in one transaction.

        Adding a list of 3,000 URLs is then one commit, not 3,000. Never queued: the caller
        learns at once whether the list is stored.
        """
        if jobs:
            self._run([self._job_op(jobs)])

    def _job_op(self, jobs: Sequence[Job]) -> _Op:
        rows = []
        for job in jobs:
            columns = _job_values(job)
            mirrors = [(job.id, i, m.url, m.priority, m.rejected) for i, m in enumerate(job.mirrors)]
            # A job's mirrors are given when it is added and never taken away, so a job stored
            # without any has no rows to clear (most jobs: one statement less per save).
            clear = bool(mirrors) or job.id in self._mirrored
            if mirrors:
                self._mirrored.add(job.id)
            upsert = _job_upsert(tuple(columns))
            rows.append((job.id, upsert, tuple(columns.values()), mirrors, clear, _segment_rows(job)))

        def write(conn: sqlite3.Connection) -> None:
            for job_id, upsert, values, mirrors, clear, segments in rows:
                # An upsert, not INSERT OR REPLACE: replacing deletes the row first, and the
                # cascade would take the job's history with it.
                conn.execute(upsert, values)
                if clear:
                    conn.execute(_MIRROR_CLEAR, (job_id,))
                if mirrors:
                    conn.executemany(_MIRROR_INSERT, mirrors)
                self._write_segments(conn, job_id, segments)

        return write

    def save_progress(self, job: Job) -> None:
        """Checkpoint: the segments and the fields that change while a job runs. Cheap.

        A job that is no longer stored (removed while its transfer wound down) stays removed.
        """
        values = (
            job.state.value,
            job.filename,
            job.total_size,
            job.etag,
            job.last_modified,
            int(job.accept_ranges),
            job.actual_digest,
            None if job.error_kind is None else job.error_kind.value,
            job.error_message,
            _AT.db_value(job.finished_at),
            job.id,
        )
        job_id, segments = job.id, _segment_rows(job)

        def write(conn: sqlite3.Connection) -> None:
            if conn.execute(_PROGRESS_UPDATE, values).rowcount:
                self._write_segments(conn, job_id, segments)

        self._submit_save(job_id, "progress", write)

    @staticmethod
    def _write_segments(conn: sqlite3.Connection, job_id: str, rows: list[tuple[Any, ...]]) -> None:
        # Upsert by position in the list and drop the surplus: the same statements serve an
        # unchanged set (only ``done`` moves), a re-split one and a shrunken one.
        for first in range(0, len(rows), _CHUNK):
            batch = rows[first : first + _CHUNK]
            conn.execute(_segment_upsert(len(batch)), [v for row in batch for v in row])
        conn.execute(_SEGMENT_TRIM, (job_id, len(rows)))

    def save_positions(self, positions: dict[JobId, int]) -> None:
        """Write new queue positions for several jobs in one transaction (a reorder)."""
        rows = [(position, job_id) for job_id, position in positions.items()]
        self._run([lambda conn: conn.executemany(_POSITION_UPDATE, rows)])

    def delete_job(self, job_id: JobId) -> None:
        """Forget the job with its mirrors, segments and history. Unknown ids are ignored."""
        self.commit_pending()
        r = self._rows
        with _translated():
            r.job.delete().where(r.job.id == job_id).execute()

    def purge_finished(self, older_than: timedelta) -> int:
        """Forget finished jobs that finished more than ``older_than`` ago; return how many."""
        self.commit_pending()
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
        self.commit_pending()
        return TransferLedger(self._db)

    # -- history ---------------------------------------------------------------------------

    def add_history(self, job_id: JobId, message: str) -> None:
        """Append a line stamped with the time now. Lines for a job no longer stored are dropped."""
        values = (job_id, _AT.db_value(utcnow()), message, job_id)
        self._submit(lambda conn: conn.execute(_HISTORY_INSERT, values), soon=True)

    def load_history(self, job_id: JobId) -> list[tuple[datetime, str]]:
        """The job's lines, oldest first (in the order they were added)."""
        self.commit_pending()
        h = self._rows.history
        with _translated():
            query = h.select(h.at, h.message).where(h.job_id == job_id).order_by(h.id)
            return [(row.at, row.message) for row in query]

    # -- settings --------------------------------------------------------------------------

    def load_settings(self) -> Settings:
        """The stored settings; keys this version does not know are ignored, not dropped."""
        self.commit_pending()
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
        self.commit_pending()
        s = self._rows.setting
        rows = [{"key": key, "value": json.dumps(value)} for key, value in settings.to_dict().items()]
        with _translated(), self._db.atomic("IMMEDIATE"):
            for batch in chunked(rows, _CHUNK):
                s.insert_many(batch).on_conflict(conflict_target=[s.key], preserve=[s.value]).execute()


def _nothing(conn: sqlite3.Connection) -> None:
    """A queued save another one has covered."""


def _segment_rows(job: Job) -> list[tuple[Any, ...]]:
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


class _RawRow:
    """A jobs row read with plain sqlite3, answering the attribute names a JobRow has."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__ = values

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)


def _converting(field: Field) -> bool:
    """Does this column need the field's own conversion (times as text, booleans)?"""
    return isinstance(field, UtcDateTimeField | BooleanField)


def _job_readers() -> tuple[list[str], list[str], list[Any]]:
    fields = JobRow._meta.sorted_fields
    return (
        [f.name for f in fields],
        [f.column_name for f in fields],
        [f.python_value if _converting(f) else None for f in fields],
    )


def _job_values(job: Job) -> dict[str, Any]:
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
def _segment_upsert(count: int) -> str:
    # One multi-row statement: a checkpoint is then BEGIN, UPDATE, INSERT, DELETE, COMMIT.
    return _SEGMENT_UPSERT.format(rows=", ".join(["(?, ?, ?, ?, ?)"] * count))


_UPSERTS: dict[tuple[str, ...], str] = {}


def _job_upsert(names: tuple[str, ...]) -> str:
    sql = _UPSERTS.get(names)
    if sql is None:
        updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "id")
        sql = _UPSERTS[names] = (
            f"INSERT INTO jobs ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}"
        )
    return sql


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
