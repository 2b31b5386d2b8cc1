"""History and statistics: Clear Finished keeps files, the ledger feeds the Statistics window,
and the list goes out and comes back in as JSON, aria2 input or plain URLs."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette
from ui_async import Expect, running_wherry, settled

from tests.helpers.flaky_server import FaultPlan
from wherry.core import AddRequest, ChecksumSpec, ErrorKind, JobState
from wherry.core.list_formats import ListFormat, read_aria2
from wherry.core.statistics import Outcome
from wherry.ui.columns import format_size
from wherry.ui.statistics_view import DailyChart, nice_scale

BODY = os.urandom(400_000)
OTHER = os.urandom(90_000)


async def _download(wherry, request: AddRequest, state: JobState = JobState.FINISHED):
    added = Expect(wherry.bridge.job_added)
    wherry.bridge.add([request])
    (job_id,) = await added.wait()
    return await settled(wherry, wherry.engine.job(job_id), state)


def test_clear_finished_takes_them_out_of_the_list_and_keeps_their_files(
    qtbot, qloop, flaky_server, tmp_path
):
    a = flaky_server.add("/a.iso", BODY)
    b = flaky_server.add("/b.iso", OTHER)
    held = flaky_server.add("/held.iso", BODY, plan=FaultPlan(always_status=404))

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            d = str(tmp_path / "dl")
            first = await _download(wherry, AddRequest(url=a, directory=d))
            second = await _download(wherry, AddRequest(url=b, directory=d))
            failed = await _download(wherry, AddRequest(url=held, directory=d), JobState.FAILED)
            removed = Expect(wherry.bridge.job_removed, lambda job_id: job_id == second.id)
            wherry.window.actions_by_name["clear_finished"].trigger()
            await removed.wait()
            await wherry.bridge.drain()
            assert [job.id for job in wherry.engine.jobs()] == [failed.id]
            assert first.target.read_bytes() == BODY
            assert second.target.read_bytes() == OTHER
            assert (
                "Cleared 2 finished downloads; the files are kept."
                in wherry.window.statusBar().currentMessage()
            )
            # The statistics outlive the list.
            outcomes = [(t.job_id, t.outcome) for t in wherry.window.list_commands.transfers.load_transfers()]
            assert (first.id, Outcome.FINISHED) in outcomes
            assert (second.id, Outcome.FINISHED) in outcomes

    qloop.run_until_complete(scenario())


def test_statistics_show_bytes_today_savings_from_resume_and_failures_by_cause(
    qtbot, qloop, flaky_server, tmp_path
):
    gated = flaky_server.add("/big.iso", BODY, plan=FaultPlan(gate_after=150_000))
    missing = flaky_server.add("/gone.iso", OTHER, plan=FaultPlan(always_status=404))

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl", connections=1) as wherry:
            d = str(tmp_path / "dl")
            started = Expect(wherry.bridge.job_started)
            wherry.bridge.add([AddRequest(url=gated, directory=d)])
            (job_id,) = await started.wait()
            engine = wherry.engine
            assert await asyncio.to_thread(flaky_server.wait_gate, "/big.iso", 15)
            paused = Expect(wherry.bridge.job_paused)
            wherry.bridge.pause([job_id])
            await paused.wait()
            kept = engine.job(job_id).bytes_done
            assert 0 < kept < len(BODY)
            flaky_server.set_plan("/big.iso", FaultPlan())
            wherry.bridge.resume([job_id])
            job = await settled(wherry, engine.job(job_id), JobState.FINISHED)
            assert job.target.read_bytes() == BODY
            await _download(wherry, AddRequest(url=missing, directory=d), JobState.FAILED)

            dialog = wherry.window.list_commands.open_statistics()
            assert dialog is not None
            today = dialog.chart.days[-1]
            assert today[0] == date.today()
            assert today[1] == len(BODY)  # the paused run's bytes plus the resumed run's
            assert len(dialog.chart.days) == 30
            transfers = wherry.window.list_commands.transfers.load_transfers()
            assert sum(t.saved for t in transfers) == kept
            assert dialog.saved_label.text() == format_size(kept)
            assert dialog.month_label.text() == format_size(len(BODY))
            rows = [
                (dialog.failures.topLevelItem(i).text(0), dialog.failures.topLevelItem(i).text(1))
                for i in range(dialog.failures.topLevelItemCount())
            ]
            assert rows == [("Not found", "1")]
            assert dialog.finished_label.text() == "1"

    qloop.run_until_complete(scenario())


@pytest.mark.parametrize("fmt", list(ListFormat))
def test_exported_list_imports_into_a_fresh_wherry_with_checksums_and_mirrors(
    qtbot, qloop, flaky_server, tmp_path, fmt, monkeypatch
):
    url = flaky_server.add("/disc.iso", BODY)
    mirror = flaky_server.add("/mirror/disc.iso", BODY)
    digest = ChecksumSpec("sha256", hashlib.sha256(BODY).hexdigest())
    exported = tmp_path / f"list.{ {'json': 'json', 'aria2': 'aria2', 'urls': 'txt'}[fmt.value] }"
    first_home, second_home = tmp_path / "home1", tmp_path / "home2"

    async def export() -> None:
        async with running_wherry(tmp_path / "dl1") as wherry:
            request = AddRequest(url=url, directory=str(tmp_path / "dl1"), checksum=digest, mirrors=(mirror,))
            await _download(wherry, request)
            assert wherry.window.list_commands.export_to(exported, fmt)

    async def import_() -> list:
        async with running_wherry(tmp_path / "dl2") as wherry:
            added = Expect(wherry.bridge.job_added)
            requests = wherry.window.list_commands.import_from(exported)
            assert len(requests) == 1
            (job_id,) = await added.wait()
            return [await settled(wherry, wherry.engine.job(job_id), JobState.FINISHED)]

    monkeypatch.setenv("WHERRY_HOME", str(first_home))
    qloop.run_until_complete(export())
    text = exported.read_text()
    if fmt is ListFormat.JSON:
        (item,) = json.loads(text)["downloads"]
        assert item == {
            "url": url,
            "mirrors": [mirror],
            "filename": "disc.iso",
            "directory": str(tmp_path / "dl1"),
            "checksum": str(digest),
        }
    elif fmt is ListFormat.ARIA2:
        assert text.splitlines()[0] == f"{url}\t{mirror}"
        assert f"  checksum=sha-256={digest.hexdigest}" in text.splitlines()
        assert read_aria2(text)[0].filename == "disc.iso"
    else:
        assert text == url + "\n"

    (tmp_path / "dl1" / "disc.iso").unlink()  # as on another computer (else it is a duplicate)
    monkeypatch.setenv("WHERRY_HOME", str(second_home))
    (job,) = qloop.run_until_complete(import_())
    assert job.target.read_bytes() == BODY
    if fmt is ListFormat.URLS:
        assert job.checksum is None
        assert job.directory == str(tmp_path / "dl2")  # a URL list names no folder
    else:
        assert job.checksum == digest
        assert [m.url for m in job.mirrors] == [mirror]
        assert job.directory == str(tmp_path / "dl1")


def test_importing_what_is_already_listed_asks_about_the_duplicates(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/disc.iso", BODY)
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# two downloads\n{url}\n\n")

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            await _download(wherry, AddRequest(url=url, directory=str(tmp_path / "dl")))
            wherry.window.list_commands.import_from(listing)
            prompt = wherry.window.commands.duplicate_prompt
            assert prompt is not None
            assert "“disc.iso” is already in the list." in prompt.text()

    qloop.run_until_complete(scenario())


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (
            "https://ok.example/a\nnot a url\n",
            "urls.txt could not be read. Line 2: “not a url” is not a web address.",
        ),
        (b"\xff\xfe\x00garbage", "urls.txt is not a text file."),
    ],
)
def test_an_unreadable_list_is_one_sentence_and_adds_nothing(qtbot, qloop, tmp_path, content, sentence):
    listing = tmp_path / "urls.txt"
    if isinstance(content, bytes):
        listing.write_bytes(content)
    else:
        listing.write_text(content)

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            assert wherry.window.list_commands.import_from(listing) == []
            box = wherry.window.commands.message_box
            assert box is not None
            assert box.text() == sentence
            await wherry.bridge.drain()
            assert wherry.engine.jobs() == []

    qloop.run_until_complete(scenario())


def test_export_to_a_folder_that_cannot_be_written_says_so_and_leaves_nothing(qtbot, qloop, tmp_path):
    target = tmp_path / "missing" / "list.json"

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            assert not wherry.window.list_commands.export_to(target, ListFormat.JSON)
            assert wherry.window.commands.message_box.text().startswith(f"Wherry could not write {target}")

    qloop.run_until_complete(scenario())
    assert not target.parent.exists()


@pytest.mark.parametrize(
    ("peak", "top"),
    [
        (0, 1),
        (7, 10),
        (11, 20),
        (999, 1000),
        (1_999, 2 * 1024),
        (4_200_000, 5 * 1024**2),
        (9 * 10**9, 10 * 1024**3),
    ],
)
def test_the_chart_scale_is_a_round_number_of_the_shown_unit_above_the_peak(peak, top):
    assert nice_scale(peak) == top


def test_the_chart_draws_a_bar_per_day_as_tall_as_its_share(qtbot):
    chart = DailyChart()
    qtbot.addWidget(chart)
    chart.resize(620, 240)
    today = date(2026, 12, 1)
    days = tuple((today - timedelta(days=29 - n), 0) for n in range(30))
    days = (*days[:-2], (days[-2][0], 500_000), (today, 1_000_000))
    chart.set_days(days)
    full, half, empty = chart.bar_rect(29), chart.bar_rect(28), chart.bar_rect(0)
    assert empty.height() == 0
    assert abs(half.height() * 2 - full.height()) <= 2
    image = chart.grab().toImage()
    bar = QColor(chart.palette().color(QPalette.ColorRole.Highlight))
    assert image.pixelColor(full.center()) == bar
    assert image.pixelColor(QPoint(empty.center().x(), full.center().y())) != bar
    assert chart.bar_at(full.center()) == 29
    assert chart.bar_at(QPoint(0, 0)) is None


class _MemoryLedger:
    def __init__(self) -> None:
        self.transfers: list = []

    def record(self, transfer) -> None:
        self.transfers.append(transfer)

    def load_transfers(self) -> list:
        return list(self.transfers)


@pytest.mark.parametrize(
    ("history", "restarted", "fetched", "saved"),
    [
        ("Finished.", False, 600, 400),
        ("An identical file was already at /lib/a.iso; it was copied instead of downloaded.", False, 0, 1000),
        ("Finished.", True, 1000, 0),
    ],
    ids=["resumed", "reused copy", "restarted from zero"],
)
def test_a_run_counts_what_came_over_the_network_and_what_was_saved(qapp, history, restarted, fetched, saved):
    from datetime import UTC, datetime

    from ui_doubles import FakeEngine, MemorySettingsStore, make_job

    from wherry.core import Settings
    from wherry.ui.bridge import Bridge
    from wherry.ui.transfer_recorder import TransferRecorder

    job = make_job("a.iso", JobState.RUNNING, size=1000, done=400)
    engine = FakeEngine([job])
    engine.history = lambda job_id: [(datetime.now(UTC), history)]
    bridge = Bridge(engine, MemorySettingsStore(), Settings())
    ledger = _MemoryLedger()
    TransferRecorder(bridge, ledger)
    bridge.job_started.emit(job.id)
    if restarted:
        bridge.job_changed.emit(job.id, "restarted")
    job.segments[0].done = 1000
    bridge.job_finished.emit(job.id, "/downloads/a.iso")
    (transfer,) = ledger.transfers
    assert (transfer.outcome, transfer.fetched, transfer.saved) == (Outcome.FINISHED, fetched, saved)


def test_failures_and_closing_mid_run_are_recorded(qapp):
    from ui_doubles import FakeEngine, MemorySettingsStore, make_job

    from wherry.core import Settings
    from wherry.ui.bridge import Bridge
    from wherry.ui.transfer_recorder import TransferRecorder

    failing, running = make_job("f.iso", done=100), make_job("r.iso", done=0)
    engine = FakeEngine([failing, running])
    bridge = Bridge(engine, MemorySettingsStore(), Settings())
    ledger = _MemoryLedger()
    recorder = TransferRecorder(bridge, ledger)
    bridge.job_started.emit(failing.id)
    bridge.job_started.emit(running.id)
    failing.segments[0].done = 300
    bridge.job_failed.emit(failing.id, ErrorKind.NOT_FOUND.value, "Not found.")
    running.segments[0].done = 50
    recorder.flush()
    assert [(t.outcome, t.fetched, t.error_kind) for t in ledger.transfers] == [
        (Outcome.FAILED, 200, ErrorKind.NOT_FOUND),
        (Outcome.STOPPED, 50, None),
    ]
