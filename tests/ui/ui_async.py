"""Waiting inside qasync scenarios: on a Qt signal or an engine job, always with a timeout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import SignalInstance
from PySide6.QtTest import QAbstractItemModelTester

from wherry import paths
from wherry.app import Wherry, compose, ui_state
from wherry.core import Job, JobState
from wherry.store import open_store

TIMEOUT = 15.0


class Expect:
    """A future for the next emission of ``signal`` whose arguments satisfy ``accept``.

    Create it before causing the emission, then ``await expect.wait()``.
    """

    def __init__(self, signal: SignalInstance, accept: Callable[..., bool] = lambda *args: True) -> None:
        self._future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()
        self._signal = signal
        self._accept = accept
        signal.connect(self._slot)

    def _slot(self, *args: Any) -> None:
        if not self._future.done() and self._accept(*args):
            self._future.set_result(args)

    async def wait(self, timeout: float = TIMEOUT) -> tuple[Any, ...]:
        try:
            return await asyncio.wait_for(self._future, timeout)
        finally:
            self._signal.disconnect(self._slot)


async def settled(wherry: Wherry, job: Job, state: JobState, timeout: float = TIMEOUT) -> Job:
    """Wait until the engine lets ``job`` rest, and check it rests in ``state``."""
    done = await asyncio.wait_for(wherry.engine.wait(job.id), timeout)
    assert done.state is state, f"{done.display_name}: {done.state} ({done.error_message})"
    return done


async def eventually(condition: Callable[[], bool], timeout: float = TIMEOUT, what: str = "") -> None:
    """Wait until ``condition()`` holds (checked every 20 ms), failing after ``timeout`` seconds;
    for what no signal announces, such as a file another process writes."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def running_wherry(
    download_dir: Path, compose_with: dict[str, Any] | None = None, **settings: Any
) -> AsyncIterator[Wherry]:
    """The real window over the real engine and store in this test's WHERRY_HOME.

    ``compose_with`` passes ``clock`` or ``power`` on to ``compose``."""
    repository, _ = open_store(paths.database_path())
    chosen = repository.load_settings().with_changes(download_dir=str(download_dir), **settings)
    repository.save_settings(chosen)
    wherry = compose(repository, chosen, ui_state(), **(compose_with or {}))
    # Every scenario also checks the models keep Qt's rules through real adds, moves and removals.
    mode = QAbstractItemModelTester.FailureReportingMode.Fatal
    testers = [QAbstractItemModelTester(m, mode) for m in (wherry.model, wherry.window.proxy)]
    await wherry.start()
    wherry.window.show()
    try:
        yield wherry
    finally:
        await wherry.shut_down()
        wherry.window.deleteLater()
        wherry.tray.deleteLater()
        del testers
