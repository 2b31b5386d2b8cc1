"""The 30-second notice before Wherry asks the computer to sleep or power off."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QStyle, QVBoxLayout, QWidget

__all__ = ["COUNTDOWN_SECONDS", "Clock", "PowerNotice", "monotonic"]

Clock = Callable[[], float]
monotonic: Clock = time.monotonic

COUNTDOWN_SECONDS = 30


class PowerNotice(QDialog):
    """Counts down, then accepts (go ahead); Cancel, Escape or closing it rejects (stay on).

    The clock is injected, so a test moves it and calls :meth:`tick` instead of waiting.
    """

    def __init__(
        self,
        suspend: bool,
        clock: Clock = monotonic,
        parent: QWidget | None = None,
        seconds: float = COUNTDOWN_SECONDS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("power_notice")
        self.setWindowTitle(self.tr("Downloads finished"))
        self._suspend = suspend
        self._clock = clock
        self._deadline = clock() + seconds
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(320)
        self.buttons = QDialogButtonBox()
        self.now_button = self.buttons.addButton(
            self.tr("Sleep Now") if suspend else self.tr("Power Off Now"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.now_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(32, 32))
        row = QHBoxLayout()
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.finished.connect(self._stop_counting)
        self.tick()

    def _stop_counting(self, _result: int) -> None:
        self._timer.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # After the button box has picked its own default: Enter must never power off by accident.
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()

    def remaining(self) -> int:
        return max(0, math.ceil(self._deadline - self._clock()))

    def tick(self) -> None:
        if not self._timer.isActive():
            return
        left = self.remaining()
        if left <= 0:
            self.accept()
            return
        # Whole sentences per case, so a translation can order and inflect them freely.
        if self._suspend and left == 1:
            text = self.tr("All downloads are done. The computer will sleep in 1 second.")
        elif self._suspend:
            text = self.tr("All downloads are done. The computer will sleep in {n} seconds.")
        elif left == 1:
            text = self.tr("All downloads are done. The computer will power off in 1 second.")
        else:
            text = self.tr("All downloads are done. The computer will power off in {n} seconds.")
        self.label.setText(text.format(n=left))
