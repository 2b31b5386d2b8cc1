"""The one-time "Add Wherry to the applications menu?" offer."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from wherry.app import ui_state
from wherry.ui.desktop_offer import OFFER_KEY, offer_menu_entry


def _button(box, text):
    return next(b for b in box.buttons() if b.text() == text)


def test_offer_registers_on_yes_and_never_asks_again(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    registered: list[bool] = []
    box = offer_menu_entry(parent, ui_state(), lambda: False, lambda: registered.append(True))
    assert box is not None
    assert box.text() == "Add Wherry to the applications menu?"
    _button(box, "Add to menu").click()
    assert registered == [True]
    assert ui_state().value(OFFER_KEY) == "accepted"
    assert offer_menu_entry(parent, ui_state(), lambda: False, lambda: None) is None


def test_declining_is_remembered_and_a_registered_app_is_not_asked(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    assert offer_menu_entry(parent, ui_state(), lambda: True, lambda: None) is None
    box = offer_menu_entry(parent, ui_state(), lambda: False, lambda: None)
    _button(box, "Not now").click()
    assert ui_state().value(OFFER_KEY) == "declined"
    assert offer_menu_entry(parent, ui_state(), lambda: False, lambda: None) is None
