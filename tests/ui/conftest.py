"""Qt and qasync fixtures for the window's tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import qasync
from ui_doubles import FakeEngine, MemorySettingsStore


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def settings_store() -> MemorySettingsStore:
    return MemorySettingsStore()


@pytest.fixture
def qloop(qapp) -> Iterator[qasync.QEventLoop]:
    """A qasync loop over the test's QApplication; run scenarios with ``qloop.run_until_complete``."""
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        loop.close()
        asyncio.set_event_loop(None)


@pytest.fixture(autouse=True)
def cycles_collected_on_the_gui_thread():
    """As the app does (wherry.ui.collector): no cycle collection on other threads during a UI
    test, and whatever the test left in cycles is freed here, on the GUI thread."""
    import gc

    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()
