"""The download list widget: a flat, sortable, multi-select tree view with drawn progress bars."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, Qt
from PySide6.QtGui import QKeySequence, QPainter, QPaintEvent, QPalette
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

    def hint_text(self) -> str:
        """What the empty list says: how to add a first download, or that the filter hides all."""
        model = self.model()
        if model is None or model.rowCount() > 0:
            return ""
        source = model.sourceModel() if isinstance(model, QAbstractProxyModel) else model
        if source is not None and source.rowCount() > 0:
            return self.tr("No downloads match.")
        paste = QKeySequence(QKeySequence.StandardKey.Paste).toString(QKeySequence.SequenceFormat.NativeText)
        return self.tr("Drop links here, paste with {paste}, or press Add").format(paste=paste)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        hint = self.hint_text()
        if not hint:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(self.viewport().rect().adjusted(24, 24, -24, -24), flags, hint)
        painter.end()

    def show_queue_order(self) -> None:
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
