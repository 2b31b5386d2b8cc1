"""The queue's order: every job id in the list's order, and the queued ones waiting for a slot.

Constant cost per job: the waiting ones sit in a heap by rank (an entry goes stale when its job
starts, leaves the queue or moves, and is skipped when popped), and new positions come from a
counter, so no add, start or finish walks the whole list. Only a move does, as the person or the
remote client asked for a new order of the whole list.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Mapping

from wherry.core.jobs import Job, JobId

__all__ = ["QueueOrder"]


class QueueOrder:
    def __init__(self) -> None:
        self.ids: list[JobId] = []
        self._rank: dict[JobId, int] = {}
        self._next_rank = 0
        self._next_position = 0
        self._ready: list[tuple[int, JobId]] = []

    def __iter__(self) -> Iterator[JobId]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def append(self, job: Job) -> None:
        """Put a job the queue does not hold yet at its end."""
        self.ids.append(job.id)
        self._rank[job.id] = self._next_rank
        self._next_rank += 1
        self._next_position = max(self._next_position, job.position + 1)

    def new_position(self) -> int:
        """The stored position of a job about to be added: after every job known."""
        position = self._next_position
        self._next_position += 1
        return position

    def remove(self, job_id: JobId) -> None:
        self.ids.remove(job_id)
        self._rank.pop(job_id, None)

    def offer(self, job_id: JobId) -> None:
        """Let a queued job wait for a slot, at its place in the order."""
        heapq.heappush(self._ready, (self._rank[job_id], job_id))

    def next_ready(self, startable: Callable[[JobId], bool]) -> JobId | None:
        """The first waiting job that may start now, taken off the line; None if there is none."""
        while self._ready:
            rank, job_id = heapq.heappop(self._ready)
            if self._rank.get(job_id) == rank and startable(job_id):
                return job_id
        return None

    def place(
        self, job_id: JobId, index: int, jobs: Mapping[JobId, Job], startable: Callable[[JobId], bool]
    ) -> dict[JobId, int]:
        """Move a job to ``index`` (clamped), the others keeping their order; returns the jobs
        whose stored position changed, with their new one. The waiting line follows the move."""
        self.ids.remove(job_id)
        self.ids.insert(max(0, min(index, len(self.ids))), job_id)
        moved: dict[JobId, int] = {}
        for position, other_id in enumerate(self.ids):
            self._rank[other_id] = position
            other = jobs[other_id]
            if other.position != position:
                other.position = moved[other_id] = position
        self._next_rank = len(self.ids)
        self._next_position = max(self._next_position, len(self.ids))
        self._ready = [(self._rank[i], i) for _, i in self._ready if startable(i)]
        heapq.heapify(self._ready)
        return moved
