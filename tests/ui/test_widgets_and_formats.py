"""Small pieces: cell formats, the segment map, file-type icons, the tray tooltip, desktop files."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QMimeDatabase
from PySide6.QtGui import QImage
from ui_doubles import FakeEngine, MemorySettingsStore

from wherry.core import Segment, Settings
from wherry.core.sizes import human_size
from wherry.ui.bridge import Bridge
from wherry.ui.columns import format_eta, format_progress, format_size, format_speed
from wherry.ui.file_icons import FileIcons, category_for
from wherry.ui.icons import app_icon
from wherry.ui.segment_map import SegmentMap
from wherry.ui.tray import Tray

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("size", "text"),
    [(None, "—"), (0, "0 bytes"), (1, "1 byte"), (1536, "1.5 KiB"), (5_900_000_000, "5.5 GiB")],
)
def test_sizes_read_in_the_locales_units(size, text):
    assert format_size(size) == text


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2**63 - 1))
@example(2304)  # regression: an exact half (2.25 KiB) once rounded to even on the command line
def test_the_window_and_the_command_line_write_one_size_the_same_way(size):
    from PySide6.QtCore import QLocale

    from wherry.ui import columns

    # In the C locale QLocale adds no digit grouping, so the whole text must match.
    before = columns._locale
    columns._locale = QLocale.c()
    try:
        assert format_size(size) == human_size(size)
        assert format_speed(size) in ("", f"{human_size(size)}/s")
    finally:
        columns._locale = before


@pytest.mark.parametrize(
    ("eta", "text"),
    [(None, ""), (9.4, "9 s"), (187, "3 min 07 s"), (3 * 3600 + 120, "3 h 02 min"), (5 * 86400, "5 days")],
)
def test_eta_reads_in_the_largest_sensible_units(eta, text):
    assert format_eta(eta) == text


@pytest.mark.parametrize(
    ("done", "total", "text"),
    [
        (0, 100, "0 %"),
        (999, 1000, "99.9 %"),
        (99_999, 100_000, "99.9 %"),
        (100, 100, "100 %"),
        (2048, None, "2.0 KiB"),
    ],
)
def test_progress_never_claims_100_percent_early(done, total, text):
    assert format_progress(done, total) == text


def test_speed_is_empty_when_nothing_moves():
    assert format_speed(0) == ""
    assert format_speed(2_500_000) == "2.4 MiB/s"


def test_segment_map_draws_one_lane_per_segment_filled_by_progress(qtbot):
    widget = SegmentMap()
    qtbot.addWidget(widget)
    widget.resize(402, 200)
    widget.set_segments([Segment(0, 500, 250), Segment(500, 1000, 500)], 1000)
    widget.resize(402, widget.height())
    (span1, fill1), (span2, fill2) = widget.lane_rects()
    assert span1.left() == pytest.approx(1)
    assert span1.width() == pytest.approx(200)
    assert fill1.width() == pytest.approx(100)  # half of the first half
    assert span2.left() == pytest.approx(201)
    assert fill2.width() == pytest.approx(200)  # the second half is complete
    assert span2.top() > span1.bottom()
    image = widget.grab().toImage()
    highlight = widget.palette().highlight().color()
    assert image.pixelColor(int(fill1.center().x()), int(fill1.center().y())) == highlight
    assert image.pixelColor(int(span1.right() - 5), int(span1.center().y())) != highlight


def test_segment_map_without_segments_says_so(qtbot):
    widget = SegmentMap()
    qtbot.addWidget(widget)
    widget.set_segments([], None)
    assert widget.lane_rects() == []


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("a.zip", "archive"),
        ("a.tar.xz", "archive"),
        ("a.iso", "disk"),
        ("a.mp3", "audio"),
        ("a.mkv", "video"),
        ("a.png", "image"),
        ("a.pdf", "document"),
        ("a.weird-extension", "other"),
    ],
)
def test_file_kinds_choose_the_icon_colour(qapp, name, category):
    mime = QMimeDatabase().mimeTypeForFile(name, QMimeDatabase.MatchMode.MatchExtension)
    assert category_for(mime) == category


def test_file_icons_are_cached_per_type(qapp):
    icons = FileIcons()
    first = icons.icon_for("a.zip")
    assert not first.isNull()
    assert icons.icon_for("b.zip").cacheKey() == first.cacheKey()
    assert icons.icon_for("c.pdf").cacheKey() != first.cacheKey()


def test_tray_tooltip_shows_active_count_and_speed(qapp):
    tray = Tray(Bridge(FakeEngine(), MemorySettingsStore(), Settings()), app_icon())
    assert tray.tooltip() == "Wherry — nothing downloading"
    tray.show_activity(2, 3_000_000)
    assert tray.tooltip() == "Wherry — 2 downloads at 2.9 MiB/s"


def test_desktop_entry_launches_wherry_with_urls_and_names_its_icon(qapp):
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(REPO / "packaging" / "io.github.wherry.Wherry.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"] == "wherry %U"
    assert section["Icon"] == "io.github.wherry.Wherry"
    assert section["Categories"].endswith(";")
    assert not QImage(str(REPO / "resources" / "wherry.svg")).isNull()
