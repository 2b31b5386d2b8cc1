"""A commit survives the process being killed the instant after it returns."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from wherry.core import JobState
from wherry.store import open_store

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from wherry.core import Job, JobState, Segment
    from wherry.store import open_store

    repo, _ = open_store(Path(sys.argv[1]))
    job = Job(url="https://example.org/big.iso", directory="/d", id="killed-mid-run",
              segments=[Segment(0, 1000, 0), Segment(1000, 2000, 0)])
    repo.save_job(job)
    job.transition(JobState.RUNNING)
    job.segments[0].done, job.segments[1].done = 640, 128
    repo.save_progress(job)
    repo.add_history(job.id, "Checkpoint written.")
    print("committed", flush=True)
    sys.stdin.read()  # hold the connection open until killed
    """
)


def test_checkpoint_survives_sigkill(db_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "committed"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
    assert child.returncode == -signal.SIGKILL
    assert Path(f"{db_path}-wal").stat().st_size > 0  # the commit lives only in the log

    repo, notice = open_store(db_path)
    try:
        assert notice is None
        [job] = repo.load_jobs()
        assert job.state is JobState.RUNNING
        assert [s.done for s in job.segments] == [640, 128]
        assert [m for _, m in repo.load_history(job.id)] == ["Checkpoint written."]
    finally:
        repo.close()
