"""The scheduler in the window: the queue stops and starts at its times and a lower limit holds
during its hours, driven by an injected clock (the check is called, never waited for)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from PySide6.QtCore import QLocale
from ui_async import Expect, running_wherry, settled
from ui_doubles import FakeEngine, MemorySettingsStore, make_job

from tests.helpers.flaky_server import FaultPlan
from wherry.core import JobState, Settings
from wherry.ui.bridge import Bridge
from wherry.ui.columns import format_speed
from wherry.ui.scheduler import QueueScheduler

BODY = os.urandom(300_000)
MONDAY = datetime(2026, 11, 30)  # a Monday
NIGHTS = {"schedule_enabled": True, "schedule_start": "01:00", "schedule_stop": "07:00"}


class Clock:
    """Local time that moves only when the test says so."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, hour: int, minute: int = 0, day: int = 0) -> None:
        self.now = MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def test_queue_stops_at_the_stop_time_and_starts_again_at_the_start_time(
    qtbot, qloop, flaky_server, tmp_path
):
    url = flaky_server.add("/night.bin", BODY, plan=FaultPlan(gate_after=64 * 1024))
    clock = Clock(MONDAY + timedelta(hours=6, minutes=59))

    async def scenario() -> None:
        async with running_wherry(tmp_path, {"clock": clock}, **NIGHTS) as wherry:
            window, engine = wherry.window, wherry.engine
            assert window.schedule_label.isVisible()
            assert window.schedule_label.text() == "Queue stops 07:00"
            started = Expect(wherry.bridge.job_started)
            window.commands.receive_urls([url])
            (job_id,) = await started.wait()

            wherry.scheduler.tick()  # 06:59 still: nothing happens
            assert engine.job(job_id).state is JobState.RUNNING

            paused = Expect(wherry.bridge.job_paused)
            clock.set(7, 0)
            wherry.scheduler.tick()
            await paused.wait()
            assert engine.job(job_id).state is JobState.PAUSED
            tuesday = QLocale().dayName(2, QLocale.FormatType.ShortFormat)
            assert window.schedule_label.text() == f"Queue starts {tuesday} 01:00"

            clock.set(12, 0)  # a check in the afternoon leaves the paused job alone
            wherry.scheduler.tick()
            assert engine.job(job_id).state is JobState.PAUSED

            flaky_server.set_plan("/night.bin", FaultPlan())
            clock.set(1, 0, day=1)
            wherry.scheduler.tick()
            job = await settled(wherry, engine.job(job_id), JobState.FINISHED)
            assert job.target.read_bytes() == BODY
            assert window.schedule_label.text() == "Queue stops 07:00"

    qloop.run_until_complete(scenario())


def test_what_was_done_by_hand_between_the_moments_is_left_alone(qtbot, qloop):
    engine = FakeEngine([make_job("a.iso", JobState.PAUSED)])
    bridge = Bridge(engine, MemorySettingsStore(), Settings(**NIGHTS))
    clock = Clock(MONDAY + timedelta(hours=8))
    scheduler = QueueScheduler(bridge, clock)

    async def scenario() -> None:
        scheduler.start()  # starting at 08:00 acts on nothing before it
        clock.set(23, 59)
        scheduler.tick()
        await bridge.drain()
        assert engine.calls == []
        clock.set(1, 0, day=1)
        scheduler.tick()
        await bridge.drain()
        assert engine.calls[0] == ("resume_all", None)

    qloop.run_until_complete(scenario())
    scheduler.stop()


def test_after_sleeping_across_both_moments_only_the_latest_counts(qtbot, qloop):
    engine = FakeEngine([make_job("a.iso", JobState.RUNNING)])
    bridge = Bridge(engine, MemorySettingsStore(), Settings(**NIGHTS))
    clock = Clock(MONDAY + timedelta(hours=0, minutes=30))
    scheduler = QueueScheduler(bridge, clock)

    async def scenario() -> None:
        scheduler.start()
        clock.set(9, 15)  # the computer slept from 00:30 to 09:15: the 07:00 stop is the one due
        scheduler.tick()
        await bridge.drain()
        assert [name for name, _ in engine.calls if name.endswith("_all")] == ["pause_all"]
        assert engine.jobs()[0].state is JobState.PAUSED

    qloop.run_until_complete(scenario())
    scheduler.stop()


def test_scheduled_limit_holds_during_its_hours_and_the_saved_limit_after(qtbot, qloop, tmp_path):
    clock = Clock(MONDAY + timedelta(hours=8, minutes=59))
    office = {
        "speed_limit": 0,
        "limit_schedule_enabled": True,
        "limit_schedule_from": "09:00",
        "limit_schedule_to": "18:00",
        "limit_schedule_rate": 200 * 1024,
    }

    async def scenario() -> None:
        async with running_wherry(tmp_path, {"clock": clock}, **office) as wherry:
            window, engine = wherry.window, wherry.engine
            assert engine.bucket.rate == 0
            assert not window.schedule_label.isVisible()

            clock.set(9, 0)
            wherry.scheduler.tick()
            assert engine.bucket.rate == 200 * 1024
            assert window.schedule_label.isVisible()
            assert window.schedule_label.text() == f"Limited to {format_speed(200 * 1024)} until 18:00"

            # Saving other settings during the hours keeps the scheduled limit in force, and the
            # saved limit (what the command line reads) is never the scheduled one.
            changed = Expect(wherry.bridge.settings_changed)
            wherry.bridge.apply_settings(wherry.bridge.settings.with_changes(max_active=2))
            await changed.wait()
            assert engine.bucket.rate == 200 * 1024
            assert wherry.repository.load_settings().speed_limit == 0

            # A lower saved limit wins over the scheduled one.
            wherry.bridge.apply_settings(wherry.bridge.settings.with_changes(speed_limit=50 * 1024))
            assert engine.bucket.rate == 50 * 1024

            clock.set(18, 0)
            wherry.scheduler.tick()
            assert engine.bucket.rate == 50 * 1024
            wherry.bridge.apply_settings(wherry.bridge.settings.with_changes(speed_limit=0))
            assert engine.bucket.rate == 0
            assert not window.schedule_label.isVisible()

            clock.set(10, 0, day=5)  # Saturday is not chosen
            wherry.scheduler.tick()
            assert engine.bucket.rate == 0

    qloop.run_until_complete(scenario())


def test_the_timer_drives_the_check_without_a_call(qtbot, qloop):
    engine = FakeEngine([make_job("a.iso", JobState.RUNNING)])
    bridge = Bridge(engine, MemorySettingsStore(), Settings(**NIGHTS))
    clock = Clock(MONDAY + timedelta(hours=6, minutes=59))
    scheduler = QueueScheduler(bridge, clock)
    scheduler._timer.setInterval(10)

    async def scenario() -> None:
        stopped = Expect(scheduler.queue_stopped)
        scheduler.start()
        clock.set(7, 0)
        await stopped.wait()
        await bridge.drain()
        assert engine.jobs()[0].state is JobState.PAUSED

    qloop.run_until_complete(scenario())
    scheduler.stop()
