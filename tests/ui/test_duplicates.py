"""Adding what is already there asks: open the existing one, download again, or replace it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from ui_async import Expect, running_wherry, settled

from wherry.core import AddRequest, Job, JobState
from wherry.ui.duplicates import Choice, DuplicatePrompt, find_duplicates, free_name, resolve

OLD = os.urandom(120_000)
NEW = os.urandom(150_000)


def _request(url: str, directory: str = "/dl", **fields) -> AddRequest:
    return AddRequest(url=url, directory=directory, **fields)


def _job(url: str, state: JobState = JobState.FINISHED, filename: str | None = "a.iso") -> Job:
    return Job(url=url, directory="/dl", filename=filename, state=state)


@pytest.mark.parametrize(
    ("request_", "jobs", "on_disk", "expected"),
    [
        (_request("https://h/a.iso"), [_job("https://h/a.iso")], set(), [("a.iso", True, False)]),
        (_request("https://h/a.iso#top"), [_job("https://h/a.iso")], set(), [("a.iso", True, False)]),
        (_request("https://h/a.iso"), [_job("https://h/a.iso", JobState.CANCELLED)], set(), []),
        (_request("https://h/a.iso"), [_job("https://h/b.iso", filename="b.iso")], set(), []),
        (_request("https://h/files/a%20b.iso"), [], {"/dl/a b.iso"}, [("a b.iso", False, True)]),
        (_request("https://h/x", filename="mine.bin"), [], {"/dl/mine.bin"}, [("mine.bin", False, True)]),
        (_request("https://h/a.iso", overwrite=True), [_job("https://h/a.iso")], {"/dl/a.iso"}, []),
        # The listed job's own name counts, not the URL's tail (the server may have named it).
        (
            _request("https://h/get?id=7"),
            [_job("https://h/get?id=7", filename="r.pdf")],
            set(),
            [("r.pdf", True, False)],
        ),
    ],
    ids=[
        "same url",
        "fragment ignored",
        "cancelled ignored",
        "other url",
        "file on disk",
        "named file",
        "overwrite",
        "server name",
    ],
)
def test_duplicates_are_found_by_url_and_by_file(request_, jobs, on_disk, expected):
    found = find_duplicates([request_], jobs, exists=lambda path: str(path) in on_disk)
    assert [(d.name, d.job is not None, d.path is not None) for d in found] == expected


@pytest.mark.parametrize(
    ("name", "present", "expected"),
    [
        ("a.iso", {"a.iso"}, "a (1).iso"),
        ("a.iso", {"a.iso", "a (1).iso", "a (2).iso.part"}, "a (3).iso"),
        ("src.tar.gz", {"src.tar.gz"}, "src (1).tar.gz"),
        ("README", {"README"}, "README (1)"),
    ],
)
def test_a_new_name_is_the_first_free_numbered_one(name, present, expected):
    assert free_name("/dl", name, exists=lambda path: path.name in present) == expected


def test_each_answer_becomes_its_actions():
    job = _job("https://h/a.iso")
    (dup,) = find_duplicates([_request("https://h/a.iso")], [job], exists=lambda p: False)
    assert resolve([dup], Choice.CANCEL, [job]).add == ()
    opened = resolve([dup], Choice.OPEN, [job])
    assert opened.show_jobs == (job.id,)
    assert opened.add == ()
    again = resolve([dup], Choice.RENAME, [job])
    assert [(r.filename, r.overwrite) for r in again.add] == [("a (1).iso", False)]
    replaced = resolve([dup], Choice.REPLACE, [job])
    assert [(r.filename, r.overwrite) for r in replaced.add] == [("a.iso", True)]
    assert replaced.remove == (job.id,)


def test_the_prompt_names_the_file_and_offers_three_ways(qtbot):
    (dup,) = find_duplicates([_request("https://h/a.iso")], [_job("https://h/a.iso")], exists=lambda p: False)
    prompt = DuplicatePrompt([dup])
    qtbot.addWidget(prompt)
    assert "“a.iso” is already in the list." in prompt.text()
    texts = [b.text() for b in prompt.buttons()]
    assert {"Open Existing", "Download Again", "Replace"} <= set(texts)
    assert prompt.choice() is Choice.CANCEL  # closed without an answer adds nothing


# -- the real window, engine and server ----------------------------------------------------------


async def _finished_once(wherry, url: str) -> Job:
    added = Expect(wherry.bridge.job_added)
    wherry.bridge.add([AddRequest(url=url, directory=wherry.bridge.settings.download_dir)])
    (job_id,) = await added.wait()
    return await settled(wherry, wherry.engine.job(job_id), JobState.FINISHED)


def _ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def _answer(window, choice: Choice) -> None:
    prompt = window.commands.duplicate_prompt
    assert prompt is not None, "a duplicate must be asked about, not added silently"
    assert prompt.isVisible()
    prompt.buttons_by_choice[choice].click()


def _via_add_dialog(window, url: str) -> None:
    window.commands.open_add_dialog([url])
    _ok(window.commands.add_dialog)


def _via_paste(window, url: str) -> None:
    QGuiApplication.clipboard().setText(url)
    window.actions_by_name["paste"].trigger()
    _ok(window.commands.add_dialog)


def _via_drop(window, url: str) -> None:
    mime = QMimeData()
    mime.setText(url)
    position = QPointF(window.rect().center())
    flags, no_button, no_mod = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, QDragEnterEvent(position.toPoint(), flags, mime, no_button, no_mod))
    QApplication.sendEvent(window, QDropEvent(position, flags, mime, no_button, no_mod))
    _ok(window.commands.add_dialog)


def _via_hand_off(window, url: str) -> None:
    window.commands.receive_urls([url])


DOORS = {"add dialog": _via_add_dialog, "paste": _via_paste, "drop": _via_drop, "hand-off": _via_hand_off}


@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent.*:DeprecationWarning")
@pytest.mark.parametrize("door", DOORS)
def test_download_again_keeps_both_files_under_a_numbered_name(qtbot, qloop, flaky_server, tmp_path, door):
    url = flaky_server.add("/disc.iso", OLD)

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            first = await _finished_once(wherry, url)
            flaky_server.add("/disc.iso", NEW)
            DOORS[door](wherry.window, url)
            assert len(wherry.engine.jobs()) == 1  # nothing added before the answer
            added = Expect(wherry.bridge.job_added)
            _answer(wherry.window, Choice.RENAME)
            (job_id,) = await added.wait()
            second = await settled(wherry, wherry.engine.job(job_id), JobState.FINISHED)
            assert second.target == Path(first.directory, "disc (1).iso")
            assert first.target.read_bytes() == OLD
            assert second.target.read_bytes() == NEW

    qloop.run_until_complete(scenario())


def test_replace_takes_the_old_entry_out_and_overwrites_its_file(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/disc.iso", OLD)

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            first = await _finished_once(wherry, url)
            flaky_server.add("/disc.iso", NEW)
            _via_add_dialog(wherry.window, url)
            removed = Expect(wherry.bridge.job_removed)
            added = Expect(wherry.bridge.job_added)
            _answer(wherry.window, Choice.REPLACE)
            assert (await removed.wait()) == (first.id,)
            (job_id,) = await added.wait()
            second = await settled(wherry, wherry.engine.job(job_id), JobState.FINISHED)
            assert [job.id for job in wherry.engine.jobs()] == [second.id]
            assert second.target == first.target
            assert second.target.read_bytes() == NEW
            assert sorted(p.name for p in second.target.parent.iterdir()) == ["disc.iso"]

    qloop.run_until_complete(scenario())


def test_open_existing_selects_it_and_adds_nothing(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/disc.iso", OLD)
    other = flaky_server.add("/other.iso", NEW)

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            first = await _finished_once(wherry, url)
            await _finished_once(wherry, other)
            window = wherry.window
            window.select_ids([])
            window.search.setText("other")  # the existing one is filtered out of view
            _via_hand_off(window, url)
            _answer(window, Choice.OPEN)
            assert window.selected_ids() == [first.id]
            assert window.search.text() == ""
            await wherry.bridge.drain()
            assert len(wherry.engine.jobs()) == 2

    qloop.run_until_complete(scenario())


def test_a_file_on_disk_that_is_not_in_the_list_is_asked_about_too(
    qtbot, qloop, flaky_server, tmp_path, monkeypatch
):
    url = flaky_server.add("/notes.pdf", NEW)
    (tmp_path / "dl").mkdir()
    kept = tmp_path / "dl" / "notes.pdf"
    kept.write_bytes(OLD)
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            _via_add_dialog(wherry.window, url)
            prompt = wherry.window.commands.duplicate_prompt
            assert "A file named “notes.pdf” is already in" in prompt.text()
            _answer(wherry.window, Choice.OPEN)
            assert opened == [str(kept)]
            await wherry.bridge.drain()
            assert wherry.engine.jobs() == []
            assert kept.read_bytes() == OLD

    qloop.run_until_complete(scenario())


def test_only_the_duplicates_wait_the_others_are_added_at_once(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/disc.iso", OLD)
    fresh = flaky_server.add("/fresh.iso", NEW)

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            await _finished_once(wherry, url)
            added = Expect(wherry.bridge.job_added)
            wherry.window.commands.receive_urls([url, fresh])
            (job_id,) = await added.wait()
            assert wherry.engine.job(job_id).url == fresh
            _answer(wherry.window, Choice.CANCEL)
            await wherry.bridge.drain()
            assert sorted(job.url for job in wherry.engine.jobs()) == sorted([url, fresh])

    qloop.run_until_complete(scenario())
