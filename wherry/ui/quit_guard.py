"""Closing the window where there is no tray to keep running in: quit, but ask first while
downloads are running (quitting pauses them with their progress saved; they resume next start)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from wherry.ui.main_window import MainWindow

__all__ = ["ask_before_closing", "running_downloads"]

translate = QCoreApplication.translate


def running_downloads(window: MainWindow) -> int:
    return sum(1 for job in window.bridge.engine.jobs() if job.state.is_active)


def ask_before_closing(window: MainWindow) -> QMessageBox | None:
    """When closing would quit with downloads running, open the question (not modal: the
    downloads go on while it waits) and return it; None when closing may simply quit."""
    running = running_downloads(window)
    if not running:
        return None
    if running == 1:
        text = translate(
            "QuitGuard",
            "1 download is running and there is no system tray for Wherry to keep working in. "
            "Quit and pause it? It resumes where it stopped the next time Wherry starts.",
        )
    else:
        text = translate(
            "QuitGuard",
            "{count} downloads are running and there is no system tray for Wherry to keep working in. "
            "Quit and pause them? They resume where they stopped the next time Wherry starts.",
        ).format(count=running)
    box = QMessageBox(QMessageBox.Icon.Question, translate("QuitGuard", "Quit Wherry?"), text, parent=window)
    box.setObjectName("confirm_quit")
    quit_button = box.addButton(translate("QuitGuard", "Pause and quit"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(translate("QuitGuard", "Keep downloading"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    quit_button.clicked.connect(window.request_quit)
    box.open()
    return box
