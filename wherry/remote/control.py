"""The window's remote control: a server started, stopped or restarted to match the settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from wherry.core.settings import Settings
from wherry.engine import Engine
from wherry.remote.server import RemoteConfig, RemoteServer

__all__ = ["RemoteControl", "config_from"]


def config_from(settings: Settings) -> RemoteConfig | None:
    """The window listens on loopback only; None when remote control is off."""
    if not settings.remote_enabled:
        return None
    return RemoteConfig(
        port=settings.remote_port,
        secret=settings.remote_secret,
        listen_all=False,
        allow_origin_all=settings.remote_allow_origin_all,
    )


class RemoteControl:
    def __init__(
        self,
        engine: Engine,
        *,
        default_dir: Callable[[], str],
        apply_settings: Callable[[Settings], None],
        shutdown: Callable[[], None],
        removals_file: Path | None = None,
    ) -> None:
        self.removals_file = removals_file
        self.engine = engine
        self.default_dir = default_dir
        self.apply_settings = apply_settings
        self.shutdown = shutdown
        self.server: RemoteServer | None = None

    @property
    def port(self) -> int | None:
        return self.server.port if self.server is not None else None

    async def configure(self, settings: Settings) -> int | None:
        """Match ``settings``; returns the port listened on (None: off). InputError if refused."""
        wanted = config_from(settings)
        if self.server is not None and self.server.config == wanted:
            return self.server.port
        await self.close()
        if wanted is None:
            return None
        server = RemoteServer(
            self.engine,
            wanted,
            default_dir=self.default_dir,
            apply_settings=self.apply_settings,
            shutdown=self.shutdown,
            removals_file=self.removals_file,
        )
        await server.start()
        self.server = server
        return server.port

    async def close(self) -> None:
        if self.server is not None:
            server, self.server = self.server, None
            await server.stop()
