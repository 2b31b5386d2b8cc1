"""Request headers, a cookie file and a checksum file for a download, as the window edits them.

Used by the add dialog's "Advanced" part and by "Change credentials…". Secret values are shown
masked when a job's headers are edited again; a line left masked keeps its stored value, so a
person can change one header without retyping (or ever seeing) the others.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wherry.core import InputError, Job
from wherry.core.headers import MASK, Headers, masked_headers, parse_header
from wherry.ui.form_rows import add_row

__all__ = ["CredentialsDialog", "HeaderFields", "RequestOptions", "headers_from_text", "keep_masked"]

translate = QCoreApplication.translate


def headers_from_text(text: str) -> tuple[Headers, str]:
    """``Name: value`` lines as headers, or () and the one sentence saying what is wrong."""
    headers = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            headers.append(parse_header(line))
        except InputError as error:
            return (), error.message
    return tuple(headers), ""


def keep_masked(edited: Headers, stored: Headers) -> Headers:
    """Headers still showing the mask keep the value stored under that name."""
    old = {name.lower(): value for name, value in stored}
    return tuple((name, old.get(name.lower(), value) if value == MASK else value) for name, value in edited)


class HeaderFields:
    """The headers box, the "all secret" box and the cookie file row, shared by both dialogs."""

    def __init__(self, parent: QWidget) -> None:
        self.headers_edit = QPlainTextEdit(parent)
        self.headers_edit.setObjectName("headers_edit")
        self.headers_edit.setPlaceholderText(
            "Authorization: Bearer hf_…\nX-Api-Key: …   (one header per line)"
        )
        self.headers_edit.setTabChangesFocus(True)
        self.headers_edit.setFixedHeight(parent.fontMetrics().lineSpacing() * 4)
        self.all_secret = QCheckBox("Treat every header as secret (sent only to the download's own host)")
        self.all_secret.setToolTip("Authorization, Cookie and token or key headers always are.")
        self.cookie_file = QLineEdit(parent)
        self.cookie_file.setObjectName("cookie_file")
        self.cookie_file.setPlaceholderText("cookies.txt exported from a browser")
        browse = QPushButton("Browse…", parent)
        browse.clicked.connect(self._browse)
        self.cookie_row = QWidget(parent)
        row = QHBoxLayout(self.cookie_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.cookie_file, 1)
        row.addWidget(browse)
        self._parent = parent

    def add_rows(self, form: QFormLayout) -> None:
        add_row(form, translate("RequestOptions", "&Headers:"), self.headers_edit)
        form.addRow("", self.all_secret)
        add_row(form, translate("RequestOptions", "Coo&kie file:"), self.cookie_row, self.cookie_file)

    def headers(self) -> tuple[Headers, str]:
        return headers_from_text(self.headers_edit.toPlainText())

    def secret(self, headers: Headers) -> tuple[str, ...]:
        return tuple(name.lower() for name, _ in headers) if self.all_secret.isChecked() else ()

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self._parent, "Cookie file", "", "Cookie files (*.txt);;All (*)"
        )
        if chosen:
            self.cookie_file.setText(chosen)


class RequestOptions(QGroupBox):
    """The add dialog's "Advanced" part; unchecked (folded) until a person opens it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Advanced: login and checksum file", parent)
        self.setObjectName("advanced")
        self.setCheckable(True)
        self.setChecked(False)
        self.fields = HeaderFields(self)
        self.checksum_url = QLineEdit(self)
        self.checksum_url.setObjectName("checksum_url")
        self.checksum_url.setPlaceholderText("SHA256SUMS or file.sha256 URL (optional)")
        self.find_button = QPushButton("Find the checksum", self)
        self.find_button.setObjectName("find_checksum")
        self.find_button.setToolTip("Look for a checksum file beside the URL and fill in the checksum")
        checksum_row = QHBoxLayout()
        checksum_row.addWidget(self.checksum_url, 1)
        checksum_row.addWidget(self.find_button)
        self.body = QWidget(self)
        form = QFormLayout(self.body)
        form.setContentsMargins(0, 0, 0, 0)
        self.fields.add_rows(form)
        add_row(form, self.tr("Checksum &file:"), checksum_row, self.checksum_url)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body)
        self.body.setVisible(False)
        self.toggled.connect(self.body.setVisible)


class CredentialsDialog(QDialog):
    """New headers (and cookies) for a job that needs a login; secrets are shown masked."""

    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("credentials_dialog")
        self.setWindowTitle("Change credentials")
        self._stored = job.headers
        self.fields = HeaderFields(self)
        shown = masked_headers(job.headers, job.secret_headers)
        self.fields.headers_edit.setPlainText("\n".join(f"{name}: {value}" for name, value in shown))
        intro = QLabel(
            f"Headers for {job.display_name}, sent only to its own host. Lines showing {MASK} keep "
            "their value; replace them to change it. The download continues with what was kept."
        )
        intro.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet("color: #b91c1c;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Continue")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        self.fields.add_rows(form)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(560, 300)
        self.fields.headers_edit.textChanged.connect(self._validate)
        self._validate()

    def _validate(self) -> None:
        _, problem = self.fields.headers()
        self.error_label.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def values(self) -> tuple[Headers, tuple[str, ...], str | None]:
        """(headers with masked lines restored, names marked secret, cookie file or None)."""
        headers, _ = self.fields.headers()
        headers = keep_masked(headers, self._stored)
        return headers, self.fields.secret(headers), self.fields.cookie_file.text().strip() or None
