"""`wherry --install-desktop` / `--uninstall-desktop` as real processes under a private XDG_DATA_HOME."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

from wherry.desktop import APP_ID
from wherry.desktop.install import ICON_SIZES, install, is_registered, uninstall

REPO = Path(__file__).resolve().parents[2]


def _wherry(*args: str, data_home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_DATA_HOME=str(data_home), PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "wherry", *args], env=env, capture_output=True, text=True, timeout=60
    )


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_install_puts_entry_icons_and_metainfo_under_xdg_data_home_and_uninstall_removes_them(tmp_path):
    home = tmp_path / "share"
    (home / "applications").mkdir(parents=True)
    (home / "applications" / "someone-else.desktop").write_text("[Desktop Entry]\n")
    done = _wherry("--install-desktop", data_home=home)
    assert done.returncode == 0, done.stderr
    assert "applications menu" in done.stdout
    files = _files(home)
    assert f"applications/{APP_ID}.desktop" in files
    assert f"metainfo/{APP_ID}.metainfo.xml" in files
    assert f"icons/hicolor/scalable/apps/{APP_ID}.svg" in files
    for size in ICON_SIZES:
        assert f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in files
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(home / "applications" / f"{APP_ID}.desktop", encoding="utf-8")
    command = entry["Desktop Entry"]["Exec"]
    assert command.endswith(" %U")
    assert Path(command.split()[0].strip('"')).is_absolute()  # works even when wherry is not on PATH

    gone = _wherry("--uninstall-desktop", data_home=home)
    assert gone.returncode == 0, gone.stderr
    left = {f for f in _files(home) if not f.endswith(("mimeinfo.cache", "icon-theme.cache"))}
    assert left == {"applications/someone-else.desktop"}
    assert not (home / "metainfo").exists()
    assert not (home / "icons" / "hicolor" / "512x512").exists()


def test_uninstall_keeps_a_file_changed_since_install_and_is_a_no_op_without_install(tmp_path):
    home = tmp_path / "share"
    install(home, ["wherry"])
    changed = home / f"metainfo/{APP_ID}.metainfo.xml"
    changed.write_text("mine now")
    result = uninstall(home)
    assert f"metainfo/{APP_ID}.metainfo.xml" in result.kept
    assert changed.read_text() == "mine now"
    assert not (home / "applications" / f"{APP_ID}.desktop").exists()
    assert uninstall(home).files == ()


def test_is_registered_sees_the_user_menu_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "system"))
    assert not is_registered()
    install(command=["wherry"])
    assert is_registered()
    uninstall()
    assert not is_registered()
