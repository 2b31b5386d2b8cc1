"""One Wherry per data folder: hand-off over a user-only local socket, and a crashed one's socket."""

from __future__ import annotations

import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer

from wherry.ui.single_instance import InstanceServer, hand_off, server_name


def test_server_name_depends_on_the_data_folder(tmp_path):
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "a")


_CLIENT = (
    "import sys; from wherry.ui.single_instance import hand_off; "
    "sys.exit(0 if hand_off(sys.argv[1], sys.argv[2:], 5000) else 3)"
)


def test_a_later_launch_hands_its_urls_to_the_listening_instance(qtbot, tmp_path):
    # The client runs in its own process, as a later launch does: its waits block.
    server = InstanceServer(server_name(tmp_path))
    assert server.listen()
    try:
        with qtbot.waitSignal(server.urls_received, timeout=10000) as blocker:
            client = subprocess.Popen(
                [sys.executable, "-c", _CLIENT, server.name, "http://a/1", "http://a/2"]
            )
        assert blocker.args == [["http://a/1", "http://a/2"]]
        qtbot.waitUntil(lambda: client.poll() is not None, timeout=10000)
        assert client.returncode == 0  # the listener acknowledged
    finally:
        server.close()


def test_a_later_launch_can_ask_for_the_add_dialog(qtbot, tmp_path):
    client_code = (
        "import sys; from wherry.ui.single_instance import hand_off; "
        "sys.exit(0 if hand_off(sys.argv[1], [], 5000, add=True) else 3)"
    )
    server = InstanceServer(server_name(tmp_path))
    assert server.listen()
    try:
        with (
            qtbot.waitSignal(server.add_requested, timeout=10000),
            qtbot.waitSignal(server.urls_received, timeout=10000) as urls,
        ):
            client = subprocess.Popen([sys.executable, "-c", client_code, server.name])
        assert urls.args == [[]]  # no URLs: the window is only shown, with the dialog
        qtbot.waitUntil(lambda: client.poll() is not None, timeout=10000)
        assert client.returncode == 0
    finally:
        server.close()


def test_hand_off_reports_false_when_nobody_listens(qapp, tmp_path):
    assert hand_off(server_name(tmp_path), ["http://a/1"], timeout_ms=500) is False


def test_socket_is_private_to_the_user(qapp, tmp_path):
    server = InstanceServer(server_name(tmp_path))
    assert server.listen()
    try:
        mode = Path(server._server.fullServerName()).stat().st_mode
        assert stat.S_ISSOCK(mode)
        assert mode & (stat.S_IRWXG | stat.S_IRWXO) == 0
    finally:
        server.close()


def test_a_socket_left_by_a_crash_is_taken_over(qapp, tmp_path):
    name = server_name(tmp_path)
    probe = QLocalServer()
    assert probe.listen(name)
    path = probe.fullServerName()
    probe.close()
    # What a killed instance leaves behind: the socket file, with nobody accepting on it.
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(path)
    dead.close()
    assert Path(path).exists()
    server = InstanceServer(name)
    try:
        assert server.listen()
    finally:
        server.close()


def test_a_second_server_does_not_steal_a_live_socket(qapp, tmp_path):
    first = InstanceServer(server_name(tmp_path))
    assert first.listen()
    second = InstanceServer(server_name(tmp_path))
    try:
        assert not second.listen()
        assert first.is_listening()
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("garbage", [b"not json\n", b'{"urls": 5}\n'])
def test_unreadable_messages_are_ignored(qtbot, tmp_path, garbage):
    server = InstanceServer(server_name(tmp_path))
    assert server.listen()
    received: list[list[str]] = []
    server.urls_received.connect(received.append)
    try:
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(server._server.fullServerName())
        client.sendall(garbage)
        client.shutdown(socket.SHUT_WR)
        qtbot.waitUntil(lambda: not server._buffers, timeout=5000)
        client.close()
        assert received == []
    finally:
        server.close()
