"""What the window's actions do to the selected jobs, and the dialogs they open."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMessageBox

from wherry.core import AddRequest, JobId
from wherry.core.categories import CategoryChoice, folder_for
from wherry.ui.add_dialog import AddDialog
from wherry.ui.bridge import Bridge
from wherry.ui.clipboard_watch import copy_text
from wherry.ui.duplicates import DuplicatePrompt, Resolution, find_duplicates, resolve
from wherry.ui.find_dialog import FindDialog
from wherry.ui.job_actions import ActionSet
from wherry.ui.job_details import PropertiesDialog
from wherry.ui.jobs_model import JobsModel
from wherry.ui.request_options import CredentialsDialog
from wherry.ui.settings_dialog import SettingsDialog
from wherry.ui.url_input import urls_from_mime
from wherry.ui.verify_dialog import VerifyDialog
from wherry.verify.service import VerifyService

__all__ = ["JobCommands"]


log = logging.getLogger(__name__)


class JobCommands(QObject):
    """Carries out the window's actions; dialogs open non-modally over ``window``.

    ``selection`` tells which jobs each action applies to right now (see ``job_actions``);
    ``reveal`` brings the window forward (from the tray, say) before a dialog opens over it.
    """

    def __init__(
        self,
        window: QMainWindow,
        bridge: Bridge,
        model: JobsModel,
        ui_state: QSettings,
        default_download_dir: str,
        selection: Callable[[], ActionSet],
        reveal: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = bridge
        self.model = model
        self.ui_state = ui_state
        self.default_download_dir = default_download_dir
        self.current_actions = selection
        self._reveal = reveal
        self.add_dialog: AddDialog | None = None
        self.message_box: QMessageBox | None = None
        self.change_url_dialog: QInputDialog | None = None
        self.duplicate_prompt: DuplicatePrompt | None = None
        # Set by the window: select these jobs in the list and bring them into view.
        self.show_jobs: Callable[[Sequence[JobId]], None] = lambda ids: None
        self.credentials_dialog: CredentialsDialog | None = None

    def _status(self, sentence: str) -> None:
        self.window.statusBar().showMessage(sentence, 5000)

    def on_selection(self, name: str, command: Callable[[Sequence[JobId]], object]) -> None:
        ids = self.current_actions().ids(name)
        if ids:
            command(ids)

    def download_dir(self) -> str:
        return self.bridge.settings.download_dir or self.default_download_dir

    def open_add_dialog(self, urls: Sequence[str] = ()) -> AddDialog:
        """Open the add dialog (not modal) pre-filled with ``urls``; OK queues its requests.

        While one is open, further URLs (another drop, a paste) join it instead.
        """
        self._reveal()
        if self.add_dialog is not None:
            self.add_dialog.add_urls(urls)
            self.add_dialog.raise_()
            return self.add_dialog
        remembered = str(self.ui_state.value("add/directory", "") or "")
        categories = self._category_folder if self.bridge.settings.categories_enabled else None
        dialog = AddDialog(
            urls,
            remembered or self.download_dir(),
            self.window,
            find_checksum=self.bridge.find_checksum,
            categories=categories,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._add_accepted(dialog))
        dialog.destroyed.connect(lambda: setattr(self, "add_dialog", None))
        self.add_dialog = dialog
        dialog.open()
        log.info("The Add download dialog is open")  # a hand-off (wherry --add) is seen by this
        return dialog

    def _category_folder(self, url: str, folder: str, filename: str | None) -> CategoryChoice:
        return folder_for(self.bridge.settings, url, folder, filename)

    def _add_accepted(self, dialog: AddDialog) -> None:
        requests = dialog.requests()
        if requests:
            # The folder typed, not a category's folder inside it: the next dialog starts there.
            self.ui_state.setValue("add/directory", str(Path(dialog.form().directory.strip()).expanduser()))
            self.add_checked(requests)

    def add_checked(self, requests: Sequence[AddRequest]) -> DuplicatePrompt | None:
        """Add ``requests``; those already in the list or on disk wait for the user's answer.

        The others are added at once. Returns the open question, if there is one.
        """
        jobs = self.bridge.engine.jobs()
        duplicates = find_duplicates(requests, jobs)
        repeated = {id(d.request) for d in duplicates}
        fresh = [request for request in requests if id(request) not in repeated]
        if fresh:
            self.bridge.add(fresh)
        if not duplicates:
            return None
        prompt = DuplicatePrompt(duplicates, self.window)
        prompt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        prompt.finished.connect(lambda _=0: self._carry_out(resolve(duplicates, prompt.choice(), jobs)))
        prompt.destroyed.connect(lambda: setattr(self, "duplicate_prompt", None))
        self.duplicate_prompt = prompt
        prompt.open()
        return prompt

    def _carry_out(self, resolution: Resolution) -> None:
        if resolution.show_jobs:
            self.show_jobs(resolution.show_jobs)
        self._open_paths([str(path) for path in resolution.show_files])
        if not resolution.add and not resolution.remove:
            return

        async def replace_then_add() -> None:
            # The old entries go first, so the new ones never share the list with them.
            for job_id in resolution.remove:
                with contextlib.suppress(KeyError):  # removed meanwhile
                    await self.bridge.engine.remove(job_id)
            if resolution.add:
                self.bridge.add(resolution.add)  # reports its own failure

        self.bridge.run(replace_then_add(), "Adding downloads")

    def clipboard_urls(self) -> list[str]:
        mime = QGuiApplication.clipboard().mimeData()
        return urls_from_mime(mime) if mime is not None else []

    def paste(self) -> None:
        urls = self.clipboard_urls()
        if urls:
            self.open_add_dialog(urls)
        else:
            self._status(self.tr("The clipboard holds no URLs."))

    def receive_urls(self, urls: Sequence[str]) -> None:
        """URLs handed over by a later launch: start them at once, or ask when the setting says so."""
        self._reveal()
        if not urls:
            return
        if self.bridge.settings.ask_on_handoff:
            self.open_add_dialog(urls)
            return
        directory = self.download_dir()
        prompt = self.add_checked(
            [
                AddRequest(url=url, directory=self._category_folder(url, directory, None).directory)
                for url in urls
            ]
        )
        added = len(urls) - (len(prompt.duplicates) if prompt is not None else 0)
        if added:
            if added == 1:
                self._status(self.tr("Added 1 download."))
            else:
                self._status(self.tr("Added {count} downloads.").format(count=added))

    def confirm_remove(self, delete_file: bool) -> QMessageBox | None:
        ids = self.current_actions().ids("remove_delete" if delete_file else "remove")
        if not ids:
            return None
        if len(ids) == 1:
            name = self.bridge.engine.job(ids[0]).display_name
            if delete_file:
                text = self.tr("Remove “{name}” from the list and delete the downloaded file?")
            else:
                text = self.tr("Remove “{name}” from the list? The downloaded file is kept.")
            text = text.format(name=name)
        else:
            if delete_file:
                text = self.tr("Remove {count} downloads from the list and delete the downloaded files?")
            else:
                text = self.tr("Remove {count} downloads from the list? Downloaded files are kept.")
            text = text.format(count=len(ids))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove downloads"), text, parent=self.window)
        box.setObjectName("confirm_remove")
        confirm = box.addButton(
            self.tr("Delete Files") if delete_file else self.tr("Remove"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished() -> None:
            if box.clickedButton() is confirm:
                self.bridge.remove(ids, delete_file=delete_file)

        box.finished.connect(finished)
        self.message_box = box
        box.open()
        return box

    def _open_paths(self, paths: Sequence[str]) -> None:
        for path in dict.fromkeys(paths):
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
                self.show_error(self.tr("Wherry could not open {path}.").format(path=path))

    def open_files(self) -> None:
        jobs = [self.bridge.engine.job(i) for i in self.current_actions().ids("open_file")]
        self._open_paths([str(job.target) for job in jobs if job.target is not None])

    def open_folders(self) -> None:
        jobs = [self.bridge.engine.job(i) for i in self.current_actions().ids("open_folder")]
        self._open_paths([job.directory for job in jobs])

    def copy_urls(self) -> None:
        jobs = [self.bridge.engine.job(i) for i in self.current_actions().ids("copy_url")]
        if jobs:
            copy_text("\n".join(job.url for job in jobs))

    def move_selection(self, where: Literal["up", "down"]) -> None:
        ids = self.current_actions().ids(f"move_{where}")
        if ids:
            self.bridge.move(ids, where)

    def show_properties(self) -> PropertiesDialog | None:
        ids = self.current_actions().ids("properties")
        if not ids:
            return None
        job = self.bridge.engine.job(ids[0])
        dialog = PropertiesDialog(
            job, self.bridge.engine.history(job.id), self.model.progress(job.id), self.window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.bridge.settings, self.default_download_dir, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.bridge.apply_settings(dialog.settings()))
        dialog.open()
        return dialog

    def change_url(self) -> QInputDialog | None:
        """Ask for a new address for the selected paused or failed download (an expired link)."""
        ids = self.current_actions().ids("change_url")
        if not ids:
            return None
        job = self.bridge.engine.job(ids[0])
        dialog = QInputDialog(self.window)
        dialog.setObjectName("change_url_dialog")
        dialog.setWindowTitle(self.tr("Change URL"))
        dialog.setLabelText(
            self.tr(
                "New address for {name}.\nThe bytes already downloaded are kept only if the "
                "new address serves the same file."
            ).format(name=job.display_name)
        )
        dialog.setTextValue(job.url)
        dialog.resize(560, dialog.sizeHint().height())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            url = dialog.textValue().strip()
            if url and url != job.url:
                task = self.bridge.replace_url(job.id, url)
                task.add_done_callback(
                    lambda done: None if done.cancelled() or done.exception() else self._status(done.result())
                )

        dialog.accepted.connect(accepted)
        dialog.open()
        self.change_url_dialog = dialog
        return dialog

    def change_credentials(self) -> CredentialsDialog | None:
        """New headers or cookies for the selected paused or failed download (a login it needs)."""
        ids = self.current_actions().ids("change_credentials")
        if not ids:
            return None
        job = self.bridge.engine.job(ids[0])
        dialog = CredentialsDialog(job, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            headers, secret, cookie_file = dialog.values()
            self.bridge.replace_credentials(job.id, headers, secret, cookie_file)

        dialog.accepted.connect(accepted)
        dialog.open()
        self.credentials_dialog = dialog
        return dialog

    def open_verify(self, verifier: VerifyService) -> VerifyDialog:
        # The selected finished files are checked first; more can be added in the dialog.
        finished = [str(self.bridge.engine.job(i).target) for i in self.current_actions().ids("open_file")]
        dialog = VerifyDialog(verifier, self.window, paths=finished)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_find(self, verifier: VerifyService) -> FindDialog:
        dialog = FindDialog(verifier, self.download_dir(), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_error(self, sentence: str) -> None:
        self.window.statusBar().showMessage(sentence, 10000)
        if self.message_box is not None and self.message_box.isVisible():
            self.message_box.setText(sentence)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Wherry", sentence, QMessageBox.StandardButton.Ok, self.window
        )
        box.setObjectName("error_message")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.open()
