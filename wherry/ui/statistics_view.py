"""The Statistics window: bytes downloaded per day for the last 30 days, savings, failures by cause.

The chart is drawn with QPainter: QtCharts is not part of PySide6-Essentials, and thirty bars
with a scale need nothing more.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QLocale, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wherry.core import ErrorKind
from wherry.core.statistics import Statistics
from wherry.ui.columns import format_size

__all__ = ["DailyChart", "StatisticsDialog", "cause_text", "nice_scale"]


_CAUSES: dict[ErrorKind, str] = {
    ErrorKind.NETWORK: QT_TRANSLATE_NOOP("StatisticsDialog", "Network problem"),
    ErrorKind.TIMEOUT: QT_TRANSLATE_NOOP("StatisticsDialog", "Timed out"),
    ErrorKind.STALLED: QT_TRANSLATE_NOOP("StatisticsDialog", "Stalled"),
    ErrorKind.SERVER: QT_TRANSLATE_NOOP("StatisticsDialog", "Server error"),
    ErrorKind.RATE_LIMITED: QT_TRANSLATE_NOOP("StatisticsDialog", "Rate limited"),
    ErrorKind.NOT_FOUND: QT_TRANSLATE_NOOP("StatisticsDialog", "Not found"),
    ErrorKind.FORBIDDEN: QT_TRANSLATE_NOOP("StatisticsDialog", "Access refused"),
    ErrorKind.TLS: QT_TRANSLATE_NOOP("StatisticsDialog", "Secure connection failed"),
    ErrorKind.HTTP: QT_TRANSLATE_NOOP("StatisticsDialog", "Unexpected answer"),
    ErrorKind.SIZE_MISMATCH: QT_TRANSLATE_NOOP("StatisticsDialog", "Wrong size"),
    ErrorKind.REMOTE_CHANGED: QT_TRANSLATE_NOOP("StatisticsDialog", "File changed on the server"),
    ErrorKind.BAD_RESPONSE: QT_TRANSLATE_NOOP("StatisticsDialog", "Malformed answer"),
    ErrorKind.CHECKSUM_MISMATCH: QT_TRANSLATE_NOOP("StatisticsDialog", "Checksum mismatch"),
    ErrorKind.NO_SOURCES: QT_TRANSLATE_NOOP("StatisticsDialog", "No sources left"),
    ErrorKind.DISK_FULL: QT_TRANSLATE_NOOP("StatisticsDialog", "Disk full"),
    ErrorKind.PERMISSION: QT_TRANSLATE_NOOP("StatisticsDialog", "No permission"),
    ErrorKind.FILESYSTEM: QT_TRANSLATE_NOOP("StatisticsDialog", "File system error"),
    ErrorKind.BAD_URL: QT_TRANSLATE_NOOP("StatisticsDialog", "Bad address"),
    ErrorKind.FILE_EXISTS: QT_TRANSLATE_NOOP("StatisticsDialog", "File exists"),
    ErrorKind.BAD_INPUT: QT_TRANSLATE_NOOP("StatisticsDialog", "Bad input"),
    ErrorKind.CORRUPT_DATABASE: QT_TRANSLATE_NOOP("StatisticsDialog", "Damaged job list"),
    ErrorKind.INTERNAL: QT_TRANSLATE_NOOP("StatisticsDialog", "Unexpected error"),
}


def cause_text(kind: ErrorKind) -> str:
    return QCoreApplication.translate("StatisticsDialog", _CAUSES.get(kind, kind.value))


def nice_scale(peak: int) -> int:
    """The top of the axis: 1, 2 or 5 times a power of ten of the unit the sizes are shown in
    (bytes, KiB, MiB…, as ``format_size`` shows them), at or above ``peak``; never 0."""
    if peak <= 0:
        return 1
    unit = 1
    while peak > unit * 1000:
        unit *= 1024
    for top in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top * unit >= peak:
            return top * unit
    return 1024 * unit


class DailyChart(QWidget):
    """Bars of bytes per day; hovering a bar tells its day and amount."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("daily_chart")
        self.days: tuple[tuple[date, int], ...] = ()
        self.setMinimumSize(480, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_days(self, days: tuple[tuple[date, int], ...]) -> None:
        self.days = days
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 240)

    def _plot(self) -> QRect:
        metrics = self.fontMetrics()
        left = metrics.horizontalAdvance("8888.8 MB") + 12
        return self.rect().adjusted(left, 8, -8, -(metrics.height() + 10))

    def bar_rect(self, index: int) -> QRect:
        plot = self._plot()
        count = max(len(self.days), 1)
        width = plot.width() / count
        top = nice_scale(max((b for _, b in self.days), default=0))
        height = round(plot.height() * self.days[index][1] / top)
        x = plot.left() + round(index * width) + 1
        return QRect(x, plot.bottom() - height + 1, max(round(width) - 2, 1), height)

    def bar_at(self, point: QPoint) -> int | None:
        plot = self._plot()
        if not self.days or not plot.contains(point):
            return None
        index = int((point.x() - plot.left()) * len(self.days) / max(plot.width(), 1))
        return min(max(index, 0), len(self.days) - 1)

    @staticmethod
    def _day_text(day: date, fmt: QLocale.FormatType = QLocale.FormatType.ShortFormat) -> str:
        return QLocale().toString(QDate(day.year, day.month, day.day), fmt)

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent):
            index = self.bar_at(event.pos())
            if index is None:
                QToolTip.hideText()
            else:
                day, amount = self.days[index]
                QToolTip.showText(event.globalPos(), f"{self._day_text(day)}: {format_size(amount)}", self)
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        plot = self._plot()
        painter.fillRect(plot, palette.color(QPalette.ColorRole.Base))
        top = nice_scale(max((b for _, b in self.days), default=0))
        grid = QColor(palette.color(QPalette.ColorRole.Mid))
        text = palette.color(QPalette.ColorRole.WindowText)
        metrics = self.fontMetrics()
        for step in range(5):
            y = plot.bottom() - round(plot.height() * step / 4)
            painter.setPen(grid)
            painter.drawLine(plot.left(), y, plot.right(), y)
            painter.setPen(text)
            label = format_size(top * step // 4) if top > 1 else "0 B"
            painter.drawText(
                QRect(0, y - metrics.height() // 2, plot.left() - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        bar_color = palette.color(QPalette.ColorRole.Highlight)
        for index, (day, _amount) in enumerate(self.days):
            rect = self.bar_rect(index)
            if rect.height() > 0:
                painter.fillRect(rect, bar_color)
            # A date under every seventh bar, counted back from today so today is labelled.
            if (len(self.days) - 1 - index) % 7 == 0:
                painter.setPen(text)
                label = QLocale().toString(QDate(day.year, day.month, day.day), "d MMM")
                center = rect.center().x()
                width = metrics.horizontalAdvance(label) + 8
                left = min(max(center - width // 2, plot.left()), self.width() - width)
                painter.drawText(
                    QRect(left, plot.bottom() + 4, width, metrics.height()),
                    Qt.AlignmentFlag.AlignCenter,
                    label,
                )
        painter.end()


class StatisticsDialog(QDialog):
    def __init__(self, statistics: Statistics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statistics_dialog")
        self.setWindowTitle(self.tr("Statistics"))
        self.chart = DailyChart()
        self.chart.set_days(statistics.per_day)
        month = sum(amount for _, amount in statistics.per_day)
        self.month_label = QLabel(format_size(month))
        self.total_label = QLabel(format_size(statistics.fetched_total))
        self.saved_label = QLabel(format_size(statistics.saved_total))
        self.saved_label.setToolTip(
            self.tr("Bytes that did not have to be fetched again: resumed downloads and reused files.")
        )
        self.finished_label = QLabel(QLocale().toString(statistics.finished))
        summary = QFormLayout()
        summary.addRow(self.tr("Downloaded in the last 30 days:"), self.month_label)
        summary.addRow(self.tr("Downloaded in all:"), self.total_label)
        summary.addRow(self.tr("Saved by resuming and reusing files:"), self.saved_label)
        summary.addRow(self.tr("Downloads finished:"), self.finished_label)

        self.failures = QTreeWidget()
        self.failures.setObjectName("failures")
        self.failures.setHeaderLabels([self.tr("Failures by cause"), self.tr("Count")])
        self.failures.setRootIsDecorated(False)
        self.failures.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.failures.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.failures.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.failures.header().setStretchLastSection(False)
        for kind, count in statistics.failures:
            item = QTreeWidgetItem(self.failures, [cause_text(kind), QLocale().toString(count)])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if not statistics.failures:
            QTreeWidgetItem(self.failures, [self.tr("No failures"), ""])
        self.failures.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        self.failures.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)

        caption = QLabel(self.tr("Downloaded per day"))
        caption.setObjectName("chart_caption")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.chart, 1)
        layout.addLayout(summary)
        layout.addWidget(self.failures)
        layout.addWidget(buttons)
        self.resize(720, 560)
