"""One Wherry per user and data folder: a later launch hands its URLs to the running one.

The running instance listens on a user-only local socket whose name is derived from the data
folder, so two data folders (or two test runs) never meet. A socket left behind by a crash is
recognised by nobody answering on it, removed, and taken over.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = ["InstanceServer", "hand_off", "server_name"]

log = logging.getLogger(__name__)

_ACK = b"ok\n"
_MAX_MESSAGE = 4 * 1024 * 1024


def server_name(data_dir: Path) -> str:
    """A socket name unique to this user and data folder, short enough for any platform."""
    key = f"{getpass.getuser()}\0{data_dir.expanduser().resolve()}"
    return "wherry-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def hand_off(
    name: str,
    urls: Sequence[str],
    timeout_ms: int = 3000,
    metalinks: Sequence[str] = (),
    add: bool = False,
) -> bool:
    """Give ``urls`` (and metalink files, and a wish for the Add dialog) to the instance
    listening on ``name``; False when none answers.

    Runs before any window exists, so blocking waits are fine here.
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    try:
        message = {"urls": list(urls), "metalinks": list(metalinks), "add": add}
        socket.write(json.dumps(message).encode() + b"\n")
        # waitForBytesWritten is false when nothing is pending, so ask only while something is.
        while socket.bytesToWrite() > 0:
            if not socket.waitForBytesWritten(timeout_ms):
                return False
        reply = b""
        while True:
            reply += bytes(socket.readAll().data())  # the answer may already be buffered
            if reply.endswith(b"\n") or len(reply) > len(_ACK):
                return reply == _ACK
            if not socket.waitForReadyRead(timeout_ms):
                log.info("No answer from %s: %s", name, socket.errorString())
                return False
    finally:
        socket.disconnectFromServer()


class InstanceServer(QObject):
    """Listens for later launches.

    Signals:
        urls_received(list urls): a later launch handed over these URLs (possibly none: just show)
        metalinks_received(list paths): …and these metalink files (absolute paths)
        add_requested(): …and asked for the Add download dialog (``wherry --add``)
    """

    urls_received = Signal(list)
    metalinks_received = Signal(list)
    add_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening unless another instance answers; take over a socket left by a crash."""
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(500):
            probe.disconnectFromServer()
            log.warning("Another Wherry is already listening on %s", self.name)
            return False
        # Nobody answers: any socket file there is left over from a crash. (With socket options
        # set, Qt would otherwise replace even a live socket, so the probe above must come first.)
        QLocalServer.removeServer(self.name)
        ok = self._server.listen(self.name)
        if not ok:
            log.warning("Cannot listen on %s: %s", self.name, self._server.errorString())
        return ok

    def close(self) -> None:
        self._server.close()

    def is_listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if len(data) > _MAX_MESSAGE:
            socket.abort()
            return
        self._buffers[socket] = data
        if not data.endswith(b"\n"):
            return
        try:
            message = json.loads(data)
            urls = [str(url) for url in message.get("urls", [])]
            metalinks = [str(path) for path in message.get("metalinks", [])]
            add = message.get("add") is True
        except (ValueError, AttributeError, TypeError):
            log.warning("Ignoring an unreadable hand-off message")
            socket.abort()
            return
        socket.write(_ACK)
        socket.flush()
        self.urls_received.emit(urls)
        if metalinks:
            self.metalinks_received.emit(metalinks)
        if add:
            self.add_requested.emit()
