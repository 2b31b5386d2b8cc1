"""An engine on a real SQLite store, talking to the flaky test server, with fast retry timings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wherry.core.events import Event
from wherry.core.jobs import AddRequest, Job
from wherry.core.settings import Settings
from wherry.engine import Engine
from wherry.store import SqliteRepository, open_store
from wherry.verify.copies import FinderCopies
from wherry.verify.hashing import ExecutorVerifier

FAST = Settings(
    retry_base_delay=0.01,
    retry_max_delay=0.05,
    retry_max_tries=4,
    retry_max_seconds=20.0,
    stall_timeout=1.0,
    connect_timeout=5.0,
    checkpoint_interval=0.1,
    breaker_threshold=50,
    breaker_cooldown=0.2,
    max_active=3,
)


@dataclass
class Harness:
    tmp: Path
    settings: Settings = FAST
    events: list[Event] = field(default_factory=list)
    repository: SqliteRepository | None = None
    engine: Engine | None = None

    @property
    def downloads(self) -> Path:
        path = self.tmp / "downloads"
        path.mkdir(exist_ok=True)
        return path

    def request(self, url: str, **kwargs: object) -> AddRequest:
        return AddRequest(url=url, directory=str(self.downloads), **kwargs)  # type: ignore[arg-type]

    async def open(self, **overrides: object) -> Engine:
        if self.repository is None:
            self.repository, _ = open_store(self.tmp / "wherry.db")
        settings = self.settings.with_changes(**overrides) if overrides else self.settings
        self.engine = Engine(
            self.repository, ExecutorVerifier(), self.events.append, settings, copies=FinderCopies()
        )
        await self.engine.start()
        return self.engine

    async def reopen(self, **overrides: object) -> Engine:
        """Close the engine and the store, then open both again from the file, like a restart."""
        await self.close()
        return await self.open(**overrides)

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.close()
            self.engine = None
        if self.repository is not None:
            self.repository.close()
            self.repository = None

    async def download(self, url: str, timeout: float = 30.0, **kwargs: object) -> Job:
        import asyncio

        engine = self.engine or await self.open()
        job = await engine.add(self.request(url, **kwargs))
        return await asyncio.wait_for(engine.wait(job.id), timeout)

    def of_type(self, kind: type[Event]) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]

    def history(self, job: Job) -> list[str]:
        assert self.repository is not None
        return [line for _, line in self.repository.load_history(job.id)]


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    h = Harness(tmp_path)
    try:
        yield h
    finally:
        await h.close()


def payload(size: int, seed: int = 7) -> bytes:
    """Deterministic bytes that differ at every offset, so a misplaced byte shows."""
    import random

    return random.Random(seed).randbytes(size)


Payload = Callable[[int], bytes]


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for a condition on in-memory state, bounded by ``timeout``."""
    import asyncio

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def data_requests(server, path: str) -> list:
    """GET requests for ``path`` that asked for data (not the one-byte probe of a checksum job)."""
    return [r for r in server.requests_for(path, "GET") if r.headers.get("Range") != "bytes=0-0"]
