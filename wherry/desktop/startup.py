"""Checks run before the QApplication exists, so a window that cannot start says why in one sentence.

Qt aborts (SIGABRT, a core dump) when its platform plugin cannot load or reach a display, and
its message names neither the missing system package nor the headless alternative. Here the
chosen plugin's libraries are loaded as the dynamic loader will load them, and the display is
connected to, with the same libraries Qt uses; a Wayland session whose X11 libraries are
missing is sent to Qt's Wayland plugin instead of failing.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from wherry.desktop.libraries import missing_libraries, packages_for

__all__ = ["HEADLESS_HINT", "Probe", "window_problem"]

log = logging.getLogger(__name__)

HEADLESS_HINT = "`wherry get URL` downloads without one"  # one: a desktop session
_PLUGINS = {"xcb": "libqxcb.so", "wayland": "libqwayland.so"}
_KINDS = {"xcb": "X11", "wayland": "Wayland"}


def _qt_folders() -> tuple[Path, list[Path]]:
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    libraries = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath)), plugins.parent / "lib"]
    if hasattr(sys, "_MEIPASS"):
        libraries.append(Path(sys._MEIPASS))
    return plugins, libraries


def _missing(platform: str) -> list[str]:
    plugins, libraries = _qt_folders()
    plugin = plugins / "platforms" / _PLUGINS[platform]
    if not plugin.is_file():
        return []  # a Qt built without this plugin reports that itself
    try:
        return missing_libraries(plugin, libraries)
    except (OSError, ValueError, IndexError):
        log.exception("Could not read what %s needs", plugin)
        return []


def _connects(platform: str, display: str) -> bool:
    """Open and close a connection to the display the way Qt's plugin will (libxcb / libwayland)."""
    try:
        if platform == "xcb":
            xcb = ctypes.CDLL("libxcb.so.1")
            xcb.xcb_connect.restype = ctypes.c_void_p
            xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
            xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
            xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
            connection = xcb.xcb_connect(display.encode(), ctypes.byref(ctypes.c_int()))
            failed = xcb.xcb_connection_has_error(connection) != 0
            xcb.xcb_disconnect(connection)  # also frees the error object xcb hands back
            return not failed
        wayland = ctypes.CDLL("libwayland-client.so.0")
        wayland.wl_display_connect.restype = ctypes.c_void_p
        wayland.wl_display_connect.argtypes = [ctypes.c_char_p]
        wayland.wl_display_disconnect.argtypes = [ctypes.c_void_p]
        connection = wayland.wl_display_connect(display.encode())
        if not connection:
            return False
        wayland.wl_display_disconnect(connection)
        return True
    except (OSError, AttributeError):
        return False  # the library itself is missing: the library check names it


def _os_release() -> str:
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            return Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return ""


@dataclass(frozen=True)
class Probe:
    """How the checks look at the system; tests replace parts to stage a situation."""

    missing: Callable[[str], list[str]] = _missing
    connects: Callable[[str, str], bool] = _connects
    os_release: Callable[[], str] = _os_release


def _missing_sentence(platform: str, libraries: list[str], os_release: str) -> str:
    several = len(libraries) > 1
    return (
        f"Wherry's window cannot start because the system {'libraries' if several else 'library'} "
        f"{', '.join(libraries)} that Qt's {_KINDS[platform]} support needs "
        f"{'are' if several else 'is'} missing: install {packages_for(libraries, os_release)}; "
        "`wherry get URL` downloads without them."
    )


def _no_session(detail: str) -> str:
    return f"Wherry's window needs a desktop session, and {detail}; {HEADLESS_HINT}."


def _check(platform: str, display: str, probe: Probe) -> str | None:
    missing = probe.missing(platform)
    if missing:
        return _missing_sentence(platform, missing, probe.os_release())
    if not probe.connects(platform, display):
        kind = _KINDS[platform]
        return _no_session(f"the {kind} display {display} did not accept a connection")
    return None


def window_problem(env: MutableMapping[str, str] | None = None, probe: Probe | None = None) -> str | None:
    """The sentence saying why the window cannot start here, or None when it can.

    May set ``QT_QPA_PLATFORM=wayland`` in ``env`` (os.environ by default): a Wayland session
    whose X11 libraries are missing runs on Wayland.
    """
    env = os.environ if env is None else env
    probe = probe or Probe()
    requested = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if requested and requested not in _PLUGINS:
        return None  # offscreen, vnc, eglfs…: the person chose a platform that needs no session
    x_display, wayland_display = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if requested == "xcb" or (not requested and x_display and not wayland_display):
        if not x_display:
            return _no_session("DISPLAY is not set")
        return _check("xcb", x_display, probe)
    if requested == "wayland" or (not requested and wayland_display):
        if not wayland_display:
            return _no_session("WAYLAND_DISPLAY is not set")
        wayland = _check("wayland", wayland_display, probe)
        if requested or not x_display:
            # Without DISPLAY, X11 cannot work: make sure Qt does not try it first.
            if wayland is None and not requested:
                env["QT_QPA_PLATFORM"] = "wayland"
            return wayland
        xcb = _check("xcb", x_display, probe)
        if xcb is None:
            return None
        if wayland is None:
            env["QT_QPA_PLATFORM"] = "wayland"
            return None
        return xcb
    return _no_session("none was found (neither DISPLAY nor WAYLAND_DISPLAY is set)")
