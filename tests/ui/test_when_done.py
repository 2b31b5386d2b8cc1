"""When Done: after the queue finishes, run the user's command for each finished file, quit, or
ask logind (a fake one on a private D-Bus daemon) to sleep or power off after a 30 s notice."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusConnection
from ui_async import Expect, eventually, running_wherry, settled
from ui_doubles import FakeEngine, MemorySettingsStore, make_job

from tests.helpers.fake_logind import serve_fake_logind
from tests.helpers.flaky_server import FaultPlan
from wherry.core import AddRequest, ErrorKind, JobFailed, JobFinished, JobState, Settings
from wherry.ui.bridge import Bridge
from wherry.ui.logind_power import LogindPower
from wherry.ui.power_notice import COUNTDOWN_SECONDS, PowerNotice
from wherry.ui.when_done import Finish, WhenDone, command_lines

BODY = os.urandom(100_000)
# Appends its last argument as one line to the file named by its first.
WRITER = "import sys; open(sys.argv[1], 'a', encoding='utf-8').write(sys.argv[-1] + '\\n')"


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def logind(private_bus, qapp):
    """A fake logind on a private bus: (the connection Wherry uses, the fake)."""
    _server, fake = serve_fake_logind(private_bus, "fake-logind")
    client = QDBusConnection.connectToBus(private_bus, "wherry-power")
    try:
        yield client, fake
    finally:
        QDBusConnection.disconnectFromBus("wherry-power")
        QDBusConnection.disconnectFromBus("fake-logind")


@pytest.mark.parametrize(
    ("command", "paths", "expected"),
    [
        ("notify-send Done", ["/d/a b.iso"], [["notify-send", "Done", "/d/a b.iso"]]),
        ("cp {} '/backup dir/'", ["/d/x;rm -rf ~"], [["cp", "/d/x;rm -rf ~", "/backup dir/"]]),
        ("echo", ["/d/1", "/d/2"], [["echo", "/d/1"], ["echo", "/d/2"]]),
        ("   ", ["/d/1"], []),
    ],
)
def test_the_path_is_always_one_argument_of_its_own(command, paths, expected):
    assert command_lines(command, paths) == expected


def test_command_runs_for_each_finished_file_with_its_path_as_an_argument(
    qtbot, qloop, flaky_server, tmp_path
):
    out = tmp_path / "finished.txt"
    urls = [flaky_server.add(f"/f{i}.bin", BODY) for i in range(2)]
    # Names a shell would break apart or act on; as arguments they are only names.
    names = ["it's a file.bin", "x; touch pwned.bin"]
    command = shlex.join([sys.executable, "-c", WRITER, str(out)])

    async def scenario() -> None:
        async with running_wherry(tmp_path, when_done_command=command, max_active=2) as wherry:
            wherry.when_done.set_choice(Finish.COMMAND)
            assert wherry.window.when_done_label.text() == "When done: run the command"
            held = flaky_server.add("/held.bin", BODY, plan=FaultPlan(gate_after=1024))
            gate = await wherry.engine.add(AddRequest(held, str(tmp_path), filename="held.bin"))
            jobs = [
                await wherry.engine.add(AddRequest(url, str(tmp_path), filename=name))
                for url, name in zip(urls, names, strict=True)
            ]
            for job in jobs:
                await settled(wherry, job, JobState.FINISHED)
            assert not out.exists()  # the queue is not done while held.bin downloads
            flaky_server.release("/held.bin")
            await settled(wherry, gate, JobState.FINISHED)
            await eventually(lambda: out.exists() and len(out.read_text().splitlines()) == 3, what="3 lines")
            written = sorted(out.read_text(encoding="utf-8").splitlines())
            assert written == sorted(str(tmp_path / n) for n in [*names, "held.bin"])
            assert not (Path.cwd() / "pwned.bin").exists()
            assert not (tmp_path / "pwned.bin").exists()
            assert wherry.when_done.choice() is Finish.COMMAND  # stays chosen for the next time

    qloop.run_until_complete(scenario())


def test_a_command_that_cannot_start_says_so(qtbot, qloop):
    engine = FakeEngine([make_job("a.iso", JobState.FINISHED)])
    bridge = Bridge(engine, MemorySettingsStore(), Settings(when_done_command="no-such-program-here --x"))
    when_done = WhenDone(bridge, power=lambda method, done: None)
    when_done.set_choice(Finish.COMMAND)
    with qtbot.waitSignal(when_done.problem, timeout=5000) as problem:
        bridge.deliver(JobFinished(engine.jobs()[0].id, "/downloads/a.iso"))
    assert problem.args == ["Wherry could not run no-such-program-here."]


def test_quit_when_the_last_download_finishes_but_not_when_paused(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/q.bin", BODY, plan=FaultPlan(gate_after=4096))

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            wherry.when_done.set_choice(Finish.QUIT)
            quits: list[bool] = []
            wherry.window.quit_requested.connect(lambda: quits.append(True))
            started = Expect(wherry.bridge.job_started)
            job = await wherry.engine.add(AddRequest(url, str(tmp_path)))
            await started.wait()
            await wherry.engine.pause(job.id)
            await wherry.bridge.drain()
            assert quits == []  # paused is not finished
            flaky_server.set_plan("/q.bin", FaultPlan())
            quit_requested = Expect(wherry.window.quit_requested)
            await wherry.engine.resume(job.id)
            await quit_requested.wait()
            assert wherry.when_done.choice() is Finish.NOTHING  # once only

    qloop.run_until_complete(scenario())


def _finishing_bridge(power) -> tuple[FakeEngine, Bridge, WhenDone, Ticks]:
    engine = FakeEngine([make_job("a.iso", JobState.RUNNING), make_job("b.iso", JobState.RUNNING)])
    bridge = Bridge(engine, MemorySettingsStore(), Settings())
    ticks = Ticks()
    return engine, bridge, WhenDone(bridge, power=power, clock=ticks), ticks


def _finish(engine: FakeEngine, bridge: Bridge, index: int) -> None:
    job = engine.jobs()[index]
    job.state = JobState.FINISHED
    bridge.deliver(JobFinished(job.id, f"/downloads/{job.filename}"))


def test_power_off_goes_to_logind_after_the_countdown(qtbot, qloop, logind):
    client, fake = logind
    engine, bridge, when_done, ticks = _finishing_bridge(LogindPower(client))
    when_done.set_choice(Finish.POWER_OFF)
    _finish(engine, bridge, 0)
    assert when_done.notice is None  # b.iso still runs
    with qtbot.waitSignal(when_done.notice_opened, timeout=5000) as opened:
        _finish(engine, bridge, 1)
    notice = opened.args[0]
    assert isinstance(notice, PowerNotice)
    assert notice.label.text() == "All downloads are done. The computer will power off in 30 seconds."
    ticks.now += COUNTDOWN_SECONDS - 1
    notice.tick()
    assert notice.label.text() == "All downloads are done. The computer will power off in 1 second."
    assert fake.calls == []
    ticks.now += 1
    notice.tick()
    assert not notice.isVisible()
    qtbot.waitUntil(lambda: fake.calls == [("PowerOff", True)], timeout=5000)
    assert when_done.choice() is Finish.NOTHING


def test_cancelling_the_notice_keeps_the_computer_on(qtbot, qloop, logind):
    client, fake = logind
    engine, bridge, when_done, ticks = _finishing_bridge(LogindPower(client))
    when_done.set_choice(Finish.SUSPEND)
    _finish(engine, bridge, 0)
    with qtbot.waitSignal(when_done.notice_opened, timeout=5000) as opened:
        engine.jobs()[1].state = JobState.FAILED
        bridge.deliver(JobFailed(engine.jobs()[1].id, ErrorKind.NETWORK, "Connection refused."))
    notice = opened.args[0]
    assert "sleep in 30 seconds" in notice.label.text()
    assert notice.cancel_button.isDefault()
    with qtbot.waitSignal(when_done.message, timeout=5000) as message:
        notice.cancel_button.click()
    assert message.args == ["Cancelled; the computer stays on."]
    ticks.now += 10 * COUNTDOWN_SECONDS
    notice.tick()  # a stray tick after cancelling sends nothing
    # Proof the bus works and nothing was queued on it: a later request arrives alone.
    sent: list[str] = []
    power = LogindPower(client)
    power("Suspend", sent.append)
    qtbot.waitUntil(lambda: sent == [""], timeout=5000)
    assert fake.calls == [("Suspend", True)]


def test_logind_refusing_is_one_sentence(qtbot, qloop, private_bus):
    client = QDBusConnection.connectToBus(private_bus, "wherry-no-logind")  # no logind on this bus
    try:
        answers: list[str] = []
        power = LogindPower(client)
        power("PowerOff", answers.append)
        qtbot.waitUntil(lambda: bool(answers), timeout=10000)
    finally:
        QDBusConnection.disconnectFromBus("wherry-no-logind")
    assert answers[0].startswith("The system did not let Wherry power off the computer: ")
    assert answers[0].count("\n") == 0


def test_the_menu_offers_the_command_only_once_one_is_set(qtbot, qloop):
    engine = FakeEngine()
    bridge = Bridge(engine, MemorySettingsStore(), Settings())
    when_done = WhenDone(bridge, power=lambda method, done: None)
    menu = when_done.menu()
    qtbot.addWidget(menu)
    actions = {action.objectName(): action for action in menu.actions()}
    assert actions["when_done_nothing"].isChecked()  # never anything else at the start
    assert not actions["when_done_command"].isEnabled()
    bridge.apply_settings(Settings(when_done_command="notify-send Done"))
    assert actions["when_done_command"].isEnabled()
    actions["when_done_poweroff"].trigger()
    assert when_done.choice() is Finish.POWER_OFF
    assert when_done.status() == "When done: power off"
    when_done.set_choice(Finish.NOTHING)
    assert actions["when_done_nothing"].isChecked()
    assert when_done.status() == ""


def test_the_notice_brings_the_window_out_of_the_tray_and_sleep_now_asks_at_once(
    qtbot, qloop, flaky_server, tmp_path
):
    url = flaky_server.add("/last.bin", BODY)
    sent: list[str] = []

    async def scenario() -> None:
        power = {"power": lambda method, done: (sent.append(method), done(""))}
        async with running_wherry(tmp_path, power) as wherry:
            wherry.window.hide()  # in the tray, as overnight
            wherry.when_done.set_choice(Finish.SUSPEND)
            opened = Expect(wherry.when_done.notice_opened)
            job = await wherry.engine.add(AddRequest(url, str(tmp_path)))
            await settled(wherry, job, JobState.FINISHED)
            (notice,) = await opened.wait()
            assert wherry.window.isVisible()
            assert notice.isVisible()
            assert sent == []
            notice.now_button.click()
            assert sent == ["Suspend"]
            assert wherry.window.when_done_label.isHidden()  # back to "do nothing"

    qloop.run_until_complete(scenario())
