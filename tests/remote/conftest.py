"""Remote-control fixtures: a real `wherry serve` process, or a server in this test's event loop."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.e2e.conftest import spawn
from tests.engine.conftest import FAST
from tests.helpers.stores import save_settings
from wherry.core.events import Event
from wherry.engine import Engine
from wherry.headless import headless_engine
from wherry.remote import RemoteConfig, RemoteServer
from wherry.store import open_store

SECRET = "s3cret-for-tests"
TIMEOUT = 20.0


def read_port(proc: subprocess.Popen[str], timeout: float = TIMEOUT) -> int:
    """The port `wherry serve` announces on its first line of output."""
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if selector.select(timeout=max(deadline - time.monotonic(), 0.01)):
                line = proc.stdout.readline()
                if not line:
                    break
                if "listening" in line:
                    return int(line.rsplit("port", 1)[1].strip(" .\n"))
    finally:
        selector.close()
    proc.kill()
    raise AssertionError(f"wherry serve did not start: {proc.communicate(timeout=10)}")


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """POST raw bytes; the HTTP status and the decoded JSON answer (None if not JSON)."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, None


@dataclass
class Served:
    """A running `wherry serve`; ``call`` speaks JSON-RPC to it with the secret."""

    proc: subprocess.Popen[str]
    port: int
    secret: str = SECRET
    ids: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/jsonrpc"

    def call(self, method: str, *params: Any) -> Any:
        self.ids += 1
        body = {
            "jsonrpc": "2.0",
            "id": self.ids,
            "method": method,
            "params": [f"token:{self.secret}", *params],
        }
        status, answer = post(self.url, json.dumps(body).encode())
        assert "result" in answer, (status, answer)
        return answer["result"]

    def stop(self) -> int:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=TIMEOUT)
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()


def start_serve(cwd: Path, *args: str) -> Served:
    proc = spawn("serve", "--port", "0", "--secret", SECRET, *args, cwd=cwd)
    return Served(proc, read_port(proc))


def store_fast_settings(home: Path, download_dir: Path) -> None:
    """Quick retries for the process under test, as the engine tests use."""
    save_settings(home, FAST.with_changes(download_dir=str(download_dir)))


@pytest.fixture
def served(wherry_home: Path, downloads: Path, tmp_path: Path) -> Iterator[Served]:
    store_fast_settings(wherry_home, downloads)
    server = start_serve(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Local:
    """An engine and its remote server in this test's loop; ``call`` raises on an error answer."""

    engine: Engine
    server: RemoteServer
    session: aiohttp.ClientSession
    downloads: Path
    events: list[Event] = field(default_factory=list)
    ids: int = 0
    shutdown_calls: list[str] = field(default_factory=list)

    @property
    def shutdowns(self) -> int:
        return len(self.shutdown_calls)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/jsonrpc"

    async def raw(self, body: Any, token: bool = True) -> tuple[int, Any]:
        async with self.session.post(self.url, data=json.dumps(body)) as response:
            return response.status, await response.json(content_type=None)

    async def answer(self, method: str, *params: Any, token: str | None = SECRET) -> dict[str, Any]:
        self.ids += 1
        args = [f"token:{token}", *params] if token is not None else list(params)
        _, answer = await self.raw({"jsonrpc": "2.0", "id": self.ids, "method": method, "params": args})
        return answer

    async def call(self, method: str, *params: Any) -> Any:
        answer = await self.answer(method, *params)
        assert "result" in answer, answer
        return answer["result"]

    async def fault(self, method: str, *params: Any) -> dict[str, Any]:
        answer = await self.answer(method, *params)
        assert "error" in answer, answer
        return answer["error"]


async def local_server(tmp_path: Path, config: RemoteConfig) -> AsyncIterator[Local]:
    downloads = tmp_path / "downloads"
    downloads.mkdir(exist_ok=True)
    repository, _ = open_store(tmp_path / "remote.db")
    repository.save_settings(FAST.with_changes(download_dir=str(downloads)))
    events: list[Event] = []
    try:
        async with headless_engine(repository, events.append, manage_all=True) as engine:
            calls: list[str] = []

            def shutdown() -> None:
                calls.append("shutdown")

            def apply(settings: Any) -> None:
                repository.save_settings(settings)
                engine.update_settings(settings)

            server = RemoteServer(
                engine, config, default_dir=lambda: str(downloads), apply_settings=apply, shutdown=shutdown
            )
            await server.start()
            try:
                async with aiohttp.ClientSession() as session:
                    local = Local(engine, server, session, downloads, events, shutdown_calls=calls)
                    yield local
            finally:
                await server.stop()
    finally:
        repository.close()


@pytest.fixture
async def local(tmp_path: Path) -> AsyncIterator[Local]:
    async for value in local_server(tmp_path, RemoteConfig(port=0, secret=SECRET)):
        yield value
