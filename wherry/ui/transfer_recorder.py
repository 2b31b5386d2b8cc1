"""Writes one ledger record per run of a job, from the bridge's lifecycle signals.

A run starts at ``job_started`` with the bytes already on disk (kept from an earlier run, so
saved by resuming) and ends when the job finishes, fails, pauses or is cancelled, or when
Wherry closes (:meth:`TransferRecorder.flush`). What came over the network is the difference.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from PySide6.QtCore import QObject

from wherry.core import ErrorKind, Job, JobId
from wherry.core.statistics import Outcome, Transfer
from wherry.ui.bridge import Bridge

__all__ = ["REUSE_MARKERS", "TransferLog", "TransferRecorder"]

log = logging.getLogger(__name__)

# The engine's history sentences for a file that was not downloaded at all (engine/on_disk.py):
# an identical copy reused, or a file completed just before a crash.
REUSE_MARKERS = ("instead of downloaded.", "nothing was downloaded.", "nothing was fetched again.")


class TransferLog(Protocol):
    """Where runs are kept (``wherry.store.TransferLedger``)."""

    def record(self, transfer: Transfer) -> None: ...

    def load_transfers(self) -> list[Transfer]: ...


def _now() -> datetime:
    return datetime.now(UTC)


class TransferRecorder(QObject):
    def __init__(self, bridge: Bridge, ledger: TransferLog, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(bridge)
        self._bridge = bridge
        self._ledger = ledger
        self._clock = clock
        self._start: dict[JobId, int] = {}
        bridge.job_started.connect(self._started)
        bridge.job_changed.connect(self._changed)
        bridge.job_finished.connect(lambda job_id, _path: self._ended(job_id, Outcome.FINISHED))
        bridge.job_failed.connect(self._failed)
        bridge.job_paused.connect(lambda job_id, _message: self._ended(job_id, Outcome.STOPPED))

    @property
    def ledger(self) -> TransferLog:
        return self._ledger

    def _job(self, job_id: JobId) -> Job | None:
        try:
            return self._bridge.engine.job(job_id)
        except KeyError:
            return None

    def _started(self, job_id: JobId) -> None:
        job = self._job(job_id)
        if job is not None:
            self._start[job_id] = job.bytes_done

    def _changed(self, job_id: JobId, what: str) -> None:
        if what == "restarted":
            # The bytes kept from before were thrown away, so they saved nothing.
            self._start[job_id] = 0
        elif what == "cancelled":
            self._ended(job_id, Outcome.STOPPED)

    def _failed(self, job_id: JobId, kind: str, _message: str) -> None:
        try:
            error_kind = ErrorKind(kind)
        except ValueError:
            error_kind = ErrorKind.INTERNAL
        self._ended(job_id, Outcome.FAILED, error_kind)

    def _reused(self, job_id: JobId) -> bool:
        recent = self._bridge.engine.history(job_id)[-3:]
        return any(message.endswith(REUSE_MARKERS) for _, message in recent)

    def _ended(self, job_id: JobId, outcome: Outcome, kind: ErrorKind | None = None) -> None:
        if job_id not in self._start:
            return  # not running (a queued job paused, say): no run to record
        start = self._start.pop(job_id)
        job = self._job(job_id)
        if job is None:
            return
        done = job.bytes_done
        if outcome is Outcome.FINISHED:
            done = job.total_size or done
            if self._reused(job_id):
                start = done
        transfer = Transfer(
            job_id,
            self._clock(),
            outcome,
            fetched=max(done - start, 0),
            saved=start,
            error_kind=kind,
        )
        try:
            self._ledger.record(transfer)
        except Exception:
            # Statistics are never worth a broken window; the log has the cause.
            log.exception("could not record the run of %s", job_id)

    def flush(self) -> None:
        """Close every open run (Wherry is closing); the bytes so far count for today."""
        for job_id in list(self._start):
            self._ended(job_id, Outcome.STOPPED)
