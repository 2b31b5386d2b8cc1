"""What an AddRequest must be to become a job, and the job it becomes.

Every check that can refuse a request (its URL, its folder, its name, its id) runs here before
anything is stored, so a refused request leaves nothing behind and says why in one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from wherry.core.errors import ErrorKind, InputError
from wherry.core.jobs import AddRequest, Job, JobId, JobState, Mirror, new_job_id
from wherry.core.settings import Settings
from wherry.engine.credentials import request_credentials
from wherry.engine.names import NameIndex
from wherry.engine.naming import sanitize_filename
from wherry.engine.runner import AUTO_CONNECTIONS, MAX_CONNECTIONS

__all__ = ["build_job", "validate_url"]

_SPACE = re.compile(r"\s")


def validate_url(url: str) -> str:
    """The URL stripped, or InputError if it is not an http(s) address with a host."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        host = None
    if parts.scheme.lower() not in ("http", "https") or not host or _SPACE.search(text):
        shown = text if len(text) <= 80 else text[:77] + "…"
        raise InputError(
            ErrorKind.BAD_URL, f"“{shown}” is not a web address Wherry can download (http:// or https://)."
        )
    return text


def _connections_for(request: AddRequest, settings: Settings) -> int:
    """The job's own number of connections, a hard cap; 0 lets it adapt to the link."""
    if request.connections:
        return max(1, min(request.connections, MAX_CONNECTIONS))
    if settings.adaptive_connections:
        return AUTO_CONNECTIONS
    return max(1, min(settings.connections, MAX_CONNECTIONS))


def build_job(
    request: AddRequest,
    settings: Settings,
    names: NameIndex,
    jobs: Mapping[JobId, Job],
    position: Callable[[], int],
    planned: Collection[Path] = (),
    folders: dict[str, Path] | None = None,
) -> Job:
    """The job ``request`` asks for, or InputError saying why it cannot be one.

    ``names`` and ``jobs`` are the downloads already known, ``planned`` the names insisted on
    earlier in the same list, ``folders`` each folder of a list made and resolved once;
    ``position`` is called only for a request that passes.
    """
    url, headers, secret = request_credentials(request)
    url = validate_url(url)
    mirrors = [Mirror(validate_url(m), priority) for priority, m in enumerate(request.mirrors, 1)]
    folders = {} if folders is None else folders
    directory = folders.get(request.directory)
    if directory is None:
        directory = folders[request.directory] = _usable_folder(request.directory)
    name = request.filename
    if name is not None:
        if sanitize_filename(name) != name:
            raise InputError(ErrorKind.BAD_INPUT, f"“{name}” cannot be used as a file name.")
        if directory / name in planned:
            raise InputError(
                ErrorKind.FILE_EXISTS, f"Another download is already saving to {directory / name}."
            )
        _check_target(directory / name, request.overwrite, names, jobs)
    if request.job_id is not None and request.job_id in jobs:
        raise InputError(ErrorKind.BAD_INPUT, "Another download already has this id.")
    return Job(
        id=request.job_id or new_job_id(),
        url=url,
        directory=str(directory),
        mirrors=mirrors,
        filename=name,
        requested_name=name,
        overwrite=request.overwrite,
        checksum=request.checksum,
        pieces=request.pieces,
        headers=headers,
        secret_headers=secret,
        host_headers=request.host_headers,
        checksum_source=request.checksum_source or ("given" if request.checksum else None),
        connections=_connections_for(request, settings),
        position=position(),
        state=JobState.PAUSED if request.start_paused else JobState.QUEUED,
    )


def _usable_folder(text: str) -> Path:
    """The folder made if missing and resolved, or InputError when Wherry cannot use it."""
    directory = Path(text).expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return directory.resolve()
    except OSError as exc:
        raise InputError(ErrorKind.PERMISSION, f"Wherry cannot use the folder {directory}.") from exc


def _check_target(target: Path, overwrite: bool, names: NameIndex, jobs: Mapping[JobId, Job]) -> None:
    for other_id in names.holders(str(target.parent), target.name):
        other = jobs.get(other_id)
        if other is not None and other.state not in (JobState.CANCELLED, JobState.FINISHED):
            raise InputError(ErrorKind.FILE_EXISTS, f"Another download is already saving to {target}.")
    if target.is_dir():
        raise InputError(ErrorKind.FILE_EXISTS, f"{target} is a folder.")
    if target.exists() and not overwrite:
        raise InputError(
            ErrorKind.FILE_EXISTS,
            f"{target} already exists; choose another name or allow overwriting.",
        )
