"""The settings dialog offers connections that adapt to the link, or a fixed number."""

from __future__ import annotations

from wherry.core import Settings
from wherry.ui.settings_dialog import SettingsDialog


def test_adapting_is_the_default_and_leaves_the_fixed_number_unused(qtbot, tmp_path):
    dialog = SettingsDialog(Settings(), str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.adaptive.isChecked()
    assert not dialog.connections.isEnabled()
    assert dialog.settings().adaptive_connections


def test_turning_adapting_off_makes_the_number_the_one_every_download_uses(qtbot, tmp_path):
    dialog = SettingsDialog(Settings(), str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.adaptive.setChecked(False)
    assert dialog.connections.isEnabled()
    dialog.connections.setValue(6)
    chosen = dialog.settings()
    assert not chosen.adaptive_connections
    assert chosen.connections == 6
    reopened = SettingsDialog(chosen, str(tmp_path))
    qtbot.addWidget(reopened)
    assert not reopened.adaptive.isChecked()
    assert reopened.connections.isEnabled()
