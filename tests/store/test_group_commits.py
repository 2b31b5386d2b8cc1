"""Group commits: the saves of running jobs share transactions, with the values of their time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.store.store_samples import full_job
from wherry.core.errors import ErrorKind, StoreError
from wherry.core.jobs import Job, JobState, Segment
from wherry.store import SqliteRepository, open_store


class Later:
    """A schedule that keeps the callbacks until the test runs them."""

    def __init__(self) -> None:
        self.callbacks: list[Callable[[], None]] = []

    def __call__(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)

    def run(self) -> None:
        callbacks, self.callbacks = self.callbacks, []
        for callback in callbacks:
            callback()


def _other(db_path: Path) -> SqliteRepository:
    repository, _ = open_store(db_path)
    return repository


def _history(db_path: Path, job_id: str) -> list[str]:
    other = _other(db_path)
    try:
        return [m for _, m in other.load_history(job_id)]
    finally:
        other.close()


def _stored(db_path: Path) -> dict[str, Job]:
    """What another process reading the file finds: the committed jobs by id."""
    other = _other(db_path)
    try:
        return {j.id: j for j in other.load_jobs()}
    finally:
        other.close()


def test_saves_of_running_jobs_share_one_transaction(repo: SqliteRepository, db_path: Path) -> None:
    jobs = [full_job(url=f"https://example.org/{i}", state=JobState.QUEUED) for i in range(5)]
    repo.save_jobs(jobs)
    later = Later()
    repo.group_commits(later)
    before = repo.commit_count
    for job in jobs:
        job.transition(JobState.RUNNING)
        repo.save_job(job)
        repo.save_progress(job)
        repo.add_history(job.id, "Started.")
    assert repo.commit_count == before  # all queued
    assert len(later.callbacks) == 1  # one commit asked for, not fifteen
    later.run()
    assert repo.commit_count == before + 1
    assert {j.state for j in _stored(db_path).values()} == {JobState.RUNNING}
    assert _history(db_path, jobs[0].id) == ["Started."]


def test_a_queued_save_keeps_the_values_it_was_given(repo: SqliteRepository, db_path: Path) -> None:
    # The checkpoint rule depends on it: counters read before the sync are the ones stored,
    # not whatever the transfer has counted by the time the transaction commits.
    job = full_job(state=JobState.RUNNING, segments=[Segment(0, 1000, 100)])
    repo.save_jobs([job])
    later = Later()
    repo.group_commits(later)
    repo.save_progress(job)
    job.segments[0].done = 900  # bytes written after the sync, not yet on disk
    later.run()
    other = _other(db_path)
    try:
        assert other.load_jobs()[0].segments[0].done == 100
    finally:
        other.close()


def test_reads_adds_and_close_commit_the_queue_first(repo: SqliteRepository, db_path: Path) -> None:
    first = full_job(state=JobState.QUEUED)
    repo.save_jobs([first])
    repo.group_commits(Later())
    first.transition(JobState.RUNNING)
    repo.save_job(first)
    assert repo.load_jobs()[0].state is JobState.RUNNING  # a read sees what was queued
    repo.add_history(first.id, "queued line")
    second = full_job(url="https://example.org/second")
    repo.save_jobs([second])  # an add is never queued, and takes the queue with it
    other = _other(db_path)
    try:
        assert len(other.load_jobs()) == 2
        assert [m for _, m in other.load_history(first.id)] == ["queued line"]
    finally:
        other.close()
    repo.add_history(first.id, "last line")
    repo.close()
    reopened = _other(db_path)
    try:
        assert [m for _, m in reopened.load_history(first.id)][-1] == "last line"
    finally:
        reopened.close()


def test_without_a_schedule_every_save_commits_at_once(repo: SqliteRepository) -> None:
    repo.group_commits(Later())
    job = full_job()
    repo.save_job(job)
    repo.group_commits(None)  # commits what was queued
    before = repo.commit_count
    repo.save_job(job)
    repo.add_history(job.id, "now")
    assert repo.commit_count == before + 2


def test_a_failed_group_commit_falls_back_to_saving_one_by_one(
    repo: SqliteRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = full_job()
    repo.save_jobs([job])
    later = Later()
    repo.group_commits(later)
    repo.add_history(job.id, "lost with the failed commit")
    real = repo._writing

    def broken() -> object:
        raise StoreError(ErrorKind.DISK_FULL, "The disk is full.")

    monkeypatch.setattr(repo, "_writing", broken)
    later.run()  # logged, not raised: there is no caller to raise into
    with pytest.raises(StoreError):
        repo.add_history(job.id, "this caller hears of the failure")
    monkeypatch.setattr(repo, "_writing", real)
    before = repo.commit_count
    repo.add_history(job.id, "saved at once")
    assert repo.commit_count == before + 1
    assert later.callbacks == []


def test_saves_of_one_job_in_one_window_write_its_row_once(repo: SqliteRepository, db_path: Path) -> None:
    # Only the transaction's end state is ever visible, so a later save of the same job takes
    # the place of an earlier one it covers; the values stored are the last ones asked for.
    job = full_job(state=JobState.QUEUED, segments=[Segment(0, 1000, 0)])
    keeper = full_job(url="https://example.org/keeper", state=JobState.QUEUED)
    repo.save_jobs([job, keeper])
    later = Later()
    repo.group_commits(later)
    job.transition(JobState.RUNNING)
    repo.save_job(job)
    repo.add_history(job.id, "Started.")
    job.segments[0].done = 400
    repo.save_progress(job)
    job.segments[0].done = 1000
    repo.save_progress(job)  # covers the checkpoint before it
    repo.save_job(keeper)
    job.transition(JobState.FINISHED)
    repo.save_job(job)  # covers both the whole save and the checkpoints
    job.segments[0].done = 5  # changed after the last save: must not be what is stored
    statements: list[str] = []
    connection = repo._conn()
    connection.set_trace_callback(statements.append)
    try:
        later.run()
    finally:
        connection.set_trace_callback(None)
    upserts = [s for s in statements if s.startswith("INSERT INTO jobs")]
    updates = [s for s in statements if s.startswith("UPDATE jobs")]
    assert len(upserts) == 2  # one for the job, one for the keeper
    assert updates == []
    assert any(s.startswith("INSERT INTO history") for s in statements)
    stored = _stored(db_path)[job.id]
    assert stored.state is JobState.FINISHED
    assert stored.segments[0].done == 1000
    assert _history(db_path, job.id) == ["Started."]


def test_a_checkpoint_after_a_whole_save_is_kept_beside_it(repo: SqliteRepository, db_path: Path) -> None:
    job = full_job(state=JobState.QUEUED, segments=[Segment(0, 1000, 0)])
    repo.save_jobs([job])
    later = Later()
    repo.group_commits(later)
    job.transition(JobState.RUNNING)
    job.speed_limit = 777  # a column only a whole save writes
    repo.save_job(job)
    job.segments[0].done = 600
    repo.save_progress(job)  # does not cover the whole save: both are written, in order
    later.run()
    stored = _stored(db_path)[job.id]
    assert (stored.speed_limit, stored.segments[0].done, stored.state) == (777, 600, JobState.RUNNING)


def test_a_checkpoint_never_moves_before_a_whole_save_queued_earlier(
    repo: SqliteRepository, db_path: Path
) -> None:
    job = full_job(state=JobState.QUEUED, segments=[Segment(0, 1000, 0)])
    repo.save_jobs([job])
    later = Later()
    repo.group_commits(later)
    job.transition(JobState.RUNNING)
    job.segments[0].done = 100
    repo.save_progress(job)
    job.segments[0].done = 200
    repo.save_job(job)
    job.segments[0].done = 300
    repo.save_progress(job)  # must land after the whole save, not in the first checkpoint's place
    later.run()
    assert _stored(db_path)[job.id].segments[0].done == 300
