"""Paints the Progress column as the style's own progress bar with the percentage on it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from wherry.ui.jobs_model import Roles

__all__ = ["ProgressDelegate"]

_RESOLUTION = 1000  # the bar's steps: tenths of a percent


class ProgressDelegate(QStyledItemDelegate):
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        fraction = index.data(Roles.PROGRESS)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        # Selection background first, so a selected row stays highlighted behind the bar.
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)

        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(3, 3, -3, -3)
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.direction = option.direction
        bar.fontMetrics = option.fontMetrics
        bar.palette = option.palette
        bar.minimum = 0
        bar.maximum = _RESOLUTION
        if fraction is None or fraction < 0:
            # Unknown size: an empty bar with the byte count, not a busy animation per row.
            bar.progress = 0
        else:
            bar.progress = round(fraction * _RESOLUTION)
        bar.text = str(text)
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        # A little air above and below the bar; the list's rows all take this height.
        return QSize(max(hint.width(), 120), hint.height() + 6)
