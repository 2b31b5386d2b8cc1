"""The table's columns and how each cell reads: sizes, speeds, times and states as text."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QLocale, QTimeZone

from wherry.core import ErrorKind, Job, JobState, Progress

__all__ = [
    "HEADERS",
    "STATUS_TEXT",
    "Column",
    "format_added",
    "format_eta",
    "format_progress",
    "format_size",
    "format_speed",
    "progress_fraction",
    "status_text",
]

translate = QCoreApplication.translate


class Column(IntEnum):
    NAME = 0
    SIZE = 1
    PROGRESS = 2
    SPEED = 3
    ETA = 4
    STATUS = 5
    ADDED = 6


HEADERS: dict[Column, str] = {
    Column.NAME: QT_TRANSLATE_NOOP("Columns", "Name"),
    Column.SIZE: QT_TRANSLATE_NOOP("Columns", "Size"),
    Column.PROGRESS: QT_TRANSLATE_NOOP("Columns", "Progress"),
    Column.SPEED: QT_TRANSLATE_NOOP("Columns", "Speed"),
    Column.ETA: QT_TRANSLATE_NOOP("Columns", "Time left"),
    Column.STATUS: QT_TRANSLATE_NOOP("Columns", "Status"),
    Column.ADDED: QT_TRANSLATE_NOOP("Columns", "Added"),
}

STATUS_TEXT: dict[JobState, str] = {
    JobState.QUEUED: QT_TRANSLATE_NOOP("Columns", "Queued"),
    JobState.RUNNING: QT_TRANSLATE_NOOP("Columns", "Downloading"),
    JobState.VERIFYING: QT_TRANSLATE_NOOP("Columns", "Verifying"),
    JobState.PAUSED: QT_TRANSLATE_NOOP("Columns", "Paused"),
    JobState.FINISHED: QT_TRANSLATE_NOOP("Columns", "Finished"),
    JobState.FAILED: QT_TRANSLATE_NOOP("Columns", "Failed"),
    JobState.CANCELLED: QT_TRANSLATE_NOOP("Columns", "Cancelled"),
}

_locale = QLocale()


def format_size(size: int | None) -> str:
    """``1.5 MiB``-style text in the user's locale; an unknown size is a dash."""
    if size is None:
        return "—"
    if size == 1:
        return "1 byte"  # QLocale says "1 bytes"; the command line's sentences say it right
    # IEC units (KiB, MiB: powers of 1024), the same as the command line and the engine's
    # sentences (engine/sizes.py), so one file shows one size everywhere; QLocale does the digits.
    return _locale.formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeIecFormat)


def format_speed(speed: float) -> str:
    if speed <= 0:
        return ""
    return f"{format_size(round(speed))}/s"


def format_eta(eta: float | None) -> str:
    if eta is None or eta < 0:
        return ""
    seconds = round(eta)
    if seconds < 60:
        return translate("Columns", "{s} s").format(s=seconds)
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return translate("Columns", "{m} min {s} s").format(m=minutes, s=f"{seconds:02d}")
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return translate("Columns", "{h} h {m} min").format(h=hours, m=f"{minutes:02d}")
    return translate("Columns", "{d} days").format(d=hours // 24)


def progress_fraction(done: int, total: int | None) -> float | None:
    """Done over total in [0, 1], or None when the size is unknown."""
    if not total:
        return None
    return max(0.0, min(1.0, done / total))


def format_progress(done: int, total: int | None) -> str:
    fraction = progress_fraction(done, total)
    if fraction is None:
        return format_size(done) if done else ""
    if fraction >= 1.0:
        return "100 %"
    if fraction <= 0.0:
        return "0 %"
    # Round down, so 100 % never shows before the last byte is in.
    percent = int(fraction * 1000) / 10
    return f"{percent:.1f} %"


def status_text(job: Job, progress: Progress | None = None, elsewhere: bool = False) -> str:
    """``elsewhere``: another Wherry (a command line, a script) runs the job or holds it for later."""
    state = progress.state if progress is not None else job.state
    if elsewhere:
        if state in (JobState.RUNNING, JobState.VERIFYING):
            return translate("Columns", "Downloading in another Wherry")
        return translate("Columns", "Waiting in another Wherry")
    if state is JobState.FAILED and job.error_kind is ErrorKind.CHECKSUM_MISMATCH:
        # The full sentence is in the tooltip and details.
        return translate("Columns", "Failed: checksum mismatch")
    if state is JobState.FAILED and job.error_message:
        return translate("Columns", "Failed: {reason}").format(reason=job.error_message)
    if state is JobState.PAUSED and job.error_message:
        return translate("Columns", "Paused: {reason}").format(reason=job.error_message)
    return translate("Columns", STATUS_TEXT[state])


def format_added(when: datetime) -> str:
    """The date and time a job was added, in the user's locale and time zone, without seconds."""
    stamp = QDateTime.fromSecsSinceEpoch(int(when.timestamp()), QTimeZone.systemTimeZone())
    if _locale.language() == QLocale.Language.C:
        # The C locale's short format ("d MM yyyy") reads oddly; ISO order is unambiguous.
        return stamp.toString("yyyy-MM-dd HH:mm")
    return _locale.toString(stamp, QLocale.FormatType.ShortFormat)
