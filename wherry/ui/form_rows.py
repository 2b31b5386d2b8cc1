"""Form rows whose caption carries a working mnemonic.

``QFormLayout.addRow(text, layout)`` cannot give its label a buddy (a layout takes no focus),
so the ``&`` of "Save &in:" would show literally and Alt+I would do nothing. These rows make the
label themselves and point it at the widget that should take the focus.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QWidget

__all__ = ["add_row"]


def add_row(form: QFormLayout, text: str, field: QWidget | QLayout, buddy: QWidget | None = None) -> QLabel:
    """Add ``field`` under the caption ``text``; its mnemonic focuses ``buddy`` (default: ``field``)."""
    label = QLabel(text)
    target = buddy if buddy is not None else field
    if isinstance(target, QWidget):
        label.setBuddy(target)
    form.addRow(label, field)
    return label
