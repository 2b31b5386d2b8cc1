"""Download lists as files: a plain list of URLs, aria2's input file, and Wherry's JSON.

Pure text in, text out, so the window's Export/Import and the command line share them.

aria2's input file (aria2c(1), "Input File"): each download is one line of URIs separated by
TABs (the first is the primary, the rest are mirrors), followed by option lines that begin with
white space, such as ``  out=name``, ``  dir=/path`` and ``  checksum=sha-256=HEX``. Lines
starting with ``#`` are comments. Options Wherry has no use for are skipped, not refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from wherry.core.errors import ErrorKind, InputError
from wherry.core.jobs import ALGORITHMS, ChecksumSpec

__all__ = [
    "ListEntry",
    "ListFormat",
    "format_for_name",
    "read_aria2",
    "read_json",
    "read_list",
    "read_url_list",
    "sniff_format",
    "write_aria2",
    "write_json",
    "write_list",
    "write_url_list",
]

JSON_VERSION = 1

# aria2 writes digest names with a dash (sha-256); Wherry's have none.
_TO_ARIA2 = {"md5": "md5", "sha1": "sha-1", "sha256": "sha-256", "sha512": "sha-512"}


class ListFormat(StrEnum):
    URLS = "urls"  # one URL per line
    ARIA2 = "aria2"  # aria2c --input-file
    JSON = "json"  # Wherry's own, with checksums and mirrors


@dataclass(frozen=True)
class ListEntry:
    """One download in a list file; ``directory`` None means "the folder the importer chooses"."""

    url: str
    mirrors: tuple[str, ...] = ()
    filename: str | None = None
    directory: str | None = None
    checksum: ChecksumSpec | None = None


def format_for_name(name: str) -> ListFormat:
    """Guess the format from a file name: ``.json``, aria2's usual ``.aria2``/``.input``, else URLs."""
    lower = name.lower()
    if lower.endswith(".json"):
        return ListFormat.JSON
    if lower.endswith((".aria2", ".input", ".aria2.txt")):
        return ListFormat.ARIA2
    return ListFormat.URLS


def sniff_format(text: str) -> ListFormat:
    """Tell the format from the content: JSON starts with a brace or bracket; an indented
    ``name=value`` line is an aria2 option; anything else is a list of URLs."""
    head = text.lstrip()
    if head.startswith(("{", "[")):
        return ListFormat.JSON
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and "=" in line and not line.lstrip().startswith("#"):
            return ListFormat.ARIA2
    return ListFormat.URLS


def _bad(sentence: str) -> InputError:
    return InputError(ErrorKind.BAD_INPUT, sentence)


def _check_url(url: str, where: str) -> str:
    if not url.startswith(("http://", "https://")) or any(c.isspace() for c in url):
        raise _bad(f"{where}: “{url}” is not a web address.")
    return url


# -- plain URL list ------------------------------------------------------------------------------


def write_url_list(entries: Iterable[ListEntry]) -> str:
    return "".join(f"{entry.url}\n" for entry in entries)


def read_url_list(text: str) -> list[ListEntry]:
    """One URL per line; blank lines and ``#`` comments are skipped."""
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            entries.append(ListEntry(_check_url(line, f"Line {number}")))
    return entries


# -- aria2 input file ----------------------------------------------------------------------------


def _one_line(value: str, what: str) -> str:
    if "\n" in value or "\r" in value or value != value.strip():
        raise ValueError(f"{what} {value!r} cannot be written on one option line")
    return value


def write_aria2(entries: Iterable[ListEntry]) -> str:
    lines = []
    for entry in entries:
        lines.append("\t".join([entry.url, *entry.mirrors]))
        if entry.directory:
            lines.append(f"  dir={_one_line(entry.directory, 'folder')}")
        if entry.filename:
            lines.append(f"  out={_one_line(entry.filename, 'name')}")
        if entry.checksum is not None:
            lines.append(f"  checksum={_TO_ARIA2[entry.checksum.algorithm]}={entry.checksum.hexdigest}")
    return "".join(line + "\n" for line in lines)


