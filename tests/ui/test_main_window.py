"""The window over the real engine, store and a local test server, driven through its actions."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QMimeData, QObject, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from ui_async import Expect, running_wherry, settled

from tests.helpers.flaky_server import FaultPlan
from wherry.core import AddRequest, JobState
from wherry.ui.columns import Column

BODY = os.urandom(300_000)


def _ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def _button(box: QMessageBox, text: str):
    return next(button for button in box.buttons() if button.text() == text)


def _names(wherry) -> list[str]:
    model = wherry.model
    return [model.index(row, Column.NAME).data() for row in range(model.rowCount())]


def test_add_through_the_dialog_downloads_the_file(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/ubuntu.iso", BODY)
    QGuiApplication.clipboard().setText(url)

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            window = wherry.window
            window.actions_by_name["add"].trigger()
            dialog = window.commands.add_dialog
            assert dialog is not None
            assert dialog.isVisible()
            assert dialog.urls_edit.toPlainText() == url  # pre-filled from the clipboard
            assert dialog.directory_edit.text() == str(tmp_path / "dl")
            added = Expect(wherry.bridge.job_added)
            _ok(dialog)
            (job_id,) = await added.wait()
            assert _names(wherry) == ["ubuntu.iso"]
            job = await settled(wherry, wherry.engine.job(job_id), JobState.FINISHED)
            assert job.target.read_bytes() == BODY
            finished = Expect(wherry.model.dataChanged)
            row = wherry.model.row_of(job_id)
            if wherry.model.index(row, Column.STATUS).data() != "Finished":
                await finished.wait()
            assert wherry.model.index(row, Column.STATUS).data() == "Finished"
            assert wherry.model.index(row, Column.PROGRESS).data() == "100 %"

    qloop.run_until_complete(scenario())


def test_invalid_input_in_the_dialog_queues_nothing(qtbot, qloop, tmp_path):
    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            dialog = wherry.window.commands.open_add_dialog(["http://127.0.0.1:9/a", "nonsense"])
            assert not dialog.ok_enabled()
            assert "“nonsense” is not a web address" in dialog.error_text()
            _ok(dialog)
            assert dialog.isVisible()
            assert wherry.engine.jobs() == []

    qloop.run_until_complete(scenario())


def _drop(window, mime: QMimeData) -> None:
    position = QPointF(window.rect().center())
    flags = Qt.DropAction.CopyAction
    no_button, no_modifier = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(position.toPoint(), flags, mime, no_button, no_modifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(position, flags, mime, no_button, no_modifier)
    QApplication.sendEvent(window, drop)


# PySide6 6.12 offers only the QPoint constructor of QDragEnterEvent and marks it deprecated.
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent.*:DeprecationWarning")
@pytest.mark.parametrize("kind", ["uri-list", "text", "txt-file"])
def test_dropping_urls_opens_the_add_dialog_pre_filled(qtbot, qloop, tmp_path, kind):
    urls = ["http://127.0.0.1:9/a.iso", "http://127.0.0.1:9/b.iso"]
    mime = QMimeData()
    if kind == "uri-list":
        mime.setUrls([QUrl(u) for u in urls])
    elif kind == "text":
        mime.setText("\n".join(urls))
    else:
        listing = tmp_path / "list.txt"
        listing.write_text("\n".join(urls) + "\n")
        mime.setUrls([QUrl.fromLocalFile(str(listing))])

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            _drop(wherry.window, mime)
            dialog = wherry.window.commands.add_dialog
            assert dialog is not None
            assert dialog.urls_edit.toPlainText().splitlines() == urls

    qloop.run_until_complete(scenario())


@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent.*:DeprecationWarning")
def test_a_second_drop_joins_the_open_dialog_and_keeps_what_was_typed(qtbot, qloop, tmp_path):
    first, second = QMimeData(), QMimeData()
    first.setText("http://127.0.0.1:9/a.iso")
    second.setUrls([QUrl("http://127.0.0.1:9/a.iso"), QUrl("http://127.0.0.1:9/b.iso")])

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            _drop(wherry.window, first)
            dialog = wherry.window.commands.add_dialog
            dialog.filename_edit.setText("mine.iso")
            _drop(wherry.window, second)
            assert wherry.window.commands.add_dialog is dialog
            assert dialog.urls_edit.toPlainText().splitlines() == [
                "http://127.0.0.1:9/a.iso",
                "http://127.0.0.1:9/b.iso",
            ]
            # Two URLs and a single file name: the dialog says so instead of guessing.
            assert "single URL" in dialog.error_text()

    qloop.run_until_complete(scenario())


def test_ctrl_v_in_the_window_opens_the_dialog_with_the_clipboard_urls(qtbot, qloop, tmp_path):
    QGuiApplication.clipboard().setText("http://127.0.0.1:9/pasted.iso")

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            window = wherry.window
            window.activateWindow()
            window.view.setFocus()
            QTest.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
            dialog = window.commands.add_dialog
            assert dialog is not None
            assert dialog.urls_edit.toPlainText() == "http://127.0.0.1:9/pasted.iso"

    qloop.run_until_complete(scenario())


def _menu_state(window) -> dict[str, bool]:
    menu = window.context_menu()
    try:
        return {a.objectName(): a.isEnabled() for a in menu.actions() if a.objectName()}
    finally:
        menu.deleteLater()


def test_pause_resume_and_remove_through_the_actions(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/held.bin", BODY, plan=FaultPlan(gate_after=64 * 1024))

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            window, engine = wherry.window, wherry.engine
            window.commands.receive_urls([url])
            started = Expect(wherry.bridge.job_started)
            (job_id,) = await started.wait()
            window.select_ids([job_id])
            state = _menu_state(window)
            assert state["pause"]
            assert state["cancel"]
            assert not state["resume"]
            assert not state["open_file"]

            paused = Expect(wherry.bridge.job_paused)
            window.actions_by_name["pause"].trigger()
            await paused.wait()
            assert engine.job(job_id).state is JobState.PAUSED
            state = _menu_state(window)
            assert state["resume"]
            assert not state["pause"]
            row = wherry.model.row_of(job_id)
            assert wherry.model.index(row, Column.STATUS).data() == "Paused"

            flaky_server.set_plan("/held.bin", FaultPlan())
            window.actions_by_name["resume"].trigger()
            job = await settled(wherry, engine.job(job_id), JobState.FINISHED)
            assert job.target.read_bytes() == BODY
            window.select_ids([job_id])
            state = _menu_state(window)
            assert state["open_file"]
            assert state["remove"]
            assert not state["pause"]

            window.actions_by_name["remove"].trigger()
            box = window.commands.message_box
            assert isinstance(box, QMessageBox)
            assert box.isVisible()
            removed = Expect(wherry.bridge.job_removed)
            _button(box, "Remove").click()
            await removed.wait()
            assert wherry.model.rowCount() == 0
            assert job.target.exists()  # kept: only "Remove and Delete File" deletes

    qloop.run_until_complete(scenario())


def test_multi_selection_pauses_only_the_jobs_that_can_pause(qtbot, qloop, flaky_server, tmp_path):
    urls = [flaky_server.add(f"/m{i}.bin", BODY, plan=FaultPlan(gate_after=1024)) for i in range(3)]

    async def scenario() -> None:
        async with running_wherry(tmp_path, max_active=1) as wherry:
            window, engine = wherry.window, wherry.engine
            for url in urls:
                await engine.add(AddRequest(url, str(tmp_path)))
            ids = [job.id for job in engine.jobs()]
            await engine.pause(ids[2])
            window.select_ids(ids)
            assert len(window.selected_ids()) == 3
            assert window.current_actions().ids("pause") == tuple(ids[:2])
            assert window.current_actions().ids("resume") == (ids[2],)
            window.actions_by_name["pause"].trigger()
            for job_id in ids:
                await settled(wherry, engine.job(job_id), JobState.PAUSED)

    qloop.run_until_complete(scenario())


def test_move_up_and_down_reorder_the_queue_and_the_rows(qtbot, qloop, flaky_server, tmp_path):
    urls = [flaky_server.add(f"/q{i}.bin", BODY) for i in range(3)]

    async def scenario() -> None:
        async with running_wherry(tmp_path, max_active=1) as wherry:
            window, engine = wherry.window, wherry.engine
            for url in urls:
                await engine.add(AddRequest(url, str(tmp_path), start_paused=True))
            first, second, third = (job.id for job in engine.jobs())
            window.view.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
            window.select_ids([third])
            reordered = Expect(wherry.bridge.queue_reordered)
            window.actions_by_name["move_up"].trigger()
            await reordered.wait()
            assert window.view.header().sortIndicatorSection() == -1  # back to queue order to show it
            assert wherry.model.job_ids() == [first, third, second]
            assert [job.id for job in engine.jobs()] == [first, third, second]
            window.select_ids([first, third])
            reordered = Expect(wherry.bridge.queue_reordered)
            window.actions_by_name["move_down"].trigger()
            await reordered.wait()
            assert wherry.model.job_ids() == [second, first, third]
            assert [job.id for job in engine.jobs()] == [second, first, third]

    qloop.run_until_complete(scenario())


def test_the_add_dialog_remembers_the_last_folder(qtbot, qloop, tmp_path):
    async def scenario() -> None:
        async with running_wherry(tmp_path / "default") as wherry:
            commands = wherry.window.commands
            dialog = commands.open_add_dialog(["http://127.0.0.1:9/a.bin"])
            assert dialog.directory_edit.text() == str(tmp_path / "default")
            dialog.directory_edit.setText(str(tmp_path / "chosen"))
            added = Expect(wherry.bridge.job_added)
            _ok(dialog)
            await added.wait()
            again = commands.open_add_dialog(["http://127.0.0.1:9/b.bin"])
            assert again.directory_edit.text() == str(tmp_path / "chosen")

    qloop.run_until_complete(scenario())


def test_remove_and_delete_file_asks_first_and_deletes_only_when_confirmed(
    qtbot, qloop, flaky_server, tmp_path
):
    url = flaky_server.add("/gone.bin", BODY)

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            window = wherry.window
            job = await wherry.engine.add(AddRequest(url, str(tmp_path)))
            job = await settled(wherry, job, JobState.FINISHED)
            window.select_ids([job.id])

            window.actions_by_name["remove_delete"].trigger()
            box = window.commands.message_box
            assert "delete the downloaded file" in box.text()
            box.button(QMessageBox.StandardButton.Cancel).click()
            assert wherry.model.rowCount() == 1
            assert job.target.exists()

            window.actions_by_name["remove_delete"].trigger()
            removed = Expect(wherry.bridge.job_removed)
            _button(window.commands.message_box, "Delete Files").click()
            await removed.wait()
            assert wherry.model.rowCount() == 0
            assert not job.target.exists()

    qloop.run_until_complete(scenario())


class _Opened(QObject):
    """Receives what the window asks the desktop to open (Qt's own hook for a URL scheme)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_file_open_folder_and_copy_url_act_on_the_selection(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/open.bin", BODY)
    opened = _Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            window = wherry.window
            job = await wherry.engine.add(AddRequest(url, str(tmp_path)))
            job = await settled(wherry, job, JobState.FINISHED)
            window.select_ids([job.id])
            window.actions_by_name["open_file"].trigger()
            window.actions_by_name["open_folder"].trigger()
            window.actions_by_name["copy_url"].trigger()
            assert [u.toLocalFile() for u in opened.urls] == [str(job.target), str(tmp_path)]
            assert QGuiApplication.clipboard().text() == url

    try:
        qloop.run_until_complete(scenario())
    finally:
        QDesktopServices.unsetUrlHandler("file")
