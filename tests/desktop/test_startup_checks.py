"""A window that cannot start says why in one sentence, before Qt aborts with a core dump."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

from wherry.desktop.libraries import missing_libraries, needed, packages_for
from wherry.desktop.startup import Probe, _connects, window_problem

REPO = Path(__file__).resolve().parents[2]
QT = Path(PySide6.__file__).parent / "Qt"
XCB_PLUGIN = QT / "plugins" / "platforms" / "libqxcb.so"


def _run_wherry(env_changes: dict[str, str | None]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "wherry"], env=env, capture_output=True, text=True, timeout=60
    )


def _unused_x_display() -> str:
    """A TCP X display on loopback where nothing listens (port 6000 + N)."""
    for number in range(90, 140):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", 6000 + number)) != 0:
                return f"127.0.0.1:{number}"
    pytest.fail("no free X display number on loopback")


@pytest.mark.parametrize("platform", [None, "xcb"])
def test_no_display_is_one_sentence_and_a_clean_non_zero_exit(platform):
    result = _run_wherry({"QT_QPA_PLATFORM": platform})
    assert result.returncode > 0  # an exit code, not a signal (a negative code would be SIGABRT)
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "wherry: Wherry's window needs a desktop session, and "
        + (
            "none was found (neither DISPLAY nor WAYLAND_DISPLAY is set)"
            if platform is None
            else "DISPLAY is not set"
        )
        + "; `wherry get URL` downloads without one."
    ]


def test_missing_libxcb_cursor_is_named_with_its_package_per_distribution(tmp_path):
    # An unloadable libxcb-cursor.so.0 first on the loader's path: dlopen finds it and fails
    # ("file too short"), exactly as Qt's own load of the xcb plugin would.
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "libxcb-cursor.so.0").write_bytes(b"")
    result = _run_wherry({"DISPLAY": _unused_x_display(), "LD_LIBRARY_PATH": str(hidden)})
    assert result.returncode > 0
    assert len(result.stderr.strip().splitlines()) == 1
    sentence = result.stderr
    assert "libxcb-cursor.so.0" in sentence
    # Other missing libraries of this machine may be listed beside it, package by package.
    assert re.search(r"libxcb-cursor0[^,;]* on Debian/Ubuntu", sentence)
    assert re.search(r"xcb-util-cursor[^,;]* on Fedora", sentence)
    assert re.search(r"xcb-util-cursor[^,;]* on Arch", sentence)
    assert "`wherry get URL` downloads without them." in sentence


def test_the_xcb_plugin_needs_libxcb_cursor_read_from_its_elf_header():
    assert "libxcb-cursor.so.0" in needed(XCB_PLUGIN)
    assert "libQt6XcbQpa.so.6" in needed(XCB_PLUGIN)


def test_missing_libraries_follows_qt_own_libraries_and_loads_system_ones(tmp_path):
    # Qt's folder hidden too: its libraries are then system names that do not load.
    assert "libQt6XcbQpa.so.6" in missing_libraries(XCB_PLUGIN, [tmp_path])
    found = missing_libraries(XCB_PLUGIN, [QT / "lib"])
    assert "libQt6XcbQpa.so.6" not in found
    assert "libc.so.6" not in found


def test_a_refusing_x_display_is_a_sentence(monkeypatch):
    display = _unused_x_display()
    assert not _connects("xcb", display)  # real libxcb, real connect to loopback
    probe = Probe(missing=lambda platform: [], os_release=lambda: "")
    sentence = window_problem({"DISPLAY": display}, probe)
    assert sentence == (
        f"Wherry's window needs a desktop session, and the X11 display {display} did not accept a "
        "connection; `wherry get URL` downloads without one."
    )


def test_wayland_session_without_xcb_libraries_uses_wayland():
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    probe = Probe(
        missing=lambda platform: ["libxcb-cursor.so.0"] if platform == "xcb" else [],
        connects=lambda platform, display: True,
    )
    assert window_problem(env, probe) is None
    assert env["QT_QPA_PLATFORM"] == "wayland"
    only_wayland = {"WAYLAND_DISPLAY": "wayland-0"}
    assert window_problem(only_wayland, probe) is None
    assert only_wayland["QT_QPA_PLATFORM"] == "wayland"


def test_a_working_x11_session_is_left_to_qt():
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    probe = Probe(missing=lambda platform: [], connects=lambda platform, display: True)
    assert window_problem(env, probe) is None
    assert "QT_QPA_PLATFORM" not in env


def test_offscreen_and_other_chosen_platforms_are_not_checked():
    def refuse(*_):
        raise AssertionError("no check for offscreen")

    assert window_problem({"QT_QPA_PLATFORM": "offscreen"}, Probe(missing=refuse, connects=refuse)) is None


@pytest.mark.parametrize(
    ("os_release", "first"),
    [
        ('ID=ubuntu\nID_LIKE="debian"\n', "libxcb-cursor0 on Debian/Ubuntu"),
        ("ID=fedora\n", "xcb-util-cursor on Fedora"),
        ("ID=arch\n", "xcb-util-cursor on Arch"),
        ("", "libxcb-cursor0 on Debian/Ubuntu"),
    ],
)
def test_packages_name_this_systems_family_first(os_release, first):
    text = packages_for(["libxcb-cursor.so.0"], os_release)
    assert text.startswith(first)
    assert text.count(" on ") == 3
