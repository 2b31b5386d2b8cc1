"""Hash a file, or the first bytes of it, with several algorithms in one read pass.

Standard library only. The read loop fills one reused buffer with ``readinto`` and hands
hashlib a memoryview of it, so no bytes are copied; hashlib releases the GIL for buffers this
large, so files hashed in separate threads run in parallel.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from pathlib import Path
from typing import cast

from wherry.core.errors import ErrorKind, JobError
from wherry.core.ports import Hasher

__all__ = [
    "CHUNK_SIZE",
    "HASH_ALGORITHMS",
    "ExecutorVerifier",
    "HashingCancelled",
    "ProgressCallback",
    "algorithms_for_length",
    "hash_file",
    "hash_prefix",
    "new_hasher",
    "normalize_algorithm",
    "read_error_message",
]

# 1 MiB measured best on bench/bench_hashing.py: 64 KiB pays a visible per-call overhead, while
# 4 MiB and up only grows memory per worker without gaining throughput.
CHUNK_SIZE = 1024 * 1024

# Digest length in hex characters for every algorithm the hashing loop offers. blake2b is
# blake2b-512, the form ``b2sum`` writes by default.
HASH_ALGORITHMS: dict[str, int] = {
    "md5": 32,
    "sha1": 40,
    "sha256": 64,
    "sha512": 128,
    "blake2b": 128,
}

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes hashed so far, bytes to hash in all) after every chunk."""


class HashingCancelled(Exception):
    """The cancel check returned true; the hash was abandoned part way."""


def normalize_algorithm(name: str) -> str:
    """Map spellings such as ``SHA-256``, ``sha_256`` or ``BLAKE2b-512`` to a key of HASH_ALGORITHMS.

    Raises ValueError (with one sentence) for anything else.
    """
    key = name.strip().lower().replace("-", "").replace("_", "")
    if key == "blake2b512":
        key = "blake2b"
    if key not in HASH_ALGORITHMS:
        names = ", ".join(HASH_ALGORITHMS)
        raise ValueError(f"Unknown checksum algorithm {name!r}; use one of {names}.")
    return key


def algorithms_for_length(hex_length: int) -> tuple[str, ...]:
    """Every algorithm whose hex digest has this many characters, the most common first."""
    return tuple(name for name, length in HASH_ALGORITHMS.items() if length == hex_length)


def new_hasher(algorithm: str) -> Hasher:
    """A fresh hashlib object for ``algorithm`` (any spelling normalize_algorithm accepts)."""
    return cast(Hasher, hashlib.new(normalize_algorithm(algorithm)))


def read_error_message(path: str | os.PathLike[str], exc: OSError) -> str:
    """One sentence saying why ``path`` could not be read."""
    name = os.fspath(path)
    if isinstance(exc, FileNotFoundError):
        return f"{name} does not exist."
    if isinstance(exc, IsADirectoryError):
        return f"{name} is a folder, not a file."
    if isinstance(exc, PermissionError):
        return f"Wherry may not read {name}."
    reason = exc.strerror or errno.errorcode.get(exc.errno or 0) or type(exc).__name__
    return f"Wherry could not read {name}: {reason}."


def hash_file(
    path: str | os.PathLike[str],
    algorithms: Iterable[str] = ("sha256",),
    *,
    length: int | None = None,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> dict[str, str]:
    """Hex digests of ``path`` (or of its first ``length`` bytes) for each algorithm, in one read.

    ``progress(done, total)`` runs after each chunk; ``cancelled()`` runs before each chunk and
    raises HashingCancelled when it returns true. OSError from opening or reading propagates.
    A file shorter than ``length`` is hashed as far as it goes.
    """
    hashers = _hash_into(path, algorithms, length, progress, cancelled, chunk_size)[0]
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}


def hash_prefix(
    path: str | os.PathLike[str],
    algorithm: str,
    length: int,
    *,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Hasher:
    """A hashlib object that has absorbed exactly the first ``length`` bytes of ``path``.

    The engine resumes a download by hashing what is already on disk and then feeding the same
    object the bytes that follow. Raises JobError when the file cannot be read or holds fewer
    than ``length`` bytes, since the digest would then describe some other file, and
    HashingCancelled as hash_file does.
    """
    if length < 0:
        raise ValueError("length must not be negative")
    try:
        hashers, done = _hash_into(path, (algorithm,), length, progress, cancelled, CHUNK_SIZE)
    except PermissionError as exc:
        raise JobError(ErrorKind.PERMISSION, read_error_message(path, exc)) from exc
    except OSError as exc:
        raise JobError(ErrorKind.FILESYSTEM, read_error_message(path, exc)) from exc
    if done < length:
        raise JobError(
            ErrorKind.FILESYSTEM,
            f"{os.fspath(path)} holds {done} bytes, fewer than the {length} already downloaded.",
        )
    return next(iter(hashers.values()))


def _hash_into(
    path: str | os.PathLike[str],
    algorithms: Iterable[str],
    length: int | None,
    progress: ProgressCallback | None,
    cancelled: Callable[[], bool] | None,
    chunk_size: int,
) -> tuple[dict[str, Hasher], int]:
    names = list(dict.fromkeys(normalize_algorithm(a) for a in algorithms))
    if not names:
        raise ValueError("at least one algorithm is needed")
    if chunk_size <= 0:
        raise ValueError("chunk_size must be positive")
    raw = [hashlib.new(name) for name in names]
    updates = [h.update for h in raw]
    hashers = {name: cast(Hasher, h) for name, h in zip(names, raw, strict=True)}
    done = 0
    # buffering=0: a raw FileIO reads straight into our buffer, with no BufferedReader copy.
    with open(path, "rb", buffering=0) as stream:
        size = os.fstat(stream.fileno()).st_size
        total = size if length is None else min(length, size)
        remaining = length  # None: to the end, however far that turns out to be
        buffer = bytearray(chunk_size)
        view = memoryview(buffer)
        while remaining is None or remaining > 0:
            if cancelled is not None and cancelled():
                raise HashingCancelled
            want = chunk_size if remaining is None else min(chunk_size, remaining)
            count = stream.readinto(view[:want] if want < chunk_size else view)
            if not count:
                break
            chunk = view[:count] if count < chunk_size else view
            for update in updates:
                update(chunk)
            done += count
            if remaining is not None:
                remaining -= count
            if progress is not None:
                progress(done, max(total, done))
    return hashers, done


class ExecutorVerifier:
    """The Verifier port for the headless path: hash_prefix runs in an executor thread.

    ``executor`` None uses the event loop's default executor.
    """

    def __init__(self, executor: Executor | None = None) -> None:
        self._executor = executor

    async def hash_prefix(self, path: Path, algorithm: str, length: int) -> Hasher:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, hash_prefix, path, algorithm, length)
