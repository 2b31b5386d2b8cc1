"""The desktop entry, AppStream metainfo and icons: one application id, valid by the desktop's own tools."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from wherry.desktop import APP_ID
from wherry.desktop.install import ICON_SIZES

REPO = Path(__file__).resolve().parents[2]
ENTRY = REPO / "packaging" / f"{APP_ID}.desktop"
METAINFO = REPO / "packaging" / f"{APP_ID}.metainfo.xml"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing; .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return path


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ENTRY, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_passes_desktop_file_validate():
    result = subprocess.run([_tool("desktop-file-validate"), str(ENTRY)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_metainfo_passes_appstreamcli_validate():
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_application_id_names_entry_icon_wm_class_and_appstream():
    entry = _entry()
    assert entry["Icon"] == APP_ID
    assert entry["StartupWMClass"] == APP_ID
    assert entry["Exec"] == "wherry %U"  # dropped and opened URLs reach the window
    assert entry["Categories"].split(";")[:2] == ["Network", "FileTransfer"]
    assert "download" in entry["Keywords"]
    assert "add-download" in entry["Actions"]
    tree = ET.parse(METAINFO).getroot()
    assert tree.findtext("id") == APP_ID
    assert tree.find("launchable").text == f"{APP_ID}.desktop"
    assert tree.find("content_rating").get("type").startswith("oars-")
    assert tree.find("releases/release").get("version")
    assert tree.find("screenshots/screenshot/image").text.endswith("docs/screenshot.png")
    assert len(tree.find("description").findall("p")) >= 1


def test_png_icons_are_committed_at_every_size_from_16_to_512():
    assert ICON_SIZES[0] == 16
    assert ICON_SIZES[-1] == 512
    for size in ICON_SIZES:
        image = QImage(str(REPO / "resources" / "icons" / f"{size}x{size}" / "wherry.png"))
        assert (image.width(), image.height()) == (size, size)
        # the rendered drawing, not a blank square: the corner is clear, the middle is teal
        assert image.pixelColor(size // 2, size // 8).alpha() == 255
        assert image.pixelColor(0, 0).alpha() == 0
    assert not QImage(str(REPO / "resources" / "wherry.svg")).isNull()
