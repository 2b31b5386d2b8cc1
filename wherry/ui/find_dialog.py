"""The Find-by-checksum dialog: which files under some folders have a given digest?

The search runs in ``VerifyService``; matches are listed as they are found, and double-clicking
one opens the folder that holds it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLocale,
    QRegularExpression,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QDesktopServices,
    QFontDatabase,
    QPalette,
    QRegularExpressionValidator,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyle,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wherry.core import InputError
from wherry.ui.job_dialog import JobDialog
from wherry.ui.verify_dialog import WarningList
from wherry.verify.service import (
    HASH_ALGORITHMS,
    DigestTarget,
    FindMatch,
    FindProblem,
    FindProgress,
    VerifyService,
    parse_digest_target,
)

__all__ = ["DETECT_ALGORITHM", "FindDialog", "SearchRequest", "read_search"]

translate = QCoreApplication.translate

DETECT_ALGORITHM = QT_TRANSLATE_NOOP("FindDialog", "Detect from length")

_SIZE_SEPARATORS = re.compile(r"[\s,._']")
_ERROR_COLOUR = "#c53030"
_MATCH_COLOUR = "#2f855a"


@dataclass(frozen=True)
class SearchRequest:
    """A checked search: what to look for and where."""

    target: DigestTarget
    folders: tuple[str, ...]
    size: int | None = None


def read_search(
    digest_text: str, algorithm: str, size_text: str, folders: Iterable[str]
) -> SearchRequest | str:
    """The search the fields describe, or one sentence saying what is wrong (empty: nothing typed yet)."""
    if not digest_text.strip():
        return ""
    try:
        target = parse_digest_target(digest_text, None if algorithm == DETECT_ALGORITHM else algorithm)
    except InputError as exc:
        return exc.message
    size: int | None = None
    raw_size = _SIZE_SEPARATORS.sub("", size_text)
    if raw_size:
        if not raw_size.isdigit():
            return translate("FindDialog", "The size is a whole number of bytes.")
        size = int(raw_size)
    chosen = tuple(folders)
    if not chosen:
        return translate("FindDialog", "Add a folder to search.")
    return SearchRequest(target, chosen, size)


def _buddy(text: str, field: QWidget) -> QLabel:
    # A label made by QFormLayout from a string has no buddy, so its shortcut would show as "&".
    label = QLabel(text)
    label.setBuddy(field)
    return label


class FindDialog(JobDialog):
    """Searches folders for files with a digest; the download folder is searched by default.

    ``open_url`` opens a folder for the person (``QDesktopServices.openUrl`` unless given).

    Signals:
        open_requested(folder: str)  a match was double-clicked; its folder is being opened
        search_ended(summary: str)   a search finished, was cancelled or failed
    """

    open_requested = Signal(str)
    search_ended = Signal(str)

    COLUMNS = (
        QT_TRANSLATE_NOOP("FindDialog", "Name"),
        QT_TRANSLATE_NOOP("FindDialog", "Folder"),
        QT_TRANSLATE_NOOP("FindDialog", "Size"),
    )

    def __init__(
        self,
        service: VerifyService,
        download_dir: str = "",
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], object] | None = None,
    ) -> None:
        super().__init__(service, parent)
        self.setObjectName("find_dialog")
        self.setWindowTitle(self.tr("Find a file by checksum"))
        self._open_url = open_url or QDesktopServices.openUrl
        self._matches = 0
        self._last = FindProgress()
        self._request: SearchRequest | str = ""

        self.digest_edit = QLineEdit()
        self.digest_edit.setPlaceholderText(self.tr("Paste a digest in hexadecimal, or algorithm:digest"))
        self.digest_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.digest_edit.setClearButtonEnabled(True)
        self.algorithm_combo = QComboBox()
        self.algorithm_combo.addItem(self.tr(DETECT_ALGORITHM), DETECT_ALGORITHM)
        for name in HASH_ALGORITHMS:
            self.algorithm_combo.addItem(name, name)
        digest_row = QHBoxLayout()
        digest_row.addWidget(self.digest_edit, 1)
        digest_row.addWidget(self.algorithm_combo)
        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)

        self.size_edit = QLineEdit()
        self.size_edit.setPlaceholderText(self.tr("Optional: rules out other files without reading them"))
        self.size_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9 ,._']*"), self))

        self.folders_list = QListWidget()
        self.folders_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.folders_list.setMaximumHeight(88)
        self.folders_list.itemSelectionChanged.connect(self._update_buttons)
        self.add_folder_button = QPushButton(self.tr("Add f&older…"))
        self.add_folder_button.clicked.connect(self._choose_folder)
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.clicked.connect(self._remove_selected)
        side = QVBoxLayout()
        side.addWidget(self.add_folder_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        folders_row = QHBoxLayout()
        folders_row.addWidget(self.folders_list, 1)
        folders_row.addLayout(side)
        self.follow_links = QCheckBox(self.tr("Follow symbolic links inside these folders"))

        form = QFormLayout()
        form.addRow(_buddy(self.tr("&Digest:"), self.digest_edit), digest_row)
        form.addRow("", self.message_label)
        form.addRow(_buddy(self.tr("&Size in bytes:"), self.size_edit), self.size_edit)
        form.addRow(_buddy(self.tr("Search &in:"), self.folders_list), folders_row)
        form.addRow("", self.follow_links)

        self.table = self.results_table([self.tr(column) for column in self.COLUMNS])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 240)
        header.resizeSection(2, 100)
        self.table.itemDoubleClicked.connect(self._open_match)

        self.warnings_list = WarningList()

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel("")
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.progress_label)
        self.summary_label = QLabel(self.tr("Double-click a match to open its folder."))
        self.summary_label.setWordWrap(True)

        row = self.run_buttons(self.tr("&Find"), self.start)
        buttons = row.box
        self.find_button, self.cancel_button, self.close_button = row.action, row.cancel, row.close

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.warnings_list)
        layout.addLayout(progress_row)
        layout.addWidget(self.summary_label)
        layout.addWidget(buttons)
        self.resize(820, 600)

        self.digest_edit.textChanged.connect(self._validate)
        self.algorithm_combo.currentTextChanged.connect(self._validate)
        self.size_edit.textChanged.connect(self._validate)
        service.find_matched.connect(self._on_matched)
        service.find_skipped.connect(self._on_skipped)
        service.find_progressed.connect(self._on_progressed)
        service.find_finished.connect(self._on_finished)
        service.cancelled.connect(self._on_cancelled)
        service.failed.connect(self._on_failed)
        if download_dir:
            self.add_folders([download_dir])
        self._validate()

    # -- the form -------------------------------------------------------------------------------

    def folders(self) -> list[str]:
        return [self.folders_list.item(row).text() for row in range(self.folders_list.count())]

    def add_folders(self, paths: Iterable[str]) -> None:
        known = set(self.folders())
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        for path in paths:
            path = os.path.normpath(path)
            if path not in known:
                known.add(path)
                self.folders_list.addItem(QListWidgetItem(icon, path))
        self._validate()

    def error_text(self) -> str:
        """The sentence under the digest saying what keeps Find disabled, or empty."""
        return self._request if isinstance(self._request, str) else ""

    def _choose_folder(self) -> None:
        start = self.folders()[-1] if self.folders() else ""
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder to search"), start)
        if chosen:
            self.add_folders([chosen])

    def _remove_selected(self) -> None:
        for item in self.folders_list.selectedItems():
            self.folders_list.takeItem(self.folders_list.row(item))
        self._validate()

    def _validate(self) -> None:
        self._request = read_search(
            self.digest_edit.text(),
            str(self.algorithm_combo.currentData() or DETECT_ALGORITHM),
            self.size_edit.text(),
            self.folders(),
        )
        if isinstance(self._request, SearchRequest):
            names = self.tr(" or ").join(self._request.target.algorithms)
            self.message_label.setText(self.tr("A {algorithms} digest.").format(algorithms=names))
            self.message_label.setStyleSheet("")
            self.message_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        else:
            self.message_label.setText(self._request)
            self.message_label.setForegroundRole(QPalette.ColorRole.WindowText)
            self.message_label.setStyleSheet(f"color: {_ERROR_COLOUR};")
        self._update_buttons()

    # -- searching ------------------------------------------------------------------------------

    def start(self) -> None:
        """Search with what the form says; does nothing while the form is incomplete."""
        request = self._request
        if self.running or not isinstance(request, SearchRequest):
            return
        self.table.setRowCount(0)
        self.warnings_list.clear()
        self._matches = 0
        self._last = FindProgress()
        self.progress_bar.setRange(0, 0)  # the number of files is not known before the walk ends
        self._show_progress()
        self._set_summary(self.tr("Searching…"), None)
        self._job = self._service.start_find(
            request.target, request.folders, size=request.size, follow_symlinks=self.follow_links.isChecked()
        )
        self._update_buttons()

    def _open_match(self, item: QTableWidgetItem) -> None:
        name = self.table.item(item.row(), 0)
        if name is None:
            return
        folder = os.path.dirname(name.data(Qt.ItemDataRole.UserRole))
        self.open_requested.emit(folder)
        self._open_url(QUrl.fromLocalFile(folder))

    @Slot(str, object)
    def _on_matched(self, job: str, match: FindMatch) -> None:
        if job != self._job:
            return
        self._matches += 1
        locale = QLocale()
        name = QTableWidgetItem(match.path.name)
        name.setData(Qt.ItemDataRole.UserRole, str(match.path))
        folder = QTableWidgetItem(str(match.path.parent))
        size = QTableWidgetItem(locale.formattedDataSize(match.size))
        size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        tip = self.tr("{path}\n{size} bytes, {algorithm}").format(
            path=match.path, size=locale.toString(match.size), algorithm=match.algorithm
        )
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, cell in enumerate((name, folder, size)):
            cell.setToolTip(tip)
            self.table.setItem(row, column, cell)
        self._show_progress()

    @Slot(str, object)
    def _on_skipped(self, job: str, problem: FindProblem) -> None:
        if job != self._job:
            return
        self.warnings_list.add_warning(problem.message, str(problem.path))

    @Slot(str, object)
    def _on_progressed(self, job: str, progress: FindProgress) -> None:
        if job == self._job:
            self._last = progress
            self._show_progress()

    @Slot(str, object)
    def _on_finished(self, job: str, progress: FindProgress) -> None:
        if job != self._job:
            return
        self._last = progress
        hashed = self._files(progress.files_hashed)
        if self._matches:
            found = self._found(self._matches)
            self._end(
                self.tr("{found} among {checked} checked. Double-click one to open its folder.").format(
                    found=found, checked=hashed
                ),
                True,
            )
        else:
            self._end(self.tr("No file has this digest; {checked} checked.").format(checked=hashed), False)

    @Slot(str)
    def _on_cancelled(self, job: str) -> None:
        if job == self._job:
            self._end(
                self.tr("Stopped after checking {checked}; {found}.").format(
                    checked=self._files(self._last.files_hashed), found=self._found(self._matches)
                ),
                None,
            )

    def _end(self, summary: str, good: bool | None) -> None:
        self._job = None
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self._show_progress()
        self._set_summary(summary, good)
        self._update_buttons()
        self.search_ended.emit(summary)

    def _files(self, number: int) -> str:
        text = self.tr("1 file") if number == 1 else self.tr("{count} files")
        return text.format(count=QLocale().toString(number))

    def _found(self, number: int) -> str:
        text = self.tr("1 match") if number == 1 else self.tr("{count} matches")
        return text.format(count=QLocale().toString(number))

    def _show_progress(self) -> None:
        folders = self._last.folders
        where = self.tr("1 folder") if folders == 1 else self.tr("{count} folders")
        self.progress_label.setText(
            self.tr("{files} hashed in {folders}").format(
                files=self._files(self._last.files_hashed),
                folders=where.format(count=QLocale().toString(folders)),
            )
        )

    def _set_summary(self, text: str, good: bool | None) -> None:
        if good is None:
            self.summary_label.setStyleSheet("")
        else:
            self.summary_label.setStyleSheet(
                f"font-weight: 600; color: {_MATCH_COLOUR if good else _ERROR_COLOUR};"
            )
        self.summary_label.setText(text)

    def _update_buttons(self) -> None:
        running = self.running
        self.find_button.setEnabled(not running and isinstance(self._request, SearchRequest))
        self.cancel_button.setEnabled(running)
        self.remove_button.setEnabled(not running and bool(self.folders_list.selectedItems()))
        for widget in (self.digest_edit, self.algorithm_combo, self.size_edit, self.follow_links):
            widget.setEnabled(not running)
        self.add_folder_button.setEnabled(not running)
