"""A fake systemd-logind for the power requests' tests, offered on the test's private bus
(the ``private_bus`` fixture: a real dbus-daemon, never the machine's buses). It answers
``Suspend`` and ``PowerOff`` on org.freedesktop.login1.Manager and records them.
"""

from __future__ import annotations

from PySide6.QtCore import ClassInfo, QObject, Slot
from PySide6.QtDBus import QDBusConnection

__all__ = ["FakeLogind", "serve_fake_logind"]


@ClassInfo({"D-Bus Interface": "org.freedesktop.login1.Manager"})
class FakeLogind(QObject):
    """Records each request as (method, interactive)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, bool]] = []

    @Slot(bool)
    def Suspend(self, interactive: bool) -> None:  # the D-Bus method names are CamelCase
        self.calls.append(("Suspend", interactive))

    @Slot(bool)
    def PowerOff(self, interactive: bool) -> None:
        self.calls.append(("PowerOff", interactive))


def serve_fake_logind(address: str, name: str) -> tuple[QDBusConnection, FakeLogind]:
    """Connect to the bus at ``address`` and offer a fake logind there."""
    connection = QDBusConnection.connectToBus(address, name)
    assert connection.isConnected(), connection.lastError().message()
    fake = FakeLogind()
    assert connection.registerObject(
        "/org/freedesktop/login1", fake, QDBusConnection.RegisterOption.ExportAllSlots
    )
    assert connection.registerService("org.freedesktop.login1")
    return connection, fake
