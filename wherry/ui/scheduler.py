"""Drives the schedule (``core.schedule``) from a timer: starts and stops the queue, and lowers
the total speed limit during the chosen hours.

The clock is injected (a callable returning the local time), so tests move time by hand and call
:meth:`QueueScheduler.tick` instead of waiting for a wall clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QLocale, QObject, QTimer, Signal

from wherry.core import Settings
from wherry.core.schedule import QueueAction, format_time, limit_period, queue_schedule
from wherry.ui.bridge import Bridge
from wherry.ui.columns import format_speed

__all__ = ["CHECK_INTERVAL_MS", "Clock", "QueueScheduler"]

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# A start or stop happens at most this late; cheap, since a check is a few comparisons.
CHECK_INTERVAL_MS = 10_000


class QueueScheduler(QObject):
    """Starts and stops the queue at the scheduled moments and applies the scheduled limit.

    Starting is "Resume all" and stopping is "Pause all", as if the person pressed them.
    The scheduled limit is given to the engine only; the saved speed limit stays as it was.

    Signals:
        status_changed(str text): what the schedule does next, for the status bar; "" when off
        queue_started(): a start moment passed and the queue was resumed
        queue_stopped(): a stop moment passed and the queue was paused
    """

    status_changed = Signal(str)
    queue_started = Signal()
    queue_stopped = Signal()

    def __init__(self, bridge: Bridge, clock: Clock = datetime.now, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._clock = clock
        self._last: datetime | None = None
        self._applied_limit: int | None = None
        self._status = ""
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.tick)
        bridge.settings_changed.connect(self._settings_changed)

    def start(self) -> None:
        """Begin checking; moments before now are not acted on."""
        self._last = self._clock()
        self._timer.start()
        self.tick()

    def stop(self) -> None:
        self._timer.stop()

    def status(self) -> str:
        return self._status

    def tick(self) -> None:
        """Act on the moments passed since the last check and refresh the limit and the status."""
        now = self._clock()
        last, self._last = self._last, now
        settings = self._bridge.settings
        schedule = queue_schedule(settings)
        if schedule is not None and last is not None:
            action = schedule.due(last, now)
            if action is QueueAction.START:
                log.info("The schedule starts the queue")
                self._bridge.resume_all()
                self.queue_started.emit()
            elif action is QueueAction.STOP:
                log.info("The schedule stops the queue")
                self._bridge.pause_all()
                self.queue_stopped.emit()
        self._apply_limit(settings, now)
        self._show(self._describe(settings, now))

    def _settings_changed(self, settings: Settings) -> None:
        # The bridge has just given the engine the saved limit; put the scheduled one back.
        self._applied_limit = None
        self._apply_limit(settings, self._clock())
        self._show(self._describe(settings, self._clock()))

    def _apply_limit(self, settings: Settings, now: datetime) -> None:
        period = limit_period(settings)
        limit = period.effective_limit(now, settings.speed_limit) if period else settings.speed_limit
        if limit == self._applied_limit:
            return
        if self._applied_limit is not None or limit != settings.speed_limit:
            self._bridge.engine.update_settings(settings.with_changes(speed_limit=limit))
        self._applied_limit = limit

    def _describe(self, settings: Settings, now: datetime) -> str:
        parts = []
        period = limit_period(settings)
        ends = period.ends_at(now) if period else None
        if period is not None and ends is not None:
            speed = format_speed(float(period.effective_limit(now, settings.speed_limit)))
            parts.append(
                self.tr("Limited to {speed} until {time}").format(speed=speed, time=self._when(now, ends))
            )
        schedule = queue_schedule(settings)
        upcoming = schedule.next_moment(now) if schedule else None
        if upcoming is not None:
            at, action = upcoming
            when = self._when(now, at)
            if action is QueueAction.START:
                parts.append(self.tr("Queue starts {time}").format(time=when))
            else:
                parts.append(self.tr("Queue stops {time}").format(time=when))
        return " · ".join(parts)

    def _when(self, now: datetime, at: datetime) -> str:
        if at.date() == now.date():
            return format_time(at.time())
        day = QLocale().dayName(at.isoweekday(), QLocale.FormatType.ShortFormat)
        return f"{day} {format_time(at.time())}"

    def _show(self, text: str) -> None:
        if text != self._status:
            self._status = text
            self.status_changed.emit(text)
