"""Notifications through the desktop's notification portal, for desktops without a system tray.

GNOME without an AppIndicator extension has no tray for QSystemTrayIcon.showMessage, yet still
shows notifications. They are sent over QtDBus to org.freedesktop.portal.Notification, which
hands them to the desktop's notification service (org.freedesktop.Notifications underneath).
The portal's AddNotification(s, a{sv}) is used rather than Notify(susssasa{sv}i) itself because
PySide6 cannot marshal a D-Bus uint32 from Python, and strict services (GNOME Shell) reject the
int32 it would send instead.
"""

from __future__ import annotations

import itertools
import logging

from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusVariant

__all__ = ["PORTAL", "DesktopNotifier"]

log = logging.getLogger(__name__)

PORTAL = (
    "org.freedesktop.portal.Desktop",
    "/org/freedesktop/portal/desktop",
    "org.freedesktop.portal.Notification",
)


class DesktopNotifier:
    """Sends "finished", "failed" and "checksum mismatch" to the desktop when no tray can."""

    def __init__(self, bus: QDBusConnection | None = None) -> None:
        self._bus = bus if bus is not None else QDBusConnection.sessionBus()
        self._ids = itertools.count(1)

    def available(self) -> bool:
        if not self._bus.isConnected():
            return False
        reply = self._bus.interface().isServiceRegistered(PORTAL[0])
        return bool(reply.value()) if reply.isValid() else False

    @staticmethod
    def fields(title: str, body: str, urgent: bool) -> dict[str, QDBusVariant]:
        """The portal's notification dictionary (a{sv})."""
        return {
            "title": QDBusVariant(title),
            "body": QDBusVariant(body),
            "priority": QDBusVariant("high" if urgent else "normal"),
        }

    def notify(self, title: str, body: str, urgent: bool = False) -> bool:
        """Queue one notification; False when no notification service is reachable."""
        if not self.available():
            return False
        message = QDBusMessage.createMethodCall(*PORTAL, "AddNotification")
        message.setArguments([f"wherry-{next(self._ids)}", self.fields(title, body, urgent)])
        # NoBlock: the window never waits on the bus; errors go to the log via the reply.
        sent = self._bus.send(message)
        if not sent:
            log.warning("Could not send a notification: %s", self._bus.lastError().message())
        return sent
