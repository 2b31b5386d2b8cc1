"""The download list widget: a flat, sortable, multi-select tree view with drawn progress bars."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from wherry.ui.columns import Column, format_added
from wherry.ui.progress_delegate import ProgressDelegate

__all__ = ["JobsView"]

_COLUMN_WIDTHS = {Column.NAME: 300, Column.SIZE: 80, Column.PROGRESS: 150, Column.SPEED: 90, Column.ETA: 90}


class JobsView(QTreeView):
    """Rows select whole; unsorted (the default) it shows the queue order."""

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobs_view")
        self.setModel(model)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)  # a thousand rows lay out without measuring each
        self.setAlternatingRowColors(True)
        self.setAllColumnsShowFocus(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self))
        self.setSortingEnabled(True)
        header = self.header()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.STATUS, QHeaderView.ResizeMode.Stretch)
        for column, width in _COLUMN_WIDTHS.items():
            self.setColumnWidth(column, width)
        # Room for a date and time in the locale's short format, plus the sort arrow.
        sample = format_added(datetime(2026, 12, 28, 23, 59))
        self.setColumnWidth(Column.ADDED, self.fontMetrics().horizontalAdvance(sample) + 32)

    def show_queue_order(self) -> None:
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
