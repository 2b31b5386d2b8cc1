"""Closing the window where there is no tray to keep running in: quit, but ask first while
downloads are running (quitting pauses them with their progress saved; they resume next start)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from wherry.ui.main_window import MainWindow

__all__ = ["ask_before_closing", "running_downloads"]


def running_downloads(window: MainWindow) -> int:
    return sum(1 for job in window.bridge.engine.jobs() if job.state.is_active)


def ask_before_closing(window: MainWindow) -> QMessageBox | None:
    """When closing would quit with downloads running, open the question (not modal: the
    downloads go on while it waits) and return it; None when closing may simply quit."""
    running = running_downloads(window)
    if not running:
        return None
    noun = "download is" if running == 1 else "downloads are"
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Quit Wherry?",
        f"{running} {noun} running and there is no system tray for Wherry to keep working in. "
        "Quit and pause them? They resume where they stopped the next time Wherry starts.",
        parent=window,
    )
    box.setObjectName("confirm_quit")
    quit_button = box.addButton("Pause and quit", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep downloading", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    quit_button.clicked.connect(window.request_quit)
    box.open()
    return box
