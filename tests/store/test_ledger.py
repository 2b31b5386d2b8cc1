"""The transfer ledger keeps each run, also after its job left the list."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from wherry.core import ErrorKind, Job, JobState
from wherry.core.statistics import Outcome, Transfer
from wherry.store import open_store


def test_runs_are_kept_in_order_and_survive_their_job(db_path: Path) -> None:
    at = datetime(2026, 11, 30, 22, 15, tzinfo=UTC)
    job = Job(url="https://example.org/a.iso", directory="/d", state=JobState.FINISHED)
    repo, _ = open_store(db_path)
    try:
        repo.save_job(job)
        ledger = repo.ledger()
        ledger.record(Transfer(job.id, at, Outcome.STOPPED, fetched=700))
        ledger.record(Transfer(job.id, at, Outcome.FINISHED, fetched=300, saved=700))
        ledger.record(Transfer("other", at, Outcome.FAILED, fetched=5, error_kind=ErrorKind.NOT_FOUND))
        repo.delete_job(job.id)
    finally:
        repo.close()
    repo, _ = open_store(db_path)
    try:
        assert repo.ledger().load_transfers() == [
            Transfer(job.id, at, Outcome.STOPPED, 700, 0),
            Transfer(job.id, at, Outcome.FINISHED, 300, 700),
            Transfer("other", at, Outcome.FAILED, 5, 0, ErrorKind.NOT_FOUND),
        ]
    finally:
        repo.close()
