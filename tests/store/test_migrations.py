"""Schema versions: every earlier version upgrades to the current one and keeps its data."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from wherry.core import JobState, Pieces
from wherry.store import open_store
from wherry.store.migrations import APPLICATION_ID, CURRENT_VERSION, STEPS, Step, migrate, schema_version
from wherry.store.models import ALL_ROWS


def seed_v1(raw: sqlite3.Connection) -> set[str]:
    """Rows as version 1 stored them; returns the ids of the jobs written."""
    raw.execute(
        "INSERT INTO jobs (id, url, directory, state, overwrite, connections, position, accept_ranges,"
        " checksum_algorithm, checksum_hexdigest, created_at, finished_at, total_size)"
        " VALUES ('v1-job', 'https://example.org/v1.iso', '/d', 'finished', 0, 2, 3, 1,"
        " 'md5', '0123456789abcdef0123456789abcdef',"
        " '2026-01-02T03:04:05.000006+00:00', '2026-01-03T00:00:00.000000+00:00', 100)"
    )
    raw.execute(
        "INSERT INTO mirrors (job_id, ordinal, url, priority) VALUES ('v1-job', 0, 'https://m/v1', 1)"
    )
    raw.execute(
        "INSERT INTO segments (job_id, ordinal, range_start, range_end, done)"
        " VALUES ('v1-job', 0, 0, 100, 100)"
    )
    raw.execute(
        "INSERT INTO history (job_id, at, message) VALUES ('v1-job', '2026-01-02T03:04:06+00:00', 'Done.')"
    )
    raw.execute("INSERT INTO settings (key, value) VALUES ('max_active', '7')")
    return {"v1-job"}


def seed_v2(raw: sqlite3.Connection) -> set[str]:
    """Version 2 added a per-job speed limit."""
    ids = seed_v1(raw)
    raw.execute("UPDATE jobs SET speed_limit = 250000 WHERE id = 'v1-job'")
    return ids


def seed_v3(raw: sqlite3.Connection) -> set[str]:
    """Version 3 added piece digests."""
    ids = seed_v2(raw)
    raw.execute('UPDATE jobs SET pieces = \'{"algorithm": "sha1", "length": 64, "hashes": ["ab", "cd"]}\'')
    return ids


def seed_v4(raw: sqlite3.Connection) -> set[str]:
    """Version 4 added the transfer ledger."""
    ids = seed_v3(raw)
    raw.execute(
        "INSERT INTO transfers (job_id, at, outcome, fetched, saved)"
        " VALUES ('gone-job', '2026-01-03T00:00:00.000000+00:00', 'finished', 100, 20)"
    )
    return ids


def seed_v5(raw: sqlite3.Connection) -> set[str]:
    """Version 5 added request headers (with credentials) and the checksum's source."""
    ids = seed_v4(raw)
    raw.execute(
        'UPDATE jobs SET request_headers = \'{"headers": [["Authorization", "Bearer t"]],'
        " \"secret\": []}', checksum_source = 'given'"
    )
    return ids


# Data written by each released schema version. Adding step N+1 means adding seed_vN here.
SEEDS: dict[int, Callable[[sqlite3.Connection], set[str]]] = {
    1: seed_v1,
    2: seed_v2,
    3: seed_v3,
    4: seed_v4,
    5: seed_v5,
}


def build_at_version(path: Path, version: int) -> set[str]:
    """A database exactly as Wherry at ``version`` left it, holding that version's sample data."""
    db = SqliteDatabase(str(path))
    try:
        db.connect()
        migrate(db, STEPS[:version])
    finally:
        db.close()
    if version == 0:
        return set()
    with sqlite3.connect(path) as raw:
        ids = SEEDS[version](raw)
    raw.close()
    return ids


def schema_of(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as raw:
        rows = raw.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
        ).fetchall()
    raw.close()
    return [(kind, name, " ".join(sql.split())) for kind, name, sql in rows]


def test_every_released_version_has_sample_data() -> None:
    assert set(SEEDS) == set(range(1, CURRENT_VERSION + 1))


def test_steps_are_numbered_from_one_without_gaps() -> None:
    assert [s.version for s in STEPS] == list(range(1, len(STEPS) + 1))


def test_fresh_database_is_at_the_current_version_and_stamped_as_wherrys(db_path: Path) -> None:
    repo, _ = open_store(db_path)
    repo.close()
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (CURRENT_VERSION,)
        assert raw.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    raw.close()


@pytest.mark.parametrize("version", range(CURRENT_VERSION + 1), ids=lambda v: f"from-v{v}")
def test_upgrades_to_the_current_schema_keeping_data(tmp_path: Path, version: int) -> None:
    fresh = tmp_path / "fresh.db"
    repo, _ = open_store(fresh)
    repo.close()
    old = tmp_path / "old.db"
    seeded = build_at_version(old, version)

    repo, notice = open_store(old)
    try:
        assert notice is None
        assert {j.id for j in repo.load_jobs()} == seeded
        for job in repo.load_jobs():
            assert job.state in JobState
            assert repo.load_history(job.id)
        if version:
            assert repo.load_settings().max_active == 7
        # Jobs from before step 2 have no limit of their own; later ones keep theirs.
        assert [j.speed_limit for j in repo.load_jobs()] == ([250000] if version >= 2 else [0] * len(seeded))
        pieces = [j.pieces for j in repo.load_jobs()]
        assert pieces == ([Pieces("sha1", 64, ("ab", "cd"))] if version >= 3 else [None] * len(seeded))
        ledger = [(t.job_id, t.fetched, t.saved) for t in repo.ledger().load_transfers()]
        assert ledger == ([("gone-job", 100, 20)] if version >= 4 else [])
    finally:
        repo.close()
    assert schema_of(old) == schema_of(fresh)
    with sqlite3.connect(old) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (CURRENT_VERSION,)
    raw.close()


def test_row_classes_match_the_migrated_schema(db_path: Path) -> None:
    repo, _ = open_store(db_path)
    repo.close()
    with sqlite3.connect(db_path) as raw:
        for row in ALL_ROWS:
            table = row._meta.table_name
            columns = {r[1] for r in raw.execute(f"PRAGMA table_info({table})")}
            assert columns == {f.column_name for f in row._meta.sorted_fields}, table
    raw.close()


def test_a_failing_step_leaves_the_database_at_the_previous_version(db_path: Path) -> None:
    def half_done(db: SqliteDatabase) -> None:
        db.execute_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("step failed midway")

    db = SqliteDatabase(str(db_path))
    db.connect()
    try:
        migrate(db)
        with pytest.raises(RuntimeError, match="midway"):
            migrate(db, (*STEPS, Step(CURRENT_VERSION + 1, "broken", half_done)))
        assert schema_version(db) == CURRENT_VERSION
        assert "half_done" not in db.get_tables()
    finally:
        db.close()


def test_misnumbered_steps_are_a_bug_caught_before_any_change(db_path: Path) -> None:
    db = SqliteDatabase(str(db_path))
    db.connect()
    try:
        with pytest.raises(ValueError, match="numbered"):
            migrate(db, (Step(2, "skips one", lambda _: None),))
        assert schema_version(db) == 0
    finally:
        db.close()
