"""The window's remote control: off by default, switched on in Settings, an addUri adds a row."""

from __future__ import annotations

import json
import socket

import aiohttp
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QPushButton
from ui_async import Expect, running_wherry, settled

from tests.helpers.flaky_server import FaultPlan
from wherry.core import JobState


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def press_ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_remote_control_switched_on_accepts_add_uri_and_the_row_appears(qtbot, qloop, flaky_server, tmp_path):
    body = bytes(range(256)) * 400
    url = flaky_server.add("/from-browser.bin", body, plan=FaultPlan())
    port = free_port()

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            assert wherry.window.remote_label.isHidden()
            dialog = wherry.window.commands.open_settings()
            assert not dialog.remote_enabled.isChecked()
            assert dialog.remote_secret.text() == ""
            dialog.remote_enabled.setChecked(True)
            secret = dialog.remote_secret.text()
            assert len(secret) >= 16  # made on first enable
            dialog.findChild(QPushButton, "copy_secret").click()
            assert QGuiApplication.clipboard().text() == secret
            dialog.remote_port.setValue(port)
            changed = Expect(wherry.bridge.settings_changed)
            press_ok(dialog)
            await changed.wait()
            await wherry.bridge.drain()  # the server is (re)started by a bridge task
            assert not wherry.window.remote_label.isHidden()
            assert str(port) in wherry.window.remote_label.text()

            added = Expect(wherry.model.rowsInserted)
            request = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "aria2.addUri",
                "params": [f"token:{secret}", [url]],
            }
            async with aiohttp.ClientSession() as session:
                async with session.post(
                    f"http://127.0.0.1:{port}/jsonrpc", data=json.dumps(request)
                ) as response:
                    answer = await response.json(content_type=None)
                assert response.status == 200, answer
                await added.wait()
                (job,) = wherry.engine.jobs()
                assert job.id.startswith(answer["result"])
                assert wherry.model.rowCount() == 1
                await settled(wherry, job, JobState.FINISHED)
                assert (tmp_path / "from-browser.bin").read_bytes() == body

                # A new port: the server moves there.
                moved = free_port()
                dialog = wherry.window.commands.open_settings()
                dialog.remote_port.setValue(moved)
                changed = Expect(wherry.bridge.settings_changed)
                press_ok(dialog)
                await changed.wait()
                await wherry.bridge.drain()
                assert str(moved) in wherry.window.remote_label.text()
                async with session.post(f"http://127.0.0.1:{moved}/jsonrpc", data=b"[]") as response:
                    assert response.status == 200
                try:
                    async with session.post(f"http://127.0.0.1:{port}/jsonrpc", data=b"[]") as response:
                        raise AssertionError(f"the old port still answers: {response.status}")
                except aiohttp.ClientConnectionError:
                    pass

                # Switched off again: the port is let go and the status bar says nothing.
                dialog = wherry.window.commands.open_settings()
                assert dialog.remote_secret.text() == secret  # kept, not made anew
                dialog.remote_enabled.setChecked(False)
                changed = Expect(wherry.bridge.settings_changed)
                press_ok(dialog)
                await changed.wait()
                await wherry.bridge.drain()
                assert wherry.window.remote_label.isHidden()
                try:
                    async with session.post(f"http://127.0.0.1:{moved}/jsonrpc", data=b"[]") as response:
                        raise AssertionError(f"still answering: {response.status}")
                except aiohttp.ClientConnectionError:
                    pass

    qloop.run_until_complete(scenario())


def test_a_port_in_use_leaves_remote_control_off_with_a_sentence(qtbot, qloop, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        async def scenario() -> None:
            async with running_wherry(
                tmp_path, remote_enabled=True, remote_port=port, remote_secret="x" * 20
            ) as wherry:
                assert wherry.window.remote_label.isHidden()
                assert f"Port {port} is already in use" in wherry.window.statusBar().currentMessage()

        qloop.run_until_complete(scenario())


def test_the_status_bar_says_it_in_german_too(qtbot, qapp, tmp_path):
    from PySide6.QtCore import QLocale
    from window_factory import fake_window

    from wherry.ui.translations import install_translators, remove_translators

    translators = install_translators(qapp, QLocale(QLocale.Language.German, QLocale.Country.Germany))
    try:
        window, _ = fake_window(qtbot, tmp_path)
        window.show_remote_status(6800)
        assert window.remote_label.text() == "Fernsteuerung an · Port 6800"
        assert "http://localhost:6800/jsonrpc" in window.remote_label.toolTip()
        window.show_remote_status(None)
        assert window.remote_label.isHidden()
    finally:
        remove_translators(qapp, translators)
