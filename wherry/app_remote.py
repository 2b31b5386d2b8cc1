"""The window's remote control wired to its settings and status bar (part of the composition root).

Kept out of ``app.py`` so the window's composition stays short; it imports no Qt itself.
"""

from __future__ import annotations

import logging

from wherry import paths
from wherry.core import Settings, WherryError
from wherry.engine import Engine
from wherry.remote.control import RemoteControl
from wherry.remote.removals import REMOVALS_FILE
from wherry.ui.bridge import Bridge
from wherry.ui.main_window import MainWindow

__all__ = ["WindowRemote"]

log = logging.getLogger(__name__)


class WindowRemote:
    """Starts, restarts or stops the server whenever the settings are saved."""

    def __init__(self, engine: Engine, bridge: Bridge, window: MainWindow) -> None:
        self.bridge = bridge
        self.window = window
        self.control = RemoteControl(
            engine,
            default_dir=lambda: engine.settings.download_dir or str(paths.default_download_dir()),
            apply_settings=bridge.apply_settings,
            shutdown=window.request_quit,
            removals_file=paths.data_dir() / REMOVALS_FILE,
        )
        bridge.settings_changed.connect(self._settings_changed)

    def _settings_changed(self, settings: Settings) -> None:
        self.bridge.run(self.sync(settings), "remote control")

    async def sync(self, settings: Settings) -> None:
        try:
            port = await self.control.configure(settings)
        except WherryError as error:
            log.info("remote control not started: %s", error.message)
            self.window.show_remote_status(None)
            self.window.commands.show_error(f"Remote control is off. {error.message}")
            return
        self.window.show_remote_status(port)

    async def close(self) -> None:
        await self.control.close()
