"""The bridge: engine events become typed signals; commands report failures as sentences."""

from __future__ import annotations

import asyncio
import logging

import pytest
from ui_doubles import FakeEngine, MemorySettingsStore, make_job

from wherry.core import (
    AddRequest,
    ErrorKind,
    JobAdded,
    JobChanged,
    JobFailed,
    JobFinished,
    JobPaused,
    JobRemoved,
    JobRetrying,
    JobStarted,
    Settings,
)
from wherry.ui.bridge import Bridge


@pytest.fixture
def bridge(qapp) -> Bridge:
    return Bridge(FakeEngine([make_job("a.iso")]), MemorySettingsStore(), Settings())


@pytest.mark.parametrize(
    ("event", "signal", "args"),
    [
        (JobAdded("j"), "job_added", ["j"]),
        (JobStarted("j"), "job_started", ["j"]),
        (JobChanged("j", "size"), "job_changed", ["j", "size"]),
        (JobRetrying("j", ErrorKind.NETWORK, "Reset.", 2, 1.5), "job_retrying", ["j", "Reset.", 2, 1.5]),
        (JobPaused("j"), "job_paused", ["j", ""]),
        (JobPaused("j", "The disk is full.", ErrorKind.DISK_FULL), "job_paused", ["j", "The disk is full."]),
        (JobFinished("j", "/d/a.iso"), "job_finished", ["j", "/d/a.iso"]),
        (JobFailed("j", ErrorKind.CHECKSUM_MISMATCH, "No."), "job_failed", ["j", "checksum-mismatch", "No."]),
        (JobRemoved("j"), "job_removed", ["j"]),
    ],
)
def test_each_event_becomes_its_typed_signal(qtbot, bridge, event, signal, args):
    with qtbot.waitSignal(getattr(bridge, signal), timeout=1000) as blocker:
        bridge.deliver(event)
    assert blocker.args == args


def test_lifecycle_events_also_announce_job_updated_but_removal_does_not(qtbot, bridge):
    updated: list[str] = []
    bridge.job_updated.connect(updated.append)
    bridge.deliver(JobStarted("a"))
    bridge.deliver(JobRemoved("b"))
    assert updated == ["a"]


def test_a_failure_inside_the_bridge_is_logged_and_never_reaches_the_engine(bridge, caplog):
    class Unknown:
        job_id = "x"

    bridge.deliver(Unknown())  # an event type the bridge does not know: ignored, no exception

    def broken(event: object) -> None:
        raise ZeroDivisionError

    bridge._emit = broken  # stands for any bug between the sink and the signals
    with caplog.at_level(logging.ERROR, logger="wherry.ui.bridge"):
        bridge.deliver(JobStarted("x"))
    assert "A window listener failed" in caplog.text


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("mailto:x@y", "mailto:x@y is not a web address."),
        ("http://127.0.0.1/boom", "Something went wrong; the details are in the log file."),
    ],
)
def test_command_failures_are_reported_as_one_sentence(qloop, bridge, caplog, url, sentence):
    async def explode(request: AddRequest):
        raise RuntimeError("a bug")

    if "boom" in url:
        bridge.engine.add = explode
    reported: list[str] = []
    bridge.error_reported.connect(reported.append)

    async def scenario() -> None:
        task = bridge.add([AddRequest(url=url, directory="/tmp")])
        await asyncio.wait([task], timeout=5)

    with caplog.at_level(logging.INFO, logger="wherry.ui.bridge"):
        qloop.run_until_complete(scenario())
    assert reported == [sentence]
    assert "Adding downloads failed" in caplog.text


def test_apply_settings_saves_and_hands_them_to_the_engine(qtbot, qapp):
    engine, store = FakeEngine(), MemorySettingsStore()
    bridge = Bridge(engine, store, Settings())
    changed = Settings(max_active=7)
    with qtbot.waitSignal(bridge.settings_changed, timeout=1000):
        bridge.apply_settings(changed)
    assert store.load_settings() == changed
    assert engine.settings == changed
    assert bridge.settings == changed


def test_adding_several_is_all_or_nothing(qloop, qapp):
    engine = FakeEngine()
    bridge = Bridge(engine, MemorySettingsStore(), Settings())
    reported: list[str] = []
    bridge.error_reported.connect(reported.append)
    requests = [AddRequest(url="http://a/1", directory="/d"), AddRequest(url="gopher://a/2", directory="/d")]

    async def scenario() -> None:
        await asyncio.wait([bridge.add(requests)], timeout=5)

    qloop.run_until_complete(scenario())
    assert engine.jobs() == []  # the first one was taken back
    assert [name for name, _ in engine.calls] == ["add", "remove"]
    assert reported == ["gopher://a/2 is not a web address."]
