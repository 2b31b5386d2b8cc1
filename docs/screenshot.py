"""Render the main window offscreen with downloads in several states and save docs/screenshot.png.

    QT_QPA_PLATFORM=offscreen python docs/screenshot.py [OUTPUT.png]

The window is the real one (model, delegate, details pane, actions), with the Statistics window
over its corner; only the engine and the transfer ledger are replaced by fixed data so the
picture is the same on every run.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from wherry.core import ChecksumSpec, ErrorKind, Job, JobId, JobState, Mirror, Progress, Segment, Settings
from wherry.core.statistics import Outcome, Transfer
from wherry.ui.bridge import Bridge
from wherry.ui.icons import app_icon
from wherry.ui.jobs_model import JobsModel
from wherry.ui.main_window import MainWindow
from wherry.ui.tray import Tray

GB, MB = 1024**3, 1024**2
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
DOWNLOADS = "/home/sam/Downloads"


def _job(name, state, size, done, *, connections=1, minutes_ago=5, **fields) -> Job:
    job = Job(
        url=f"https://mirror.example.org/pub/{name}",
        directory=DOWNLOADS,
        filename=name,
        total_size=size,
        state=state,
        connections=connections,
        etag='"5f1c-63a9b2"',
        last_modified="Mon, 18 Nov 2026 14:02:11 GMT",
        created_at=NOW - timedelta(minutes=minutes_ago),
        **fields,
    )
    # Split like the engine does: one segment per connection, each part-way through.
    step = size // connections
    remaining = done
    for i in range(connections):
        start = i * step
        end = size if i == connections - 1 else start + step
        share = min(end - start, max(0, round(done / connections * (1.25 - 0.5 * (i % 2)))))
        share = min(share, remaining) if i == connections - 1 else share
        job.segments.append(Segment(start, end, share))
        remaining -= share
    if state is JobState.FINISHED:
        job.segments = [Segment(0, size, size)]
        job.finished_at = job.created_at + timedelta(minutes=2)
    return job


def showcase_jobs() -> tuple[list[Job], dict[JobId, Progress]]:
    ubuntu = _job(
        "ubuntu-24.04.1-desktop-amd64.iso",
        JobState.RUNNING,
        5_900_000_000,
        3_680_000_000,
        connections=8,
        minutes_ago=12,
        checksum=ChecksumSpec("sha256", "c2e6f4dc37ac944e2ed507f87c6188dd4d3ef4aa2d6d5d1b7b5d1d4e5b7a1f02"),
        mirrors=[Mirror("https://releases.ubuntu.example/24.04/ubuntu-24.04.1-desktop-amd64.iso", 1)],
    )
    fedora = _job(
        "Fedora-Workstation-Live-x86_64-41.iso", JobState.RUNNING, 2_300_000_000, 540_000_000, connections=4
    )
    blender = _job("blender-4.2.3-linux-x64.tar.xz", JobState.PAUSED, 356_000_000, 146_000_000, minutes_ago=9)
    photos = _job("holiday-photos-2026.zip", JobState.QUEUED, 1_250_000_000, 0, minutes_ago=3)
    podcast = _job("podcast-episode-112.mp3", JobState.FINISHED, 84_200_000, 84_200_000, minutes_ago=95)
    office = _job("LibreOffice_24.8.2_Linux_x86-64_deb.tar.gz", JobState.FINISHED, 224_000_000, 0)
    firmware = _job(
        "router-firmware-2.7.1.bin",
        JobState.FAILED,
        33_554_432,
        33_554_432,
        minutes_ago=60,
        checksum=ChecksumSpec("sha256", "9b7d2f" + "0" * 58),
        actual_digest="4f1a0c" + "7" * 58,
        error_kind=ErrorKind.CHECKSUM_MISMATCH,
        error_message="The sha256 checksum does not match; the file was set aside.",
    )
    report = _job("annual-report-2026.pdf", JobState.FINISHED, 6_400_000, 6_400_000, minutes_ago=240)
    jobs = [ubuntu, fedora, photos, blender, firmware, podcast, office, report]
    progress = {
        job.id: Progress(job.id, JobState.RUNNING, job.bytes_done, job.total_size, speed, eta)
        for job, speed, eta in ((ubuntu, 11_900_000, 187), (fedora, 6_300_000, 279))
    }
    return jobs, progress


class ShowcaseEngine:
    """Answers the window's reading calls from a fixed list of jobs."""

    def __init__(self) -> None:
        self._jobs, self._progress = showcase_jobs()
        self.settings = Settings(download_dir=DOWNLOADS)

    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def job(self, job_id: JobId) -> Job:
        return next(job for job in self._jobs if job.id == job_id)

    def snapshot(self) -> dict[JobId, Progress]:
        return dict(self._progress)

    def history(self, job_id: JobId) -> list[tuple[datetime, str]]:
        start = self.job(job_id).created_at
        return [
            (start, "Added; the server supports ranges, splitting into 8 connections."),
            (start + timedelta(minutes=4), "Connection 3 was reset after 212 MB; retrying in 2 s."),
            (start + timedelta(minutes=4, seconds=2), "Connection 3 resumed from 212 MB."),
        ]

    def update_settings(self, settings: Settings) -> None:
        self.settings = settings


