"""Categories in the window: the add dialog says which rule picked the folder, the download
lands there, hand-offs are sorted too, and the rules are edited on their Settings page."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QDialogButtonBox, QTableWidgetItem
from ui_async import Expect, running_wherry, settled

from tests.helpers.flaky_server import FlakyServer
from wherry.core import JobState, Settings
from wherry.core.categories import DEFAULT_CATEGORY_RULES, CategoryRule, folder_for
from wherry.ui.add_dialog import AddDialog
from wherry.ui.settings_dialog import SettingsDialog

BODY = os.urandom(50_000)
ON = Settings(categories_enabled=True)


def _picker(url: str, folder: str, name: str | None):
    return folder_for(ON, url, folder, name)


def test_add_dialog_shows_the_rule_and_uses_its_folder(qtbot, tmp_path):
    base = str(tmp_path / "Downloads")
    dialog = AddDialog(["https://e.org/debian.iso"], base, categories=_picker)
    qtbot.addWidget(dialog)
    assert dialog.category_box.isChecked()
    assert dialog.category_label.text() == f"Category “Disk images”: saved in {base}/Disk images"
    assert [r.directory for r in dialog.requests()] == [f"{base}/Disk images"]

    dialog.filename_edit.setText("renamed.mkv")  # the name the user gives decides
    assert dialog.category_label.text() == f"Category “Video”: saved in {base}/Video"
    dialog.filename_edit.clear()

    dialog.urls_edit.setPlainText("https://e.org/debian.iso\nhttps://e.org/a.zip\nhttps://e.org/index.html")
    assert dialog.category_label.text() == (
        "Sorted into “Archives”, “Disk images”; the others are saved in the folder above."
    )
    assert [r.directory for r in dialog.requests()] == [f"{base}/Disk images", f"{base}/Archives", base]

    dialog.category_box.setChecked(False)  # sorting can be declined for this one add
    assert [r.directory for r in dialog.requests()] == [base] * 3
    assert dialog.category_label.text() == "Everything is saved in the folder above."


def test_without_categories_the_dialog_shows_no_hint(qtbot, tmp_path):
    dialog = AddDialog(["https://e.org/debian.iso"], str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.category_box.isHidden()
    assert dialog.category_label.isHidden()
    assert [r.directory for r in dialog.requests()] == [str(tmp_path)]


def test_a_download_added_in_the_window_lands_in_its_category_folder(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/pub/tool.AppImage", BODY)
    downloads = tmp_path / "Downloads"

    async def scenario() -> None:
        async with running_wherry(downloads, categories_enabled=True) as wherry:
            dialog = wherry.window.commands.open_add_dialog([url])
            assert dialog.category_label.text() == f"Category “Programs”: saved in {downloads}/Programs"
            added = Expect(wherry.bridge.job_added)
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
            (job_id,) = await added.wait()
            job = await settled(wherry, wherry.engine.job(job_id), JobState.FINISHED)
            assert job.target == downloads / "Programs" / "tool.AppImage"
            assert job.target.read_bytes() == BODY
            # The next dialog starts in the folder typed, not in the category's folder.
            again = wherry.window.commands.open_add_dialog([])
            assert again.directory_edit.text() == str(downloads)
            again.reject()

    qloop.run_until_complete(scenario())


def test_urls_handed_over_from_another_launch_are_sorted_too(
    qtbot, qloop, flaky_server: FlakyServer, tmp_path
):
    iso, page = flaky_server.add("/boot.iso", BODY), flaky_server.add("/notes.txt", BODY)

    async def scenario() -> None:
        async with running_wherry(tmp_path, categories_enabled=True) as wherry:
            wherry.window.commands.receive_urls([iso, page])
            await wherry.bridge.drain()
            jobs = {job.url: job for job in wherry.engine.jobs()}
            assert jobs[iso].directory == str(tmp_path / "Disk images")
            assert jobs[page].directory == str(tmp_path)
            for job in jobs.values():
                await settled(wherry, job, JobState.FINISHED)
            assert (tmp_path / "Disk images" / "boot.iso").read_bytes() == BODY

    qloop.run_until_complete(scenario())


def test_rules_are_edited_on_the_categories_page(qtbot, tmp_path):
    dialog = SettingsDialog(Settings(), str(tmp_path))
    qtbot.addWidget(dialog)
    page = dialog.categories_page
    assert dialog.tabs.tabText(dialog.tabs.indexOf(page)) == "Categories"
    assert not page.enabled.isChecked()
    assert len(page.rules()) == len(DEFAULT_CATEGORY_RULES)

    page.enabled.setChecked(True)
    page.add_rule()
    row = page.table.rowCount() - 1
    page.table.setItem(row, 0, QTableWidgetItem("Hugging Face"))
    page.table.setItem(row, 1, QTableWidgetItem("huggingface.co/"))
    page.table.setItem(row, 2, QTableWidgetItem(str(tmp_path / "hf")))
    page.table.setCurrentCell(row, 0)
    for _ in range(row):
        page.move_rule(-1)  # to the top, so it wins over the extension rules
    page.add_rule()  # left without patterns or folder: not kept
    page.table.setCurrentCell(1, 0)  # "Models"
    page.remove_rule()

    saved = dialog.settings()
    assert saved.categories_enabled
    rules = [CategoryRule(*triple) for triple in saved.category_rules]
    assert rules[0] == CategoryRule("Hugging Face", "huggingface.co/", str(tmp_path / "hf"))
    assert "Models" not in [rule.name for rule in rules]
    assert len(rules) == len(DEFAULT_CATEGORY_RULES)
    hf = folder_for(saved, "https://huggingface.co/o/m/resolve/main/m.gguf", str(tmp_path))
    assert hf.directory == str(tmp_path / "hf")

    page.restore_defaults()
    assert dialog.settings().category_rules == DEFAULT_CATEGORY_RULES


def test_schedule_and_clipboard_options_round_trip_through_the_dialog(qtbot, tmp_path):
    chosen = Settings(
        schedule_enabled=True,
        schedule_days=("sat", "sun"),
        schedule_start="02:30",
        schedule_stop="",
        limit_schedule_enabled=True,
        limit_schedule_rate=300 * 1024,
        clipboard_watch=True,
        clipboard_extensions=(".iso", ".tar.*"),
        when_done_command="notify-send Done",
    )
    dialog = SettingsDialog(chosen, str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.settings() == chosen
    page = dialog.schedule_page
    assert not page.stop_time.isEnabled()
    page.schedule_days.boxes["mon"].setChecked(True)
    page.stop_box.setChecked(True)
    assert page.stop_time.isEnabled()
    page.limit_enabled.setChecked(False)
    assert not page.limit_rate.isEnabled()
    dialog.clipboard_extensions.setText(".iso, .gguf  .iso")
    changed = dialog.settings()
    assert changed.schedule_days == ("mon", "sat", "sun")
    assert changed.schedule_stop == "07:00"
    assert not changed.limit_schedule_enabled
    assert changed.clipboard_extensions == (".iso", ".gguf")
    assert (
        changed.with_changes(
            schedule_days=chosen.schedule_days,
            schedule_stop="",
            limit_schedule_enabled=True,
            clipboard_extensions=chosen.clipboard_extensions,
        )
        == chosen
    )
