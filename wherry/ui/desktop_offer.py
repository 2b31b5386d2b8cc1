"""The one-time offer to add Wherry to the applications menu, shown on a first start without one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["OFFER_KEY", "offer_menu_entry"]

translate = QCoreApplication.translate

OFFER_KEY = "desktop/menu_entry_offer"  # "accepted" or "declined": asked once, never again


def offer_menu_entry(
    parent: QWidget,
    state: QSettings,
    registered: Callable[[], bool],
    register: Callable[[], str | None],
) -> QMessageBox | None:
    """Ask (without blocking) unless already asked or already in the menu; ``register`` returns a
    sentence when it failed. Returns the open question, or None when none was asked."""
    if state.value(OFFER_KEY) or registered():
        return None
    box = QMessageBox(
        QMessageBox.Icon.Question,
        translate("DesktopOffer", "Applications menu"),
        translate("DesktopOffer", "Add Wherry to the applications menu?"),
        parent=parent,
    )
    box.setObjectName("menu_entry_offer")
    box.setInformativeText(
        translate("DesktopOffer", "You can start it from there, and open links and metalinks with it.")
    )
    yes = box.addButton(translate("DesktopOffer", "Add to menu"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(translate("DesktopOffer", "Not now"), QMessageBox.ButtonRole.RejectRole)

    def answered(button: object) -> None:
        accepted = button is yes
        state.setValue(OFFER_KEY, "accepted" if accepted else "declined")
        state.sync()
        if accepted and (problem := register()):
            QMessageBox.warning(parent, translate("DesktopOffer", "Applications menu"), problem)

    box.buttonClicked.connect(answered)
    box.open()
    return box
