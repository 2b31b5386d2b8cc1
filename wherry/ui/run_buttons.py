"""The button row of a dialog that runs a cancellable job: an action, Cancel and Close."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

__all__ = ["RunButtons", "run_buttons"]


@dataclass(frozen=True)
class RunButtons:
    box: QDialogButtonBox
    action: QPushButton
    cancel: QPushButton
    close: QPushButton


def run_buttons(
    dialog: QDialog, action_text: str, start: Callable[[], object], cancel: Callable[[], object]
) -> RunButtons:
    box = QDialogButtonBox()
    action = box.addButton(action_text, QDialogButtonBox.ButtonRole.ActionRole)
    action.setDefault(True)
    action.clicked.connect(start)
    cancel_button = box.addButton(QDialogButtonBox.StandardButton.Cancel)
    cancel_button.clicked.connect(cancel)
    close_button = box.addButton(QDialogButtonBox.StandardButton.Close)
    close_button.clicked.connect(dialog.reject)
    return RunButtons(box, action, cancel_button, close_button)
