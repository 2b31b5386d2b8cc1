"""The Add downloads dialog: URLs, destination, optional name, checksum and mirrors.

Everything is checked as it is typed; OK stays disabled and one sentence says what is wrong,
so nothing is ever queued half-way.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wherry.core import ALGORITHMS, AddRequest, ChecksumSpec, ErrorKind, InputError, WherryError
from wherry.core.categories import CategoryChoice
from wherry.ui.form_rows import add_row
from wherry.ui.request_options import RequestOptions, headers_from_text
from wherry.ui.url_input import is_download_url

# The engine's find_checksum: a checksum file beside the URL → (digest, where it came from).
FindChecksum = Callable[[AddRequest], Awaitable[tuple[ChecksumSpec, str]]]

__all__ = ["AUTO_ALGORITHM", "AddDialog", "AddForm", "CategoryPicker", "parse_checksum", "validate_form"]

# (url, folder, file name or None) -> where the category rules put it; see core.categories.
CategoryPicker = Callable[[str, str, str | None], CategoryChoice]

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

AUTO_ALGORITHM = "Detect"  # the algorithm box's first item: tell the algorithm by the digest's length

_BY_LENGTH = {length: name for name, length in ALGORITHMS.items()}
# "SHA256 (name) = HEX", as BSD and OpenSSL print it.
_BSD_LINE = re.compile(r"^\s*([A-Za-z0-9-]+)\s*\(.*\)\s*=\s*([0-9A-Fa-f]+)\s*$")


def parse_checksum(text: str, algorithm: str = AUTO_ALGORITHM) -> ChecksumSpec | None:
    """Read what a person pastes as a checksum; None when empty, InputError when unreadable.

    Accepts ``sha256:HEX``, a bare ``HEX`` (algorithm chosen or told by its length), a
    ``sha256sum`` line ``HEX  name`` and a BSD line ``SHA256 (name) = HEX``.
    """
    text = text.strip()
    if not text:
        return None
    bsd = _BSD_LINE.match(text)
    if bsd:
        return ChecksumSpec.parse(bsd.group(2), bsd.group(1))
    first = text.split()[0].lstrip("\\")
    if ":" in first:
        return ChecksumSpec.parse(first)
    if algorithm != AUTO_ALGORITHM:
        return ChecksumSpec.parse(first, algorithm)
    guessed = _BY_LENGTH.get(len(first))
    if guessed is None:
        raise InputError(
            ErrorKind.BAD_INPUT,
            translate("AddDialog", "Choose the checksum's algorithm; its length does not tell it."),
        )
    return ChecksumSpec.parse(first, guessed)


@dataclass(frozen=True)
class AddForm:
    """The dialog's fields as typed."""

    urls_text: str
    directory: str
    filename: str = ""
    checksum_text: str = ""
    algorithm: str = AUTO_ALGORITHM
    mirrors_text: str = ""
    start_paused: bool = False
    headers_text: str = ""  # the "Advanced" part: one "Name: value" per line
    all_secret: bool = False
    cookie_file: str = ""
    checksum_url: str = ""
    checksum_source: str = ""  # set by "Find the checksum" for the digest it filled in


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def validate_form(form: AddForm) -> tuple[list[AddRequest], str]:
    """The requests the form asks for, or an empty list and the one sentence that says why not."""
    urls = list(dict.fromkeys(_lines(form.urls_text)))
    if not urls:
        return [], translate("AddDialog", "Enter at least one URL.")
    for url in urls:
        if not is_download_url(url):
            return [], translate(
                "AddDialog", "“{url}” is not a web address Wherry can download from."
            ).format(url=url)
    directory = form.directory.strip()
    if not directory:
        return [], translate("AddDialog", "Choose a folder to save into.")
    path = Path(directory).expanduser()
    if not path.is_absolute():
        return [], translate("AddDialog", "The folder must be a full path.")
    if path.exists() and not path.is_dir():
        return [], translate("AddDialog", "{path} is a file, not a folder.").format(path=path)
    filename = form.filename.strip()
    if filename:
        if len(urls) > 1:
            return [], translate("AddDialog", "A file name can be given only when adding a single URL.")
        if "/" in filename or "\\" in filename or filename in (".", ".."):
            return [], translate("AddDialog", "The file name cannot contain a folder.")
    mirrors = list(dict.fromkeys(_lines(form.mirrors_text)))
    if mirrors and len(urls) > 1:
        return [], translate("AddDialog", "Mirrors can be given only when adding a single URL.")
    for mirror in mirrors:
        if not is_download_url(mirror):
            return [], translate("AddDialog", "Mirror “{url}” is not a web address.").format(url=mirror)
    try:
        checksum = parse_checksum(form.checksum_text, form.algorithm)
    except InputError as error:
        return [], error.message
    if checksum is not None and len(urls) > 1:
        return [], translate("AddDialog", "A checksum can be given only when adding a single URL.")
    headers, problem = headers_from_text(form.headers_text)
    if problem:
        return [], problem
    cookie_file = form.cookie_file.strip()
    if cookie_file and not Path(cookie_file).expanduser().is_file():
        return [], translate("AddDialog", "The cookie file {path} does not exist.").format(path=cookie_file)
    checksum_url = form.checksum_url.strip()
    if checksum_url and not is_download_url(checksum_url):
        return [], translate("AddDialog", "“{url}” is not a web address for a checksum file.").format(
            url=checksum_url
        )
    secret = tuple(name.lower() for name, _ in headers) if form.all_secret else ()
    requests = [
        AddRequest(
            url=url,
            directory=str(path),
            filename=filename or None,
            checksum=checksum,
            mirrors=tuple(mirrors),
            start_paused=form.start_paused,
            headers=headers,
            secret_headers=secret,
            cookie_file=cookie_file or None,
            checksum_url=checksum_url or None,
            checksum_source=form.checksum_source or None,
        )
        for url in urls
    ]
    return requests, ""


