"""Open the job database with the settings Wherry relies on, and name SQLite's failures.

Two processes may open the same file at once (the window and ``wherry get``), so the database
runs in WAL mode: readers never block the writer and the writer never blocks readers. Writers
queue behind each other for up to ``BUSY_TIMEOUT`` seconds instead of failing at once.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peewee import DatabaseProxy, PeeweeException, SqliteDatabase

from wherry.core.errors import ErrorKind, StoreError
from wherry.store.migrations import check_version, migrate

__all__ = [
    "BUSY_TIMEOUT",
    "connect",
    "database_proxy",
    "enable_wal",
    "is_corruption",
    "make_private",
    "open_database",
    "set_aside",
    "sqlite_error",
    "store_error",
]

# Seconds a writer waits for another process's write transaction to end before giving up.
BUSY_TIMEOUT = 10.0

# Tools and tests may call ``database_proxy.initialize(db)`` to use the module-level rows in
# ``wherry.store.models`` directly. Repositories never do: each binds its own copy of the rows
# to its own connection, so two open repositories cannot redirect each other's queries.
database_proxy = DatabaseProxy()

# Result codes from sqlite3.h; the low byte is the primary code of an extended one.
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


def connect(path: Path) -> SqliteDatabase:
    """Open ``path`` with per-connection settings only; nothing here writes to the file.

    The connection belongs to the calling thread (peewee's default), which is the event-loop
    thread for the repository.
    """
    db = SqliteDatabase(
        str(path),
        timeout=BUSY_TIMEOUT,
        autoconnect=False,
        pragmas={
            "foreign_keys": 1,
            # In WAL mode NORMAL syncs the log at checkpoints, not at every commit. A commit is
            # then durable against a process kill (the log is in the OS cache); only a power cut
            # or OS crash can lose the last few commits, and never corrupts the file
            # (sqlite.org/pragma.html#pragma_synchronous). Progress is re-saved each second, so
            # that trade buys cheap checkpoints at no real risk.
            "synchronous": "NORMAL",
        },
    )
    db.connect()
    return db


def enable_wal(db: SqliteDatabase) -> str:
    """Switch the file to WAL (persistent; writes the file header) and return the mode in force.

    Some file systems (network shares) cannot hold the shared-memory index WAL needs; SQLite then
    keeps its rollback journal, which is slower but still safe, so that is not an error.
    """
    mode = str(_sql(db, "PRAGMA journal_mode")[0][0]).lower()
    if mode == "wal":
        return mode
    # The switch needs the file to itself, and SQLite answers "busy" at once rather than
    # calling the busy handler; so wait here when another process is opening it too.
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.005
    while True:
        try:
            return str(_sql(db, "PRAGMA journal_mode = WAL")[0][0]).lower()
        except PeeweeException as exc:
            if _primary_code(exc) not in (_SQLITE_BUSY, _SQLITE_LOCKED) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _sql(db: SqliteDatabase, statement: str) -> list[tuple[Any, ...]]:
    cursor = db.execute_sql(statement)  # type: ignore[no-untyped-call]  # the stubs leave it untyped
    return [tuple(row) for row in cursor.fetchall()]


def sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 exception behind a peewee one (peewee keeps it as ``orig``)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sqlite3.Error):
            return seen
        orig = getattr(seen, "orig", None)
        if isinstance(orig, sqlite3.Error):
            return orig
        seen = seen.__cause__ or seen.__context__
    return None


def _primary_code(exc: BaseException) -> int | None:
    code = getattr(sqlite_error(exc), "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_corruption(exc: BaseException) -> bool:
    """True when SQLite says the file is not a database or its contents are damaged."""
    err = sqlite_error(exc)
    if err is None:
        return False
    code = _primary_code(err)
    if code is not None:
        return code in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(err).lower()
    return "malformed" in text or "not a database" in text


def store_error(exc: BaseException, subject: str = "The job list") -> StoreError:
    """One sentence for a failure SQLite reported; ``subject`` names the file in it."""
    code = _primary_code(exc)
    detail = sqlite_error(exc) or exc
    if is_corruption(exc):
        return StoreError(
            ErrorKind.CORRUPT_DATABASE,
            f"{subject} is damaged; restart Wherry to set it aside and start a new one.",
        )
    if code == _SQLITE_FULL:
        return StoreError(ErrorKind.DISK_FULL, f"{subject} cannot grow because the disk is full.")
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreError(
            ErrorKind.FILESYSTEM,
            f"{subject} stayed locked by another Wherry for more than {BUSY_TIMEOUT:g} seconds.",
        )
    if code == _SQLITE_READONLY:
        return StoreError(ErrorKind.PERMISSION, f"{subject} cannot be written; its file is read-only.")
    if code in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        return StoreError(ErrorKind.FILESYSTEM, f"{subject} could not be read or written ({detail}).")
    return StoreError(ErrorKind.INTERNAL, f"{subject} could not be used ({detail}).")


# Files SQLite keeps beside the database; a stale one must never meet a new database.
_COMPANIONS = ("-wal", "-shm", "-journal")

# The first 16 bytes of every SQLite 3 database (sqlite.org/fileformat.html#the_database_header).
_SQLITE_HEADER = b"SQLite format 3\x00"


class _Damaged(Exception):
    """The file is not a usable SQLite database and should be set aside."""


def open_database(path: Path) -> tuple[SqliteDatabase, str | None]:
    """Open (creating or upgrading) the job database at ``path``.

    Returns the connection and, if a damaged file had to be set aside, the sentence saying so.
    Raises StoreError, leaving every file untouched, when the file cannot be read at all, is
    not a Wherry job list, or was made by a newer Wherry.
    """
    _check_path(path)
    make_private(path)
    try:
        return _open_checked(path), None
    except _Damaged:
        aside = set_aside(path)
        make_private(path)
    notice = f"The job list was damaged and has been set aside as {aside.name}; Wherry started a new one."
    try:
        return _open_checked(path), notice
    except _Damaged as exc:
        raise StoreError(
            ErrorKind.CORRUPT_DATABASE, f"Wherry could not start a new job list at {path}."
        ) from exc


def make_private(path: Path) -> None:
    """Let only the user read the job list (0600) and its folder (0700): jobs hold credentials.

    The file is created empty here, before SQLite opens it, so it never exists with wider
    rights; SQLite gives its -wal and -shm files the database file's mode.
    """
    try:
        os.chmod(path.parent, 0o700)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
        for suffix in _COMPANIONS:
            companion = Path(f"{path}{suffix}")
            if companion.exists():
                os.chmod(companion, 0o600)
    except OSError as exc:
        # A file system without Unix modes (a FAT stick) cannot do this; the job list still works.
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EROFS):
            raise StoreError(
                ErrorKind.PERMISSION, f"Wherry could not make its job list {path} private ({exc.strerror})."
            ) from exc


def _check_path(path: Path) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            ErrorKind.FILESYSTEM,
            f"Wherry cannot create the folder {path.parent} for its job list ({exc.strerror}).",
        ) from exc
    if path.exists() and not path.is_file():
        raise StoreError(
            ErrorKind.FILESYSTEM, f"Wherry cannot open its job list because {path} is not a file."
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(ErrorKind.PERMISSION, f"Wherry has no permission to read and write {path}.")


def _open_checked(path: Path) -> SqliteDatabase:
    if _has_foreign_header(path):
        raise _Damaged("no SQLite header")
    # Inspect through a read-only connection first: it cannot roll a journal back, checkpoint
    # a log into a damaged file, or stamp a newer Wherry's file, so whatever we refuse or set
    # aside keeps exactly the bytes it had.
    inspected = path.exists() and path.stat().st_size > 0 and _inspect_read_only(path)
    db: SqliteDatabase | None = None
    try:
        db = connect(path)
        check_version(db, str(path))
        if not inspected:
            _quick_check(db)
        enable_wal(db)
        migrate(db)
    except BaseException as exc:
        if db is not None:
            db.close()
        classified = _classified(exc, path)
        if classified is exc:
            raise
        raise classified from exc
    return db


def _has_foreign_header(path: Path) -> bool:
    """True for a non-empty file that does not start the way every SQLite database starts."""
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StoreError(
            ErrorKind.FILESYSTEM, f"Wherry cannot read its job list {path} ({exc.strerror})."
        ) from exc
    return bool(head) and head != _SQLITE_HEADER


def _inspect_read_only(path: Path) -> bool:
    """Check version and structure without writing; False if only a writer can look."""
    try:
        ro = SqliteDatabase(f"{path.resolve().as_uri()}?mode=ro", uri=True, autoconnect=False)
        ro.connect()
    except (PeeweeException, sqlite3.Error) as exc:
        if is_corruption(exc):
            raise _Damaged(str(exc)) from exc
        return False
    try:
        check_version(ro, str(path))
        _quick_check(ro)
    except (PeeweeException, sqlite3.Error) as exc:
        if is_corruption(exc):
            raise _Damaged(str(exc)) from exc
        # A hot journal from a crash in rollback mode needs a writer to roll it back first.
        return False
    finally:
        ro.close()
    return True


def _quick_check(db: SqliteDatabase) -> None:
    rows = _sql(db, "PRAGMA quick_check")
    if rows != [("ok",)]:
        raise _Damaged(f"quick_check: {rows[:3]}")


def _classified(exc: BaseException, path: Path) -> BaseException:
    if isinstance(exc, PeeweeException | sqlite3.Error):
        if is_corruption(exc):
            return _Damaged(str(exc))
        return store_error(exc, f"The job list {path}")
    return exc


def set_aside(path: Path) -> Path:
    """Rename a damaged database and its companions to ``<name>.corrupt-<UTC time>`` beside it."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while any(Path(f"{aside}{suffix}").exists() for suffix in ("", *_COMPANIONS)):
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        # Companions first: should we be stopped half-way, no stale log is left to be replayed
        # into the new database, and the damaged file is still where the next start finds it.
        for suffix in _COMPANIONS:
            companion = Path(f"{path}{suffix}")
            if companion.exists():
                companion.rename(f"{aside}{suffix}")
        path.rename(aside)
    except OSError as exc:
        raise StoreError(
            ErrorKind.CORRUPT_DATABASE,
            f"The job list {path} is damaged and could not be set aside ({exc.strerror}).",
        ) from exc
    return aside
