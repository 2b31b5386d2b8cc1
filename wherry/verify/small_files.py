"""Reading a small input file (a checksum file, a metalink) whole, with a bound on its size."""

from __future__ import annotations

import os
from pathlib import Path

from wherry.core.errors import ErrorKind, InputError

__all__ = ["read_at_most"]


def read_at_most(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """Up to ``limit + 1`` bytes of ``path`` (so the caller can tell "too big"), or InputError in
    one sentence naming the file as ``what`` ("checksum file", "metalink")."""
    source = Path(path)
    try:
        with open(source, "rb") as stream:
            return stream.read(limit + 1)
    except IsADirectoryError as exc:
        raise InputError(ErrorKind.BAD_INPUT, f"{source} is a folder, not a {what}.") from exc
    except FileNotFoundError as exc:
        raise InputError(ErrorKind.BAD_INPUT, f"{source} does not exist.") from exc
    except OSError as exc:
        raise InputError(ErrorKind.BAD_INPUT, f"Wherry could not read {source}: {exc.strerror}.") from exc
