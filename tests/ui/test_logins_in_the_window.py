"""The window's side of logins: the add dialog's Advanced part, Change Credentials…, masked
secrets in the details, the proxy setting and where a digest came from."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os

from ui_async import Expect, running_wherry, settled

from tests.helpers.flaky_server import FaultPlan
from wherry.core import AddRequest, ErrorKind, JobState, Settings
from wherry.core.headers import MASK
from wherry.ui.add_dialog import AddDialog
from wherry.ui.job_details import JobDetails
from wherry.ui.request_options import headers_from_text, keep_masked
from wherry.ui.settings_dialog import SettingsDialog

BODY = os.urandom(400_000)
TOKEN = "Bearer hf_window_secret"


def test_advanced_part_carries_headers_cookie_file_and_checksum_url(qtbot, tmp_path):
    cookies = tmp_path / "cookies.txt"
    cookies.write_text("127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tv\n")
    dialog = AddDialog(["https://hub.example/m.bin"], str(tmp_path))
    qtbot.addWidget(dialog)
    assert not dialog.advanced.body.isVisible()
    dialog.advanced.setChecked(True)
    dialog.advanced.fields.headers_edit.setPlainText("Authorization: Bearer t\nX-Team: blue")
    dialog.advanced.fields.all_secret.setChecked(True)
    dialog.advanced.fields.cookie_file.setText(str(cookies))
    dialog.advanced.checksum_url.setText("https://hub.example/SHA256SUMS")
    assert dialog.ok_enabled(), dialog.error_text()
    (request,) = dialog.requests()
    assert request.headers == (("Authorization", "Bearer t"), ("X-Team", "blue"))
    assert set(request.secret_headers) == {"authorization", "x-team"}
    assert request.cookie_file == str(cookies)
    assert request.checksum_url == "https://hub.example/SHA256SUMS"

    dialog.advanced.fields.headers_edit.setPlainText("Bad Header: x")
    assert not dialog.ok_enabled()
    assert "cannot be the name of an HTTP header" in dialog.error_text()
    dialog.advanced.fields.headers_edit.setPlainText("")
    dialog.advanced.fields.cookie_file.setText(str(tmp_path / "missing.txt"))
    assert "does not exist" in dialog.error_text()


def test_masked_lines_keep_their_stored_value():
    edited, problem = headers_from_text(f"Authorization: {MASK}\nX-New: 1")
    assert problem == ""
    assert keep_masked(edited, (("authorization", "Bearer old"),)) == (
        ("Authorization", "Bearer old"),
        ("X-New", "1"),
    )


def test_find_the_checksum_fills_in_the_digest_and_its_source(qtbot, qloop, flaky_server, tmp_path):
    flaky_server.add("/rel/SHA256SUMS", f"{hashlib.sha256(BODY).hexdigest()}  app.tar\n".encode())
    url = flaky_server.add("/rel/app.tar", BODY)

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            dialog = wherry.window.commands.open_add_dialog([url])
            dialog.advanced.setChecked(True)
            dialog.advanced.find_button.click()
            assert dialog.find_task is not None
            await dialog.find_task
            assert dialog.checksum_edit.text() == f"sha256:{hashlib.sha256(BODY).hexdigest()}"
            assert "SHA256SUMS" in dialog.found_label.text()
            (request,) = dialog.requests()
            assert request.checksum_source is not None
            assert request.checksum_source.endswith("/rel/SHA256SUMS")
            (job,) = await wherry.bridge.add(dialog.requests())
            dialog.reject()
            done = await settled(wherry, job, JobState.FINISHED)
            details = JobDetails()
            details.show_job(done, [])
            assert details.fields["checksum"].text().endswith(f"(from {request.checksum_source})")
            details.deleteLater()

    qloop.run_until_complete(scenario())


def test_change_credentials_continues_a_download_that_needs_a_login(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/gated.bin", BODY, plan=FaultPlan(require_headers={"Authorization": TOKEN}))

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            window = wherry.window
            request = AddRequest(url, str(tmp_path / "dl"), headers=(("Authorization", "Bearer expired"),))
            (job,) = await wherry.bridge.add([request])
            failed = await settled(wherry, job, JobState.FAILED)
            assert failed.error_kind is ErrorKind.LOGIN_NEEDED
            window.select_ids([job.id])
            details = JobDetails()
            details.show_job(failed, [])
            assert "expired" not in details.fields["headers"].text()
            assert details.fields["headers"].text() == f"Authorization: {MASK}"
            details.deleteLater()
            assert window.actions_by_name["change_credentials"].isEnabled()
            window.actions_by_name["change_credentials"].trigger()
            dialog = window.commands.credentials_dialog
            assert dialog is not None
            assert "expired" not in dialog.fields.headers_edit.toPlainText()
            dialog.fields.headers_edit.setPlainText(f"Authorization: {TOKEN}")
            changed = Expect(wherry.bridge.job_changed)
            dialog.accept()
            await changed.wait()
            done = await settled(wherry, job, JobState.FINISHED)
            assert done.target.read_bytes() == BODY

    qloop.run_until_complete(scenario())


def test_proxy_setting_keeps_its_password_out_of_sight(qtbot, tmp_path):
    dialog = SettingsDialog(Settings(proxy="socks5h://ann:p%40ss@proxy.example:1080"), str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.proxy.address.text() == "socks5h://proxy.example:1080"
    assert dialog.proxy.user.text() == "ann"
    assert dialog.proxy.password.text() == "p@ss"
    assert dialog.proxy.password.echoMode() == dialog.proxy.password.EchoMode.Password
    assert dialog.settings().proxy == "socks5h://ann:p%40ss@proxy.example:1080"
    dialog.proxy.address.setText("http://other.example:3128")
    dialog.proxy.user.setText("")
    assert dialog.settings().proxy == "http://other.example:3128"


def test_closing_the_dialog_stops_a_search_still_running(qtbot, qloop, flaky_server, tmp_path):
    from tests.helpers.flaky_server import FaultPlan as Plan

    flaky_server.add("/slow/app.tar.sha256", b"x" * 64, plan=Plan(gate_after=0))
    url = flaky_server.add("/slow/app.tar", BODY)

    async def scenario() -> None:
        async with running_wherry(tmp_path / "dl") as wherry:
            dialog = wherry.window.commands.open_add_dialog([url])
            dialog.advanced.setChecked(True)
            dialog.advanced.find_button.click()
            task = dialog.find_task
            assert task is not None
            assert await qloop.run_in_executor(None, flaky_server.wait_gate, "/slow/app.tar.sha256", 10)
            dialog.reject()
            flaky_server.release("/slow/app.tar.sha256")
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
            assert task.cancelled()

    qloop.run_until_complete(scenario())
