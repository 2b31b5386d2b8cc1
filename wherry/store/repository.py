"""The job repository: jobs, their history and the settings in one SQLite file.

Implements ``JobRepository`` and ``SettingsRepository`` from ``wherry.core.ports``. Rows never
leave the store (store/job_rows.py turns them into jobs and back); callers see ``Job``,
``Settings`` and ``StoreError`` only.
"""

from __future__ import annotations

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

from peewee import PeeweeException, SqliteDatabase, chunked

from wherry.core.jobs import Job, JobId, JobState, Mirror, Segment, utcnow
from wherry.core.settings import Settings
from wherry.store.db import open_database, store_error
from wherry.store.job_rows import (
    RawRow,
    job_from_row,
    job_readers,
    job_upsert,
    job_values,
    segment_rows,
    segment_upsert,
)
from wherry.store.ledger import TransferLedger
from wherry.store.models import Rows, UtcDateTimeField, bind_rows

__all__ = ["SqliteRepository", "open_store"]

# Rows per INSERT, well under SQLite's limit of 32766 bound parameters per statement.
_CHUNK = 500

# The hot paths (add, checkpoint, transitions, history) run fixed SQL straight on the sqlite3
# connection: building each statement with peewee's query builder cost more CPU than the rest
# of a small file's download together (see docs/PERFORMANCE.md). sqlite3 keeps the prepared
# statements in its per-connection cache, keyed by the SQL text.
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
        names, columns, readers = job_readers()
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
                row = RawRow(fields)
                jobs.append(job_from_row(row, mirrors[row.id], segments[row.id]))  # type: ignore[arg-type]
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
            columns = job_values(job)
            mirrors = [(job.id, i, m.url, m.priority, m.rejected) for i, m in enumerate(job.mirrors)]
            # A job's mirrors are given when it is added and never taken away, so a job stored
            # without any has no rows to clear (most jobs: one statement less per save).
            clear = bool(mirrors) or job.id in self._mirrored
            if mirrors:
                self._mirrored.add(job.id)
            upsert = job_upsert(tuple(columns))
            rows.append((job.id, upsert, tuple(columns.values()), mirrors, clear, segment_rows(job)))

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
        job_id, segments = job.id, segment_rows(job)

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
            conn.execute(segment_upsert(len(batch)), [v for row in batch for v in row])
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
