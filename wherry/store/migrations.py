"""Schema versions: ordered steps keyed by ``PRAGMA user_version``, each in one transaction.

A step is frozen once released. It never uses the row classes in ``models.py``, which describe
only the newest schema; it states its change in SQL (or with ``playhouse.migrate``) as it stood
then. To change the schema, append a step; never edit one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from peewee import SqliteDatabase

from wherry.core.errors import ErrorKind, StoreError

__all__ = [
    "APPLICATION_ID",
    "CURRENT_VERSION",
    "STEPS",
    "Step",
    "check_version",
    "migrate",
    "schema_version",
]

# Stamped into the file header so a stray SQLite file is never taken for a job list. "WHRY".
APPLICATION_ID = 0x57485259


@dataclass(frozen=True)
class Step:
    version: int  # the user_version the database has once this step is applied
    summary: str
    apply: Callable[[SqliteDatabase], None]


_VERSION_1 = (
    """
    CREATE TABLE jobs (
        id TEXT NOT NULL PRIMARY KEY,
        url TEXT NOT NULL,
        directory TEXT NOT NULL,
        state TEXT NOT NULL,
        filename TEXT,
        requested_name TEXT,
        overwrite INTEGER NOT NULL DEFAULT 0,
        connections INTEGER NOT NULL DEFAULT 1,
        position INTEGER NOT NULL DEFAULT 0,
        total_size INTEGER,
        etag TEXT,
        last_modified TEXT,
        accept_ranges INTEGER NOT NULL DEFAULT 0,
        checksum_algorithm TEXT,
        checksum_hexdigest TEXT,
        actual_digest TEXT,
        error_kind TEXT,
        error_message TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        CHECK ((checksum_algorithm IS NULL) = (checksum_hexdigest IS NULL))
    )
    """,
    "CREATE INDEX jobs_queue_order ON jobs (position, created_at)",
    "CREATE INDEX jobs_finished ON jobs (state, finished_at)",
    # The UNIQUE indexes below lead with job_id, so they also serve the cascading deletes.
    """
    CREATE TABLE mirrors (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        url TEXT NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0,
        rejected TEXT,
        UNIQUE (job_id, ordinal)
    )
    """,
    # Any number of segments per job, so splitting a download across connections needs no
    # schema change. range_end is NULL while the size is unknown.
    """
    CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        range_start INTEGER NOT NULL,
        range_end INTEGER,
        done INTEGER NOT NULL DEFAULT 0,
        UNIQUE (job_id, ordinal)
    )
    """,
    """
    CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        message TEXT NOT NULL
    )
    """,
    "CREATE INDEX history_by_job ON history (job_id, id)",
    """
    CREATE TABLE settings (
        key TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    f"PRAGMA application_id = {APPLICATION_ID}",
)


def _sql(db: SqliteDatabase, statement: str) -> list[tuple[Any, ...]]:
    cursor = db.execute_sql(statement)  # type: ignore[no-untyped-call]  # the stubs leave it untyped
    return [tuple(row) for row in cursor.fetchall()]


def _create_schema(db: SqliteDatabase) -> None:
    for statement in _VERSION_1:
        _sql(db, statement)


def _add_pieces(db: SqliteDatabase) -> None:
    # JSON {"algorithm", "length", "hashes"}: read and written whole, never queried into.
    _sql(db, "ALTER TABLE jobs ADD COLUMN pieces TEXT")


def _add_speed_limit(db: SqliteDatabase) -> None:
    _sql(db, "ALTER TABLE jobs ADD COLUMN speed_limit INTEGER NOT NULL DEFAULT 0")


def _add_transfers(db: SqliteDatabase) -> None:
    # One row per run of a job, for the statistics; no foreign key, so clearing finished
    # downloads from the list (or the purge) keeps what they contributed.
    _sql(
        db,
        """
        CREATE TABLE transfers (
            id INTEGER PRIMARY KEY,
            job_id TEXT NOT NULL,
            at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            error_kind TEXT,
            fetched INTEGER NOT NULL DEFAULT 0,
            saved INTEGER NOT NULL DEFAULT 0
        )
        """,
    )
    _sql(db, "CREATE INDEX transfers_by_time ON transfers (at)")


def _add_request_headers(db: SqliteDatabase) -> None:
    # JSON {"headers": [[name, value], …], "secret": [name, …]}: credentials among them, which is
    # why the database file is private to its user (see db.make_private).
    _sql(db, "ALTER TABLE jobs ADD COLUMN request_headers TEXT")
    _sql(db, "ALTER TABLE jobs ADD COLUMN checksum_source TEXT")


STEPS: tuple[Step, ...] = (
    Step(1, "jobs, mirrors, segments, history and settings", _create_schema),
    Step(2, "a speed limit per job", _add_speed_limit),
    Step(3, "piece digests per job", _add_pieces),
    Step(4, "a ledger of transfers for the statistics", _add_transfers),
    Step(5, "request headers per job and where its checksum came from", _add_request_headers),
)

CURRENT_VERSION = len(STEPS)


def schema_version(db: SqliteDatabase) -> int:
    return int(_sql(db, "PRAGMA user_version")[0][0])


def check_version(db: SqliteDatabase, where: str, steps: Sequence[Step] = STEPS) -> int:
    """Return the file's schema version, or raise if this Wherry cannot understand it.

    Reads only; a refused file is left exactly as it was.
    """
    # One read transaction, so all three reads see the same moment even while another process
    # is creating the schema (outside one, "version 0" and "has tables" could both be seen).
    with db.atomic():
        version = schema_version(db)
        has_tables = bool(_sql(db, "SELECT count(*) FROM sqlite_master")[0][0])
        application_id = int(_sql(db, "PRAGMA application_id")[0][0])
    if version > len(steps):
        raise StoreError(
            ErrorKind.FILESYSTEM,
            f"The job list {where} was made by a newer Wherry; update Wherry to open it.",
        )
    if (version == 0 and has_tables) or (version > 0 and application_id != APPLICATION_ID):
        raise _not_ours(where)
    return version


def _not_ours(where: str) -> StoreError:
    return StoreError(
        ErrorKind.FILESYSTEM,
        f"The file {where} is a database but not a Wherry job list; move it away and start again.",
    )


def migrate(db: SqliteDatabase, steps: Sequence[Step] = STEPS) -> int:
    """Apply every step newer than the file's version; return the version reached."""
    for expected, step in enumerate(steps, start=1):
        if step.version != expected:
            raise ValueError(f"steps must be numbered 1, 2, 3…; step {expected} says {step.version}")
    if schema_version(db) >= len(steps):
        return schema_version(db)
    for step in steps:
        # IMMEDIATE takes the write lock before reading the version, so two processes opening
        # a fresh file together apply each step once: the second waits, then sees it done.
        with db.atomic("IMMEDIATE"):
            if schema_version(db) >= step.version:
                continue
            step.apply(db)
            # user_version lives in the file header and commits or rolls back with the step.
            _sql(db, f"PRAGMA user_version = {int(step.version)}")
    return schema_version(db)
