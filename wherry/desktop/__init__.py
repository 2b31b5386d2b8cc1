"""Wherry as a desktop citizen: its application id, menu registration and start-up checks.

Nothing here imports the window; ``startup`` runs before any QApplication exists.
"""

from __future__ import annotations

__all__ = ["APP_ID"]

# One reverse-DNS id for the desktop entry, the AppStream id, the icon name, StartupWMClass and
# QGuiApplication.desktopFileName: desktops match windows to menu entries by it.
APP_ID = "io.github.wherry.Wherry"
