"""A job's history lines: stamped, kept in order, dropped with the job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.store.store_samples import full_job
from wherry.store import SqliteRepository


def test_lines_come_back_oldest_first_with_their_times(repo: SqliteRepository) -> None:
    job = full_job()
    repo.save_job(job)
    before = datetime.now(UTC)
    messages = [f"Retry {n}: the connection dropped." for n in range(12)]
    for message in messages:
        repo.add_history(job.id, message)
    after = datetime.now(UTC)
    lines = repo.load_history(job.id)
    assert [m for _, m in lines] == messages
    times = [t for t, _ in lines]
    assert times == sorted(times)
    assert all(before - timedelta(seconds=1) <= t <= after + timedelta(seconds=1) for t in times)
    assert all(t.utcoffset() == timedelta(0) for t in times)


def test_each_job_sees_only_its_own_lines(repo: SqliteRepository) -> None:
    first, second = full_job(), full_job(id="second")
    repo.save_job(first)
    repo.save_job(second)
    repo.add_history(first.id, "one")
    repo.add_history(second.id, "two")
    repo.add_history(first.id, "three")
    assert [m for _, m in repo.load_history(first.id)] == ["one", "three"]
    assert [m for _, m in repo.load_history(second.id)] == ["two"]


def test_a_line_for_a_job_no_longer_stored_is_dropped(repo: SqliteRepository) -> None:
    repo.add_history("never-saved", "Retrying.")
    assert repo.load_history("never-saved") == []
