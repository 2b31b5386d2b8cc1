"""No tray, no trap: where no system tray exists, closing quits (asking first while downloads
run) and notifications go to the desktop's notification service over D-Bus."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusVirtualObject
from PySide6.QtWidgets import QMessageBox
from ui_async import Expect, running_wherry, settled

from tests.helpers.flaky_server import FaultPlan
from wherry import paths
from wherry.app import compose, ui_state
from wherry.core import AddRequest, ChecksumSpec, JobState
from wherry.store import open_store
from wherry.ui.desktop_notifier import PORTAL, DesktopNotifier

BODY = os.urandom(300_000)


class FakePortal(QDBusVirtualObject):
    """org.freedesktop.portal.Notification on a private bus, recording what it was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[tuple[str, list[object]]] = []

    def introspect(self, path: str) -> str:
        return ""

    def handleMessage(self, message: QDBusMessage, connection: QDBusConnection) -> bool:
        if message.member() != "AddNotification":
            return False
        self.received.append((message.signature(), list(message.arguments())))
        connection.send(message.createReply())
        return True


@pytest.fixture
def portal(private_bus, qapp) -> Iterator[tuple[FakePortal, QDBusConnection]]:
    service = QDBusConnection.connectToBus(private_bus, "portal-side")
    fake = FakePortal()
    assert service.registerService(PORTAL[0])
    assert service.registerVirtualObject(PORTAL[1], fake)
    client = QDBusConnection.connectToBus(private_bus, "wherry-side")
    try:
        yield fake, client
    finally:
        service.unregisterObject(PORTAL[1])
        QDBusConnection.disconnectFromBus("portal-side")
        QDBusConnection.disconnectFromBus("wherry-side")


def _no_tray(monkeypatch, notifier: DesktopNotifier | None = None) -> None:
    monkeypatch.setattr("wherry.ui.tray.Tray.available", lambda self: False)
    if notifier is not None:
        original = __import__("wherry.ui.tray", fromlist=["Tray"]).Tray.__init__

        def with_notifier(self, *args, **kwargs):
            kwargs.setdefault("notifier", notifier)
            original(self, *args, **kwargs)

        monkeypatch.setattr("wherry.ui.tray.Tray.__init__", with_notifier)


def test_closing_with_downloads_running_and_no_tray_asks_then_pauses_and_quits(
    qtbot, qloop, flaky_server, tmp_path, monkeypatch
):
    _no_tray(monkeypatch)
    url = flaky_server.add("/slow.bin", BODY, plan=FaultPlan(drip_rate=20_000))

    async def scenario() -> None:
        async with running_wherry(tmp_path, close_to_tray=True) as wherry:
            window = wherry.window
            started = Expect(wherry.bridge.job_started)
            job = await wherry.engine.add(AddRequest(url, str(tmp_path), connections=1))
            await started.wait()
            quits: list[bool] = []
            window.quit_requested.connect(lambda: quits.append(True))

            window.close()
            box = window.findChild(QMessageBox, "confirm_quit")
            assert box is not None
            assert box.isVisible()
            assert "1 download is running" in box.text()
            assert window.isVisible()  # not hidden into a tray nobody can see
            keep = next(b for b in box.buttons() if b.text() == "Keep downloading")
            keep.click()
            assert quits == []
            assert wherry.engine.job(job.id).state is JobState.RUNNING

            window.close()
            box = window.findChild(QMessageBox, "confirm_quit")
            quitting = Expect(window.quit_requested)
            next(b for b in box.buttons() if b.text() == "Pause and quit").click()
            await quitting.wait()
        # shut_down ran: the job rests unfinished with its progress checkpointed, ready to resume
        repository, _ = open_store(paths.database_path())
        try:
            stored = next(j for j in repository.load_jobs() if j.id == job.id)
        finally:
            repository.close()
        assert not stored.state.is_terminal  # neither lost nor failed: it resumes next start
        assert stored.bytes_done < len(BODY)

    qloop.run_until_complete(scenario())


def test_notifications_go_to_the_desktop_service_when_there_is_no_tray(
    qtbot, qloop, flaky_server, tmp_path, monkeypatch, portal
):
    fake, bus = portal
    _no_tray(monkeypatch, DesktopNotifier(bus))
    titles: list[str] = []
    good = flaky_server.add("/good.bin", BODY)
    bad = flaky_server.add("/bad.bin", BODY)

    async def scenario() -> None:
        async with running_wherry(tmp_path, notifications=True) as wherry:
            wherry.tray.notified.connect(lambda title, _text: titles.append(title))
            job = await wherry.engine.add(AddRequest(good, str(tmp_path)))
            await settled(wherry, job, JobState.FINISHED)
            wrong = ChecksumSpec("sha256", "0" * 64)
            job = await wherry.engine.add(AddRequest(bad, str(tmp_path), checksum=wrong))
            await settled(wherry, job, JobState.FAILED)
            qtbot.waitUntil(lambda: len(fake.received) == 2, timeout=10_000)

    qloop.run_until_complete(scenario())
    assert titles == ["Download finished", "Checksum mismatch"]
    # AddNotification(s id, a{sv} fields): what the portal accepts, one call per notification
    assert [signature for signature, _ in fake.received] == ["sa{sv}", "sa{sv}"]
    ids = [arguments[0] for _, arguments in fake.received]
    assert len(set(ids)) == 2


def test_notification_fields_carry_title_body_and_priority():
    fields = {
        k: v.variant() for k, v in DesktopNotifier.fields("Checksum mismatch", "a.iso: …", True).items()
    }
    assert fields == {"title": "Checksum mismatch", "body": "a.iso: …", "priority": "high"}
    assert DesktopNotifier.fields("Download finished", "b", False)["priority"].variant() == "normal"


def test_notifier_says_unavailable_without_a_notification_service(private_bus, qapp):
    bus = QDBusConnection.connectToBus(private_bus, "lonely")
    try:
        notifier = DesktopNotifier(bus)
        assert not notifier.available()
        assert not notifier.notify("Download finished", "x is ready.")
    finally:
        QDBusConnection.disconnectFromBus("lonely")


def test_compose_gives_the_tray_the_real_availability_check(qapp, tmp_path):
    repository, _ = open_store(paths.database_path())
    wherry = compose(repository, repository.load_settings(), ui_state())
    try:
        assert wherry.tray.available() is False  # offscreen Qt has no tray
        assert not wherry.window.goes_to_tray()
    finally:
        wherry.window.deleteLater()
        repository.close()
