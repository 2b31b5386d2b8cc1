"""User settings shared by the engine, the command line and the window (stored by the store)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from wherry.core.categories import DEFAULT_CATEGORY_RULES

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    download_dir: str = ""  # empty: the platform's Downloads folder
    max_active: int = 3
    connections: int = 8
    # On: a download without its own number of connections opens more while each step adds
    # throughput, up to max_connections_per_host. Off: every download uses ``connections``.
    adaptive_connections: bool = True
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
    # Categories (core/categories.py): (name, patterns, folder) rules that pick the folder of a
    # download given none; off until the user turns them on.
    categories_enabled: bool = False
    category_rules: tuple[tuple[str, str, str], ...] = DEFAULT_CATEGORY_RULES
    # The schedule (core/schedule.py): "HH:MM" local times ("" for none) on weekdays "mon"…"sun".
    schedule_enabled: bool = False
    schedule_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    schedule_start: str = "01:00"
    schedule_stop: str = "07:00"
    limit_schedule_enabled: bool = False
    limit_schedule_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    limit_schedule_from: str = "09:00"
    limit_schedule_to: str = "18:00"
    limit_schedule_rate: int = 1024 * 1024  # bytes per second for all jobs during those hours
    # A copied URL whose file name ends like one of these opens the add dialog.
    clipboard_watch: bool = False
    clipboard_extensions: tuple[str, ...] = (
        ".iso",
        ".img",
        ".zip",
        ".7z",
        ".rar",
        ".tar.*",
        ".tgz",
        ".safetensors",
        ".gguf",
        ".deb",
        ".rpm",
        ".appimage",
        ".exe",
        ".msi",
        ".dmg",
    )
    when_done_command: str = ""  # run with each finished file's path as its last argument

    def to_dict(self) -> dict[str, Any]:
        # Tuples (and tuples of tuples) become lists so the values are plain JSON.
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

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
                if _nested(default):
                    if isinstance(value, list | tuple) and all(_strings(v, len(default[0])) for v in value):
                        good[f.name] = tuple(tuple(v) for v in value)
                elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                    good[f.name] = tuple(value)
            elif isinstance(default, float):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    good[f.name] = float(value)
            elif isinstance(value, type(default)) and not isinstance(value, bool):
                good[f.name] = value
        return replace(base, **good)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _plain(value: Any) -> Any:
    return [_plain(v) for v in value] if isinstance(value, tuple) else value


def _nested(default: tuple[Any, ...]) -> bool:
    """A field of tuples of strings (category rules) rather than of strings; told by its default."""
    return bool(default) and isinstance(default[0], tuple)


def _strings(value: Any, length: int) -> bool:
    return isinstance(value, list | tuple) and len(value) == length and all(isinstance(v, str) for v in value)
