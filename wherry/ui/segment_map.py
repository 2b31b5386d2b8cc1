"""A drawn map of a job's byte ranges: one lane per connection's segment, filled as it arrives."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from wherry.core import Segment

__all__ = ["SegmentMap"]

_LANE_MAX, _LANE_MIN, _GAP = 10.0, 3.0, 2.0


class SegmentMap(QWidget):
    """Shows where each segment starts and ends within the file and how much of it is on disk."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._segments: list[Segment] = []
        self._total: int | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(24)

    def set_segments(self, segments: Sequence[Segment], total: int | None) -> None:
        self._segments = [Segment(s.start, s.end, s.done) for s in segments]
        self._total = total
        done = sum(s.done for s in self._segments)
        self.setToolTip(
            f"{len(self._segments)} segments, {done:,} of {total:,} bytes on disk"
            if total
            else f"{len(self._segments)} segments"
        )
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def segments(self) -> list[Segment]:
        return list(self._segments)

    def sizeHint(self) -> QSize:
        lanes = max(1, len(self._segments))
        lane = max(_LANE_MIN, min(_LANE_MAX, 80 / lanes))
        return QSize(320, max(24, int(lanes * (lane + _GAP) + _GAP)))

    def lane_rects(self) -> list[tuple[QRectF, QRectF]]:
        """Per segment: its whole range and its completed part, in widget coordinates."""
        total = self._total or max((s.end or s.position for s in self._segments), default=0)
        if not self._segments or total <= 0:
            return []
        width = float(self.width()) - 2
        lane = max(_LANE_MIN, min(_LANE_MAX, (self.height() - _GAP) / len(self._segments) - _GAP))
        rects = []
        for i, segment in enumerate(self._segments):
            top = _GAP + i * (lane + _GAP)
            end = segment.end if segment.end is not None else total
            left = 1 + width * segment.start / total
            span = QRectF(left, top, max(1.0, width * (end - segment.start) / total), lane)
            filled = QRectF(left, top, width * min(segment.done, end - segment.start) / total, lane)
            rects.append((span, filled))
        return rects

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        rects = self.lane_rects()
        if not rects:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Not started"))
            painter.end()
            return
        track = palette.color(QPalette.ColorRole.Mid)
        track.setAlpha(90)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        for span, filled in rects:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(span, 2, 2)
            if filled.width() > 0:
                painter.setBrush(highlight)
                painter.drawRoundedRect(filled, 2, 2)
        painter.setPen(QColor(palette.color(QPalette.ColorRole.Mid)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()
