"""The statements a running download executes find their rows through an index, never a scan."""

from __future__ import annotations

import pytest

from tests.store.store_samples import full_job
from wherry.store import SqliteRepository
from wherry.store import repository as repo_module


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        (repo_module._PROGRESS_UPDATE, (None,) * 11),
        (repo_module._SEGMENT_TRIM, ("id", 0)),
        (repo_module._MIRROR_CLEAR, ("id",)),
        (repo_module._HISTORY_INSERT, ("id", "t", "m", "id")),
        (repo_module._POSITION_UPDATE, (0, "id")),
        ("DELETE FROM jobs WHERE id = ?", ("id",)),
        ("SELECT at, message FROM history WHERE job_id = ? ORDER BY id", ("id",)),
    ],
)
def test_hot_statement_uses_an_index(repo: SqliteRepository, sql: str, params: tuple[object, ...]) -> None:
    repo.save_job(full_job())
    plan = repo._db.connection().execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    details = [row[-1] for row in plan]
    # "SCAN CONSTANT ROW" is the VALUES of an INSERT … SELECT, no table at all.
    assert not [d for d in details if d.startswith("SCAN") and d != "SCAN CONSTANT ROW"], details


def test_saving_several_jobs_is_one_transaction(repo: SqliteRepository) -> None:
    jobs = [full_job(id=f"job-{i}", url=f"https://example.org/{i}") for i in range(50)]
    statements: list[str] = []
    connection = repo._db.connection()
    connection.set_trace_callback(statements.append)
    try:
        repo.save_jobs(jobs)
    finally:
        connection.set_trace_callback(None)
    verbs = [s.split(None, 1)[0].upper() for s in statements]
    assert verbs.count("BEGIN") == 1
    assert verbs.count("COMMIT") == 1
    assert {j.id for j in repo.load_jobs()} == {j.id for j in jobs}
    assert repo.load_jobs() == sorted(jobs, key=lambda j: (j.position, j.created_at, j.id))
