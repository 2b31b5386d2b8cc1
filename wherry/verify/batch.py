"""Check many files against checksum files: plan what to check, then hash on a small thread pool.

Standard library only. ``plan_verification`` turns what a person named (checksum files, folders,
data files) into VerifyItems; ``verify_items`` hashes each distinct file once, with every
algorithm it is listed under, and yields one FileResult per item in plan order.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from wherry.core.errors import InputError
from wherry.verify.checksum_files import (
    MAX_CHECKSUM_FILE_BYTES,
    ChecksumFile,
    is_checksum_filename,
    looks_like_checksum_text,
    read_checksum_file,
    sidecar_subject,
)
from wherry.verify.hashing import HashingCancelled, ProgressCallback, hash_file, read_error_message

__all__ = [
    "FileResult",
    "FileStatus",
    "PlanWarning",
    "VerifyItem",
    "VerifyPlan",
    "default_workers",
    "plan_verification",
    "verify_items",
]

_SNIFF_BYTES = 64 * 1024


class FileStatus(StrEnum):
    OK = "OK"
    MISMATCH = "MISMATCH"  # read to the end, and the digest differs
    MISSING = "MISSING"  # nothing at that path
    UNREADABLE = "UNREADABLE"  # something there we may not or cannot read (folder, permissions, I/O)


@dataclass(frozen=True)
class VerifyItem:
    """One file to check against one expected digest; ``source``/``line`` say who expects it."""

    path: Path
    algorithm: str
    expected: str
    source: Path | None = None
    line: int | None = None


@dataclass(frozen=True)
class FileResult:
    """The verdict on one item; ``actual`` is set when the file was read, ``message`` otherwise."""

    item: VerifyItem
    status: FileStatus
    actual: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is FileStatus.OK


@dataclass(frozen=True)
class PlanWarning:
    """An unusable line in a checksum file, kept to show the person."""

    source: Path
    line: int
    message: str


@dataclass
class VerifyPlan:
    """What to check, the checksum-file lines that were skipped, and sentences about arguments
    that could not be used at all (a name that does not exist, a file without any checksum)."""

    items: list[VerifyItem] = field(default_factory=list)
    warnings: list[PlanWarning] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def default_workers() -> int:
    # Two to four readers keep an SSD busy; more only makes a spinning disk seek.
    return max(1, min(4, os.cpu_count() or 1))


def plan_verification(paths: Iterable[str | os.PathLike[str]]) -> VerifyPlan:
    """Work out what to check for each named path.

    * a checksum file (by name, or by content when no checksum names it): its entries;
    * a folder: the entries of every checksum file directly inside it;
    * any other file: its sidecars (``file.sha256`` …) and the lists beside it that name it.
    """
    plan = VerifyPlan()
    seen: set[tuple[str, str, str]] = set()
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                _plan_folder(path, plan, seen)
            elif not path.exists():
                plan.problems.append(f"{path} does not exist.")
            elif is_checksum_filename(path.name):
                _plan_checksum_file(path, plan, seen)
            elif not _plan_data_file(path, plan, seen):
                if _sniff_checksum_file(path):
                    _plan_checksum_file(path, plan, seen)
                else:
                    plan.problems.append(f"No checksum was found for {path}.")
        except InputError as exc:
            plan.problems.append(exc.message)
        except OSError as exc:
            plan.problems.append(read_error_message(path, exc))
    return plan


def _add(plan: VerifyPlan, seen: set[tuple[str, str, str]], item: VerifyItem) -> None:
    key = (os.path.normpath(item.path), item.algorithm, item.expected)
    if key not in seen:
        seen.add(key)
        plan.items.append(item)


def _absorb(plan: VerifyPlan, seen: set[tuple[str, str, str]], parsed: ChecksumFile, only: str | None) -> int:
    """Add the entries of ``parsed`` (only the one named ``only``, if given); return how many."""
    assert parsed.source is not None
    folder = parsed.source.parent
    real_folder = os.path.realpath(folder)
    added = 0
    for entry in parsed.entries:
        if only is not None and entry.name != only:
            continue
        path = folder / entry.name
        if only is None and not _stays_inside(real_folder, path):
            # The name is tidy, but a symlink on the way leads elsewhere: a list that came with
            # a download must not make us read (and report on) files outside its folder.
            message = (
                f"Line {entry.line} names a file that a symlink leads outside the checksum file's "
                "folder, so it is skipped."
            )
            plan.warnings.append(PlanWarning(parsed.source, entry.line, message))
            continue
        _add(plan, seen, VerifyItem(path, entry.algorithm, entry.hexdigest, parsed.source, entry.line))
        added += 1
    if only is None:
        plan.warnings.extend(PlanWarning(parsed.source, e.line, e.message) for e in parsed.errors)
        plan.warnings.sort(key=lambda w: (str(w.source), w.line))
    return added


def _stays_inside(real_folder: str, path: Path) -> bool:
    real = os.path.realpath(path)
    return real == real_folder or real.startswith(real_folder.rstrip(os.sep) + os.sep)


def _plan_checksum_file(path: Path, plan: VerifyPlan, seen: set[tuple[str, str, str]]) -> None:
    parsed = read_checksum_file(path)
    if not parsed.entries and not parsed.errors:
        plan.problems.append(f"{path} lists no checksums.")
    _absorb(plan, seen, parsed, None)


def _plan_folder(folder: Path, plan: VerifyPlan, seen: set[tuple[str, str, str]]) -> None:
    lists = sorted(p for p in folder.iterdir() if is_checksum_filename(p.name) and p.is_file())
    if not lists:
        plan.problems.append(f"{folder} holds no checksum files.")
    for path in lists:
        try:
            _plan_checksum_file(path, plan, seen)
        except InputError as exc:
            plan.problems.append(exc.message)


def _plan_data_file(path: Path, plan: VerifyPlan, seen: set[tuple[str, str, str]]) -> bool:
    """Find the checksums beside ``path`` that name it; False when there are none."""
    found = 0
    for candidate in sorted(path.parent.iterdir()):
        if candidate == path or not is_checksum_filename(candidate.name) or not candidate.is_file():
            continue
        subject = sidecar_subject(candidate.name)
        if subject is not None and subject != path.name:
            continue  # another file's sidecar
        try:
            parsed = read_checksum_file(candidate)
        except InputError:
            continue  # not ours to complain about: the person named the data file
        found += _absorb(plan, seen, parsed, path.name)
    return found > 0


def _sniff_checksum_file(path: Path) -> bool:
    if path.stat().st_size > MAX_CHECKSUM_FILE_BYTES:
        return False
    with open(path, "rb") as stream:
        return looks_like_checksum_text(stream.read(_SNIFF_BYTES))


def verify_items(
    items: Sequence[VerifyItem],
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[FileResult]:
    """Yield one FileResult per item, in the order given, while the pool hashes ahead.

    Each distinct path is read once, with every algorithm its items ask for. ``progress(done,
    total)`` counts bytes over all files and is called from the worker threads. When
    ``cancelled()`` turns true the hashing stops within a chunk and HashingCancelled is raised;
    closing the iterator early stops the workers the same way.
    """
    by_path: dict[str, set[str]] = {}
    for item in items:
        by_path.setdefault(os.path.normpath(item.path), set()).add(item.algorithm)

    stop = threading.Event()

    def should_stop() -> bool:
        return stop.is_set() or (cancelled is not None and cancelled())

    meter = _Meter(progress, _sizes(by_path) if progress is not None else 0)
    pool = ThreadPoolExecutor(max_workers=workers or default_workers(), thread_name_prefix="wherry-verify")
    try:
        futures: dict[str, Future[_Outcome]] = {
            key: pool.submit(_check_one, key, sorted(algorithms), meter, should_stop)
            for key, algorithms in by_path.items()
        }
        for item in items:
            outcome = futures[os.path.normpath(item.path)].result()
            if isinstance(outcome, HashingCancelled):
                raise HashingCancelled
            yield _verdict(item, outcome)
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


_Outcome = dict[str, str] | FileResult | HashingCancelled


def _verdict(item: VerifyItem, outcome: dict[str, str] | FileResult) -> FileResult:
    if isinstance(outcome, FileResult):
        return FileResult(item, outcome.status, message=outcome.message)
    actual = outcome[item.algorithm]
    status = FileStatus.OK if actual == item.expected else FileStatus.MISMATCH
    return FileResult(item, status, actual=actual)


def _check_one(path: str, algorithms: list[str], meter: _Meter, should_stop: Callable[[], bool]) -> _Outcome:
    placeholder = VerifyItem(Path(path), algorithms[0], "")
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", path)
        if not stat.S_ISREG(mode):
            # A FIFO or device would block or never end; a download is always a regular file.
            return FileResult(placeholder, FileStatus.UNREADABLE, message=f"{path} is not a regular file.")
        return hash_file(path, algorithms, progress=meter.for_file(), cancelled=should_stop)
    except HashingCancelled as exc:
        return exc
    except (FileNotFoundError, NotADirectoryError) as exc:
        return FileResult(placeholder, FileStatus.MISSING, message=read_error_message(path, exc))
    except OSError as exc:
        return FileResult(placeholder, FileStatus.UNREADABLE, message=read_error_message(path, exc))


def _sizes(by_path: dict[str, set[str]]) -> int:
    total = 0
    for path in by_path:
        try:
            info = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            total += info.st_size
    return total


class _Meter:
    """Adds up bytes hashed by several workers into one running total."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self._callback = callback
        self._total = total
        self._done = 0
        self._lock = threading.Lock()

    def for_file(self) -> ProgressCallback | None:
        if self._callback is None:
            return None
        last = 0

        def advance(done: int, _total: int) -> None:
            nonlocal last
            with self._lock:
                self._done += done - last
                last = done
                snapshot = self._done
            if self._callback is not None:
                self._callback(snapshot, max(self._total, snapshot))

        return advance
