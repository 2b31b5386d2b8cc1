"""The Settings dialog: the options a person changes, read from and returned as ``Settings``.

Pages sit in tabs. General is built here; every other page is a widget with
``apply(settings) -> Settings`` added with :meth:`SettingsDialog.add_page`, so a new group of
options is a new module, not more lines here.
"""

from __future__ import annotations

import secrets
from typing import Protocol

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wherry.core import Settings
from wherry.ui.categories_editor import CategoriesEditor
from wherry.ui.form_rows import add_row
from wherry.ui.proxy_fields import ProxyFields
from wherry.ui.schedule_page import SchedulePage

__all__ = ["SettingsDialog", "SettingsPage"]

_KIB = 1024


class SettingsPage(Protocol):
    def apply(self, settings: Settings) -> Settings: ...


class SettingsDialog(QDialog):
    """Edits a copy of ``settings``; :meth:`settings` returns the edited values.

    The other fields of ``Settings`` (timeouts, retry policy…) pass through unchanged.
    """

    def __init__(self, settings: Settings, default_download_dir: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle(self.tr("Settings"))
        self._base = settings

        self.download_dir = QLineEdit(settings.download_dir)
        self.download_dir.setPlaceholderText(default_download_dir)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.download_dir, 1)
        folder_row.addWidget(browse)

        self.max_active = QSpinBox(minimum=1, maximum=20, value=settings.max_active)
        self.connections = QSpinBox(minimum=1, maximum=32, value=settings.connections)
        # Adapting: each download opens connections while they add speed, up to the per-host
        # cap; off, every download uses the number beside it.
        self.adaptive = QCheckBox(self.tr("&Adapt to the link"))
        self.adaptive.setToolTip(
            self.tr("Open more connections while each one still makes the download faster.")
        )
        self.adaptive.toggled.connect(lambda on: self.connections.setEnabled(not on))
        self.adaptive.setChecked(settings.adaptive_connections)
        self.connections.setEnabled(not settings.adaptive_connections)
        connections_row = QHBoxLayout()
        connections_row.addWidget(self.connections)
        connections_row.addWidget(self.adaptive, 1)
        self.speed_limit = QSpinBox(minimum=0, maximum=10_000_000, singleStep=100)
        self.speed_limit.setSuffix(self.tr(" KiB/s"))
        self.speed_limit.setSpecialValueText(self.tr("Unlimited"))
        self.speed_limit.setValue(settings.speed_limit // _KIB)
        self.auto_resume = QCheckBox(self.tr("Resume unfinished downloads when Wherry starts"))
        self.auto_resume.setChecked(settings.auto_resume)
        self.close_to_tray = QCheckBox(self.tr("Keep running in the tray when the window is closed"))
        self.close_to_tray.setChecked(settings.close_to_tray)
        self.notifications = QCheckBox(self.tr("Notify when a download finishes or fails"))
        self.notifications.setChecked(settings.notifications)
        # Downloads with a checksum are always verified; this covers the ones without.
        self.verify = QCheckBox(self.tr("Compute a SHA-256 of every download (shown in Properties)"))
        self.verify.setChecked(settings.hash_every_download)
        self.history_days = QSpinBox(minimum=0, maximum=3650, value=settings.history_days)
        self.history_days.setSuffix(self.tr(" days"))
        self.history_days.setSpecialValueText(self.tr("Forever"))
        self.history_days.setToolTip(
            self.tr("Finished downloads leave the list after this long; their files stay.")
        )
        self.ask_on_handoff = QCheckBox(self.tr("Ask before adding URLs opened from elsewhere"))
        self.ask_on_handoff.setChecked(settings.ask_on_handoff)
        self.proxy = ProxyFields(settings.proxy)
        self.clipboard_watch = QCheckBox(self.tr("Offer to download links copied to the clipboard"))
        self.clipboard_watch.setChecked(settings.clipboard_watch)
        self.clipboard_extensions = QLineEdit(" ".join(settings.clipboard_extensions))
        self.clipboard_extensions.setObjectName("clipboard_extensions")
        self.clipboard_extensions.setCursorPosition(0)
        self.clipboard_extensions.setToolTip(
            self.tr("Only links to files ending like these count, for example .iso .zip .tar.*")
        )
        self.clipboard_watch.toggled.connect(self.clipboard_extensions.setEnabled)
        self.clipboard_extensions.setEnabled(settings.clipboard_watch)

        form = QFormLayout()
        self.form = form  # the General page; small options join it with addRow
        add_row(form, self.tr("Download &folder:"), folder_row, self.download_dir)
        form.addRow(self.tr("Downloads at &once:"), self.max_active)
        add_row(form, self.tr("&Connections per download:"), connections_row, self.connections)
        form.addRow(self.tr("Total speed &limit:"), self.speed_limit)
        form.addRow(self.tr("Keep finished &in the list:"), self.history_days)
        form.addRow(self.tr("&Proxy:"), self.proxy.address)
        form.addRow(self.tr("Proxy login:"), self.proxy.login_row)
        for box in (
            self.auto_resume,
            self.close_to_tray,
            self.notifications,
            self.verify,
            self.ask_on_handoff,
            self.clipboard_watch,
        ):
            form.addRow("", box)
        form.addRow(self.tr("Clipboard file &types:"), self.clipboard_extensions)
        general = QWidget()
        general.setObjectName("general_page")
        general.setLayout(form)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, self.tr("General"))
        self._pages: list[SettingsPage] = []
        self.schedule_page = SchedulePage(settings)
        self.add_page(self.schedule_page, self.tr("Schedule"))
        self.categories_page = CategoriesEditor(settings)
        self.add_page(self.categories_page, self.tr("Categories"))
        remote = QWidget()
        remote.setObjectName("remote_page")
        remote_layout = QVBoxLayout(remote)
        remote_layout.addWidget(self._remote_group(settings))
        remote_layout.addStretch(1)
        self.tabs.addTab(remote, self.tr("Remote Control"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def add_page(self, page: QWidget, title: str) -> None:
        """A tab whose ``apply(settings)`` joins :meth:`settings`."""
        assert hasattr(page, "apply"), "a settings page needs apply(settings) -> Settings"
        self.tabs.addTab(page, title)
        self._pages.append(page)  # type: ignore[arg-type]

    def _remote_group(self, settings: Settings) -> QGroupBox:
        """aria2-compatible remote control: off by default; the secret is made on first enable."""
        self.remote_enabled = QCheckBox("Let other programs control Wherry")
        self.remote_enabled.setObjectName("remote_enabled")
        self.remote_enabled.setToolTip(
            "Browser extensions and programs that speak aria2's JSON-RPC can add and control "
            "downloads at http://localhost:PORT/jsonrpc, using the secret below."
        )
        self.remote_enabled.setChecked(settings.remote_enabled)
        self.remote_port = QSpinBox(minimum=1024, maximum=65535, value=settings.remote_port)
        self.remote_secret = QLineEdit(settings.remote_secret)
        self.remote_secret.setObjectName("remote_secret")
        self.remote_secret.setReadOnly(True)
        copy = QPushButton("Copy")
        copy.setObjectName("copy_secret")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.remote_secret.text()))
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.remote_secret, 1)
        secret_row.addWidget(copy)
        self.remote_allow_origin = QCheckBox("Also let web pages connect (answer CORS requests)")
        self.remote_allow_origin.setChecked(settings.remote_allow_origin_all)
        group = QGroupBox("Remote control")
        form = QFormLayout(group)
        form.addRow("", self.remote_enabled)
        form.addRow("Po&rt:", self.remote_port)
        add_row(form, "&Secret:", secret_row, self.remote_secret)
        form.addRow("", self.remote_allow_origin)
        self.remote_enabled.toggled.connect(self._remote_toggled)
        self._remote_toggled(settings.remote_enabled)
        return group

    def _remote_toggled(self, on: bool) -> None:
        if on and not self.remote_secret.text():
            self.remote_secret.setText(secrets.token_urlsafe(18))
        for widget in (self.remote_port, self.remote_secret, self.remote_allow_origin):
            widget.setEnabled(on)

    def settings(self) -> Settings:
        general = self._general()
        for page in self._pages:
            general = page.apply(general)
        return general

    def _general(self) -> Settings:
        extensions = tuple(dict.fromkeys(self.clipboard_extensions.text().replace(",", " ").split()))
        return self._base.with_changes(
            clipboard_watch=self.clipboard_watch.isChecked(),
            clipboard_extensions=extensions,
            download_dir=self.download_dir.text().strip(),
            max_active=self.max_active.value(),
            connections=self.connections.value(),
            adaptive_connections=self.adaptive.isChecked(),
            speed_limit=self.speed_limit.value() * _KIB,
            auto_resume=self.auto_resume.isChecked(),
            close_to_tray=self.close_to_tray.isChecked(),
            notifications=self.notifications.isChecked(),
            hash_every_download=self.verify.isChecked(),
            ask_on_handoff=self.ask_on_handoff.isChecked(),
            history_days=self.history_days.value(),
            proxy=self.proxy.value(),
            remote_enabled=self.remote_enabled.isChecked(),
            remote_port=self.remote_port.value(),
            remote_secret=self.remote_secret.text(),
            remote_allow_origin_all=self.remote_allow_origin.isChecked(),
        )

    def _browse(self) -> None:
        start = self.download_dir.text() or self.download_dir.placeholderText()
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Download folder"), start)
        if chosen:
            self.download_dir.setText(chosen)
