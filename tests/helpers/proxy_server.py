"""A real proxy process for tests: pproxy (HTTP and SOCKS5) listening on a loopback port.

    with ProxyProcess("socks5", auth="user:pw") as proxy:
        proxy.url        # socks5://user:pw@127.0.0.1:PORT
        proxy.kill()     # SIGKILL: a proxy that dies mid-transfer

pproxy remembers an address that logged in once (``--auth``), so each test that checks a refused
login starts a fresh process.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

__all__ = ["ProxyProcess", "free_port"]

_START_TIMEOUT = 20.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class ProxyProcess:
    def __init__(self, scheme: str = "http", auth: str | None = None) -> None:
        self.scheme = scheme
        self.auth = auth
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        creds = f"{self.auth}@" if self.auth else ""
        return f"{self.scheme}://{creds}{self.address}"

    def start(self) -> ProxyProcess:
        listen = f"{self.scheme}://{self.address}" + (f"#{self.auth}" if self.auth else "")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pproxy", "-l", listen],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"pproxy exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("pproxy did not start listening in time") from None
                time.sleep(0.02)  # polling a port we do not own; bounded by the deadline

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        self.kill()
        self.process = None

    def __enter__(self) -> ProxyProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
