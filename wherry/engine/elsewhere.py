"""Jobs another Wherry process is running right now, followed until it lets go.

A window (or ``wherry serve``) that starts while ``wherry get`` or a library download runs a job
of the same store finds that job RUNNING, as if a crash had stopped it. It has not: the other
process holds the job's part file locked. Queued again here, the job would fail on that lock
and its failure could be saved over the other process's "finished"; cancelling it would delete
the part file under the other process. Such a job is left to its process: not queued, not
saved, commands on it refused with one sentence, and looked at now and then. Once the lock is
free, the store's copy says how the job ended there.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet

from wherry.core.errors import ErrorKind, InputError
from wherry.core.jobs import Job, JobId

__all__ = ["RECHECK", "Elsewhere"]

# Seconds between looks at the part files of jobs another process runs: a lock test each, and
# a job that ends there shows here within that long.
RECHECK = 2.0
# Looks more, at most, for the end of a job whose part file is gone (renamed into place there)
# to reach the store: that process commits the state a moment after the rename.
LATE_LOOKS = 3


class Elsewhere:
    """The jobs whose part file another process holds; ``busy(job)`` tests that lock."""

    def __init__(self, busy: Callable[[Job], bool]) -> None:
        self._busy = busy
        self._jobs: set[JobId] = set()
        self._late: dict[JobId, int] = {}

    def claim(self, job: Job, taken: AbstractSet[JobId] = frozenset()) -> bool:
        """Follow ``job`` if another process is running it now, or has taken it on (``taken``:
        the jobs live processes claimed, engine/claims.py); True when it does."""
        if job.id in taken or self._busy(job):
            self._jobs.add(job.id)
            return True
        return False

    def follow(self, job_id: JobId) -> None:
        """Follow a job another process turned out to hold (its lock was taken first), whatever
        a look at it now says; the next look decides."""
        self._jobs.add(job_id)

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._jobs

    def __bool__(self) -> bool:
        return bool(self._jobs)

    def freed(self, jobs: dict[JobId, Job], taken: AbstractSet[JobId] = frozenset()) -> list[JobId]:
        """The followed jobs no longer claimed, whose lock is free now; they are no longer followed."""
        done = [
            job_id
            for job_id in self._jobs
            if job_id not in jobs or (job_id not in taken and not self._busy(jobs[job_id]))
        ]
        self._jobs.difference_update(done)
        return done

    def again(self, job_id: JobId) -> bool:
        """The lock is free but the store does not show how the job ended yet: follow it for
        one more look, unless it has had ``LATE_LOOKS`` of them (True: followed again)."""
        looks = self._late.get(job_id, 0)
        if looks >= LATE_LOOKS:
            del self._late[job_id]
            return False
        self._late[job_id] = looks + 1
        self._jobs.add(job_id)
        return True

    def refuse(self, job_id: JobId) -> None:
        """Raise the sentence for a command on a job another process is running."""
        if job_id in self._jobs:
            raise InputError(
                ErrorKind.BAD_INPUT,
                "Another Wherry (a command line or a script) is downloading this file right now; "
                "it shows here when that one is done.",
            )
