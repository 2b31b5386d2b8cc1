"""Asking systemd-logind over D-Bus to put the computer to sleep or power it off."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusPendingCallWatcher

__all__ = ["LogindPower", "PowerSender"]

log = logging.getLogger(__name__)

# Sends "Suspend" or "PowerOff"; the callback gets "" on success or a sentence for the user.
PowerSender = Callable[[str, Callable[[str], None]], None]


class LogindPower(QObject):
    """Asks systemd-logind (org.freedesktop.login1.Manager) to suspend or power off.

    ``interactive`` is true so polkit may ask for a password where the desktop requires one.
    The call is asynchronous: the window never freezes waiting for the system bus. Keep the
    object alive until the answer comes (the window owns one for its lifetime).
    """

    SERVICE = "org.freedesktop.login1"
    PATH = "/org/freedesktop/login1"
    INTERFACE = "org.freedesktop.login1.Manager"

    def __init__(self, bus: QDBusConnection | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus = bus
        self._watchers: set[QDBusPendingCallWatcher] = set()

    def __call__(self, method: str, done: Callable[[str], None]) -> None:
        bus = self._bus if self._bus is not None else QDBusConnection.systemBus()
        if not bus.isConnected():
            done(self.tr("Wherry cannot reach the system's power management (no system bus)."))
            return
        message = QDBusMessage.createMethodCall(self.SERVICE, self.PATH, self.INTERFACE, method)
        message.setArguments([True])
        watcher = QDBusPendingCallWatcher(bus.asyncCall(message), self)
        self._watchers.add(watcher)

        def finished(call: QDBusPendingCallWatcher) -> None:
            self._watchers.discard(call)
            reply = call.reply()
            if reply.type() == QDBusMessage.MessageType.ErrorMessage:
                log.warning("logind %s refused: %s %s", method, reply.errorName(), reply.errorMessage())
                if method == "Suspend":
                    sentence = self.tr("The system did not let Wherry put the computer to sleep: {reason}")
                else:
                    sentence = self.tr("The system did not let Wherry power off the computer: {reason}")
                done(sentence.format(reason=reply.errorMessage() or reply.errorName()))
            else:
                done("")
            call.deleteLater()

        watcher.finished.connect(finished)
