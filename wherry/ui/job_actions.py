"""Which job actions a selection allows, and which of the selected jobs each one applies to.

Pure: no Qt. The window enables an action when it applies to at least one selected job and
carries it out on exactly those jobs, so a mixed selection does the sensible thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wherry.core import Job, JobId, JobState

__all__ = ["JOB_ACTIONS", "ActionSet", "actions_for"]

_S = JobState

# action name → does it apply to this job?
_APPLIES: dict[str, Callable[[Job], bool]] = {
    "resume": lambda job: job.state is _S.PAUSED,
    "pause": lambda job: job.state in (_S.QUEUED, _S.RUNNING, _S.VERIFYING),
    "retry": lambda job: job.state in (_S.FAILED, _S.CANCELLED),
    "change_url": lambda job: job.state in (_S.PAUSED, _S.FAILED),
    "change_credentials": lambda job: job.state in (_S.PAUSED, _S.FAILED),
    "cancel": lambda job: job.state in (_S.QUEUED, _S.RUNNING, _S.VERIFYING, _S.PAUSED, _S.FAILED),
    "remove": lambda job: True,
    "remove_delete": lambda job: True,
    "open_file": lambda job: job.state is _S.FINISHED and job.target is not None,
    "open_folder": lambda job: True,
    "copy_url": lambda job: True,
    "move_up": lambda job: not job.state.is_terminal,
    "move_down": lambda job: not job.state.is_terminal,
    "properties": lambda job: True,
}

# Actions that make sense for one job at a time.
_SINGLE = frozenset({"properties", "change_url", "change_credentials"})

JOB_ACTIONS: tuple[str, ...] = tuple(_APPLIES)


@dataclass(frozen=True)
class ActionSet:
    """For each job action, the selected jobs it applies to (empty: the action is disabled)."""

    targets: dict[str, tuple[JobId, ...]]

    def enabled(self, name: str) -> bool:
        return bool(self.targets.get(name))

    def ids(self, name: str) -> tuple[JobId, ...]:
        return self.targets.get(name, ())

    def enabled_names(self) -> frozenset[str]:
        return frozenset(name for name, ids in self.targets.items() if ids)


def actions_for(jobs: Sequence[Job]) -> ActionSet:
    """What the context menu and toolbar offer for ``jobs`` (the selection, in view order)."""
    targets: dict[str, tuple[JobId, ...]] = {}
    for name, applies in _APPLIES.items():
        if name in _SINGLE and len(jobs) != 1:
            targets[name] = ()
            continue
        targets[name] = tuple(job.id for job in jobs if applies(job))
    return ActionSet(targets)
