"""Which jobs a live Wherry process has taken on: its claims file, and reading everyone else's.

``wherry get -i LIST`` adds a whole list at once and starts a few; the rest wait in its own queue
with no part file yet, so nothing on disk says they are taken. A window started meanwhile would
find them queued and start them too, and one of the two would then fail on the other's lock.
So a process that runs only its own jobs (the command line, the library) writes their ids to a
claims file in a folder beside the store, locked for as long as it lives; the window, and
``wherry serve``, leave every job claimed there to it.

The file is append-only: ``+ID`` when a job is taken on, ``-ID`` once its end is committed to
the store, so a reader that sees the job let go finds how it ended. A dead owner's lock is gone,
and its file counts for nothing (whoever finds it removes it). An owner that has let go of many
jobs writes a fresh file and renames it over the old one; a lock is taken on every file before
it gets its name, so a file under a ``.claims`` name without a lock is always a dead one's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

from wherry.core.jobs import JobId

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; the part files' own checks remain
    fcntl = None  # type: ignore[assignment]

__all__ = ["OwnClaims", "RunClaims", "claims_folder"]

log = logging.getLogger(__name__)

_SUFFIX = ".claims"
# An owner rewrites its file once it holds this many lines more than twice its live claims.
_COMPACT_SLACK = 1024


def claims_folder(store: Path) -> Path:
    """The folder of claims files for the store at ``store``."""
    return store.with_name(store.name + ".runs")


class RunClaims:
    """This process's claims (``hold``, ``let_go``, ``close``) and other processes' (``others``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fd = -1
        self._path: Path | None = None
        self._held: set[JobId] = set()
        self._lines = 0
        # The claims of others, with the files' names, sizes and times they were read from.
        self._seen: tuple[tuple[str, int, int], ...] | None = None
        self._others: frozenset[JobId] = frozenset()

    # ---- the owner's side ----------------------------------------------------------------------

    def hold(self, ids: Iterable[JobId]) -> None:
        """Claim ``ids`` for this process (those it holds already are skipped)."""
        new = [job_id for job_id in ids if job_id not in self._held]
        if not new or fcntl is None:
            return
        if self._fd < 0:
            self._fd, self._path = self._locked_file(self._name())
        self._held.update(new)
        self._append("".join(f"+{job_id}\n" for job_id in new))

    def let_go(self, ids: Iterable[JobId]) -> None:
        """Give ``ids`` back: call only once their end is committed to the store."""
        gone = [job_id for job_id in ids if job_id in self._held]
        if not gone or self._fd < 0:
            return
        self._held.difference_update(gone)
        if self._lines + len(gone) > 2 * len(self._held) + _COMPACT_SLACK:
            self._rewrite()
        else:
            self._append("".join(f"-{job_id}\n" for job_id in gone))

    def close(self) -> None:
        """Give back every claim: the file goes (a crash leaves it unlocked, which counts as gone)."""
        if self._fd < 0:
            return
        if self._path is not None:
            with contextlib.suppress(OSError):
                self._path.unlink()
        os.close(self._fd)
        self._fd, self._path = -1, None
        self._held.clear()

    def _name(self) -> str:
        return f"{os.getpid()}-{secrets.token_hex(4)}{_SUFFIX}"

    def _locked_file(self, name: str, text: str = "") -> tuple[int, Path]:
        """A new file holding ``text``, locked, and only then under ``name`` in the folder."""
        assert fcntl is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        temporary = self.folder / f".{name}.new"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if text:
                _write_all(fd, text.encode())
            os.replace(temporary, path)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        return fd, path

    def _append(self, text: str) -> None:
        _write_all(self._fd, text.encode())
        self._lines += text.count("\n")

    def _rewrite(self) -> None:
        assert self._path is not None
        text = "".join(f"+{job_id}\n" for job_id in self._held)
        fd, path = self._locked_file(self._path.name, text)
        # Renamed over the old file before its lock goes, so nobody takes the old one for a
        # dead owner's while its name still points at it.
        os.close(self._fd)
        self._fd, self._path, self._lines = fd, path, len(self._held)

    # ---- everyone else's -----------------------------------------------------------------------

    def others(self, recheck: bool = False) -> frozenset[JobId]:
        """The jobs other live processes hold.

        Read again when a claims file changed; ``recheck`` also tests each owner's lock again,
        to notice one that died without a word (a cheaper answer may still count it).
        """
        if fcntl is None:
            return frozenset()
        try:
            entries = [e for e in os.scandir(self.folder) if _is_claims(e.name)]
        except OSError:
            return frozenset()
        own = self._path.name if self._path is not None else None
        seen = tuple(
            sorted((e.name, st.st_size, st.st_mtime_ns) for e in entries if e.name != own for st in _stat(e))
        )
        if seen == self._seen and not recheck:
            return self._others
        claimed: set[JobId] = set()
        for name, _, _ in seen:
            claimed |= _live_claims(self.folder / name)
        self._seen, self._others = seen, frozenset(claimed)
        return self._others


def _is_claims(name: str) -> bool:
    return name.endswith(_SUFFIX) and not name.startswith(".")  # not a file still being made


def _stat(entry: os.DirEntry[str]) -> list[os.stat_result]:
    try:
        return [entry.stat()]
    except OSError:
        return []


def _live_claims(path: Path) -> set[JobId]:
    """The ids ``path`` holds if its owner is alive; a dead owner's file is removed."""
    assert fcntl is not None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return set()
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return _read_claims(fd)  # locked: its owner lives
        # Unlocked: its owner is gone. Removed only if the name is still this very file.
        with contextlib.suppress(OSError):
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                path.unlink()
        return set()
    finally:
        os.close(fd)


def _read_claims(fd: int) -> set[JobId]:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    held: set[JobId] = set()
    for line in b"".join(chunks).decode("ascii", "replace").splitlines():
        if line.startswith("+"):
            held.add(JobId(line[1:]))
        elif line.startswith("-"):
            held.discard(JobId(line[1:]))
    return held


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class OwnClaims:
    """An engine's claims on the jobs it takes on, or none (a window only reads others').

    Held before the jobs are stored; each given back once the job's end is committed: at the next
    group commit when saves are grouped, else at once. A claim that cannot be written (a full
    disk, a folder made read-only) is logged and costs only itself, never a download: a window
    opened meanwhile could not tell that job is taken, and the part files' locks still stop two
    writers.
    """

    def __init__(self, claims: RunClaims | None) -> None:
        self.claims = claims
        self.grouping = False  # saves wait for a group commit
        self._letting_go: list[JobId] = []

    def hold(self, ids: list[JobId]) -> None:
        if self.claims is None:
            return
        try:
            self.claims.hold(ids)
        except OSError:
            log.exception("could not claim %d downloads for this process", len(ids))

    def unstored(self, ids: list[JobId]) -> None:
        """Give back at once the claims of jobs that could not be stored."""
        if self.claims is not None:
            self._give_back(ids)

    def let_go(self, job_id: JobId) -> None:
        """Give the claim back once the job's end is committed."""
        if self.claims is None:
            return
        self._letting_go.append(job_id)
        if not self.grouping:
            self.committed()

    def committed(self, commit: Callable[[], None] | None = None) -> None:
        """Run the store's group ``commit``, if any, then give back the claims it covered."""
        if commit is not None:
            commit()
        if self._letting_go and self.claims is not None:
            ids, self._letting_go = self._letting_go, []
            self._give_back(ids)

    def _give_back(self, ids: list[JobId]) -> None:
        assert self.claims is not None
        try:
            self.claims.let_go(ids)
        except OSError:
            # Kept claimed until this process ends: a window only sees their end later.
            log.exception("could not give back the claims of %d downloads", len(ids))
