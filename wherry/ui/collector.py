"""Python's cycle collector, run only on the GUI thread.

A Qt object that sits in a reference cycle is freed by the cycle collector, and the collector runs
on whichever thread happens to allocate when a threshold is crossed: a hashing thread, an
executor thread. A QObject (or its QTimer child) destroyed off the GUI thread corrupts Qt's
state and crashes the process later. So automatic collection is switched off while the window
runs, and this timer collects on the GUI thread, generation by generation, by the usual counts.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["GuiThreadCollector"]

_INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        first, second, third = gc.get_count()
        if first > self._thresholds[0]:
            gc.collect(0)
            if second > self._thresholds[1]:
                gc.collect(1)
                if third > self._thresholds[2]:
                    gc.collect(2)

    def stop(self) -> None:
        """Collect everything now, on this thread, and give the collector back to Python."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
