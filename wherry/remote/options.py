"""aria2's option dicts (all values strings) read into Wherry's requests and settings, and back.

Options Wherry has no use for are ignored, as aria2 ignores options it cannot change; a known
option with a bad value is an error with a sentence.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wherry.core.errors import ErrorKind, InputError
from wherry.core.jobs import ChecksumSpec, Job
from wherry.core.settings import Settings
from wherry.engine import sanitize_filename
from wherry.remote.protocol import InvalidParams, RpcFault

__all__ = [
    "AddOptions",
    "global_options",
    "job_options",
    "parse_size",
    "read_add_options",
    "settings_with",
]

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)\s*$")
_UNIT = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
# aria2's checksum names (TYPE=DIGEST) that Wherry can compute.
_ALGORITHMS = {"md5": "md5", "sha-1": "sha1", "sha-256": "sha256", "sha-512": "sha512"}
MAX_CONNECTIONS = 32


@dataclass(frozen=True)
class AddOptions:
    directory: str
    filename: str | None
    headers: tuple[tuple[str, str], ...]
    checksum: ChecksumSpec | None
    connections: int | None
    speed_limit: int | None
    start_paused: bool
    gid: str | None
    overwrite: bool = False
    folder_given: bool = False  # "dir" was in the options; else categories may pick the folder


def _text(options: dict[str, Any], key: str) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RpcFault(1, f"The option {key} takes a string.")
    return str(value)


def _bad(key: str, why: str) -> RpcFault:
    return RpcFault(1, f"We encountered a problem while processing the option '--{key}': {why}")


def parse_size(text: str, key: str) -> int:
    """aria2 sizes: bytes, or with K / M / G (1024-based)."""
    match = _SIZE.match(text)
    if match is None:
        raise _bad(key, f"“{text}” is not a size such as 500K or 2M.")
    value = int(float(match.group(1)) * _UNIT[match.group(2).lower()])
    if value > 2**62:
        raise _bad(key, "that size is too large.")
    return value


def _count(text: str, key: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise _bad(key, f"“{text}” is not a whole number.") from None
    if not low <= value <= high:
        raise _bad(key, f"it must be between {low} and {high}.")
    return value


def _boolean(text: str, key: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise _bad(key, "it must be true or false.")
    return text.lower() == "true"


def _header(line: str) -> tuple[str, str]:
    name, sep, value = line.partition(":")
    name, value = name.strip(), value.strip()
    if not sep or not _TOKEN.match(name) or any(c in value for c in "\r\n\0"):
        raise _bad("header", f"“{line[:80]}” is not a header line such as 'Name: value'.")
    return name, value


def _headers(options: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    raw = options.get("header")
    lines: list[Any] = [] if raw is None else raw if isinstance(raw, list) else [raw]
    headers: list[tuple[str, str]] = []
    for line in lines:
        if not isinstance(line, str):
            raise _bad("header", "each header is a string.")
        headers.append(_header(line))
    for key, name in (("referer", "Referer"), ("user-agent", "User-Agent")):
        value = _text(options, key)
        if value is not None:
            headers.append(_header(f"{name}: {value}"))
    return tuple(headers)


def _checksum(text: str) -> ChecksumSpec:
    kind, sep, digest = text.partition("=")
    algorithm = _ALGORITHMS.get(kind.strip().lower())
    if not sep or algorithm is None:
        names = ", ".join(_ALGORITHMS)
        raise _bad("checksum", f"write it as TYPE=DIGEST with TYPE one of {names}.")
    try:
        return ChecksumSpec.parse(digest, algorithm)
    except InputError as error:
        raise _bad("checksum", error.message) from error


def _directory(text: str | None, default: str) -> str:
    """An absolute folder (a relative one is taken inside the default) that Wherry can write."""
    base = Path(default).expanduser()
    path = base if not text else Path(text).expanduser()
    if not path.is_absolute():
        path = base / path
    if "\0" in str(path):
        raise _bad("dir", "the folder name contains a NUL character.")
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(ErrorKind.PERMISSION, f"Wherry cannot write to the folder {path}.")
    return str(path)


def read_add_options(options: Any, default_dir: str) -> AddOptions:
    if not isinstance(options, dict):
        raise InvalidParams("The options are a struct of option names to strings.")
    out = _text(options, "out")
    # A client's name is treated like a server's suggestion: one safe component, never a path.
    filename = sanitize_filename(out) if out else None
    checksum_text = _text(options, "checksum")
    split, per_server = _text(options, "split"), _text(options, "max-connection-per-server")
    connections = None
    if split is not None:
        connections = _count(split, "split", 1, 2**31)
    if per_server is not None:
        per = _count(per_server, "max-connection-per-server", 1, 2**31)
        connections = per if connections is None else min(connections, per)
    limit = _text(options, "max-download-limit")
    pause = _text(options, "pause")
    gid = _text(options, "gid")
    overwrite = _text(options, "allow-overwrite")
    if gid is not None and (len(gid) != 16 or not re.fullmatch(r"[0-9a-fA-F]{16}", gid)):
        raise _bad("gid", "a GID is 16 hexadecimal digits.")
    return AddOptions(
        directory=_directory(_text(options, "dir"), default_dir),
        folder_given=_text(options, "dir") is not None,
        filename=filename,
        headers=_headers(options),
        checksum=_checksum(checksum_text) if checksum_text else None,
        connections=min(connections, MAX_CONNECTIONS) if connections is not None else None,
        speed_limit=parse_size(limit, "max-download-limit") if limit is not None else None,
        start_paused=_boolean(pause, "pause") if pause is not None else False,
        gid=gid.lower() if gid else None,
        overwrite=_boolean(overwrite, "allow-overwrite") if overwrite is not None else False,
    )


def job_options(job: Job, settings: Settings) -> dict[str, str]:
    """getOption: the options the job was added with, in aria2's names."""
    # A job left to adapt (connections 0) may grow up to the per-host cap: that is its split.
    split = str(job.connections or min(settings.max_connections_per_host, MAX_CONNECTIONS))
    result = {
        "dir": job.directory,
        "split": split,
        "max-connection-per-server": split,
        "max-download-limit": str(job.speed_limit),
    }
    if job.requested_name:
        result["out"] = job.requested_name
    if job.checksum is not None:
        names = {v: k for k, v in _ALGORITHMS.items()}
        result["checksum"] = f"{names[job.checksum.algorithm]}={job.checksum.hexdigest}"
    headers = []
    for name, value in job.headers:
        key = name.lower()
        if key in ("referer", "user-agent"):
            result[key] = value
        else:
            headers.append(f"{name}: {value}")
    if headers:
        result["header"] = "\n".join(headers)
    return result


