"""Paints the Progress column as the style's own progress bar with the percentage on it.

The text is drawn by the delegate, twice: clipped to the filled part in the highlight's text
colour and clipped to the rest in the ordinary text colour, so it stays readable where the bar
passes under it whatever the style (some draw the label in one colour over both halves).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from wherry.ui.jobs_model import Roles

__all__ = ["ProgressDelegate", "split_at_progress"]

_RESOLUTION = 1000  # the bar's steps: tenths of a percent


def split_at_progress(rect: QRect, fraction: float, right_to_left: bool = False) -> tuple[QRect, QRect]:
    """The filled and the empty part of the bar ``rect`` at ``fraction`` (0…1)."""
    filled_width = round(rect.width() * min(max(fraction, 0.0), 1.0))
    if right_to_left:
        filled = QRect(rect.right() - filled_width + 1, rect.top(), filled_width, rect.height())
        empty = QRect(rect.left(), rect.top(), rect.width() - filled_width, rect.height())
    else:
        filled = QRect(rect.left(), rect.top(), filled_width, rect.height())
        empty = QRect(rect.left() + filled_width, rect.top(), rect.width() - filled_width, rect.height())
    return filled, empty


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
        bar.textVisible = False
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
        if text:
            self._paint_text(painter, bar, str(text), style, widget)

    @staticmethod
    def _paint_text(
        painter: QPainter, bar: QStyleOptionProgressBar, text: str, style: QStyle, widget: object
    ) -> None:
        groove = style.subElementRect(QStyle.SubElement.SE_ProgressBarContents, bar, widget)
        if not groove.isValid():
            groove = bar.rect
        fraction = (bar.progress - bar.minimum) / max(bar.maximum - bar.minimum, 1)
        right_to_left = bar.direction == Qt.LayoutDirection.RightToLeft
        filled, empty = split_at_progress(groove, fraction, right_to_left)
        group = (
            QPalette.ColorGroup.Normal
            if bar.state & QStyle.StateFlag.State_Enabled
            else QPalette.ColorGroup.Disabled
        )
        painter.save()
        for clip, role in (
            (filled, QPalette.ColorRole.HighlightedText),
            (empty, QPalette.ColorRole.Text),
        ):
            if clip.isEmpty():
                continue
            painter.setClipRect(clip)
            painter.setPen(bar.palette.color(group, role))
            painter.drawText(bar.rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        # A little air above and below the bar; the list's rows all take this height.
        return QSize(max(hint.width(), 120), hint.height() + 6)
