"""Sorting and filtering of the download list: a state filter (All, Active, …) and a search text."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from wherry.core import JobState
from wherry.ui.columns import Column
from wherry.ui.jobs_model import Roles

__all__ = ["JobsFilterModel", "StateFilter"]


class StateFilter(StrEnum):
    """The filter tabs; each value is the tab's title (translated in the context "JobsFilter")."""

    ALL = QT_TRANSLATE_NOOP("JobsFilter", "All")
    ACTIVE = QT_TRANSLATE_NOOP("JobsFilter", "Active")
    QUEUED = QT_TRANSLATE_NOOP("JobsFilter", "Queued")
    FINISHED = QT_TRANSLATE_NOOP("JobsFilter", "Finished")
    FAILED = QT_TRANSLATE_NOOP("JobsFilter", "Failed")

    def admits(self, state: JobState) -> bool:
        if self is StateFilter.ALL:
            return True
        if self is StateFilter.ACTIVE:
            return state.is_active
        if self is StateFilter.QUEUED:
            return state in (JobState.QUEUED, JobState.PAUSED)
        if self is StateFilter.FINISHED:
            return state is JobState.FINISHED
        return state in (JobState.FAILED, JobState.CANCELLED)


class JobsFilterModel(QSortFilterProxyModel):
    """Shows the rows whose state fits the chosen filter and whose name or URL holds the search text.

    Unsorted (column -1) it keeps the queue order of the source model.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state_filter = StateFilter.ALL
        self._search = ""
        self.setSortRole(Roles.SORT)
        self.setDynamicSortFilter(True)

    def state_filter(self) -> StateFilter:
        return self._state_filter

    def set_state_filter(self, state_filter: StateFilter) -> None:
        if state_filter != self._state_filter:
            self.beginFilterChange()
            self._state_filter = state_filter
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def search_text(self) -> str:
        return self._search

    def set_search_text(self, text: str) -> None:
        text = text.strip().casefold()
        if text != self._search:
            self.beginFilterChange()
            self._search = text
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self._state_filter is StateFilter.ALL and not self._search:
            return True  # the common case, asked once per row of a long list: no data() at all
        model = self.sourceModel()
        name_index = model.index(source_row, Column.NAME, source_parent)
        state = model.data(name_index, Roles.STATE)
        if state is None or not self._state_filter.admits(JobState(state)):
            return False
        if not self._search:
            return True
        name = str(model.data(name_index, Qt.ItemDataRole.DisplayRole) or "")
        url = str(model.data(name_index, Qt.ItemDataRole.ToolTipRole) or "")
        return self._search in name.casefold() or self._search in url.casefold()
