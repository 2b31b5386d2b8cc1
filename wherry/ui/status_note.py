"""A framed note in the status bar that shows only while it has something to say."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QWidget

__all__ = ["StatusNote"]


class StatusNote(QLabel):
    """Hidden while its text is empty ("Queue starts 01:00", "When done: power off")."""

    def __init__(self, name: str, tip: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setToolTip(tip)
        self.setFrameShape(QFrame.Shape.StyledPanel)  # set apart from the activity text
        self.setContentsMargins(4, 0, 4, 0)
        self.hide()

    def set_note(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))
