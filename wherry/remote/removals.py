"""What clients removed, kept across restarts in a small JSON file beside the job store.

aria2 forgets a removed download when it restarts; Wherry keeps the job (never its bytes'
loss), so it remembers that clients removed it, or removed its result, to keep showing them
what they asked for. A job resumed or removed in the window is forgotten here.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path

from wherry.core.jobs import JobId

__all__ = ["REMOVALS_FILE", "Removals"]

log = logging.getLogger(__name__)

REMOVALS_FILE = "remote-removals.json"  # in the data folder, beside the job store


class Removals:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.removed: set[JobId] = set()  # removed by a client: paused in Wherry
        self.hidden: set[JobId] = set()  # a client removed its result from its lists
        self._load()

    def remove(self, job_id: JobId) -> None:
        self.removed.add(job_id)
        self._save()

    def hide(self, job_id: JobId) -> None:
        self.hidden.add(job_id)
        self._save()

    def forget(self, job_id: JobId) -> None:
        if job_id in self.removed or job_id in self.hidden:
            self.removed.discard(job_id)
            self.hidden.discard(job_id)
            self._save()

    def keep_only(self, job_ids: set[JobId]) -> None:
        """Drop what is about jobs that no longer exist."""
        if not (self.removed | self.hidden) <= job_ids:
            self.removed &= job_ids
            self.hidden &= job_ids
            self._save()

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.removed = {str(i) for i in data.get("removed", [])}
            self.hidden = {str(i) for i in data.get("hidden", [])}
        except FileNotFoundError:
            return
        except (OSError, ValueError, AttributeError, TypeError):
            # Only how clients see some downloads depends on it; never a reason not to start.
            log.warning("ignoring unreadable %s", self.path, exc_info=True)

    def _save(self) -> None:
        if self.path is None:
            return
        data = {"removed": sorted(self.removed), "hidden": sorted(self.hidden)}
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            temporary.write_text(json.dumps(data), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            log.warning("could not save %s", self.path, exc_info=True)
            with contextlib.suppress(OSError):
                temporary.unlink()
