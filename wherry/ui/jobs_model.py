"""The download list as a Qt table model over the jobs the engine holds in memory.

The model owns row order (an id list plus an id→row map); nothing else knows row numbers.
Lifecycle changes arrive as calls from the bridge; bytes, speed and ETA are pulled from
``engine.snapshot()`` on a timer that runs only while something is transferring, and each tick
emits one ``dataChanged`` per contiguous run of changed rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from wherry.core import Job, JobId, JobState, Progress
from wherry.ui.bridge import Bridge
from wherry.ui.columns import (
    HEADERS,
    Column,
    format_added,
    format_eta,
    format_progress,
    format_size,
    format_speed,
    progress_fraction,
    status_text,
)
from wherry.ui.engine_port import EnginePort
from wherry.ui.file_icons import FileIcons

__all__ = ["JobsModel", "Roles", "contiguous_runs"]

AnyIndex = QModelIndex | QPersistentModelIndex

# Progress changes touch these columns only; Name and Added never move on a tick.
_LIVE_FIRST, _LIVE_LAST = Column.SIZE, Column.STATUS

_STATE_ORDER = {
    JobState.RUNNING: 0,
    JobState.VERIFYING: 1,
    JobState.QUEUED: 2,
    JobState.PAUSED: 3,
    JobState.FAILED: 4,
    JobState.CANCELLED: 5,
    JobState.FINISHED: 6,
}

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

# Built once: the view asks for a row's flags twice per row as it opens (60,000 times for
# 30,000 jobs), and each enum `|` is a Python call.
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled


class Roles:
    JOB_ID = Qt.ItemDataRole.UserRole + 1  # str
    SORT = Qt.ItemDataRole.UserRole + 2  # a comparable raw value for the column
    PROGRESS = Qt.ItemDataRole.UserRole + 3  # float in [0, 1], or -1.0 when the size is unknown
    STATE = Qt.ItemDataRole.UserRole + 4  # JobState value


def contiguous_runs(rows: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Group row numbers into (first, last) runs: {1, 2, 3, 7} → (1, 3), (7, 7)."""
    start = prev = None
    for row in sorted(set(rows)):
        if start is None:
            start = prev = row
        elif row == prev + 1:
            prev = row
        else:
            yield start, prev
            start = prev = row
    if start is not None:
        yield start, prev


def _reading(progress: Progress) -> tuple[Any, ...]:
    """What a row shows from a progress reading, rounded to what the eye can tell apart."""
    eta = None if progress.eta is None else round(progress.eta)
    return (progress.state, progress.bytes_downloaded, progress.total_bytes, round(progress.speed), eta)


