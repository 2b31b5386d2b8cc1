"""The window's finish: empty-list hint, nothing-selected pane, mnemonics, bar text, dark scheme."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyle, QStyleOptionViewItem
from ui_doubles import make_job
from window_factory import fake_window

from wherry.core import JobState, Settings
from wherry.ui.add_dialog import AddDialog
from wherry.ui.columns import Column
from wherry.ui.palette import apply_color_scheme, dark_palette, is_dark
from wherry.ui.progress_delegate import ProgressDelegate, split_at_progress
from wherry.ui.settings_dialog import SettingsDialog


def _ink(image: QImage, rect: QRect, color: QColor, tolerance: int = 40) -> int:
    """How many pixels inside ``rect`` are close to ``color``."""
    count = 0
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - color.red())
                + abs(pixel.green() - color.green())
                + abs(pixel.blue() - color.blue())
                <= tolerance
            ):
                count += 1
    return count


def test_empty_list_shows_how_to_add_and_the_hint_goes_with_the_first_job(qtbot, tmp_path):
    window, engine = fake_window(qtbot, tmp_path)
    window.resize(900, 500)
    window.show()
    hint = window.view.hint_text()
    assert hint.startswith("Drop links here, paste with Ctrl+V")
    assert hint.endswith("or press Add")
    viewport = window.view.viewport()
    base = window.view.palette().color(QPalette.ColorRole.Base)
    empty = viewport.grab().toImage()
    blank = _ink(empty, empty.rect(), base, tolerance=30)
    assert empty.width() * empty.height() - blank > 200  # the sentence is drawn, not just known

    engine._jobs.append(make_job("one.iso"))
    window.model.reload()
    assert window.view.hint_text() == ""
    window.search.setText("no such name")
    assert window.view.hint_text() == "No downloads match."


def test_details_pane_says_select_a_download_until_one_is_selected(qtbot, tmp_path):
    jobs = [make_job("a.iso"), make_job("b.iso")]
    window, _ = fake_window(qtbot, tmp_path, jobs)
    window.show()
    details = window.details
    assert not details.showing_job()
    assert details.placeholder.isVisible()
    assert "Select a download" in details.placeholder.text()
    window.select_ids([jobs[0].id])
    assert details.showing_job()
    assert details.fields["target"].text().endswith("a.iso")
    window.select_ids([jobs[0].id, jobs[1].id])
    assert not details.showing_job()  # two selected: no single job to describe


def _labels_with_mnemonics(widget) -> list[QLabel]:
    return [label for label in widget.findChildren(QLabel) if "&" in label.text().replace("&&", "")]


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: AddDialog(["https://example.org/a.iso"], str(tmp)),
        lambda tmp: SettingsDialog(Settings(), str(tmp)),
    ],
    ids=["add dialog", "settings dialog"],
)
def test_every_mnemonic_label_has_a_buddy_so_its_ampersand_is_not_shown(qtbot, tmp_path, make):
    dialog = make(tmp_path)
    qtbot.addWidget(dialog)
    labels = _labels_with_mnemonics(dialog)
    assert labels, "the dialog has mnemonic captions"
    orphans = [label.text() for label in labels if label.buddy() is None]
    assert orphans == []


def test_save_in_and_checksum_mnemonics_focus_their_fields(qtbot, tmp_path):
    dialog = AddDialog([], str(tmp_path))
    qtbot.addWidget(dialog)
    by_text = {label.text(): label for label in _labels_with_mnemonics(dialog)}
    assert by_text["Save &in:"].buddy() is dialog.directory_edit
    assert by_text["&Checksum:"].buddy() is dialog.checksum_edit


@pytest.mark.parametrize(
    ("fraction", "rtl", "filled", "empty"),
    [
        (0.0, False, QRect(10, 0, 0, 20), QRect(10, 0, 100, 20)),
        (0.25, False, QRect(10, 0, 25, 20), QRect(35, 0, 75, 20)),
        (1.0, False, QRect(10, 0, 100, 20), QRect(110, 0, 0, 20)),
        (0.25, True, QRect(85, 0, 25, 20), QRect(10, 0, 75, 20)),
        (1.7, False, QRect(10, 0, 100, 20), QRect(110, 0, 0, 20)),
    ],
)
def test_bar_splits_at_the_progress(fraction, rtl, filled, empty):
    assert split_at_progress(QRect(10, 0, 100, 20), fraction, rtl) == (filled, empty)


def _paint_progress(qtbot, tmp_path, done: int) -> tuple[QImage, QPalette]:
    job = make_job("disc.iso", JobState.PAUSED, size=1000, done=done)
    window, _ = fake_window(qtbot, tmp_path, [job])
    palette = QPalette(window.view.palette())
    # Colours that cannot be mistaken for each other or for the bar.
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#202080"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffff00"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#ff0000"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Window, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#ffffff"))
    index = window.proxy.index(0, Column.PROGRESS)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 160, 26)
    option.palette = palette
    option.state = QStyle.StateFlag.State_Enabled
    option.fontMetrics = window.view.fontMetrics()
    option.widget = window.view
    image = QImage(160, 26, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    ProgressDelegate().paint(painter, option, index)
    painter.end()
    return image, palette


@pytest.mark.parametrize("done", [1000, 0], ids=["full bar", "empty bar"])
def test_progress_text_uses_the_colour_that_contrasts_with_the_part_beneath_it(qtbot, tmp_path, done):
    image, palette = _paint_progress(qtbot, tmp_path, done)
    over_fill = _ink(image, image.rect(), palette.color(QPalette.ColorRole.HighlightedText))
    over_groove = _ink(image, image.rect(), palette.color(QPalette.ColorRole.Text))
    if done:
        assert over_fill > 10
        assert over_groove == 0
    else:
        assert over_groove > 3
        assert over_fill == 0


def test_dark_desktop_scheme_gives_a_dark_palette_and_light_gives_it_back(qapp):
    original = QPalette(qapp.palette())
    try:
        assert not is_dark(qapp.palette())
        assert apply_color_scheme(qapp, Qt.ColorScheme.Dark)
        assert is_dark(qapp.palette())
        text = qapp.palette().color(QPalette.ColorRole.Text)
        assert text.lightness() > 180  # light text on the dark base
        assert not apply_color_scheme(qapp, Qt.ColorScheme.Dark)  # already right: untouched
        assert apply_color_scheme(qapp, Qt.ColorScheme.Light)
        assert not is_dark(qapp.palette())
        assert not apply_color_scheme(qapp, Qt.ColorScheme.Unknown)
    finally:
        qapp.setPalette(original)


def test_dark_palette_keeps_selection_text_readable():
    palette = dark_palette()
    highlight = palette.color(QPalette.ColorRole.Highlight)
    text = palette.color(QPalette.ColorRole.HighlightedText)
    assert abs(text.lightness() - highlight.lightness()) > 90


def test_window_follows_the_scheme_signal(qapp):
    from wherry.ui.palette import ColorSchemeFollower

    original = QPalette(qapp.palette())
    follower = ColorSchemeFollower(qapp)
    try:
        qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert is_dark(QApplication.palette())
        qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert not is_dark(QApplication.palette())
    finally:
        follower.setParent(None)
        follower.deleteLater()
        qapp.setPalette(original)
