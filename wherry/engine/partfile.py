"""The ``.part`` file: locked while written, written at offsets, synced, renamed into place."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import errno
import os
import sys
from collections.abc import Awaitable
from pathlib import Path

from wherry.core.errors import ErrorKind, JobError
from wherry.engine.http_errors import translate_disk_error
from wherry.engine.sync_queue import SyncQueue

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; two writers are prevented by the store alone
    fcntl = None  # type: ignore[assignment]

__all__ = ["HeldElsewhere", "PartFile", "finalize", "sync_and_close", "sync_directory"]

_sync = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync


def _linux_fallocate() -> object | None:
    # os.posix_fallocate falls back to writing zeros where the file system lacks fallocate;
    # calling fallocate(2) directly fails instead, and then a sparse ftruncate is used.
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.fallocate
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong]
    function.restype = ctypes.c_int
    return function


_fallocate = _linux_fallocate()


class HeldElsewhere(JobError):
    """Another process holds the part file's lock: it is downloading this job right now."""


class PartFile:
    """An open, exclusively locked partial file. Close it when done."""

    def __init__(self, path: Path, fd: int, syncs: SyncQueue[int] | None = None) -> None:
        self.path = path
        self._fd = fd
        self._syncs = syncs  # shares fdatasync trips with other files; None: one trip each
        self._syncing: set[asyncio.Future[object]] = set()  # syncs under way in a worker thread

    @classmethod
    def open(cls, path: Path, syncs: SyncQueue[int] | None = None, new: bool = False) -> PartFile:
        """Open (creating if need be) and lock ``path``.

        ``new``: the file must not exist yet; FileExistsError if it does, so a name chosen a
        moment ago that another process took meanwhile can be chosen again.
        """
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | (os.O_EXCL if new else 0), 0o644)
        except FileExistsError:
            raise  # only with ``new``: the caller chooses another name
        except OSError as exc:
            raise translate_disk_error(exc, str(path.parent)) from exc
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise HeldElsewhere(
                        ErrorKind.FILE_EXISTS,
                        f"{path.name} is being downloaded by another Wherry right now.",
                    ) from exc
                raise translate_disk_error(exc, str(path)) from exc
        return cls(path, fd, syncs)

    @property
    def closed(self) -> bool:
        return self._fd < 0

    def size(self) -> int:
        return os.fstat(self._fd).st_size

    def truncate(self, length: int = 0) -> None:
        try:
            os.ftruncate(self._fd, length)
        except OSError as exc:
            raise translate_disk_error(exc, str(self.path)) from exc

    def preallocate(self, size: int) -> None:
        """Reserve ``size`` bytes now, so a full disk shows at the start, never by zero-filling."""
        if size <= 0 or self.size() >= size:
            return
        if _fallocate is not None:
            if _fallocate(self._fd, 0, 0, size) == 0:  # type: ignore[operator]
                return
            error = ctypes.get_errno()
            if error in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise translate_disk_error(
                    OSError(error, os.strerror(error)), str(self.path), size - self.size()
                )
        self.truncate(size)

    def write_at(self, data: bytes | memoryview, offset: int) -> int:
        """Write all of ``data`` at ``offset``; on failure, raise with how much did get written."""
        view = memoryview(data)
        written = 0
        while written < len(view):
            try:
                n = os.pwrite(self._fd, view[written:], offset + written)
            except OSError as exc:
                error = translate_disk_error(exc, str(self.path))
                error.written = written  # type: ignore[attr-defined]
                raise error from exc
            written += n
        return written

    def read_at(self, length: int, offset: int) -> bytes:
        return os.pread(self._fd, length, offset)

    async def sync(self) -> None:
        """Flush written bytes to the disk, off the event loop."""
        if self._fd < 0:
            return
        try:
            await self._under_way(asyncio.get_running_loop().run_in_executor(None, _sync, self._fd))
        except OSError as exc:
            raise translate_disk_error(exc, str(self.path)) from exc

    async def sync_shared(self) -> None:
        """``sync``, in the batch of the queue the file was opened with (if any).

        For the last sync of a download: many small files finishing together then share one
        trip to a worker thread. Periodic checkpoints keep their own trip, so a big download's
        sync of much unwritten data never holds up the small files queued behind it.
        """
        if self._syncs is None or self._fd < 0:
            await self.sync()
            return
        try:
            # A duplicate, which the batch closes once synced: the file may be closed (a pause)
            # before its batch runs, and its descriptor number reused meanwhile.
            await self._under_way(self._syncs.sync(os.dup(self._fd)))
        except OSError as exc:
            raise translate_disk_error(exc, str(self.path)) from exc

    async def _under_way(self, work: Awaitable[object]) -> None:
        # Shielded: a caller stopped meanwhile (a pause) leaves the thread syncing, and that
        # thread holds the file, and so its lock, until it returns; ``settle`` waits for it.
        future = asyncio.ensure_future(work)
        self._syncing.add(future)
        future.add_done_callback(self._ended)
        await asyncio.shield(future)

    def _ended(self, future: asyncio.Future[object]) -> None:
        self._syncing.discard(future)
        if not future.cancelled():
            future.exception()  # its caller, if still there, has seen it

    async def settle(self) -> None:
        """Wait for the syncs of this file still under way, whose callers may have stopped.

        Until they end, the file stays open in a worker thread and keeps its lock: a download
        paused and resumed at once would find its own .part locked, as if another Wherry held it.
        """
        if self._syncing:
            await asyncio.wait(list(self._syncing))

    def close(self) -> None:
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)  # also drops the flock


def sync_and_close(fd: int) -> None:
    """fdatasync ``fd`` and close it (a duplicate made for a ``SyncQueue``)."""
    try:
        _sync(fd)
    finally:
        os.close(fd)


def sync_directory(directory: Path) -> None:
    # The rename itself is durable only once the directory entry is on disk.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def finalize(part: Path, target: Path, overwrite: bool, sync_folder: bool = True) -> None:
    """Move a complete, synced ``part`` to ``target`` atomically.

    ``sync_folder`` False leaves the directory fsync to the caller (a ``SyncQueue``, which
    shares one among many renames); the new name is durable only after it.

    Without ``overwrite`` an existing target is never replaced: a hard link fails if the name
    exists, so a file that appeared meanwhile is left alone (FileExistsError).
    """
    if overwrite:
        os.replace(part, target)
    else:
        try:
            os.link(part, target)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            # No hard links here (FAT, some network shares): check, then rename.
            if os.path.lexists(target):
                raise FileExistsError(errno.EEXIST, "File exists", str(target)) from exc
            os.rename(part, target)
        else:
            os.unlink(part)
    if sync_folder:
        sync_directory(target.parent)
