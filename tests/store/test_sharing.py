"""One file shared by two processes; several files open in one process; one thread per connection."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.store.store_samples import full_job
from wherry.core import Settings, StoreError
from wherry.store import SqliteRepository, open_store
from wherry.store.db import connect, database_proxy
from wherry.store.migrations import CURRENT_VERSION
from wherry.store.models import JobRow


def urls_seen_by(path: Path) -> list[str]:
    """Read with a plain connection, as another process would."""
    reader = sqlite3.connect(path, timeout=0)
    try:
        return [row[0] for row in reader.execute("SELECT url FROM jobs ORDER BY url")]
    finally:
        reader.close()


def test_file_is_in_wal_mode(repo: SqliteRepository, db_path: Path) -> None:
    reader = sqlite3.connect(db_path)
    try:
        assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        reader.close()


def test_another_connection_reads_while_the_repository_writes(repo: SqliteRepository, db_path: Path) -> None:
    repo.save_job(full_job(id="a", url="https://a.example/"))
    # Hold the repository's write transaction open across a second save.
    with repo._db.atomic("IMMEDIATE"):
        repo.save_job(full_job(id="b", url="https://b.example/"))
        assert urls_seen_by(db_path) == ["https://a.example/"]  # no wait, no uncommitted row
    assert urls_seen_by(db_path) == ["https://a.example/", "https://b.example/"]


def test_a_second_repository_reads_while_another_process_writes(
    repo: SqliteRepository, db_path: Path
) -> None:
    job = full_job()
    repo.save_job(job)
    writer = sqlite3.connect(db_path, isolation_level=None)
    second, _ = open_store(db_path)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE jobs SET url = 'https://changed.example/'")
        assert second.load_jobs() == [job]
        writer.execute("COMMIT")
        assert [j.url for j in second.load_jobs()] == ["https://changed.example/"]
    finally:
        second.close()
        writer.close()


def test_a_writer_waits_for_another_writer_instead_of_failing(repo: SqliteRepository, db_path: Path) -> None:
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO settings (key, value) VALUES ('from_other', '1')")
    # Stands in for another process finishing its write a moment later.
    release = threading.Timer(0.3, other.execute, ("COMMIT",))
    release.start()
    try:
        job = full_job()
        repo.save_job(job)  # blocks on the lock until the commit, then goes ahead
        assert repo.load_jobs() == [job]
    finally:
        release.join()
        other.close()


def test_concurrent_first_opens_create_the_schema_once(db_path: Path) -> None:
    openers = 4
    barrier = threading.Barrier(openers)

    def open_and_use(n: int) -> int:
        barrier.wait(timeout=10)
        repo, notice = open_store(db_path)
        try:
            assert notice is None
            repo.save_job(full_job(id=f"job-{n}"))
            return len(repo.load_jobs())
        finally:
            repo.close()

    with ThreadPoolExecutor(openers) as pool:
        list(pool.map(open_and_use, range(openers)))
    reader = sqlite3.connect(db_path)
    try:
        assert reader.execute("PRAGMA user_version").fetchone() == (CURRENT_VERSION,)
        assert reader.execute("SELECT count(*) FROM jobs").fetchone() == (openers,)
    finally:
        reader.close()


def test_two_open_repositories_keep_to_their_own_files(tmp_path: Path) -> None:
    first, _ = open_store(tmp_path / "first.db")
    second, _ = open_store(tmp_path / "second.db")
    try:
        a, b = full_job(id="in-first"), full_job(id="in-second")
        first.save_job(a)
        second.save_job(b)
        first.save_settings(Settings(max_active=1))
        second.save_settings(Settings(max_active=2))
        first.add_history(a.id, "first")
        assert first.load_jobs() == [a]
        assert second.load_jobs() == [b]
        assert (first.load_settings().max_active, second.load_settings().max_active) == (1, 2)
        second.close()
        first.save_job(full_job(id="after-second-closed"))
        assert {j.id for j in first.load_jobs()} == {"in-first", "after-second-closed"}
    finally:
        first.close()
        second.close()


def test_module_rows_follow_the_proxy_without_disturbing_repositories(tmp_path: Path) -> None:
    repo, _ = open_store(tmp_path / "app.db")
    repo.save_job(full_job(id="app-job"))
    tool_db = connect(tmp_path / "tool.db")
    other, _ = open_store(tmp_path / "tool.db")
    other.save_job(full_job(id="tool-job-1"))
    other.save_job(full_job(id="tool-job-2"))
    database_proxy.initialize(tool_db)
    try:
        assert sorted(r.id for r in JobRow.select()) == ["tool-job-1", "tool-job-2"]
        assert [j.id for j in repo.load_jobs()] == ["app-job"]
    finally:
        database_proxy.initialize(None)
        tool_db.close()
        other.close()
        repo.close()


def test_calls_from_another_thread_fail_instead_of_sharing_the_connection(repo: SqliteRepository) -> None:
    with ThreadPoolExecutor(1) as pool, pytest.raises(StoreError):
        pool.submit(repo.load_jobs).result(timeout=10)
    assert repo.load_jobs() == []


def test_closing_twice_is_harmless_and_use_after_close_is_reported(db_path: Path) -> None:
    repo, _ = open_store(db_path)
    repo.close()
    repo.close()
    assert repo.closed
    with pytest.raises(StoreError):
        repo.load_jobs()


def test_log_is_folded_back_when_the_last_connection_closes(db_path: Path) -> None:
    repo, _ = open_store(db_path)
    repo.save_job(full_job())
    repo.close()
    assert not Path(f"{db_path}-wal").exists()
    assert urls_seen_by(db_path) == [full_job().url]
