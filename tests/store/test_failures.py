"""Failures while running become one-sentence StoreErrors and leave the last commit intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.store_samples import full_job, one_sentence, real_database, scribble_history_root
from wherry.core import ErrorKind, Mirror, Segment, StoreError
from wherry.store import SqliteRepository, open_store


def test_a_full_disk_is_reported_and_the_last_save_survives(repo: SqliteRepository) -> None:
    job = full_job()
    repo.save_job(job)
    # Capping the file at its current size is how SQLite behaves when the disk fills up.
    pages = repo._db.execute_sql("PRAGMA page_count").fetchone()[0]
    repo._db.execute_sql(f"PRAGMA max_page_count = {pages}")
    bigger = full_job(mirrors=[Mirror(f"https://m{n}.example/" + "x" * 200) for n in range(2000)])

    with pytest.raises(StoreError) as caught:
        repo.save_job(bigger)

    assert caught.value.kind is ErrorKind.DISK_FULL
    assert one_sentence(caught.value.message)
    assert repo.load_jobs() == [job]


def test_damage_found_while_running_is_reported_as_such(db_path: Path) -> None:
    real_database(db_path)
    repo, _ = open_store(db_path)
    try:
        scribble_history_root(db_path)
        with pytest.raises(StoreError) as caught:
            repo.load_history("job-3")
        assert caught.value.kind is ErrorKind.CORRUPT_DATABASE
        assert one_sentence(caught.value.message)
    finally:
        repo.close()


def test_thousands_of_segments_round_trip(repo: SqliteRepository) -> None:
    job = full_job(segments=[Segment(n * 10, n * 10 + 10, n % 10) for n in range(1200)])
    repo.save_job(job)
    [loaded] = repo.load_jobs()
    assert loaded.segments == job.segments
    job.segments = [Segment(s.start, s.end, 10) for s in job.segments[:1100]]
    repo.save_progress(job)
    [loaded] = repo.load_jobs()
    assert loaded.segments == job.segments
