"""The German translation: shipped compiled from its source, loaded for a German locale, and seen
in the window (Wherry's own text and Qt's standard buttons)."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from window_factory import fake_window

from wherry.ui.add_dialog import AddDialog
from wherry.ui.translations import I18N_DIR, available_languages, install_translators, remove_translators

GERMAN = QLocale(QLocale.Language.German, QLocale.Country.Germany)


@pytest.fixture
def german(qapp):
    translators = install_translators(qapp, GERMAN)
    try:
        yield translators
    finally:
        remove_translators(qapp, translators)


def test_german_is_shipped():
    assert "de" in available_languages()


def test_a_german_locale_gets_wherrys_and_qts_translations(german):
    assert sorted(Path(t.filePath()).name for t in german) == ["qtbase_de.qm", "wherry_de.qm"]


def test_an_english_locale_keeps_the_source_text(qapp):
    installed = install_translators(qapp, QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    try:
        assert [t.filePath() for t in installed if "wherry_" in t.filePath()] == []
    finally:
        remove_translators(qapp, installed)


def test_the_window_speaks_german(qtbot, tmp_path, german):
    window, _ = fake_window(qtbot, tmp_path)
    window.show()
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&Datei", "D&ownloads", "&Ansicht", "&Werkzeuge"]
    assert window.actions_by_name["clear_finished"].text() == "Fer&tige entfernen"
    assert (
        window.view.hint_text() == "Links hierher ziehen, mit Strg+V einfügen oder auf „Hinzufügen“ klicken"
    )
    assert (
        window.details.placeholder.text() == "Wählen Sie einen Download aus, um seine Einzelheiten zu sehen."
    )
    assert window.activity_label.text() == "Untätig"
    titles = [window.filter_tabs.tabText(i) for i in range(window.filter_tabs.count())]
    assert titles == ["Alle", "Aktiv", "Wartend", "Fertig", "Fehlgeschlagen"]


def test_the_add_dialog_speaks_german_with_qts_own_buttons(qtbot, tmp_path, german):
    dialog = AddDialog([], str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Downloads hinzufügen"
    captions = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Adressen:", "Speichern &in:", "&Prüfsumme:"} <= captions
    assert dialog.error_text() == "Geben Sie mindestens eine Adresse ein."
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == "Abbrechen"  # from Qt's own qtbase_de.qm


def _messages(ts: Path) -> list[tuple[str, str, str | None, str | None]]:
    rows = []
    for context in ET.parse(ts).getroot():
        name = context.findtext("name")
        for message in context.findall("message"):
            translation = message.find("translation")
            rows.append((name, message.findtext("source"), translation.text, translation.get("type")))
    return rows


def test_every_message_is_translated_and_keeps_its_placeholders():
    rows = _messages(I18N_DIR / "wherry_de.ts")
    assert len(rows) > 250
    unfinished = [(c, s) for c, s, t, kind in rows if not t or kind == "unfinished"]
    assert unfinished == []
    for _context, source, translation, _ in rows:
        assert sorted(re.findall(r"\{\w+\}", source)) == sorted(re.findall(r"\{\w+\}", translation)), source


def test_the_shipped_qm_is_compiled_from_the_shipped_ts(tmp_path):
    lrelease = Path(PySide6.__file__).with_name("lrelease")
    compiled = tmp_path / "wherry_de.qm"
    subprocess.run(
        [str(lrelease), "-silent", str(I18N_DIR / "wherry_de.ts"), "-qm", str(compiled)],
        check=True,
        timeout=60,
    )
    assert compiled.read_bytes() == (I18N_DIR / "wherry_de.qm").read_bytes(), (
        "run python docs/translations.py"
    )


def test_the_list_headers_and_states_speak_german(qtbot, tmp_path, german):
    from PySide6.QtCore import Qt
    from ui_doubles import make_job

    from wherry.core import JobState
    from wherry.ui.columns import Column

    window, _ = fake_window(qtbot, tmp_path, [make_job("a.iso", JobState.PAUSED)])
    model = window.model
    header = model.headerData(Column.SIZE, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    assert header == "Größe"
    assert model.index(0, Column.STATUS).data() == "Angehalten"
