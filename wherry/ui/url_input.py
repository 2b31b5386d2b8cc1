"""Finding URLs in what people give Wherry: pasted text, dropped data, `.txt` lists, arguments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl

__all__ = [
    "METALINK_SUFFIXES",
    "is_download_url",
    "metalinks_from_arguments",
    "urls_from_arguments",
    "urls_from_mime",
    "urls_from_text",
]

_SCHEMES = ("http", "https", "ftp")
_LIST_LIMIT = 1024 * 1024  # a URL list larger than this is not a URL list
METALINK_SUFFIXES = (".metalink", ".meta4")


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


def _local_path(word: str, cwd: Path | None) -> Path:
    # A file manager passes opened files to %U as file:// URIs, a shell as paths.
    url = QUrl(word)
    path = Path(url.toLocalFile()) if url.isLocalFile() else Path(word)
    if not path.is_absolute() and cwd is not None:
        path = cwd / path
    return path


def _is_metalink(path: Path) -> bool:
    return path.suffix.lower() in METALINK_SUFFIXES


def urls_from_arguments(arguments: Sequence[str], cwd: Path | None = None) -> list[str]:
    """Command-line words: URLs as they are, and ``.txt`` files read as lists of URLs."""
    found: list[str] = []
    for word in arguments:
        if is_download_url(word):
            found.append(word.strip())
            continue
        path = _local_path(word, cwd)
        if path.is_file() and not _is_metalink(path):
            found.extend(_read_list(path))
    return _unique(found)


def metalinks_from_arguments(arguments: Sequence[str], cwd: Path | None = None) -> list[str]:
    """The ``.metalink`` / ``.meta4`` files among command-line words, as absolute paths."""
    found = []
    for word in arguments:
        if is_download_url(word):
            continue
        path = _local_path(word, cwd)
        if _is_metalink(path) and path.is_file():
            found.append(str(path.absolute()))
    return _unique(found)
