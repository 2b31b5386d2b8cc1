"""Finding URLs in what people give Wherry: pasted text, dropped data, `.txt` lists, arguments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl

__all__ = ["is_download_url", "urls_from_arguments", "urls_from_mime", "urls_from_text"]

_SCHEMES = ("http", "https", "ftp")
_LIST_LIMIT = 1024 * 1024  # a URL list larger than this is not a URL list


def is_download_url(text: str) -> bool:
    """An absolute http(s)/ftp URL with a host."""
    url = QUrl(text.strip(), QUrl.ParsingMode.StrictMode)
    return url.isValid() and url.scheme().lower() in _SCHEMES and bool(url.host())


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def urls_from_text(text: str) -> list[str]:
    """The download URLs in ``text``, one per line or separated by spaces; comments (#) skipped."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        found.extend(word for word in line.split() if is_download_url(word))
    return _unique(found)


def _read_list(path: Path) -> list[str]:
    try:
        if path.stat().st_size > _LIST_LIMIT:
            return []
        return urls_from_text(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []


def urls_from_mime(mime: QMimeData) -> list[str]:
    """URLs from dropped or pasted data: a uri-list, plain text, or local ``.txt`` files listing URLs."""
    found: list[str] = []
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                if path.suffix.lower() == ".txt" and path.is_file():
                    found.extend(_read_list(path))
            elif is_download_url(url.toString()):
                found.append(url.toString())
    if not found and mime.hasText():
        found.extend(urls_from_text(mime.text()))
    return _unique(found)


def urls_from_arguments(arguments: Sequence[str], cwd: Path | None = None) -> list[str]:
    """Command-line words: URLs as they are, and ``.txt`` files read as lists of URLs."""
    found: list[str] = []
    for word in arguments:
        if is_download_url(word):
            found.append(word.strip())
            continue
        path = Path(word)
        if not path.is_absolute() and cwd is not None:
            path = cwd / path
        if path.is_file():
            found.extend(_read_list(path))
    return _unique(found)
