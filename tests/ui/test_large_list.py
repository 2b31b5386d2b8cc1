"""A thousand jobs with twenty transferring: the window lists them and a tick repaints twenty rows."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from ui_doubles import FakeEngine, MemorySettingsStore, make_job

from wherry.core import JobState, Progress, Settings
from wherry.ui.bridge import Bridge
from wherry.ui.columns import Column
from wherry.ui.jobs_model import JobsModel
from wherry.ui.main_window import MainWindow


def test_window_with_a_thousand_jobs_repaints_only_transferring_rows(qtbot, tmp_path):
    states = [JobState.RUNNING if i % 50 == 7 else JobState.FINISHED for i in range(1000)]
    jobs = [make_job(f"file-{i:04}.bin", state) for i, state in enumerate(states)]
    engine = FakeEngine(jobs)
    running = [job for job in jobs if job.state is JobState.RUNNING]
    engine.progress = {job.id: Progress(job.id, JobState.RUNNING, 0, 1000, 0.0, None) for job in running}
    bridge = Bridge(engine, MemorySettingsStore(), Settings())
    model = JobsModel(engine, refresh_ms=60_000)
    model.follow(bridge)
    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(bridge, model, state, str(tmp_path))
    model.setParent(window)  # as the app does: the model goes with the window, never before it
    qtbot.addWidget(window)
    window.show()
    assert window.proxy.rowCount() == 1000
    window.filter_tabs.setCurrentIndex(1)  # Active
    assert window.proxy.rowCount() == 20

    repainted: list[int] = []
    model.dataChanged.connect(lambda top, bottom, roles: repainted.extend(range(top.row(), bottom.row() + 1)))
    for n, job in enumerate(running):
        engine.progress[job.id] = Progress(job.id, JobState.RUNNING, 10 * (n + 1), 1000, 5000.0, 3.0)
    model.refresh()
    assert sorted(repainted) == [model.row_of(job.id) for job in running]
    assert window.activity_label.text() == "20 downloads · 97.7 KiB/s"
    row = model.row_of(running[3].id)
    assert model.index(row, Column.PROGRESS).data() == "4.0 %"