class AddDialog(QDialog):
    """Collects one or more downloads; :meth:`requests` holds them once accepted."""

    def __init__(
        self,
        urls: Sequence[str],
        directory: str,
        parent: QWidget | None = None,
        find_checksum: FindChecksum | None = None,
        categories: CategoryPicker | None = None,
    ) -> None:
        super().__init__(parent)
        self._find_checksum = find_checksum
        self._found: tuple[str, str] | None = None  # (checksum text, where it came from)
        self.find_task: asyncio.Task[None] | None = None
        self.setWindowTitle(self.tr("Add downloads"))
        self.setObjectName("add_dialog")
        self._requests: list[AddRequest] = []
        self._categories = categories

        self.urls_edit = QPlainTextEdit("\n".join(urls))
        self.urls_edit.setPlaceholderText(self.tr("One URL per line"))
        self.urls_edit.setTabChangesFocus(True)
        self.directory_edit = QLineEdit(directory)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.directory_edit, 1)
        folder_row.addWidget(browse)
        self.filename_edit = QLineEdit()
        self.filename_edit.setPlaceholderText(self.tr("Decided by the server"))
        self.algorithm_box = QComboBox()
        self.algorithm_box.addItem(self.tr("Detect"), AUTO_ALGORITHM)
        for name in ALGORITHMS:
            self.algorithm_box.addItem(name, name)
        self.checksum_edit = QLineEdit()
        self.checksum_edit.setPlaceholderText(self.tr("Hex digest, or a line from a SHA256SUMS file"))
        checksum_row = QHBoxLayout()
        checksum_row.addWidget(self.algorithm_box)
        checksum_row.addWidget(self.checksum_edit, 1)
        self.mirrors_edit = QPlainTextEdit()
        self.mirrors_edit.setPlaceholderText(self.tr("Other URLs for the same file, one per line"))
        self.mirrors_edit.setTabChangesFocus(True)
        self.mirrors_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.paused_box = QCheckBox(self.tr("Add paused"))
        self.advanced = RequestOptions(self)
        self.advanced.find_button.setEnabled(find_checksum is not None)
        self.advanced.find_button.clicked.connect(self._start_find)
        self.found_label = QLabel()
        self.found_label.setObjectName("found_label")
        self.found_label.setWordWrap(True)
        # Which category rule picks the folder; shown only when categories are turned on.
        self.category_box = QCheckBox(self.tr("Sort into category folders"))
        self.category_box.setObjectName("category_box")
        self.category_box.setChecked(categories is not None)
        self.category_box.setVisible(categories is not None)
        self.category_label = QLabel()
        self.category_label.setObjectName("category_label")
        self.category_label.setWordWrap(True)
        self.category_label.setVisible(categories is not None)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b91c1c;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Add"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        add_row(form, self.tr("&URLs:"), self.urls_edit)
        add_row(form, self.tr("Save &in:"), folder_row, self.directory_edit)
        if categories is not None:
            form.addRow("", self.category_box)
            form.addRow("", self.category_label)
        add_row(form, self.tr("File &name:"), self.filename_edit)
        add_row(form, self.tr("&Checksum:"), checksum_row, self.checksum_edit)
        form.addRow("", self.found_label)
        add_row(form, self.tr("&Mirrors:"), self.mirrors_edit)
        form.addRow("", self.paused_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.advanced)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(620, 440)

        for edit in (self.urls_edit, self.mirrors_edit):
            edit.textChanged.connect(self._validate)
        for line in (self.directory_edit, self.filename_edit, self.checksum_edit):
            line.textChanged.connect(self._validate)
        self.algorithm_box.currentTextChanged.connect(self._validate)
        self.paused_box.toggled.connect(self._validate)
        self.advanced.fields.headers_edit.textChanged.connect(self._validate)
        self.advanced.fields.all_secret.toggled.connect(self._validate)
        self.advanced.fields.cookie_file.textChanged.connect(self._validate)
        self.advanced.checksum_url.textChanged.connect(self._validate)
        self.advanced.toggled.connect(self._validate)
        # A search still running when the dialog closes must not write into deleted widgets.
        self.finished.connect(lambda _result: self.find_task is not None and self.find_task.cancel())
        self.category_box.toggled.connect(self._validate)
        self._validate()

    def form(self) -> AddForm:
        # A folded Advanced part counts as empty: what is in it is not used.
        advanced = self.advanced.isChecked()
        fields = self.advanced.fields
        return AddForm(
            urls_text=self.urls_edit.toPlainText(),
            directory=self.directory_edit.text(),
            filename=self.filename_edit.text(),
            checksum_text=self.checksum_edit.text(),
            algorithm=str(self.algorithm_box.currentData() or AUTO_ALGORITHM),
            mirrors_text=self.mirrors_edit.toPlainText(),
            start_paused=self.paused_box.isChecked(),
            headers_text=fields.headers_edit.toPlainText() if advanced else "",
            all_secret=fields.all_secret.isChecked(),
            cookie_file=fields.cookie_file.text() if advanced else "",
            checksum_url=self.advanced.checksum_url.text() if advanced else "",
            checksum_source=self._found_source(),
        )

    def _found_source(self) -> str:
        """Where the checksum came from, while it is still the one "Find the checksum" filled in."""
        if self._found is not None and self._found[0] == self.checksum_edit.text():
            return self._found[1]
        return ""

    def _start_find(self) -> None:
        """Ask the engine for a checksum file beside the (single) URL; fill in what it finds."""
        requests, problem = validate_form(replace(self.form(), checksum_text="", checksum_url=""))
        if self._find_checksum is None or problem or len(requests) != 1:
            self.error_label.setText(problem or "“Find the checksum” works for a single URL.")
            return
        request = replace(requests[0], checksum_url=self.advanced.checksum_url.text().strip() or None)
        self.advanced.find_button.setEnabled(False)
        self.found_label.setText("Looking for a checksum file…")
        self.find_task = asyncio.ensure_future(self._find(request))

    async def _find(self, request: AddRequest) -> None:
        assert self._find_checksum is not None
        # Cancelled (the dialog closed): leave at once, its widgets may be gone.
        try:
            checksum, source = await self._find_checksum(request)
        except WherryError as error:
            self.found_label.setText(error.message)
        except Exception:
            log.exception("looking for a checksum file failed")
            self.found_label.setText("Looking for a checksum file failed; the log file has details.")
        else:
            text = str(checksum)
            self._found = (text, source)
            self.checksum_edit.setText(text)
            self.found_label.setText(f"Found in {source}.")
        self.advanced.find_button.setEnabled(True)

    def add_urls(self, urls: Sequence[str]) -> None:
        """Append ``urls`` not already listed, keeping what was typed."""
        present = set(_lines(self.urls_edit.toPlainText()))
        new = [url for url in urls if url not in present]
        if new:
            text = self.urls_edit.toPlainText().rstrip("\n")
            self.urls_edit.setPlainText("\n".join([text, *new] if text else new))

    def requests(self) -> list[AddRequest]:
        return list(self._requests)

    def error_text(self) -> str:
        return self.error_label.text()

    def ok_enabled(self) -> bool:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()

    def _validate(self) -> None:
        requests, problem = validate_form(self.form())
        single = len(_lines(self.urls_edit.toPlainText())) <= 1
        self.filename_edit.setEnabled(single or bool(self.filename_edit.text()))
        self.mirrors_edit.setEnabled(single or bool(self.mirrors_edit.toPlainText()))
        self._requests = self._sorted(requests)
        self.error_label.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def _sorted(self, requests: list[AddRequest]) -> list[AddRequest]:
        """The requests with each folder the category rules pick, and the hint saying so."""
        if self._categories is None or not self.category_box.isChecked():
            self.category_label.setText(self.tr("Everything is saved in the folder above."))
            return requests
        picked = [self._categories(r.url, r.directory, r.filename) for r in requests]
        named = [choice for choice in picked if choice.rule is not None]
        if not requests:
            hint = self.tr("The folder follows the category of each file.")
        elif not named:
            hint = self.tr("No category rule matches; saved in the folder above.")
        elif len(requests) == 1 and named[0].rule is not None:
            hint = self.tr("Category “{name}”: saved in {folder}").format(
                name=named[0].rule.name, folder=named[0].directory
            )
        else:
            names = ", ".join(sorted({f"“{c.rule.name}”" for c in named if c.rule is not None}))
            if len(named) < len(requests):
                hint = self.tr("Sorted into {names}; the others are saved in the folder above.")
            else:
                hint = self.tr("Sorted into {names}.")
            hint = hint.format(names=names)
        self.category_label.setText(hint)
        return [replace(r, directory=c.directory) for r, c in zip(requests, picked, strict=True)]

    def accept(self) -> None:
        if not self._requests:
            return
        super().accept()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Save downloads in"), self.directory_edit.text()
        )
        if chosen:
            self.directory_edit.setText(chosen)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the URL box adds a line; Ctrl+Enter adds the downloads.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return
        super().keyPressEvent(event)
