"""A real MainWindow over the in-memory engine double, for widget tests that need no network."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from ui_doubles import FakeEngine, MemorySettingsStore

from wherry.core import Job, Settings
from wherry.ui.bridge import Bridge
from wherry.ui.jobs_model import JobsModel
from wherry.ui.main_window import MainWindow


def fake_window(qtbot, tmp_path: Path, jobs: list[Job] | None = None) -> tuple[MainWindow, FakeEngine]:
    engine = FakeEngine(jobs)
    settings = Settings(download_dir=str(tmp_path))
    bridge = Bridge(engine, MemorySettingsStore(), settings)
    model = JobsModel(engine, refresh_ms=60_000)
    model.follow(bridge)
    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(bridge, model, state, str(tmp_path))
    model.setParent(window)  # as the app does: the model goes with the window, never before it
    qtbot.addWidget(window)
    return window, engine
