"""Which job holds which file name in which folder, so a new name is checked in constant time.

A list of 30,000 URLs into one folder must not compare every new job with every earlier one;
the engine keeps this index up to date whenever a job's name may have changed (it is decided
from the first answer and can move on a collision at the final rename).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet

from wherry.core.jobs import Job, JobId, JobState

__all__ = ["NameIndex", "TakenNames"]

_Key = tuple[str, str]


class NameIndex:
    def __init__(self) -> None:
        self._holders: dict[_Key, set[JobId]] = {}
        self._key: dict[JobId, _Key] = {}

    def update(self, job: Job) -> None:
        """Record the job's current name (or that it has none yet)."""
        key = (job.directory, job.filename) if job.filename else None
        old = self._key.get(job.id)
        if old == key:
            return
        if old is not None:
            self._drop(job.id, old)
        if key is not None:
            self._key[job.id] = key
            self._holders.setdefault(key, set()).add(job.id)

    def discard(self, job_id: JobId) -> None:
        old = self._key.get(job_id)
        if old is not None:
            self._drop(job_id, old)

    def _drop(self, job_id: JobId, key: _Key) -> None:
        del self._key[job_id]
        holders = self._holders.get(key)
        if holders is not None:
            holders.discard(job_id)
            if not holders:
                del self._holders[key]

    def holders(self, directory: str, filename: str) -> AbstractSet[JobId]:
        return self._holders.get((directory, filename), frozenset())


class TakenNames(AbstractSet[str]):
    """The names other live jobs hold in ``job``'s folder, as a set that answers ``in`` cheaply.

    Iterating it is not supported: nothing needs the whole list, and building it is what the
    index exists to avoid.
    """

    def __init__(self, index: NameIndex, job: Job, lookup: Callable[[JobId], Job | None]) -> None:
        self._index = index
        self._job = job
        self._lookup = lookup

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        for other_id in self._index.holders(self._job.directory, name):
            other = self._lookup(other_id)
            if other_id != self._job.id and other is not None and other.state is not JobState.CANCELLED:
                return True
        return False

    def __iter__(self) -> Iterator[str]:
        raise TypeError("TakenNames answers membership only")

    def __len__(self) -> int:
        raise TypeError("TakenNames answers membership only")
