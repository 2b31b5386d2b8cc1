"""Jobs go in and come back exactly: every field, mirrors, segments, order, deletion."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.store.store_samples import full_job
from wherry.core import ALGORITHMS, ChecksumSpec, ErrorKind, Job, JobState, Mirror, Segment
from wherry.store import SqliteRepository, open_store

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
SIZE = st.integers(min_value=0, max_value=2**63 - 1)
TEXT = st.text(max_size=40)
OPTIONAL_TEXT = st.none() | TEXT
AWARE = st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]),
)


@st.composite
def checksums(draw: st.DrawFn) -> ChecksumSpec:
    algorithm = draw(st.sampled_from(sorted(ALGORITHMS)))
    digest = draw(st.text("0123456789abcdef", min_size=ALGORITHMS[algorithm], max_size=ALGORITHMS[algorithm]))
    return ChecksumSpec(algorithm, digest)


mirrors = st.builds(Mirror, url=TEXT, priority=INT64, rejected=OPTIONAL_TEXT)
segments = st.builds(Segment, start=SIZE, end=st.none() | SIZE, done=SIZE)
jobs = st.builds(
    Job,
    url=TEXT,
    directory=TEXT,
    state=st.sampled_from(JobState),
    mirrors=st.lists(mirrors, max_size=4),
    filename=OPTIONAL_TEXT,
    requested_name=OPTIONAL_TEXT,
    overwrite=st.booleans(),
    connections=INT64,
    position=INT64,
    total_size=st.none() | SIZE,
    etag=OPTIONAL_TEXT,
    last_modified=OPTIONAL_TEXT,
    accept_ranges=st.booleans(),
    checksum=st.none() | checksums(),
    actual_digest=OPTIONAL_TEXT,
    segments=st.lists(segments, max_size=6),
    error_kind=st.none() | st.sampled_from(ErrorKind),
    error_message=OPTIONAL_TEXT,
    created_at=AWARE,
    finished_at=st.none() | AWARE,
)


def only(repo: SqliteRepository, job_id: str) -> Job:
    [job] = [j for j in repo.load_jobs() if j.id == job_id]
    return job


def test_job_with_every_field_set_comes_back_equal(repo: SqliteRepository) -> None:
    job = full_job()
    repo.save_job(job)
    assert repo.load_jobs() == [job]


def test_job_with_every_optional_field_empty_comes_back_equal(repo: SqliteRepository) -> None:
    job = Job(url="https://example.org/a", directory="/d")
    repo.save_job(job)
    assert repo.load_jobs() == [job]


def test_loaded_times_are_utc_aware(repo: SqliteRepository) -> None:
    local = timezone(timedelta(hours=-3))
    job = full_job(created_at=datetime(2026, 1, 1, 9, 0, tzinfo=local))
    repo.save_job(job)
    loaded = only(repo, job.id)
    assert loaded.created_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert loaded.created_at.utcoffset() == timedelta(0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(job=jobs)
def test_any_job_round_trips(repo: SqliteRepository, job: Job) -> None:
    # One repository serves every example; each job has a fresh id.
    repo.save_job(job)
    assert only(repo, job.id) == job


def test_saving_again_replaces_mirrors_and_segments(repo: SqliteRepository) -> None:
    job = full_job()
    repo.save_job(job)
    job.mirrors = [Mirror("https://only.example/disk.iso", priority=5, rejected="Gone.")]
    job.segments = [Segment(0, 1000, 10), Segment(1000, 2000, 20), Segment(2000, None)]
    repo.save_job(job)
    assert only(repo, job.id) == job
    job.mirrors, job.segments = [], []
    repo.save_job(job)
    loaded = only(repo, job.id)
    assert loaded.mirrors == []
    assert loaded.segments == []


def test_saving_again_keeps_history(repo: SqliteRepository) -> None:
    job = full_job()
    repo.save_job(job)
    repo.add_history(job.id, "Started.")
    job.position = 1
    repo.save_job(job)
    assert [m for _, m in repo.load_history(job.id)] == ["Started."]


def test_mirror_list_order_is_kept_even_when_not_sorted_by_priority(repo: SqliteRepository) -> None:
    listed = [Mirror(f"https://m{i}.example/f", priority=p) for i, p in enumerate([3, 1, 2, 1])]
    job = full_job(mirrors=listed)
    repo.save_job(job)
    assert only(repo, job.id).mirrors == listed


def test_jobs_load_in_queue_order(repo: SqliteRepository) -> None:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    made = [
        Job(url="u/c", directory="/d", position=2, created_at=t0),
        Job(url="u/b", directory="/d", position=1, created_at=t0 + timedelta(seconds=2)),
        Job(url="u/a", directory="/d", position=1, created_at=t0 + timedelta(seconds=1)),
        Job(url="u/z", directory="/d", position=-5, created_at=t0 + timedelta(days=1)),
    ]
    for job in made:
        repo.save_job(job)
    assert [j.url for j in repo.load_jobs()] == ["u/z", "u/a", "u/b", "u/c"]


class TestSaveProgress:
    def test_writes_segments_and_running_fields(self, repo: SqliteRepository) -> None:
        job = full_job(state=JobState.QUEUED, error_kind=None, error_message=None, finished_at=None)
        repo.save_job(job)
        job.transition(JobState.RUNNING)
        job.segments[0].done = 123_456
        job.segments[1].done = 42
        job.total_size = 3_000_000_001
        job.etag, job.last_modified, job.accept_ranges = '"new"', "Wed, 25 Nov 2026 00:00:00 GMT", False
        job.filename = "renamed.iso"
        repo.save_progress(job)
        assert only(repo, job.id) == job

    def test_records_finish_time_with_the_state(self, repo: SqliteRepository) -> None:
        job = full_job(state=JobState.RUNNING, error_kind=None, error_message=None, finished_at=None)
        repo.save_job(job)
        job.transition(JobState.FINISHED)
        job.actual_digest = "ef" * 32
        repo.save_progress(job)
        loaded = only(repo, job.id)
        assert loaded.state is JobState.FINISHED
        assert loaded.finished_at == job.finished_at
        assert loaded.actual_digest == job.actual_digest

    def test_leaves_queue_fields_and_mirrors_to_save_job(self, repo: SqliteRepository) -> None:
        job = full_job()
        repo.save_job(job)
        changed = replace(job, position=99, mirrors=[], url="https://elsewhere.example/x")
        repo.save_progress(changed)
        loaded = only(repo, job.id)
        assert (loaded.position, loaded.mirrors, loaded.url) == (job.position, job.mirrors, job.url)

    @pytest.mark.parametrize(
        "new_segments",
        [
            pytest.param([Segment(0, 3_000_000_000, 7)], id="merged-into-one"),
            pytest.param(
                [Segment(0, 10**9, 5), Segment(10**9, 2 * 10**9, 6), Segment(2 * 10**9, None)], id="split"
            ),
            pytest.param([Segment(5, 10**9, 0), Segment(10**9, 3 * 10**9, 1)], id="bounds-moved"),
            pytest.param([], id="emptied"),
        ],
    )
    def test_is_correct_when_the_segment_set_changed(
        self, repo: SqliteRepository, new_segments: list[Segment]
    ) -> None:
        job = full_job()
        repo.save_job(job)
        job.segments = new_segments
        repo.save_progress(job)
        assert only(repo, job.id).segments == new_segments

    def test_does_not_bring_back_a_deleted_job(self, repo: SqliteRepository) -> None:
        job = full_job()
        repo.save_job(job)
        repo.delete_job(job.id)
        repo.save_progress(job)
        assert repo.load_jobs() == []

    def test_runs_one_short_transaction(self, repo: SqliteRepository) -> None:
        job = full_job(segments=[Segment(i * 100, (i + 1) * 100, i) for i in range(16)])
        repo.save_job(job)
        statements: list[str] = []
        connection = repo._db.connection()
        connection.set_trace_callback(statements.append)
        try:
            job.segments[3].done = 50
            repo.save_progress(job)
        finally:
            connection.set_trace_callback(None)
        verbs = [s.split(None, 1)[0].upper() for s in statements]
        assert verbs == ["BEGIN", "UPDATE", "INSERT", "DELETE", "COMMIT"]


def test_delete_removes_mirrors_segments_and_history(repo: SqliteRepository, db_path: Path) -> None:
    keep, gone = full_job(), full_job(id="gone")
    for job in (keep, gone):
        repo.save_job(job)
        repo.add_history(job.id, "Added.")
    repo.delete_job(gone.id)
    assert repo.load_jobs() == [keep]
    assert repo.load_history(gone.id) == []
    with sqlite3.connect(db_path) as raw:
        for table in ("mirrors", "segments", "history"):
            ids = {row[0] for row in raw.execute(f"SELECT job_id FROM {table}")}
            assert ids == {keep.id}, table
    raw.close()


def test_deleting_an_unknown_job_is_harmless(repo: SqliteRepository) -> None:
    repo.save_job(full_job())
    repo.delete_job("no-such-job")
    assert len(repo.load_jobs()) == 1


def test_jobs_survive_closing_and_reopening(db_path: Path) -> None:
    job = full_job()
    repo, _ = open_store(db_path)
    repo.save_job(job)
    repo.add_history(job.id, "Saved.")
    repo.close()
    again, notice = open_store(db_path)
    try:
        assert notice is None
        assert again.load_jobs() == [job]
        assert [m for _, m in again.load_history(job.id)] == ["Saved."]
    finally:
        again.close()


def test_values_from_a_newer_wherry_load_without_losing_the_job(
    repo: SqliteRepository, db_path: Path
) -> None:
    job = full_job()
    repo.save_job(job)
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE jobs SET state = 'seeding', error_kind = 'quantum-flux' WHERE id = ?", (job.id,))
    raw.close()
    loaded = only(repo, job.id)
    assert loaded.state is JobState.PAUSED
    assert loaded.error_kind is ErrorKind.INTERNAL
    assert loaded.error_message == job.error_message


def test_naive_times_are_refused_rather_than_guessed(repo: SqliteRepository) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        repo.save_job(full_job(created_at=datetime(2026, 1, 1)))
    assert repo.load_jobs() == []


def test_save_positions_reorders_in_one_go(repo) -> None:
    from wherry.core import Job

    jobs = [Job(url=f"https://example.org/{i}", directory="/d", position=i) for i in range(3)]
    for job in jobs:
        repo.save_job(job)
    repo.save_positions({jobs[2].id: 0, jobs[0].id: 1, jobs[1].id: 2})
    assert [j.id for j in repo.load_jobs()] == [jobs[2].id, jobs[0].id, jobs[1].id]
    repo.save_positions({"no-such-job": 5})  # unknown ids are ignored
    assert len(repo.load_jobs()) == 3


def test_a_job_stored_without_mirrors_costs_no_mirror_statements(repo: SqliteRepository) -> None:
    job = Job(url="https://example.org/plain.iso", directory="/tmp")
    mirrored = Job(
        url="https://example.org/a.iso", directory="/tmp", mirrors=[Mirror("https://m.example/a.iso")]
    )
    repo.save_jobs([job, mirrored])
    statements: list[str] = []
    connection = repo._conn()
    connection.set_trace_callback(statements.append)
    try:
        repo.save_job(job)
        repo.save_job(mirrored)
    finally:
        connection.set_trace_callback(None)
    touching = [s for s in statements if "mirrors" in s]
    assert all(mirrored.id in s for s in touching)  # the plain job's save leaves the table alone
    assert any(s.startswith("DELETE FROM mirrors") for s in touching)
    mirrored.mirrors[0].rejected = "Gone."
    repo.save_job(mirrored)
    assert next(j for j in repo.load_jobs() if j.id == mirrored.id).mirrors[0].rejected == "Gone."
