"""Settings round-trip through the store, the tray's menu and notifications, closing, hand-offs,
properties and the remembered window layout."""

from __future__ import annotations

import hashlib
import os

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox
from ui_async import Expect, running_wherry, settled

from tests.helpers.flaky_server import FaultPlan
from wherry import paths
from wherry.app import compose, ui_state
from wherry.core import AddRequest, ChecksumSpec, JobState
from wherry.store import open_store
from wherry.ui.columns import Column
from wherry.ui.tray import TRAY_MENU

BODY = os.urandom(200_000)


def test_settings_dialog_saves_to_the_store_and_applies_to_the_engine(qtbot, qloop, tmp_path):
    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            dialog = wherry.window.commands.open_settings()
            assert dialog.max_active.value() == wherry.bridge.settings.max_active
            dialog.download_dir.setText(str(tmp_path / "elsewhere"))
            dialog.max_active.setValue(5)
            dialog.connections.setValue(4)
            dialog.speed_limit.setValue(512)
            dialog.auto_resume.setChecked(False)
            dialog.close_to_tray.setChecked(False)
            dialog.notifications.setChecked(False)
            dialog.verify.setChecked(True)
            dialog.history_days.setValue(7)
            dialog.connections.setValue(32)
            assert dialog.connections.value() == 32  # the engine's maximum
            dialog.connections.setValue(4)
            changed = Expect(wherry.bridge.settings_changed)
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
            (settings,) = await changed.wait()
            assert wherry.engine.settings == settings
            assert wherry.window.commands.download_dir() == str(tmp_path / "elsewhere")
            reopened = wherry.window.commands.open_settings()
            assert reopened.max_active.value() == 5
            assert reopened.speed_limit.value() == 512
            reopened.reject()

        # What the command line and the next start read: the store.
        repository, _ = open_store(paths.database_path())
        try:
            stored = repository.load_settings()
        finally:
            repository.close()
        assert stored.download_dir == str(tmp_path / "elsewhere")
        assert (stored.max_active, stored.connections, stored.speed_limit) == (5, 4, 512 * 1024)
        assert not stored.auto_resume
        assert not stored.close_to_tray
        assert not stored.notifications
        assert stored.hash_every_download
        assert stored.history_days == 7

    qloop.run_until_complete(scenario())


