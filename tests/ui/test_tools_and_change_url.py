"""The Tools menu opens the Verify and Find dialogs; Change URL gives an expired link a new address."""

from __future__ import annotations

import hashlib
import os

from PySide6.QtWidgets import QMenuBar
from ui_async import Expect, running_wherry, settled

from tests.helpers.flaky_server import FaultPlan
from wherry.core import AddRequest, JobState
from wherry.ui.find_dialog import FindDialog
from wherry.ui.verify_dialog import VerifyDialog

BODY = os.urandom(400_000)


def _menu_texts(window) -> dict[str, list[str]]:
    bar: QMenuBar = window.menuBar()
    return {
        action.text(): [a.text() for a in action.menu().actions() if a.text()]
        for action in bar.actions()
        if action.menu() is not None
    }


def test_tools_menu_opens_verify_with_the_selected_finished_file(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/tool.bin", BODY)

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            window = wherry.window
            assert _menu_texts(window)["&Tools"] == ["&Verify Files…", "&Find by Checksum…"]
            (job,) = await wherry.bridge.add([AddRequest(url, str(tmp_path / "dl"))])
            await settled(wherry, job, JobState.FINISHED)
            window.select_ids([job.id])
            window.actions_by_name["verify_files"].trigger()
            dialogs = window.findChildren(VerifyDialog)
            assert len(dialogs) == 1
            assert dialogs[0].inputs() == [str(job.target)]
            window.actions_by_name["find_checksum"].trigger()
            finders = window.findChildren(FindDialog)
            assert len(finders) == 1
            assert finders[0].isVisible()
            for dialog in (*dialogs, *finders):
                dialog.close()

    qloop.run_until_complete(scenario())


def test_change_url_keeps_the_bytes_when_the_new_address_serves_the_same_file(
    qtbot, qloop, flaky_server, tmp_path
):
    old = flaky_server.add("/old/c.bin", BODY, etag='"same"', plan=FaultPlan(gate_after=100_000))
    new = flaky_server.add("/new/c.bin", BODY, etag='"same"')

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            window = wherry.window
            request = AddRequest(old, str(tmp_path / "dl"), connections=1, checksum=None)
            (job,) = await wherry.bridge.add([request])
            assert await qloop.run_in_executor(None, flaky_server.wait_gate, "/old/c.bin", 10)
            window.select_ids([job.id])
            assert not window.actions_by_name["change_url"].isEnabled()  # running: pause first
            await wherry.bridge.pause([job.id])
            flaky_server.release("/old/c.bin")
            window.select_ids([job.id])
            assert window.actions_by_name["change_url"].isEnabled()
            window.actions_by_name["change_url"].trigger()
            dialog = window.commands.change_url_dialog
            assert dialog is not None
            assert dialog.textValue() == old
            dialog.setTextValue(new)
            changed = Expect(wherry.bridge.job_changed)
            dialog.accept()
            await changed.wait()
            assert "were kept" in window.statusBar().currentMessage() or job.url == new
            assert wherry.engine.job(job.id).url == new
            await wherry.bridge.resume([job.id])
            done = await settled(wherry, job, JobState.FINISHED)
            assert hashlib.sha256(done.target.read_bytes()).digest() == hashlib.sha256(BODY).digest()
            ranges = [r.headers["Range"] for r in flaky_server.requests_for("/new/c.bin", "GET")]
            assert ranges[-1] != "bytes=0-"
            assert not ranges[-1].startswith("bytes=0-")

    qloop.run_until_complete(scenario())
