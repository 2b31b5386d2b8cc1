"""Clipboard watching on the real (offscreen) clipboard: a copied download link opens the add
dialog; other links, Wherry's own copies and a switched-off watcher open nothing."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QGuiApplication
from ui_async import eventually, running_wherry

from wherry.core import AddRequest
from wherry.ui.clipboard_watch import wanted_urls

ISO = "https://127.0.0.1:9/pub/debian-12.5.0-amd64-netinst.iso"


def _dialog_urls(wherry) -> list[str]:
    dialog = wherry.window.commands.add_dialog
    return dialog.urls_edit.toPlainText().splitlines() if dialog is not None else []


def test_wanted_urls_follow_the_extensions():
    urls = [ISO, "https://e.org/page.html", "https://e.org/src.tar.zst", "https://e.org/m.GGUF?x=1"]
    assert wanted_urls(urls, (".iso", ".tar.*", ".gguf")) == [urls[0], urls[2], urls[3]]
    assert wanted_urls(urls, ()) == []


def test_a_copied_download_link_opens_the_add_dialog_pre_filled(qtbot, qloop, tmp_path):
    clipboard = QGuiApplication.clipboard()

    async def scenario() -> None:
        async with running_wherry(tmp_path, clipboard_watch=True) as wherry:
            clipboard.setText("https://example.org/about.html")  # not a file we want
            clipboard.setText(f"see {ISO} and https://example.org/x.zip")
            await eventually(lambda: wherry.window.commands.add_dialog is not None, what="the add dialog")
            assert _dialog_urls(wherry) == [ISO, "https://example.org/x.zip"]
            assert wherry.window.commands.add_dialog.isVisible()

            # A link dragged from a browser arrives as a URL list; it joins the open dialog.
            mime = QMimeData()
            mime.setUrls([QUrl("https://example.org/model.safetensors")])
            clipboard.setMimeData(mime)
            await eventually(lambda: len(_dialog_urls(wherry)) == 3, what="the third URL")
            assert _dialog_urls(wherry)[-1] == "https://example.org/model.safetensors"
            wherry.window.commands.add_dialog.reject()
            clipboard.setText("")  # a QMimeData from Python left on the clipboard crashes PySide6 at exit

    qloop.run_until_complete(scenario())


def test_what_wherry_copies_itself_is_ignored(qtbot, qloop, tmp_path):
    clipboard = QGuiApplication.clipboard()
    own = "https://127.0.0.1:9/own-copy.iso"

    async def scenario() -> None:
        async with running_wherry(tmp_path, clipboard_watch=True) as wherry:
            job = await wherry.engine.add(AddRequest(own, str(tmp_path), start_paused=True))
            wherry.window.select_ids([job.id])
            wherry.window.view.setFocus()
            wherry.window.actions_by_name["copy_url"].trigger()
            assert clipboard.text() == own
            assert wherry.window.commands.add_dialog is None
            # The watcher is still on: the next link from elsewhere opens the dialog, alone.
            clipboard.setText(ISO)
            await eventually(lambda: wherry.window.commands.add_dialog is not None, what="the add dialog")
            assert _dialog_urls(wherry) == [ISO]
            wherry.window.commands.add_dialog.reject()

    qloop.run_until_complete(scenario())


def test_off_by_default_and_follows_the_setting(qtbot, qloop, tmp_path):
    clipboard = QGuiApplication.clipboard()

    async def scenario() -> None:
        async with running_wherry(tmp_path) as wherry:
            assert not wherry.bridge.settings.clipboard_watch
            clipboard.setText(ISO)
            assert wherry.window.commands.add_dialog is None
            wherry.bridge.apply_settings(wherry.bridge.settings.with_changes(clipboard_watch=True))
            clipboard.setText(ISO + "?mirror=2")
            await eventually(lambda: wherry.window.commands.add_dialog is not None, what="the add dialog")
            assert _dialog_urls(wherry) == [ISO + "?mirror=2"]
            wherry.window.commands.add_dialog.reject()

    qloop.run_until_complete(scenario())
