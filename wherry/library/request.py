"""The arguments of ``wherry.download()`` turned into the engine's AddRequest."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from wherry.core.errors import ErrorKind, InputError
from wherry.core.jobs import AddRequest, ChecksumSpec

__all__ = ["MAX_CONNECTIONS", "Headers", "PathLike", "build_request"]

MAX_CONNECTIONS = 32

PathLike = str | os.PathLike[str]
Headers = Mapping[str, str] | Iterable[tuple[str, str]]


def build_request(
    url: str,
    dest: PathLike | None,
    *,
    directory: PathLike | None,
    default_directory: Path,
    sha256: str | None,
    checksum: str | None,
    mirrors: Iterable[str],
    connections: int | None,
    headers: Headers | None,
    overwrite: bool,
) -> AddRequest:
    """One AddRequest, or InputError with one sentence saying what is wrong with the arguments."""
    if not isinstance(url, str):
        raise InputError(ErrorKind.BAD_URL, "The URL must be a string such as https://example.org/file.iso.")
    if dest is not None and directory is not None:
        raise InputError(ErrorKind.BAD_INPUT, "Give either dest (a file) or directory (a folder), not both.")
    filename: str | None = None
    if dest is not None:
        target = Path(dest).expanduser().absolute()
        if target.is_dir():
            folder = target  # a folder given as dest: the server's name is used inside it
        else:
            folder, filename = target.parent, target.name
    else:
        folder = Path(directory).expanduser().absolute() if directory is not None else default_directory
    if sha256 is not None and checksum is not None:
        raise InputError(ErrorKind.BAD_INPUT, "Give either sha256 or checksum, not both.")
    spec = None
    if sha256 is not None:
        spec = ChecksumSpec.parse(sha256, "sha256")
    elif checksum is not None:
        spec = ChecksumSpec.parse(checksum)
    if connections is not None and (
        isinstance(connections, bool)
        or not isinstance(connections, int)
        or not 1 <= connections <= MAX_CONNECTIONS
    ):
        raise InputError(
            ErrorKind.BAD_INPUT, f"Connections must be a whole number from 1 to {MAX_CONNECTIONS}."
        )
    return AddRequest(
        url=url,
        directory=str(folder),
        filename=filename,
        overwrite=bool(overwrite),
        checksum=spec,
        mirrors=_mirrors(mirrors),
        connections=connections,
        headers=_headers(headers),
    )


def _mirrors(mirrors: Iterable[str] | None) -> tuple[str, ...]:
    if mirrors is None:
        return ()
    if isinstance(mirrors, str):
        return (mirrors,)  # one mirror given bare rather than in a list
    found = tuple(mirrors)
    if not all(isinstance(m, str) for m in found):
        raise InputError(ErrorKind.BAD_URL, "Every mirror must be a URL given as a string.")
    return found


def _headers(headers: Headers | None) -> tuple[tuple[str, str], ...]:
    if headers is None:
        return ()
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    result = []
    for pair in pairs:
        if not (isinstance(pair, tuple | list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            raise InputError(
                ErrorKind.BAD_INPUT, "Headers must be a mapping or (name, value) pairs of strings."
            )
        name, value = pair
        # RFC 9110 §5.5: no CR, LF or NUL in a field; a name is a token.
        if not name.strip() or any(c in name for c in " \t\r\n:\0") or any(c in value for c in "\r\n\0"):
            raise InputError(ErrorKind.BAD_INPUT, f"The header {name!r} cannot be sent as given.")
        result.append((name, value))
    return tuple(result)
