"""Old finished jobs are forgotten on request; nothing else ever is."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.store.store_samples import full_job
from wherry.core import JobState
from wherry.core.jobs import utcnow
from wherry.store import SqliteRepository


def test_purges_only_finished_jobs_older_than_the_limit(repo: SqliteRepository) -> None:
    now = utcnow()
    cases = {
        "finished-40d": (JobState.FINISHED, now - timedelta(days=40), True),
        "finished-31d": (JobState.FINISHED, now - timedelta(days=31), True),
        "finished-29d": (JobState.FINISHED, now - timedelta(days=29), False),
        "finished-now": (JobState.FINISHED, now, False),
        "finished-undated": (JobState.FINISHED, None, False),
        "failed-old": (JobState.FAILED, now - timedelta(days=400), False),
        "paused-old": (JobState.PAUSED, now - timedelta(days=400), False),
        "cancelled-old": (JobState.CANCELLED, now - timedelta(days=400), False),
        "queued-old": (JobState.QUEUED, now - timedelta(days=400), False),
        "running-old": (JobState.RUNNING, now - timedelta(days=400), False),
    }
    for job_id, (state, finished_at, _) in cases.items():
        repo.save_job(full_job(id=job_id, state=state, finished_at=finished_at))
        repo.add_history(job_id, "Added.")

    removed = repo.purge_finished(timedelta(days=30))

    expected_gone = {job_id for job_id, (_, _, gone) in cases.items() if gone}
    assert removed == len(expected_gone)
    assert {j.id for j in repo.load_jobs()} == set(cases) - expected_gone
    for job_id in expected_gone:
        assert repo.load_history(job_id) == []


@pytest.mark.parametrize("older_than", [timedelta(0), timedelta(days=3650), timedelta.max])
def test_purging_with_nothing_old_enough_returns_zero(repo: SqliteRepository, older_than: timedelta) -> None:
    repo.save_job(full_job(state=JobState.FINISHED, finished_at=utcnow() + timedelta(hours=1)))
    assert repo.purge_finished(older_than) == 0
    assert len(repo.load_jobs()) == 1
