"""The Schedule page of the Settings dialog: queue times, hours of a lower limit, the command
run when the queue finishes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QLocale, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from wherry.core import Settings
from wherry.core.schedule import WEEKDAYS, parse_time

__all__ = ["DayPicker", "SchedulePage"]

_KIB = 1024


def _time_edit(text: str, fallback: str) -> QTimeEdit:
    chosen = parse_time(text) or parse_time(fallback)
    edit = QTimeEdit()
    edit.setDisplayFormat("HH:mm")
    if chosen is not None:
        edit.setTime(QTime(chosen.hour, chosen.minute))
    return edit


def _text(edit: QTimeEdit) -> str:
    return edit.time().toString("HH:mm")


class DayPicker(QWidget):
    """Seven check boxes, Monday first, named in the user's language."""

    def __init__(self, chosen: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        locale = QLocale()
        for number, name in enumerate(WEEKDAYS, start=1):
            box = QCheckBox(locale.dayName(number, QLocale.FormatType.ShortFormat))
            box.setObjectName(f"day_{name}")
            box.setChecked(name in chosen)
            self.boxes[name] = box
            row.addWidget(box)
        row.addStretch(1)

    def days(self) -> tuple[str, ...]:
        return tuple(name for name, box in self.boxes.items() if box.isChecked())


class SchedulePage(QWidget):
    """Edits the schedule fields of ``Settings``; :meth:`apply` writes them into a copy."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schedule_page")
        defaults = Settings()

        self.schedule_enabled = QCheckBox(self.tr("Start and stop the queue at set times"))
        self.schedule_enabled.setChecked(settings.schedule_enabled)
        self.schedule_days = DayPicker(settings.schedule_days)
        self.start_box = QCheckBox(self.tr("&Start at"))
        self.start_box.setChecked(bool(settings.schedule_start))
        self.start_time = _time_edit(settings.schedule_start, defaults.schedule_start)
        self.stop_box = QCheckBox(self.tr("S&top at"))
        self.stop_box.setChecked(bool(settings.schedule_stop))
        self.stop_time = _time_edit(settings.schedule_stop, defaults.schedule_stop)
        times = QHBoxLayout()
        for widget in (self.start_box, self.start_time, self.stop_box, self.stop_time):
            times.addWidget(widget)
        times.addStretch(1)
        queue = QGroupBox(self.tr("Queue"))
        queue_form = QFormLayout(queue)
        queue_form.addRow(self.schedule_enabled)
        queue_form.addRow(self.tr("On:"), self.schedule_days)
        queue_form.addRow(self.tr("Times:"), times)
        hint = QLabel(self.tr("Starting resumes every paused download; stopping pauses them all."))
        hint.setWordWrap(True)
        queue_form.addRow(hint)

        self.limit_enabled = QCheckBox(self.tr("Limit the total speed during these hours"))
        self.limit_enabled.setChecked(settings.limit_schedule_enabled)
        self.limit_days = DayPicker(settings.limit_schedule_days)
        self.limit_from = _time_edit(settings.limit_schedule_from, defaults.limit_schedule_from)
        self.limit_to = _time_edit(settings.limit_schedule_to, defaults.limit_schedule_to)
        hours = QHBoxLayout()
        hours.addWidget(self.limit_from)
        hours.addWidget(QLabel(self.tr("to")))
        hours.addWidget(self.limit_to)
        hours.addStretch(1)
        self.limit_rate = QSpinBox(minimum=1, maximum=10_000_000, singleStep=100)
        self.limit_rate.setSuffix(self.tr(" KiB/s"))
        self.limit_rate.setValue(max(1, settings.limit_schedule_rate // _KIB))
        limit = QGroupBox(self.tr("Speed limit"))
        limit_form = QFormLayout(limit)
        limit_form.addRow(self.limit_enabled)
        limit_form.addRow(self.tr("On:"), self.limit_days)
        limit_form.addRow(self.tr("From:"), hours)
        rate_row = QHBoxLayout()
        rate_row.addWidget(self.limit_rate)
        rate_row.addStretch(1)
        limit_label = QLabel(self.tr("&Limit:"))
        limit_label.setBuddy(self.limit_rate)
        limit_form.addRow(limit_label, rate_row)

        self.when_done_command = QLineEdit(settings.when_done_command)
        self.when_done_command.setObjectName("when_done_command")
        self.when_done_command.setPlaceholderText(self.tr("For example: notify-send Downloaded"))
        done = QGroupBox(self.tr("When the queue finishes"))
        done_form = QFormLayout(done)
        done_form.addRow(self.tr("&Command:"), self.when_done_command)
        note = QLabel(
            self.tr(
                "Runs once for each finished file, with its path as the last argument "
                "(or where {} stands). Choose it under Downloads › When Done."
            )
        )
        note.setWordWrap(True)
        done_form.addRow(note)

        layout = QVBoxLayout(self)
        for group in (queue, limit, done):
            layout.addWidget(group)
        layout.addStretch(1)

        self.schedule_enabled.toggled.connect(self._enable)
        self.limit_enabled.toggled.connect(self._enable)
        self.start_box.toggled.connect(self._enable)
        self.stop_box.toggled.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        on = self.schedule_enabled.isChecked()
        for widget in (self.schedule_days, self.start_box, self.stop_box):
            widget.setEnabled(on)
        self.start_time.setEnabled(on and self.start_box.isChecked())
        self.stop_time.setEnabled(on and self.stop_box.isChecked())
        limited = self.limit_enabled.isChecked()
        for widget in (self.limit_days, self.limit_from, self.limit_to, self.limit_rate):
            widget.setEnabled(limited)

    def apply(self, settings: Settings) -> Settings:
        return settings.with_changes(
            schedule_enabled=self.schedule_enabled.isChecked(),
            schedule_days=self.schedule_days.days(),
            schedule_start=_text(self.start_time) if self.start_box.isChecked() else "",
            schedule_stop=_text(self.stop_time) if self.stop_box.isChecked() else "",
            limit_schedule_enabled=self.limit_enabled.isChecked(),
            limit_schedule_days=self.limit_days.days(),
            limit_schedule_from=_text(self.limit_from),
            limit_schedule_to=_text(self.limit_to),
            limit_schedule_rate=self.limit_rate.value() * _KIB,
            when_done_command=self.when_done_command.text().strip(),
        )