def test_tray_menu_is_data_and_its_actions_drive_the_engine(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/tray.bin", BODY, plan=FaultPlan(gate_after=4096))

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            tray, window, engine = wherry.tray, wherry.window, wherry.engine
            texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
            assert texts == [entry[1] for entry in TRAY_MENU if entry is not None]
            transferring = Expect(wherry.model.activity_changed, lambda active, speed: active == 1)
            job = await engine.add(AddRequest(url, str(tmp_path)))
            await transferring.wait()
            assert tray.tooltip().startswith("Wherry — 1 download at")

            tray.actions["pause_all"].trigger()
            await settled(wherry, job, JobState.PAUSED)
            flaky_server.set_plan("/tray.bin", FaultPlan())
            tray.actions["resume_all"].trigger()
            await settled(wherry, job, JobState.FINISHED)

            assert window.isVisible()
            tray.actions["show_hide"].trigger()
            assert not window.isVisible()
            tray.actions["show_hide"].trigger()
            assert window.isVisible()
            quitting = Expect(window.quit_requested)
            tray.actions["quit"].trigger()
            await quitting.wait()

    qloop.run_until_complete(scenario())


def test_notifications_for_finished_and_checksum_failures_follow_the_setting(
    qtbot, qloop, flaky_server, tmp_path
):
    good = flaky_server.add("/good.bin", BODY)
    bad = flaky_server.add("/bad.bin", BODY)
    wrong = ChecksumSpec("sha256", "0" * 64)

    async def scenario() -> None:
        async with running_wherry(tmp_path, notifications=True) as wherry:
            notes: list[tuple[str, str]] = []
            wherry.tray.notified.connect(lambda title, text: notes.append((title, text)))
            job = await wherry.engine.add(AddRequest(good, str(tmp_path)))
            await settled(wherry, job, JobState.FINISHED)
            job = await wherry.engine.add(AddRequest(bad, str(tmp_path), checksum=wrong))
            await settled(wherry, job, JobState.FAILED)
            assert notes[0] == ("Download finished", "good.bin is ready.")
            assert notes[1][0] == "Checksum mismatch"
            assert notes[1][1].startswith("bad.bin: ")

            wherry.bridge.apply_settings(wherry.bridge.settings.with_changes(notifications=False))
            job = await wherry.engine.add(AddRequest(good, str(tmp_path / "again")))
            await settled(wherry, job, JobState.FINISHED)
            assert len(notes) == 2

    qloop.run_until_complete(scenario())


def test_closing_the_window_without_a_tray_quits(qtbot, qloop, tmp_path):
    async def scenario() -> None:
        async with running_wherry(tmp_path, close_to_tray=True) as wherry:
            assert not wherry.tray.available()  # offscreen has no tray
            assert not wherry.window.goes_to_tray()
            quitting = Expect(wherry.window.quit_requested)
            wherry.window.close()
            await quitting.wait()

    qloop.run_until_complete(scenario())


def test_handed_over_urls_start_at_once_or_open_the_dialog_when_asked(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/handed.bin", BODY)

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            added = Expect(wherry.bridge.job_added)
            wherry.window.commands.receive_urls([url])
            (job_id,) = await added.wait()
            job = await settled(wherry, wherry.engine.job(job_id), JobState.FINISHED)
            assert job.target == tmp_path / "handed.bin"

            wherry.bridge.apply_settings(wherry.bridge.settings.with_changes(ask_on_handoff=True))
            wherry.window.commands.receive_urls([url])
            dialog = wherry.window.commands.add_dialog
            assert dialog is not None
            assert dialog.urls_edit.toPlainText() == url
            assert len(wherry.engine.jobs()) == 1

    qloop.run_until_complete(scenario())


def test_properties_show_sources_validators_segments_and_history(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/props.bin", BODY, plan=FaultPlan(statuses=[503]))
    checksum = ChecksumSpec("sha256", hashlib.sha256(BODY).hexdigest())

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            job = await wherry.engine.add(
                AddRequest(url, str(tmp_path), checksum=checksum, mirrors=("http://127.0.0.1:9/m.bin",))
            )
            await settled(wherry, job, JobState.FINISHED)
            wherry.window.select_ids([job.id])
            dialog = wherry.window.commands.show_properties()
            details = dialog.details
            assert details.fields["url"].text() == url
            assert '"v1"' in details.fields["validator"].text()
            assert details.fields["checksum"].text() == f"{checksum} (given with the download)"
            assert details.fields["actual"].text().endswith("(matches)")
            assert details.mirrors.topLevelItemCount() == 2
            assert details.mirrors.topLevelItem(1).text(0) == "http://127.0.0.1:9/m.bin"
            assert details.history.topLevelItemCount() >= 1
            spans = details.segment_map.segments()
            assert spans
            assert sum(s.done for s in spans) == len(BODY)
            # The pane under the list shows the same job.
            assert wherry.window.details.job_id == job.id
            dialog.reject()

    qloop.run_until_complete(scenario())


def test_window_layout_and_sort_order_come_back(qtbot, qloop, tmp_path):
    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            window = wherry.window
            window.resize(700, 480)
            window.view.setColumnWidth(Column.NAME, 345)
            window.view.sortByColumn(Column.SIZE, Qt.SortOrder.DescendingOrder)
            window.filter_tabs.setCurrentIndex(3)
            window.save_state()

        assert (paths.data_dir() / "window.ini").exists()
        repository, _ = open_store(paths.database_path())
        again = compose(repository, repository.load_settings(), ui_state())
        try:
            window = again.window
            window.show()
            header = window.view.header()
            assert window.view.columnWidth(Column.NAME) == 345
            assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
                Column.SIZE,
                Qt.SortOrder.DescendingOrder,
            )
            assert window.filter_tabs.currentIndex() == 3
            assert (window.width(), window.height()) == (700, 480)
        finally:
            repository.close()
            window.deleteLater()

    qloop.run_until_complete(scenario())


def test_ui_state_lives_in_the_data_folder(qapp, wherry_home):
    state = ui_state()
    assert state.format() == QSettings.Format.IniFormat
    assert state.fileName() == str(wherry_home / "window.ini")


def test_closing_the_window_with_a_tray_keeps_wherry_running_there(qtbot, qloop, tmp_path, monkeypatch):
    # Offscreen Qt has no system tray; pretend one exists to check the window's side of it.
    monkeypatch.setattr("wherry.ui.tray.Tray.available", staticmethod(lambda: True))

    async def scenario() -> None:
        async with running_wherry(tmp_path, close_to_tray=True) as wherry:
            window = wherry.window
            quits: list[bool] = []
            window.quit_requested.connect(lambda: quits.append(True))
            window.close()
            assert not window.isVisible()
            assert quits == []
            wherry.tray.actions["show_hide"].trigger()
            assert window.isVisible()
            wherry.bridge.apply_settings(wherry.bridge.settings.with_changes(close_to_tray=False))
            window.close()
            assert quits == [True]

    qloop.run_until_complete(scenario())
