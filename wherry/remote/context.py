"""What every method group shares: the engine, GIDs, and what clients removed from their view.

aria2 drops a removed download but keeps its files; Wherry keeps the job (paused, its .part and
checkpoint intact) and only shows it to clients as ``removed``. A client's removeDownloadResult
hides such a job from clients; the window still lists it, so a remote client can never make
Wherry lose a download (see ``wherry.remote.removals``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wherry.core.events import Event, JobPaused, JobQueued, JobRemoved, JobStarted
from wherry.core.jobs import Job, JobId, JobState
from wherry.core.settings import Settings
from wherry.engine import Engine
from wherry.remote.protocol import InvalidParams, RpcFault
from wherry.remote.removals import Removals
from wherry.remote.status import STATUS

__all__ = ["GID_LENGTH", "RemoteContext", "gid_of", "is_gid"]

GID_LENGTH = 16
_HEX = frozenset("0123456789abcdef")


def gid_of(job_id: JobId) -> str:
    """Job ids are 32 hex digits (uuid4); aria2's GIDs are 16, so a job's GID is its id's head."""
    return job_id[:GID_LENGTH]


def is_gid(text: str) -> bool:
    return len(text) == GID_LENGTH and set(text.lower()) <= _HEX


@dataclass
class RemoteContext:
    engine: Engine
    default_dir: Callable[[], str]
    apply_settings: Callable[[Settings], None]
    shutdown: Callable[[], None] = lambda: None
    notify: Callable[[str, str], None] = lambda method, gid: None
    removals: Removals = field(default_factory=Removals)
    session_id: str = field(default_factory=lambda: secrets.token_hex(20))

    # -- finding ---------------------------------------------------------------------------

    def visible(self) -> list[Job]:
        return [j for j in self.engine.jobs() if j.id not in self.removals.hidden]

    def find(self, gid: Any) -> Job:
        """The job whose GID is ``gid`` or starts with it (aria2 takes unique prefixes)."""
        if not isinstance(gid, str):
            raise InvalidParams("A GID is a string of hexadecimal digits.")
        wanted = gid.lower()
        if not wanted or len(wanted) > GID_LENGTH or not set(wanted) <= _HEX:
            raise RpcFault(1, f"Bad GID {gid}")
        found = [j for j in self.visible() if gid_of(j.id).startswith(wanted)]
        if not found:
            raise RpcFault(1, f"GID {gid} is not found")
        if len(found) > 1:
            raise RpcFault(1, f"GID {gid} is not unique")
        return found[0]

    def gid_in_use(self, gid: str) -> bool:
        return any(gid_of(j.id) == gid for j in self.engine.jobs())

    # -- statuses --------------------------------------------------------------------------

    def status(self, job: Job) -> str:
        """aria2's six statuses from Wherry's seven states (and the client's removals)."""
        if job.id in self.removals.removed and job.state is JobState.PAUSED:
            return "removed"
        return STATUS[job.state]

    def settings(self) -> Settings:
        return self.engine.settings

    # -- events ----------------------------------------------------------------------------

    def forget_removal(self, event: Event) -> None:
        """A job resumed from the window (or removed there) is no longer a client's removal."""
        if isinstance(event, JobQueued | JobStarted | JobRemoved):
            self.removals.forget(event.job_id)

    def removed_by_client(self, event: Event) -> bool:
        return isinstance(event, JobPaused) and event.job_id in self.removals.removed

    # -- the waiting queue -----------------------------------------------------------------

    def waiting(self) -> list[Job]:
        """aria2's waiting queue: waiting and paused downloads, in queue order."""
        return [j for j in self.visible() if self.status(j) in ("waiting", "paused")]

    async def move_in_waiting(self, job: Job, index: int) -> int:
        """Put ``job`` at ``index`` of the waiting queue (clamped); returns where it went."""
        others = [j for j in self.waiting() if j.id != job.id]
        index = max(0, min(index, len(others)))
        order = [j.id for j in self.engine.jobs() if j.id != job.id]
        if index < len(others):
            where = order.index(others[index].id)
        elif others:
            where = order.index(others[-1].id) + 1
        else:
            where = len(order)
        await self.engine.move_to(job.id, where)
        return index
