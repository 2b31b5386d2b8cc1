"""File names: make a server's suggestion safe, and find a free name in the chosen folder."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Collection
from pathlib import Path

__all__ = ["FALLBACK_NAME", "inside", "sanitize_filename", "unique_name"]

FALLBACK_NAME = "download"
_MAX_BYTES = 240  # leaves room for " (99)" and ".part" under the usual 255-byte limit
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def sanitize_filename(raw: str | None) -> str:
    """A name that is safe as one path component on every desktop OS, never empty.

    Servers control Content-Disposition, so the name may try to climb out of the folder
    (``../../x``), carry separators of either OS, control characters or reserved device names.
    """
    if not raw:
        return FALLBACK_NAME
    name = unicodedata.normalize("NFC", raw)
    # Keep only the last component, whichever separator the server used.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _FORBIDDEN.sub("_", name)
    if not name.isascii():  # ASCII has no format or separator characters; its controls are gone
        name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    name = name.strip().strip(". ")
    if name.upper().split(".", 1)[0] in _WINDOWS_RESERVED:
        name = "_" + name
    if name.endswith(".part"):
        # A finished file must never look like Wherry's own partial file.
        name = name[: -len(".part")] + "_part"
    name = _truncate_utf8(name)
    return name or FALLBACK_NAME


def _truncate_utf8(name: str) -> str:
    if len(name.encode("utf-8")) <= _MAX_BYTES:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 16:
        stem, ext = name, ""
    budget = _MAX_BYTES - len(ext.encode("utf-8")) - (1 if ext else 0)
    cut = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(". ")
    return f"{cut}.{ext}" if ext else cut


def _numbered(name: str, n: int) -> str:
    path = Path(name)
    suffixes = "".join(path.suffixes[-2:]) if path.suffixes[-2:-1] == [".tar"] else path.suffix
    stem = name[: len(name) - len(suffixes)] if suffixes else name
    return f"{stem} ({n}){suffixes}"


def unique_name(
    directory: Path | str,
    name: str,
    taken: Collection[str] = (),
    exists: Callable[[str], bool] = os.path.lexists,
) -> str:
    """``name``, or ``name (1).ext``, ``name (2).ext``… — the first free in ``directory``.

    A name is taken when a file or its ``.part`` exists, or another job already claimed it.
    """
    folder = os.fspath(directory)
    candidate = name
    for n in range(1, 10_000):
        path = os.path.join(folder, candidate)
        if candidate not in taken and not exists(path) and not exists(path + ".part"):
            return candidate
        candidate = _numbered(name, n)
    raise FileExistsError(f"No free name for {name} in {directory}")


def inside(directory: Path, name: str) -> bool:
    """True when ``directory / name`` stays inside ``directory`` after resolving links."""
    base = directory.resolve()
    return (base / name).resolve().parent == base