def _aria2_checksum(value: str, where: str) -> ChecksumSpec:
    algorithm, sep, digest = value.partition("=")
    if not sep:
        raise _bad(f"{where}: write the checksum as TYPE=DIGEST, for example sha-256=0123abcd….")
    name = algorithm.strip().lower().replace("-", "")
    if name not in ALGORITHMS:
        raise _bad(f"{where}: Wherry cannot check {algorithm.strip()} checksums.")
    try:
        return ChecksumSpec.parse(digest, name)
    except InputError as error:
        raise _bad(f"{where}: {error.message}") from error


def read_aria2(text: str) -> list[ListEntry]:
    """aria2's input file; options other than ``out``, ``dir`` and ``checksum`` are ignored."""
    entries: list[ListEntry] = []
    current: dict[str, Any] | None = None

    def close() -> None:
        if current is not None:
            entries.append(ListEntry(**current))

    for number, raw in enumerate(text.splitlines(), start=1):
        where = f"Line {number}"
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0] in " \t":
            if current is None:
                raise _bad(f"{where}: an option comes before any URL.")
            key, sep, value = raw.strip().partition("=")
            if not sep:
                raise _bad(f"{where}: an option line needs NAME=VALUE.")
            key, value = key.strip(), value.strip()
            if key == "out" and value:
                current["filename"] = value
            elif key == "dir" and value:
                current["directory"] = value
            elif key == "checksum":
                current["checksum"] = _aria2_checksum(value, where)
            continue
        close()
        uris = [_check_url(uri, where) for uri in raw.strip().split("\t") if uri.strip()]
        current = {"url": uris[0], "mirrors": tuple(dict.fromkeys(u for u in uris[1:] if u != uris[0]))}
    close()
    return entries


# -- JSON ----------------------------------------------------------------------------------------


def write_json(entries: Iterable[ListEntry]) -> str:
    downloads = []
    for entry in entries:
        item: dict[str, Any] = {"url": entry.url}
        if entry.mirrors:
            item["mirrors"] = list(entry.mirrors)
        if entry.filename:
            item["filename"] = entry.filename
        if entry.directory:
            item["directory"] = entry.directory
        if entry.checksum is not None:
            item["checksum"] = str(entry.checksum)
        downloads.append(item)
    return json.dumps({"wherry": JSON_VERSION, "downloads": downloads}, indent=2, ensure_ascii=False) + "\n"


def _text_field(item: dict[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise _bad(f"{where}: “{key}” must be text.")
    return value


def read_json(text: str) -> list[ListEntry]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise _bad(f"The list is not valid JSON (line {getattr(error, 'lineno', '?')}).") from error
    items = data.get("downloads") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise _bad("The JSON list needs a “downloads” array.")
    entries = []
    for number, item in enumerate(items, start=1):
        where = f"Download {number}"
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise _bad(f"{where} has no URL.")
        mirrors = item.get("mirrors", [])
        if not isinstance(mirrors, list) or not all(isinstance(m, str) for m in mirrors):
            raise _bad(f"{where}: “mirrors” must be a list of URLs.")
        checksum_text = _text_field(item, "checksum", where)
        try:
            checksum = ChecksumSpec.parse(checksum_text) if checksum_text else None
        except InputError as error:
            raise _bad(f"{where}: {error.message}") from error
        entries.append(
            ListEntry(
                url=_check_url(item["url"], where),
                mirrors=tuple(_check_url(m, where) for m in mirrors),
                filename=_text_field(item, "filename", where),
                directory=_text_field(item, "directory", where),
                checksum=checksum,
            )
        )
    return entries


_READERS = {ListFormat.URLS: read_url_list, ListFormat.ARIA2: read_aria2, ListFormat.JSON: read_json}
_WRITERS = {ListFormat.URLS: write_url_list, ListFormat.ARIA2: write_aria2, ListFormat.JSON: write_json}


def read_list(text: str, fmt: ListFormat) -> list[ListEntry]:
    """Entries from ``text``; InputError with one sentence naming the line when it cannot be read."""
    return _READERS[fmt](text)


def write_list(entries: Sequence[ListEntry], fmt: ListFormat) -> str:
    return _WRITERS[fmt](entries)
