"""Find the files whose digest is a given hex string, walking folder trees.

Standard library only. The walk runs in the calling thread and hands candidates to a small
thread pool; matches are yielded as soon as their hash is done. A size, when known, rules out
most files without reading them. Folders are recognised by device and inode, so a symlink or
bind-mount cycle is entered once; symlinks below the roots are only followed on request.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from wherry.core.errors import ErrorKind, InputError
from wherry.verify.hashing import (
    HASH_ALGORITHMS,
    HashingCancelled,
    algorithms_for_length,
    hash_file,
    normalize_algorithm,
    read_error_message,
)

__all__ = [
    "DigestTarget",
    "FindMatch",
    "FindProblem",
    "FindStats",
    "find_by_digest",
    "parse_digest_target",
]

_HEX_RE = re.compile(r"[0-9a-f]+")

_Outcome = dict[str, str] | OSError


@dataclass(frozen=True)
class DigestTarget:
    """The digest searched for and the algorithms that could have produced it."""

    hexdigest: str
    algorithms: tuple[str, ...]


@dataclass(frozen=True)
class FindMatch:
    path: Path
    algorithm: str
    size: int


@dataclass(frozen=True)
class FindProblem:
    """A folder or file the search could not look into; ``message`` is one sentence."""

    path: Path
    message: str


@dataclass
class FindStats:
    """Running counts a caller may show while the search goes on (written by the walk)."""

    folders: int = 0
    files_seen: int = 0
    files_hashed: int = 0
    bytes_hashed: int = 0


def parse_digest_target(text: str, algorithm: str | None = None) -> DigestTarget:
    """Read ``HEX`` or ``ALGO:HEX``; the algorithm comes from ``algorithm``, the prefix or the length.

    A 128-digit digest without an algorithm could be sha512 or blake2b, so both are tried.
    Raises InputError with one sentence.
    """
    raw = text.strip()
    if ":" in raw and algorithm is None:
        algorithm, raw = raw.split(":", 1)
    digest = raw.strip().lower()
    if not digest or not _HEX_RE.fullmatch(digest):
        raise InputError(ErrorKind.BAD_INPUT, "A digest is written in hexadecimal digits 0-9 and a-f.")
    if algorithm is not None:
        try:
            name = normalize_algorithm(algorithm)
        except ValueError as exc:
            raise InputError(ErrorKind.BAD_INPUT, str(exc)) from exc
        if HASH_ALGORITHMS[name] != len(digest):
            raise InputError(
                ErrorKind.BAD_INPUT,
                f"A {name} digest has {HASH_ALGORITHMS[name]} hex digits; this one has {len(digest)}.",
            )
        return DigestTarget(digest, (name,))
    algorithms = algorithms_for_length(len(digest))
    if not algorithms:
        raise InputError(
            ErrorKind.BAD_INPUT,
            f"No supported algorithm has a digest of {len(digest)} hex digits; "
            "md5 has 32, sha1 40, sha256 64 and sha512 128.",
        )
    return DigestTarget(digest, algorithms)


def find_by_digest(
    target: DigestTarget,
    roots: Iterable[str | os.PathLike[str]],
    *,
    size: int | None = None,
    follow_symlinks: bool = False,
    workers: int | None = None,
    cancelled: Callable[[], bool] | None = None,
    stats: FindStats | None = None,
) -> Iterator[FindMatch | FindProblem]:
    """Yield a FindMatch for every regular file under ``roots`` with the target digest.

    Roots themselves are followed if they are symlinks (a root may also be a single file).
    Folders that cannot be listed and files that cannot be read are yielded as FindProblems
    and skipped. Each file (device and inode) is hashed once, under the first name reached.
    When ``cancelled()`` turns true, HashingCancelled is raised within a chunk.
    """
    stats = stats if stats is not None else FindStats()
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    pending: dict[Future[_Outcome], tuple[Path, int]] = {}

    def stop() -> bool:
        return cancelled is not None and cancelled()

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wherry-find")
    try:
        for found in _walk(roots, follow_symlinks, stats, stop):
            if isinstance(found, FindProblem):
                yield found
                continue
            path, file_size = found
            if size is not None and file_size != size:
                continue
            if stop():
                raise HashingCancelled
            future = pool.submit(_hash_or_error, path, target.algorithms, stop)
            pending[future] = (path, file_size)
            # Bounded look-ahead: report matches while the walk goes on, and keep memory flat.
            if len(pending) >= 2 * workers:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                yield from _collect(done, pending, target, stats)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            yield from _collect(done, pending, target, stats)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _hash_or_error(
    path: Path, algorithms: tuple[str, ...], stop: Callable[[], bool]
) -> dict[str, str] | OSError:
    try:
        return hash_file(path, algorithms, cancelled=stop)
    except OSError as exc:
        return exc


def _collect(
    done: set[Future[_Outcome]],
    pending: dict[Future[_Outcome], tuple[Path, int]],
    target: DigestTarget,
    stats: FindStats,
) -> Iterator[FindMatch | FindProblem]:
    for future in done:
        path, file_size = pending.pop(future)
        outcome = future.result()  # HashingCancelled propagates from here
        if isinstance(outcome, OSError):
            yield FindProblem(path, read_error_message(path, outcome))
            continue
        stats.files_hashed += 1
        stats.bytes_hashed += file_size
        for algorithm, digest in outcome.items():
            if digest == target.hexdigest:
                yield FindMatch(path, algorithm, file_size)
                break


def _walk(
    roots: Iterable[str | os.PathLike[str]],
    follow_symlinks: bool,
    stats: FindStats,
    stop: Callable[[], bool],
) -> Iterator[tuple[Path, int] | FindProblem]:
    """Regular files as (path, size), depth first, plus problems; never enters a folder twice."""
    seen_folders: set[tuple[int, int]] = set()
    seen_files: set[tuple[int, int]] = set()
    stack: list[Path] = []
    for raw in roots:
        root = Path(raw)
        try:
            info = root.stat()
        except OSError as exc:
            yield FindProblem(root, read_error_message(root, exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            stack.append(root)
        elif stat.S_ISREG(info.st_mode) and _first_time(seen_files, info):
            stats.files_seen += 1
            yield root, info.st_size
    # Roots are walked in the order given: the stack pops from the end.
    stack.reverse()

    while stack:
        if stop():
            raise HashingCancelled
        folder = stack.pop()
        try:
            info = folder.stat()
            if not _first_time(seen_folders, info):
                continue
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield FindProblem(folder, _folder_message(folder, exc))
            continue
        stats.folders += 1
        subfolders: list[Path] = []
        for entry in entries:
            try:
                if entry.is_symlink() and not follow_symlinks:
                    continue
                if entry.is_dir():
                    subfolders.append(Path(entry.path))
                elif entry.is_file():
                    entry_info = entry.stat()
                    if stat.S_ISREG(entry_info.st_mode) and _first_time(seen_files, entry_info):
                        stats.files_seen += 1
                        yield Path(entry.path), entry_info.st_size
            except OSError as exc:
                yield FindProblem(Path(entry.path), read_error_message(entry.path, exc))
        stack.extend(reversed(subfolders))


def _first_time(seen: set[tuple[int, int]], info: os.stat_result) -> bool:
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def _folder_message(folder: Path, exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return f"Wherry may not look inside {folder}."
    return read_error_message(folder, exc)