def global_options(settings: Settings, default_dir: str, port: int | None) -> dict[str, str]:
    result = {
        "dir": default_dir,
        "max-concurrent-downloads": str(settings.max_active),
        "max-overall-download-limit": str(settings.speed_limit),
        "split": str(settings.connections),
        "max-connection-per-server": str(settings.connections),
        "min-split-size": str(settings.min_split_size),
        "max-tries": str(settings.retry_max_tries),
        "connect-timeout": str(int(settings.connect_timeout)),
        "timeout": str(int(settings.stall_timeout)),
        "auto-save-interval": str(int(settings.checkpoint_interval)),
        "continue": "true",
    }
    if port is not None:
        result["rpc-listen-port"] = str(port)
    return result


def settings_with(settings: Settings, options: Any, default_dir: str) -> Settings:
    """changeGlobalOption: the settings with the options Wherry has changed."""
    if not isinstance(options, dict):
        raise InvalidParams("The options are a struct of option names to strings.")
    changes: dict[str, Any] = {}
    text = _text(options, "max-concurrent-downloads")
    if text is not None:
        changes["max_active"] = _count(text, "max-concurrent-downloads", 1, 100)
    text = _text(options, "max-overall-download-limit")
    if text is not None:
        changes["speed_limit"] = parse_size(text, "max-overall-download-limit")
    for key in ("split", "max-connection-per-server"):
        text = _text(options, key)
        if text is not None:
            changes["connections"] = _count(text, key, 1, MAX_CONNECTIONS)
    text = _text(options, "min-split-size")
    if text is not None:
        changes["min_split_size"] = max(parse_size(text, "min-split-size"), 1024 * 1024)
    text = _text(options, "dir")
    if text is not None:
        changes["download_dir"] = _directory(text, default_dir)
    return settings.with_changes(**changes)
