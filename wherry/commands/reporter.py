"""How ``wherry get`` shows progress: a redrawn bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

from wherry.core.events import Event, JobFinished, JobPaused, JobRetrying, JobVerifying, Progress
from wherry.core.jobs import Job
from wherry.core.sizes import human_size

__all__ = ["Reporter"]


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


class Reporter:
    """Receives engine events and progress; writes to ``stream`` (stderr by default)."""

    def __init__(
        self, job_of: Callable[[str], Job], stream: TextIO | None = None, quiet: bool = False
    ) -> None:
        self.stream = stream or sys.stderr
        self.job_of = job_of
        self.quiet = quiet
        self.tty = self.stream.isatty()
        self._bar_shown = False
        self._last_plain: dict[str, int] = {}
        self._last_plain_time: dict[str, float] = {}

    def name(self, job_id: str) -> str:
        try:
            return self.job_of(job_id).display_name
        except KeyError:
            return job_id[:8]

    def _line(self, text: str) -> None:
        if self.quiet:
            return
        if self._bar_shown:
            self.stream.write("\r\x1b[2K")
            self._bar_shown = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def event(self, event: Event) -> None:
        if self.quiet:
            return  # nothing below writes anything when quiet; a list of 3,000 sends 12,000
        name = self.name(event.job_id)
        if isinstance(event, JobRetrying):
            self._line(f"{name}: {event.message} Retrying in {event.delay:.0f} s.")
        elif isinstance(event, JobVerifying):
            self._line(f"{name}: verifying checksum…")
        elif isinstance(event, JobPaused) and event.message:
            self._line(f"{name}: paused: {event.message}")
        elif isinstance(event, JobFinished) and not self.tty and self._last_plain.get(event.job_id) != 10:
            # The last poll may come before the end: close the plain log with the full size.
            self._last_plain[event.job_id] = 10
            size = self.job_of(event.job_id).total_size or 0
            self._line(f"{name}: 100% of {human_size(size)}")

    def progress(self, progress: Progress) -> None:
        if self.quiet:
            return
        if self.tty:
            self._bar(progress)
        else:
            self._plain(progress)

    def _bar(self, p: Progress) -> None:
        width = shutil.get_terminal_size((80, 20)).columns
        done, total = p.bytes_downloaded, p.total_bytes
        sizes = f"{human_size(done)}/{human_size(total)}" if total else human_size(done)
        tail = f" {sizes} {human_size(p.speed)}/s ETA {_clock(p.eta)}"
        name = self.name(p.job_id)[:24]
        if total:
            percent = done / total if total else 1.0
            bar_width = max(width - len(name) - len(tail) - 10, 10)
            filled = int(bar_width * percent)
            bar = "#" * filled + "-" * (bar_width - filled)
            text = f"{name} {percent:4.0%} [{bar}]{tail}"
        else:
            text = f"{name}{tail}"
        self.stream.write("\r\x1b[2K" + text[: width - 1])
        self.stream.flush()
        self._bar_shown = True

    def _plain(self, p: Progress) -> None:
        # One line per 10 % (or every 10 s when the size is unknown) keeps logs readable.
        now = time.monotonic()
        if p.total_bytes:
            step = p.bytes_downloaded * 10 // p.total_bytes
            if step <= self._last_plain.get(p.job_id, -1):
                return
            self._last_plain[p.job_id] = step
            self._line(f"{self.name(p.job_id)}: {step * 10}% of {human_size(p.total_bytes)}")
        elif p.bytes_downloaded and now - self._last_plain_time.get(p.job_id, 0.0) >= 10:
            self._last_plain_time[p.job_id] = now
            self._line(f"{self.name(p.job_id)}: {human_size(p.bytes_downloaded)}")

    def finish(self) -> None:
        if self._bar_shown:
            self.stream.write("\n")
            self.stream.flush()
            self._bar_shown = False

    def say(self, text: str) -> None:
        self._line(text)
