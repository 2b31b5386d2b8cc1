"""Clipboard watching: a copied download link opens the add dialog (off unless turned on).

Only URLs whose file name ends like one of the chosen extensions count, so copying a web page's
address does nothing. What Wherry copies itself (Copy URL) is noted on the clipboard object and
ignored. (Not by a MIME type of our own: a QMimeData made in Python and handed to the clipboard
crashes PySide6 when the application exits.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QClipboard, QGuiApplication

from wherry.core.categories import file_name_of, name_matches
from wherry.ui.bridge import Bridge
from wherry.ui.url_input import is_download_url, urls_from_text

__all__ = ["OWN_COPY_PROPERTY", "ClipboardWatcher", "copy_text", "wanted_urls"]

log = logging.getLogger(__name__)

# A dynamic property of the QClipboard: the text Wherry put there last, so the watcher knows it.
OWN_COPY_PROPERTY = "wherry_copied_text"


def copy_text(text: str, clipboard: QClipboard | None = None) -> None:
    """Put ``text`` on the clipboard as Wherry's own copy."""
    board = clipboard or QGuiApplication.clipboard()
    board.setProperty(OWN_COPY_PROPERTY, text)  # before: the change is announced inside setText
    board.setText(text)


def wanted_urls(urls: Sequence[str], extensions: Sequence[str]) -> list[str]:
    """The URLs whose file name ends with one of ``extensions``."""
    return [url for url in urls if name_matches(file_name_of(url), extensions)]


class ClipboardWatcher(QObject):
    """Opens the add dialog (through ``open_urls``) for download links copied elsewhere."""

    def __init__(
        self,
        bridge: Bridge,
        open_urls: Callable[[list[str]], object],
        clipboard: QClipboard | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._open_urls = open_urls
        self._clipboard = clipboard or QGuiApplication.clipboard()
        self._last_text: str | None = None
        self._clipboard.dataChanged.connect(self._changed)

    def _changed(self) -> None:
        settings = self._bridge.settings
        if not settings.clipboard_watch:
            return
        mime = self._clipboard.mimeData()
        if mime is None:
            return
        # Some desktops announce the same contents more than once; one dialog is enough.
        text = mime.text()
        if text == self._last_text:
            return
        self._last_text = text
        if text == self._clipboard.property(OWN_COPY_PROPERTY):
            return
        # Links only: a file copied in a file manager is not read (unlike a drop or a paste).
        copied = [u.toString() for u in mime.urls() if not u.isLocalFile() and is_download_url(u.toString())]
        urls = wanted_urls(copied or urls_from_text(text), settings.clipboard_extensions)
        if urls:
            log.info("Clipboard: %d download link(s) copied", len(urls))
            self._open_urls(urls)