def showcase_transfers() -> list[Transfer]:
    """A month of runs: a few big days, quiet weekends, some resumes, a handful of failures."""
    daily = [3.1, 0.4, 0, 7.2, 2.2, 1.1, 0, 4.8, 0.9, 0.2, 5.9, 0, 0, 2.6, 8.4, 1.3, 0.6, 0, 3.3, 2.0,
             0, 0.8, 6.1, 1.7, 0, 0.3, 4.4, 2.9, 5.2, 4.2]  # fmt: skip
    transfers = []
    for back, gigabytes in enumerate(reversed(daily)):
        if gigabytes:
            at = NOW - timedelta(days=back, hours=2)
            saved = round(gigabytes * GB * 0.08) if back % 3 == 0 else 0
            transfers.append(Transfer(f"run-{back}", at, Outcome.FINISHED, round(gigabytes * GB), saved))
    failures = [ErrorKind.NOT_FOUND] * 3 + [
        ErrorKind.CHECKSUM_MISMATCH,
        ErrorKind.TIMEOUT,
        ErrorKind.FORBIDDEN,
    ]
    transfers += [
        Transfer(f"failed-{n}", NOW, Outcome.FAILED, error_kind=kind) for n, kind in enumerate(failures)
    ]
    return transfers


class ShowcaseLedger:
    def record(self, transfer: Transfer) -> None:
        pass

    def load_transfers(self) -> list[Transfer]:
        return showcase_transfers()


def _titled(shot: QPixmap, title: str) -> QPixmap:
    """``shot`` under a plain title bar, as a window manager would frame it."""
    bar = 30
    framed = QPixmap(shot.width(), shot.height() + bar)
    framed.fill(QColor("#3b4252"))
    painter = QPainter(framed)
    painter.setPen(QColor("#eceff4"))
    font = painter.font()
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRect(0, 0, shot.width(), bar), Qt.AlignmentFlag.AlignCenter, title)
    painter.drawPixmap(0, bar, shot)
    painter.end()
    return framed


def _composite(window_shot: QPixmap, overlay: QPixmap, margin: int = 18) -> QPixmap:
    """The window with ``overlay`` over its lower right corner, both with a soft shadow."""
    pad = 24
    width = window_shot.width() + pad * 2
    height = window_shot.height() + pad * 2
    picture = QPixmap(width, height)
    picture.fill(QColor("#d9dee5"))
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)

    def shadowed(pixmap: QPixmap, at: QPoint) -> None:
        for spread, alpha in ((10, 18), (6, 28), (3, 40)):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, alpha))
            painter.drawRoundedRect(
                QRect(at, pixmap.size()).adjusted(-spread, -spread + 4, spread, spread + 4), 8, 8
            )
        painter.drawPixmap(at, pixmap)

    shadowed(window_shot, QPoint(pad, pad))
    corner = QPoint(width - overlay.width() - pad - margin, height - overlay.height() - pad - margin)
    shadowed(overlay, corner)
    painter.end()
    return picture


class _Settings:
    def load_settings(self) -> Settings:
        return Settings(download_dir=DOWNLOADS)

    def save_settings(self, settings: Settings) -> None:
        pass


def main(output: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Wherry")
    app.setWindowIcon(app_icon())
    engine = ShowcaseEngine()
    bridge = Bridge(engine, _Settings(), engine.settings)
    model = JobsModel(engine, refresh_ms=60_000)
    model.follow(bridge)
    with tempfile.TemporaryDirectory() as scratch:
        state = QSettings(str(Path(scratch) / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(
            bridge, model, state, DOWNLOADS, Tray(bridge, app_icon()), transfers=ShowcaseLedger()
        )
        model.setParent(window)
        window.resize(1180, 720)
        window.show()
        window.select_ids([engine.jobs()[0].id])
        window.splitter.setSizes([330, 340])
        model.refresh()
        app.processEvents()
        window.list_commands.clock = lambda: NOW
        statistics = window.list_commands.open_statistics()
        assert statistics is not None
        statistics.resize(540, 420)
        app.processEvents()
        overlay = _titled(statistics.grab(), f"{statistics.windowTitle()} — Wherry")
        _composite(_titled(window.grab(), "Wherry"), overlay).save(str(output))
        statistics.close()
        window.close()
    print(f"Saved {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("screenshot.png"))
