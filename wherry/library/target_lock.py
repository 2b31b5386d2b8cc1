"""One download of a given (URL, destination) at a time, across threads and processes.

Two callers asking for the same file at once would otherwise both add a job for it; the second
would then fail on the locked ``.part`` file and leave a failed job behind. Instead the second
waits here until the first is done, and then finds the finished job (or resumes it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

from wherry.core.errors import ErrorKind, StoreError
from wherry.core.jobs import AddRequest

try:
    import fcntl
except ImportError:  # Windows: no flock; the .part file's own exclusivity still holds
    fcntl = None  # type: ignore[assignment]

__all__ = ["held", "lock_path"]

log = logging.getLogger("wherry.api")

_FIRST_POLL, _LAST_POLL = 0.02, 0.5


def lock_path(folder: Path, request: AddRequest) -> Path:
    identity = "\0".join(
        (request.url.strip(), str(Path(request.directory).resolve()), request.filename or "")
    )
    return folder / (hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".lock")


@contextlib.asynccontextmanager
async def held(folder: Path, request: AddRequest) -> AsyncIterator[None]:
    """Hold the lock for this request's download; waits (without blocking the loop) while another holds it."""
    if fcntl is None:
        yield
        return
    path = lock_path(folder, request)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            ErrorKind.FILESYSTEM, f"Wherry cannot create the folder {folder} ({exc.strerror})."
        ) from exc
    fd = await _acquire(path)
    try:
        yield
    finally:
        # Unlinked while still held: a waiter that opened this file sees it is gone and retries
        # on a fresh one, so lock files do not pile up and no two holders ever coexist.
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


async def _acquire(path: Path) -> int:
    pause, said = _FIRST_POLL, False
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(ErrorKind.FILESYSTEM, f"Wherry cannot create {path} ({exc.strerror}).") from exc
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not said:
                        log.info("waiting for another download of the same file to end")
                        said = True
                    # flock has no asynchronous form, and a thread blocked in it cannot be
                    # cancelled; a short poll keeps this cancellable.
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, _LAST_POLL)
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            return fd
        os.close(fd)  # the holder removed the file as it let go: lock the new one
