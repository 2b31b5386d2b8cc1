"""User settings shared by the engine, the command line and the window (stored by the store)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    download_dir: str = ""  # empty: the platform's Downloads folder
    max_active: int = 3
    connections: int = 8
    max_connections_per_host: int = 16
    min_split_size: int = 1024 * 1024
    speed_limit: int = 0  # bytes per second for all jobs together; 0 is unlimited
    auto_resume: bool = True
    close_to_tray: bool = True
    notifications: bool = True
    hash_every_download: bool = False  # compute a SHA-256 even when no checksum was given
    ask_on_handoff: bool = False  # URLs from a second launch open the add dialog instead of starting
    stall_timeout: float = 20.0  # seconds without a byte before a connection counts as stalled
    connect_timeout: float = 30.0
    retry_max_tries: int = 8
    retry_max_seconds: float = 600.0
    retry_base_delay: float = 1.0
    retry_max_delay: float = 60.0
    checkpoint_interval: float = 1.0
    breaker_threshold: int = 5
    breaker_cooldown: float = 60.0
    history_days: int = 30  # finished jobs older than this may be cleaned up
    reuse_existing: bool = True  # a job with a checksum first looks for the file on disk
    link_existing: bool = False  # …and hard-links it (same disk) instead of copying
    library_dirs: tuple[str, ...] = ()  # folders searched besides the download folder
    # http://, https://, socks5:// or socks5h:// URL (credentials allowed); "" follows the
    # HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY variables; "direct" uses none.
    proxy: str = ""
    # Remote control (aria2-compatible JSON-RPC) in the window; off until the person turns it on.
    remote_enabled: bool = False
    remote_port: int = 6800
    remote_secret: str = ""
    remote_allow_origin_all: bool = False

    def to_dict(self) -> dict[str, Any]:
        # Tuples become lists so the values are plain JSON.
        return {
            f.name: list(value) if isinstance(value := getattr(self, f.name), tuple) else value
            for f in fields(self)
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build from stored values, ignoring unknown keys and values of the wrong type."""
        base = cls()
        good: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value, default = data[f.name], getattr(base, f.name)
            if isinstance(default, bool):
                if isinstance(value, bool):
                    good[f.name] = value
            elif isinstance(default, tuple):
                if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                    good[f.name] = tuple(value)
            elif isinstance(default, float):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    good[f.name] = float(value)
            elif isinstance(value, type(default)) and not isinstance(value, bool):
                good[f.name] = value
        return replace(base, **good)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)
