"""The tray icon: its menu, a tooltip with the overall speed, and notifications."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from wherry.core import ErrorKind
from wherry.ui.bridge import Bridge
from wherry.ui.columns import format_speed
from wherry.ui.desktop_notifier import DesktopNotifier

__all__ = ["TRAY_MENU", "Tray"]

# (name, text); None is a separator.
TRAY_MENU: tuple[tuple[str, str] | None, ...] = (
    ("show_hide", QT_TRANSLATE_NOOP("Tray", "Show/Hide Wherry")),
    None,
    ("pause_all", QT_TRANSLATE_NOOP("Tray", "Pause all")),
    ("resume_all", QT_TRANSLATE_NOOP("Tray", "Resume all")),
    None,
    ("quit", QT_TRANSLATE_NOOP("Tray", "Quit")),
)


class Tray(QObject):
    """Wherry's place in the system tray.

    Signals:
        show_hide_requested(): the user asked to show or hide the window
        quit_requested(): the user chose Quit
        notified(str title, str message): a notification was raised: shown by the tray, or sent
            to the desktop's notification service when there is no tray
    """

    show_hide_requested = Signal()
    quit_requested = Signal()
    notified = Signal(str, str)

    def __init__(
        self,
        bridge: Bridge,
        icon: QIcon,
        parent: QObject | None = None,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        notifier: DesktopNotifier | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._tray_available = tray_available
        self._notifier = notifier
        self.icon = QSystemTrayIcon(icon, self)
        self.menu = QMenu()
        self.actions: dict[str, QAction] = {}
        for entry in TRAY_MENU:
            if entry is None:
                self.menu.addSeparator()
                continue
            name, text = entry
            action = self.menu.addAction(QCoreApplication.translate("Tray", text))
            action.setObjectName(f"tray_{name}")
            self.actions[name] = action
        self.actions["show_hide"].triggered.connect(self.show_hide_requested)
        self.actions["pause_all"].triggered.connect(lambda: self._bridge.pause_all())
        self.actions["resume_all"].triggered.connect(lambda: self._bridge.resume_all())
        self.actions["quit"].triggered.connect(self.quit_requested)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        bridge.job_finished.connect(self._finished)
        bridge.job_failed.connect(self._failed)
        self.show_activity(0, 0.0)

    def available(self) -> bool:
        return self._tray_available()

    def show(self) -> None:
        if self.available():
            self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def tooltip(self) -> str:
        return self.icon.toolTip()

    def show_activity(self, active: int, speed: float) -> None:
        if active:
            rate = format_speed(speed) or self.tr("0 B/s")
            if active == 1:
                text = self.tr("Wherry — 1 download at {speed}").format(speed=rate)
            else:
                text = self.tr("Wherry — {count} downloads at {speed}").format(count=active, speed=rate)
        else:
            text = self.tr("Wherry — nothing downloading")
        self.icon.setToolTip(text)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.show_hide_requested.emit()

    def _name(self, job_id: str) -> str:
        try:
            return self._bridge.engine.job(job_id).display_name
        except KeyError:
            return self.tr("A download")

    def _finished(self, job_id: str, path: str) -> None:
        info = QSystemTrayIcon.MessageIcon.Information
        self._notify(
            self.tr("Download finished"), self.tr("{name} is ready.").format(name=self._name(job_id)), info
        )

    def _failed(self, job_id: str, kind: str, message: str) -> None:
        if kind == ErrorKind.CHECKSUM_MISMATCH:
            title = self.tr("Checksum mismatch")
        else:
            title = self.tr("Download failed")
        self._notify(title, f"{self._name(job_id)}: {message}", QSystemTrayIcon.MessageIcon.Warning)

    def _notify(self, title: str, message: str, icon: QSystemTrayIcon.MessageIcon) -> None:
        if not self._bridge.settings.notifications:
            return
        if self.available() and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, message, icon, 8000)
        elif not self.available():
            if self._notifier is None:
                self._notifier = DesktopNotifier()
            urgent = icon is QSystemTrayIcon.MessageIcon.Warning
            self._notifier.notify(title, message, urgent)
        self.notified.emit(title, message)
