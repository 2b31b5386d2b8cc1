"""The window's list-wide commands: Clear Finished, Export List, Import List and Statistics."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMainWindow

from wherry.core import AddRequest, InputError, Job, JobState
from wherry.core.list_formats import (
    ListEntry,
    ListFormat,
    format_for_name,
    read_list,
    sniff_format,
    write_list,
)
from wherry.core.statistics import summarize
from wherry.ui.bridge import Bridge
from wherry.ui.job_commands import JobCommands
from wherry.ui.statistics_view import StatisticsDialog
from wherry.ui.transfer_recorder import TransferLog

__all__ = ["MAX_LIST_BYTES", "ListCommands", "entry_for", "request_for"]

MAX_LIST_BYTES = 16 * 1024 * 1024  # a list of a hundred thousand URLs; anything larger is not one


def entry_for(job: Job) -> ListEntry:
    """What a list file keeps of a job: where from, where to, under which name, and its checksum."""
    mirrors = tuple(m.url for m in sorted(job.mirrors, key=lambda m: m.priority) if m.url != job.url)
    return ListEntry(job.url, mirrors, job.requested_name or job.filename, job.directory, job.checksum)


def request_for(entry: ListEntry, download_dir: str) -> AddRequest:
    # A folder the list names is used only when it is a full path; anything else goes to the
    # download folder, so a list can never aim a file somewhere relative to wherever Wherry runs.
    directory = entry.directory if entry.directory and Path(entry.directory).is_absolute() else download_dir
    return AddRequest(
        url=entry.url,
        directory=directory,
        filename=entry.filename,
        checksum=entry.checksum,
        mirrors=entry.mirrors,
    )


_FILTERS = {
    ListFormat.JSON: QT_TRANSLATE_NOOP("ListCommands", "Wherry list with checksums and mirrors (*.json)"),
    ListFormat.ARIA2: QT_TRANSLATE_NOOP("ListCommands", "aria2 input file (*.aria2 *.txt)"),
    ListFormat.URLS: QT_TRANSLATE_NOOP("ListCommands", "List of URLs (*.txt)"),
}


class ListCommands(QObject):
    def __init__(
        self,
        window: QMainWindow,
        bridge: Bridge,
        commands: JobCommands,
        transfers: TransferLog | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = bridge
        self.commands = commands
        self.transfers = transfers
        self.statistics_dialog: StatisticsDialog | None = None
        # When "today" is, in the local time zone; replaced where a fixed day is wanted.
        self.clock: Callable[[], datetime] = lambda: datetime.now().astimezone()

    def _status(self, sentence: str) -> None:
        self.window.statusBar().showMessage(sentence, 5000)

    # -- clear finished ------------------------------------------------------------------------

    def clear_finished(self) -> int:
        """Take every finished download out of the list; the files stay where they are."""
        ids = [job.id for job in self.bridge.engine.jobs() if job.state is JobState.FINISHED]
        if ids:
            self.bridge.remove(ids, delete_file=False)
            if len(ids) == 1:
                self._status(self.tr("Cleared one finished download; its file is kept."))
            else:
                self._status(
                    self.tr("Cleared {count} finished downloads; the files are kept.").format(count=len(ids))
                )
        else:
            self._status(self.tr("No finished downloads to clear."))
        return len(ids)

    # -- export and import ---------------------------------------------------------------------

    def filters(self) -> dict[ListFormat, str]:
        return {fmt: self.tr(text) for fmt, text in _FILTERS.items()}

    def export_list(self) -> None:
        filters = self.filters()
        start = str(Path(self.commands.download_dir(), "wherry-downloads.json"))
        path, chosen = QFileDialog.getSaveFileName(
            self.window, self.tr("Export download list"), start, ";;".join(filters.values())
        )
        if path:
            fmt = next((f for f, text in filters.items() if text == chosen), format_for_name(path))
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: ListFormat, jobs: Sequence[Job] | None = None) -> bool:
        """Write the list (or ``jobs``) to ``path`` in ``fmt``; whole or not at all."""
        listed = list(jobs) if jobs is not None else self.bridge.engine.jobs()
        try:
            text = write_list([entry_for(job) for job in listed], fmt)
        except ValueError:
            # A name with a line break cannot be an aria2 option line.
            self.commands.show_error(self.tr("A file name in the list cannot be written in this format."))
            return False
        try:
            # Written beside the target and renamed over it, so a failed export leaves no half file.
            fd, scratch = tempfile.mkstemp(prefix=".wherry-export-", dir=path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                    out.write(text)
                os.replace(scratch, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(scratch)
                raise
        except OSError as error:
            self.commands.show_error(
                self.tr("Wherry could not write {path}: {reason}.").format(path=path, reason=error.strerror)
            )
            return False
        self._status(self.tr("Exported {count} downloads to {path}.").format(count=len(listed), path=path))
        return True

    def import_list(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            self.tr("Import download list"),
            self.commands.download_dir(),
            ";;".join([self.tr("Download lists (*.json *.aria2 *.txt)"), self.tr("All files (*)")]),
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> list[AddRequest]:
        """Read ``path`` and add its downloads (duplicates are asked about); [] when unreadable."""
        try:
            if path.stat().st_size > MAX_LIST_BYTES:
                self.commands.show_error(
                    self.tr("{name} is too large to be a download list.").format(name=path.name)
                )
                return []
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.commands.show_error(self.tr("{name} is not a text file.").format(name=path.name))
            return []
        except OSError as error:
            self.commands.show_error(
                self.tr("Wherry could not read {path}: {reason}.").format(path=path, reason=error.strerror)
            )
            return []
        fmt = ListFormat.JSON if format_for_name(path.name) is ListFormat.JSON else sniff_format(text)
        try:
            entries = read_list(text, fmt)
        except InputError as error:
            self.commands.show_error(
                self.tr("{name} could not be read. {reason}").format(name=path.name, reason=error.message)
            )
            return []
        if not entries:
            self._status(self.tr("{name} lists no downloads.").format(name=path.name))
            return []
        requests = [request_for(entry, self.commands.download_dir()) for entry in entries]
        self.commands.add_checked(requests)
        return requests

    # -- statistics ----------------------------------------------------------------------------

    def open_statistics(self) -> StatisticsDialog | None:
        if self.transfers is None:
            return None
        if self.statistics_dialog is not None:
            self.statistics_dialog.close()
        today = self.clock()
        statistics = summarize(self.transfers.load_transfers(), today.date(), today.tzinfo)
        dialog = StatisticsDialog(statistics, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "statistics_dialog", None))
        self.statistics_dialog = dialog
        dialog.show()
        return dialog