class JobsModel(QAbstractTableModel):
    """One row per job, in queue order.

    Signals:
        activity_changed(int active, float speed): after a refresh changed the number of
            transferring jobs or their total speed in bytes per second.
    """

    activity_changed = Signal(int, float)

    def __init__(self, engine: EnginePort, parent: QObject | None = None, refresh_ms: int = 250) -> None:
        super().__init__(parent)
        self._engine = engine
        self._ids: list[JobId] = []
        self._rows: dict[JobId, int] = {}
        self._progress: dict[JobId, Progress] = {}
        self._active: set[JobId] = set()  # rows whose last progress was active
        self._sync_pending = False
        self._activity: tuple[int, float] = (0, 0.0)
        self._icons = FileIcons()
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self.refresh)
        self.reload()

    # -- reading -----------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation is Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                return QCoreApplication.translate("Columns", HEADERS[Column(section)])
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT if section in (Column.SIZE, Column.SPEED, Column.ETA) else _LEFT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _ROW_FLAGS

    def job_id(self, row: int) -> JobId:
        return self._ids[row]

    def row_of(self, job_id: JobId) -> int | None:
        return self._rows.get(job_id)

    def job_ids(self) -> list[JobId]:
        return list(self._ids)

    def progress(self, job_id: JobId) -> Progress | None:
        return self._progress.get(job_id)

    def activity(self) -> tuple[int, float]:
        """The number of transferring jobs and their total speed, as last refreshed."""
        return self._activity

    def is_refreshing(self) -> bool:
        """True while the progress timer runs (something is transferring)."""
        return self._timer.isActive()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.checkIndex(index, QAbstractTableModel.CheckIndexOption.IndexIsValid):
            return None
        job_id = self._ids[index.row()]
        try:
            job = self._engine.job(job_id)
        except KeyError:
            return None
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(job, column)
        if role == Roles.JOB_ID:
            return job_id
        if role == Roles.SORT:
            return self._sort_key(job, column)
        if role == Roles.PROGRESS:
            fraction = progress_fraction(*self._bytes(job))
            return -1.0 if fraction is None else fraction
        if role == Roles.STATE:
            return self._state(job).value
        if role == Qt.ItemDataRole.DecorationRole and column is Column.NAME:
            return self._icons.icon_for(job.display_name)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (Column.SIZE, Column.SPEED, Column.ETA) else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(job, column)
        failed_status = column is Column.STATUS and self._state(job) is JobState.FAILED
        if role == Qt.ItemDataRole.ForegroundRole and failed_status:
            return QColor("#b91c1c")
        return None

    def _state(self, job: Job) -> JobState:
        progress = self._progress.get(job.id)
        return progress.state if progress is not None else job.state

    def _bytes(self, job: Job) -> tuple[int, int | None]:
        progress = self._progress.get(job.id)
        if progress is not None:
            return progress.bytes_downloaded, progress.total_bytes or job.total_size
        return job.bytes_done, job.total_size

    def _speed_eta(self, job: Job) -> tuple[float, float | None]:
        progress = self._progress.get(job.id)
        if progress is None or not progress.state.is_active:
            return 0.0, None
        return progress.speed, progress.eta

    def _display(self, job: Job, column: Column) -> str:
        if column is Column.NAME:
            return job.display_name
        if column is Column.SIZE:
            return format_size(self._bytes(job)[1])
        if column is Column.PROGRESS:
            if self._state(job) is JobState.FINISHED:
                return "100 %"
            return format_progress(*self._bytes(job))
        if column is Column.SPEED:
            return format_speed(self._speed_eta(job)[0])
        if column is Column.ETA:
            return format_eta(self._speed_eta(job)[1])
        if column is Column.STATUS:
            return status_text(job, self._progress.get(job.id), self._engine.runs_elsewhere(job.id))
        return format_added(job.created_at)

    def _sort_key(self, job: Job, column: Column) -> Any:
        if column is Column.NAME:
            return job.display_name.casefold()
        if column is Column.SIZE:
            return float(self._bytes(job)[1] or -1)
        if column is Column.PROGRESS:
            fraction = progress_fraction(*self._bytes(job))
            return 1.0 if self._state(job) is JobState.FINISHED else (fraction or 0.0)
        if column is Column.SPEED:
            return float(self._speed_eta(job)[0])
        if column is Column.ETA:
            eta = self._speed_eta(job)[1]
            return math.inf if eta is None else float(eta)
        if column is Column.STATUS:
            return _STATE_ORDER[self._state(job)]
        return job.created_at.timestamp()

    def _tooltip(self, job: Job, column: Column) -> str | None:
        if column is Column.NAME:
            target = job.target
            return f"{job.url}\n{target}" if target else job.url
        if column is Column.STATUS:
            state = self._state(job)
            if job.error_message and state in (JobState.FAILED, JobState.PAUSED):
                return job.error_message
            return status_text(job, self._progress.get(job.id), self._engine.runs_elsewhere(job.id))
        return None

    # -- keeping up with the engine ----------------------------------------------------------

    def reload(self) -> None:
        """Rebuild every row from the engine (at start-up)."""
        self.beginResetModel()
        self._ids = [job.id for job in self._engine.jobs()]
        self._rows = {job_id: row for row, job_id in enumerate(self._ids)}
        self._progress = dict(self._engine.snapshot())
        self._active = {job_id for job_id, p in self._progress.items() if p.state.is_active}
        self.endResetModel()
        self._update_timer()

    def sync_order(self) -> None:
        """Match the engine's queue: drop removed jobs, append new ones, move rows that moved."""
        wanted = [job.id for job in self._engine.jobs()]
        wanted_set = set(wanted)
        for row in range(len(self._ids) - 1, -1, -1):
            if self._ids[row] not in wanted_set:
                self._remove_row(row)
        missing = [job_id for job_id in wanted if job_id not in self._rows]
        if missing:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(missing) - 1)
            self._ids.extend(missing)
            self._reindex(first)
            self.endInsertRows()
        for target, job_id in enumerate(wanted):
            current = self._rows[job_id]
            if current == target:
                continue
            # Moving row `current` up to `target` (current > target: all earlier rows are in place).
            self.beginMoveRows(QModelIndex(), current, current, QModelIndex(), target)
            self._ids.insert(target, self._ids.pop(current))
            self._reindex(target)
            self.endMoveRows()
        for job_id in missing:
            self._set_progress(job_id, self._progress_of(job_id))
        self._update_timer()

    def follow(self, bridge: Bridge) -> None:
        """Keep the rows in step with the engine's lifecycle events."""
        bridge.job_added.connect(self.job_added)
        bridge.job_removed.connect(self.job_removed)
        bridge.job_updated.connect(self.job_updated)
        bridge.queue_reordered.connect(self.sync_order)
        bridge.job_changed.connect(lambda _id, what: self.sync_order() if what == "order" else None)

    def job_added(self, job_id: JobId) -> None:
        if job_id not in self._rows:
            self.sync_order()

    def job_removed(self, job_id: JobId) -> None:
        row = self._rows.get(job_id)
        if row is not None:
            self._remove_row(row)

    def job_updated(self, job_id: JobId) -> None:
        """A lifecycle event: re-read the job's progress and repaint its whole row."""
        row = self._rows.get(job_id)
        if row is None:
            # A job the list does not show yet (events of the engine's start, before the first
            # reload): one catch-up for all of them, not one walk of the list per event.
            if not self._sync_pending:
                self._sync_pending = True
                QTimer.singleShot(0, self._deferred_sync)
            return
        self._set_progress(job_id, self._progress_of(job_id))
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
        self._update_timer()

    def _deferred_sync(self) -> None:
        self._sync_pending = False
        self.sync_order()

    def refresh(self) -> None:
        """Pull the snapshot and repaint only the rows whose visible values changed.

        Only the active jobs are asked for (and those that were active at the last tick), so
        a tick costs the same with 30 jobs in the list or 30,000.
        """
        snapshot = self._engine.snapshot(active_only=True)
        for job_id in self._active - snapshot.keys():
            progress = self._progress_of(job_id)
            if progress is not None:
                snapshot[job_id] = progress
        changed: list[int] = []
        for job_id, progress in snapshot.items():
            row = self._rows.get(job_id)
            if row is None:
                continue
            old = self._progress.get(job_id)
            if old is None or _reading(old) != _reading(progress):
                self._set_progress(job_id, progress)
                changed.append(row)
        for first, last in contiguous_runs(changed):
            self.dataChanged.emit(
                self.index(first, _LIVE_FIRST),
                self.index(last, _LIVE_LAST),
                [Qt.ItemDataRole.DisplayRole, Roles.SORT, Roles.PROGRESS, Roles.STATE],
            )
        self._update_timer()

    def _remove_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        job_id = self._ids.pop(row)
        del self._rows[job_id]
        self._set_progress(job_id, None)
        self._reindex(row)
        self.endRemoveRows()

    def _reindex(self, start: int) -> None:
        for row in range(start, len(self._ids)):
            self._rows[self._ids[row]] = row

    def _update_timer(self) -> None:
        """Run the refresh timer only while a job transfers or verifies; report the activity."""
        active = [self._progress[job_id] for job_id in self._active]
        transferring = bool(active) or any(self._job_is_active(job_id) for job_id in self._ids)
        if transferring and not self._timer.isActive():
            self._timer.start()
        elif not transferring and self._timer.isActive():
            self._timer.stop()
        activity = (len(active), sum(p.speed for p in active))
        if activity != self._activity:
            self._activity = activity
            self.activity_changed.emit(*activity)

    def _progress_of(self, job_id: JobId) -> Progress | None:
        try:
            return self._engine.progress_of(job_id)
        except KeyError:
            return None

    def _set_progress(self, job_id: JobId, progress: Progress | None) -> None:
        """Keep the progress and the set of active rows (what a tick polls) together."""
        if progress is None:
            self._progress.pop(job_id, None)
            self._active.discard(job_id)
            return
        self._progress[job_id] = progress
        if progress.state.is_active:
            self._active.add(job_id)
        else:
            self._active.discard(job_id)

    def _job_is_active(self, job_id: JobId) -> bool:
        # A job the snapshot has not reported yet (just started) still needs the timer.
        if job_id in self._progress:
            return False
        try:
            return self._engine.job(job_id).state.is_active
        except KeyError:
            return False
