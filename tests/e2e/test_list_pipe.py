"""`wherry list | head`: a reader that stops early gets no traceback on stderr."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import spawn
from wherry.core.jobs import Job, JobState
from wherry.store import open_store

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("jobs", [0, 3000], ids=["empty", "longer-than-a-pipe-buffer"])
def test_list_into_a_closed_pipe_ends_quietly(workdir, wherry_home, jobs):
    repo, _ = open_store(wherry_home / "wherry.db")
    try:
        for i in range(jobs):
            job = Job(url=f"http://127.0.0.1/file-{i}.bin", directory=str(workdir), filename=f"file-{i}.bin")
            job.state = JobState.PAUSED
            repo.save_job(job)
    finally:
        repo.close()
    process = spawn("list", cwd=workdir)
    try:
        if jobs:
            assert process.stdout.readline().strip()  # the reader takes one line, like `head -1`
        process.stdout.close()
        assert process.wait(60) == 0
        errors = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        process.stderr.close()
    assert "Traceback" not in errors
    assert "BrokenPipeError" not in errors
    assert errors == ""
