"""``wherry --install-desktop``: the menu entry, icons and AppStream file for the current user.

Files go under ``$XDG_DATA_HOME`` (default ``~/.local/share``), as the XDG base-directory spec
says user data does. A manifest records each file written and its digest, so
``--uninstall-desktop`` removes exactly those, and never a file someone else put there since.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from wherry.desktop import APP_ID

__all__ = [
    "DesktopInstallError",
    "Installed",
    "data_home",
    "install",
    "is_registered",
    "launcher",
    "source_root",
    "uninstall",
]

log = logging.getLogger(__name__)

ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
_MANIFEST = Path("wherry") / "desktop-files.json"
_CACHE_TIMEOUT = 30


class DesktopInstallError(Exception):
    """Registration could not be done; ``str()`` is one sentence for the person."""


@dataclass(frozen=True)
class Installed:
    """What one install or uninstall touched, relative to ``root`` (the data home)."""

    root: Path
    files: tuple[str, ...]
    kept: tuple[str, ...] = ()  # changed since we wrote them, so left alone


def data_home() -> Path:
    # The spec ignores a relative XDG_DATA_HOME.
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def source_root() -> Path:
    """The folder holding packaging/ and resources/: the bundle, the installed share/, or a checkout."""
    here = Path(__file__).resolve()
    candidates = [
        Path(getattr(sys, "_MEIPASS", here.parents[2])),
        Path(sys.prefix) / "share" / "wherry",
        here.parents[2],
    ]
    for root in candidates:
        if (root / "packaging" / f"{APP_ID}.desktop").is_file():
            return root
    raise DesktopInstallError("Wherry's desktop files are missing from this installation; reinstall Wherry.")


def launcher() -> list[str]:
    """The command that starts this Wherry, so the menu entry works even off $PATH (a venv)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.prefix) / "bin" / "wherry"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which("wherry")
    return [found] if found else [sys.executable, "-m", "wherry"]


def _desktop_entry(template: str, command: list[str]) -> str:
    # Desktop Entry spec: Exec arguments are quoted with double quotes when they need it.
    quoted = " ".join(f'"{part}"' if any(c in part for c in " \"'\\$`") else part for part in command)
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec=wherry"):
            line = "Exec=" + quoted + line[len("Exec=wherry") :]
        elif line.startswith("TryExec="):
            line = "TryExec=" + command[0]
        lines.append(line)
    return "\n".join(lines) + "\n"


def _contents(root: Path, command: list[str]) -> dict[str, bytes]:
    """Relative target path → bytes to write."""
    packaging, resources = root / "packaging", root / "resources"
    files = {
        f"applications/{APP_ID}.desktop": _desktop_entry(
            (packaging / f"{APP_ID}.desktop").read_text(encoding="utf-8"), command
        ).encode(),
        f"metainfo/{APP_ID}.metainfo.xml": (packaging / f"{APP_ID}.metainfo.xml").read_bytes(),
        f"icons/hicolor/scalable/apps/{APP_ID}.svg": (resources / "wherry.svg").read_bytes(),
    }
    for size in ICON_SIZES:
        png = resources / "icons" / f"{size}x{size}" / "wherry.png"
        files[f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"] = png.read_bytes()
    return files


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refresh_caches(home: Path) -> None:
    """Tell the menu and the icon theme about the change, where those tools exist."""
    steps = (
        ("update-desktop-database", ["-q", str(home / "applications")]),
        # -t: a user's hicolor folder has no index.theme of its own.
        ("gtk-update-icon-cache", ["-q", "-t", "-f", str(home / "icons" / "hicolor")]),
    )
    for tool, arguments in steps:
        path = shutil.which(tool)
        if path is None:
            continue
        try:
            subprocess.run([path, *arguments], check=False, capture_output=True, timeout=_CACHE_TIMEOUT)
        except (OSError, subprocess.SubprocessError):
            log.warning("%s failed; the menu may show Wherry only after logging in again", tool)


def install(home: Path | None = None, command: list[str] | None = None) -> Installed:
    """Write the menu entry, icons and metainfo under ``home``; reinstalling replaces our own files."""
    home = home or data_home()
    files = _contents(source_root(), command or launcher())
    manifest = home / _MANIFEST
    try:
        for relative, data in files.items():
            target = home / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(target.name + ".wherry-tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
        manifest.parent.mkdir(parents=True, exist_ok=True)
        record = {relative: _digest(data) for relative, data in files.items()}
        manifest.write_text(json.dumps({"app_id": APP_ID, "files": record}, indent=1), encoding="utf-8")
    except OSError as error:
        raise DesktopInstallError(
            f"Wherry could not be added to the applications menu: {error.strerror or error} ({home})."
        ) from error
    _refresh_caches(home)
    return Installed(home, tuple(files))


def uninstall(home: Path | None = None) -> Installed:
    """Remove the files the manifest lists (unchanged ones only), then the folders left empty."""
    home = home or data_home()
    manifest = home / _MANIFEST
    try:
        record = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        assert isinstance(record, dict)
    except FileNotFoundError:
        return Installed(home, ())
    except (OSError, ValueError, KeyError, AssertionError) as error:
        raise DesktopInstallError(
            f"The record of Wherry's desktop files ({manifest}) is unreadable."
        ) from error
    removed, kept = [], []
    for relative, digest in record.items():
        target = home / relative
        try:
            if _digest(target.read_bytes()) != digest:
                kept.append(relative)
                continue
            target.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            raise DesktopInstallError(f"Wherry could not remove {target}: {error.strerror}.") from error
        removed.append(relative)
        _prune(target.parent, home)
    manifest.unlink()
    _prune(manifest.parent, home)
    _refresh_caches(home)
    return Installed(home, tuple(removed), tuple(kept))


def _prune(folder: Path, home: Path) -> None:
    """Remove ``folder`` and its parents up to ``home`` while they are empty (ours, then)."""
    while folder != home and home in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty: something else lives there
        folder = folder.parent


def is_registered() -> bool:
    """A menu entry for Wherry exists for this user or system-wide."""
    dirs = [data_home(), *(Path(p) for p in os.environ.get("XDG_DATA_DIRS", "").split(":") if p)]
    if not os.environ.get("XDG_DATA_DIRS"):
        dirs += [Path("/usr/local/share"), Path("/usr/share")]
    return any((d / "applications" / f"{APP_ID}.desktop").is_file() for d in dirs)
