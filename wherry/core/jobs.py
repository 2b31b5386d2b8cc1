"""The job: what to download, where to, how far it got, and the states it moves through."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from wherry.core.errors import ErrorKind, InputError

__all__ = [
    "ALGORITHMS",
    "AddRequest",
    "ChecksumSpec",
    "IllegalTransition",
    "Job",
    "JobId",
    "JobState",
    "Mirror",
    "Pieces",
    "Segment",
    "new_job_id",
]

JobId = str

# Digest length in hex characters for every algorithm a job may carry.
ALGORITHMS: dict[str, int] = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}

_HEX = re.compile(r"^[0-9a-f]+$")


def new_job_id() -> JobId:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class JobState(StrEnum):
    QUEUED = "queued"  # waiting for a free slot
    RUNNING = "running"  # probing or transferring
    VERIFYING = "verifying"  # all bytes are here, the digest is being checked
    PAUSED = "paused"  # stopped by the user, or by a full disk
    FINISHED = "finished"  # complete (and verified when a checksum was given) at its final path
    FAILED = "failed"  # stopped by an error the user has to look at; can be retried
    CANCELLED = "cancelled"  # given up by the user; the partial file is gone

    @property
    def is_terminal(self) -> bool:
        return self in (JobState.FINISHED, JobState.FAILED, JobState.CANCELLED)

    @property
    def is_active(self) -> bool:
        return self in (JobState.RUNNING, JobState.VERIFYING)


_ALLOWED: dict[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset({JobState.RUNNING, JobState.PAUSED, JobState.CANCELLED, JobState.FAILED}),
    JobState.RUNNING: frozenset(
        {
            JobState.QUEUED,  # re-queued when the app closes mid-transfer
            JobState.VERIFYING,
            JobState.FINISHED,
            JobState.PAUSED,
            JobState.FAILED,
            JobState.CANCELLED,
        }
    ),
    JobState.VERIFYING: frozenset(
        {
            JobState.RUNNING,  # a failed check fetches the file once more
            JobState.QUEUED,
            JobState.FINISHED,
            JobState.FAILED,
            JobState.PAUSED,
            JobState.CANCELLED,
        }
    ),
    JobState.PAUSED: frozenset({JobState.QUEUED, JobState.CANCELLED, JobState.FAILED}),
    JobState.FAILED: frozenset({JobState.QUEUED, JobState.PAUSED, JobState.CANCELLED}),
    JobState.FINISHED: frozenset({JobState.QUEUED}),  # download again on request
    JobState.CANCELLED: frozenset({JobState.QUEUED}),
}


class IllegalTransition(RuntimeError):
    """A bug: code tried to move a job along an edge the state machine does not have."""


@dataclass(frozen=True)
class ChecksumSpec:
    """An expected digest, normalised to a lower-case algorithm name and lower-case hex."""

    algorithm: str
    hexdigest: str

    @classmethod
    def parse(cls, text: str, algorithm: str | None = None) -> ChecksumSpec:
        """Read ``ALGO:HEX`` (or bare ``HEX`` with ``algorithm``); raise InputError in one sentence."""
        raw = text.strip()
        if algorithm is None:
            algo, sep, digest = raw.partition(":")
            if not sep:
                raise InputError(
                    ErrorKind.BAD_INPUT,
                    "Write the checksum as ALGORITHM:HEX, for example sha256:0123abcd….",
                )
        else:
            algo, digest = algorithm, raw
        algo = algo.strip().lower().replace("-", "")
        digest = digest.strip().lower()
        if algo not in ALGORITHMS:
            names = ", ".join(ALGORITHMS)
            raise InputError(ErrorKind.BAD_INPUT, f"Unknown checksum algorithm {algo!r}; use one of {names}.")
        if len(digest) != ALGORITHMS[algo] or not _HEX.match(digest):
            raise InputError(
                ErrorKind.BAD_INPUT,
                f"A {algo} checksum is {ALGORITHMS[algo]} hexadecimal characters; got {len(digest)}.",
            )
        return cls(algo, digest)

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.hexdigest}"


@dataclass(frozen=True)
class Pieces:
    """Digests of consecutive ``length``-byte pieces (the last may be shorter), from a metalink."""

    algorithm: str
    length: int
    hashes: tuple[str, ...]

    def span(self, index: int, total: int) -> tuple[int, int]:
        start = index * self.length
        return start, min(start + self.length, total)


@dataclass
class Mirror:
    """An alternate URL for the same file. ``rejected`` holds the sentence that ruled it out."""

    url: str
    priority: int = 0
    rejected: str | None = None


@dataclass
class Segment:
    """A byte range [start, end) of the file and how much of it is safely on disk.

    ``end`` is None while the size is unknown (a server that sends no length).
    """

    start: int
    end: int | None
    done: int = 0

    @property
    def position(self) -> int:
        return self.start + self.done

    @property
    def remaining(self) -> int | None:
        return None if self.end is None else self.end - self.position

    @property
    def complete(self) -> bool:
        return self.end is not None and self.position >= self.end


@dataclass
class Job:
    """Everything Wherry knows about one download. Mutated only by the engine."""

    url: str
    directory: str
    id: JobId = field(default_factory=new_job_id)
    state: JobState = JobState.QUEUED
    mirrors: list[Mirror] = field(default_factory=list)
    filename: str | None = None  # the final name, once decided
    requested_name: str | None = None  # a name the user insisted on (``-o``)
    overwrite: bool = False
    connections: int = 1  # 0: adapt to the link, up to the per-host cap
    speed_limit: int = 0  # bytes per second for this job alone; 0 is unlimited
    position: int = 0  # order in the queue; lower starts first
    total_size: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    accept_ranges: bool = False
    checksum: ChecksumSpec | None = None
    actual_digest: str | None = None
    pieces: Pieces | None = None
    headers: tuple[tuple[str, str], ...] = ()  # see AddRequest.headers
    secret_headers: tuple[str, ...] = ()  # lower-case names the person marked secret
    host_headers: tuple[tuple[str, str, str], ...] = ()  # see AddRequest.host_headers
    # Where ``checksum`` came from: "given" by the person, or what the server published
    # ("the Repr-Digest header", "the hub's X-Linked-Etag", "the checksum file URL", …).
    checksum_source: str | None = None
    segments: list[Segment] = field(default_factory=list)
    error_kind: ErrorKind | None = None
    error_message: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    # (directory, filename, target, part path) as last computed: a running job asks for its
    # paths many times, and building a Path each time showed in the many-files profile.
    _paths: tuple[str, str, Path, Path] | None = field(default=None, init=False, repr=False, compare=False)

    def transition(self, new: JobState) -> None:
        """Move to ``new`` or raise IllegalTransition; the only way ``state`` changes."""
        if new == self.state:
            return
        if new not in _ALLOWED[self.state]:
            raise IllegalTransition(f"job {self.id}: {self.state} -> {new} is not allowed")
        self.state = new
        if new is JobState.FINISHED:
            self.finished_at = utcnow()
        if new in (JobState.QUEUED, JobState.RUNNING, JobState.FINISHED):
            self.error_kind = None
            self.error_message = None

    @property
    def bytes_done(self) -> int:
        return sum(s.done for s in self.segments)

    def _known_paths(self) -> tuple[str, str, Path, Path] | None:
        if not self.filename:
            return None
        paths = self._paths
        if paths is None or paths[0] != self.directory or paths[1] != self.filename:
            target = Path(self.directory, self.filename)
            paths = self._paths = (
                self.directory,
                self.filename,
                target,
                target.with_name(target.name + ".part"),
            )
        return paths

    @property
    def target(self) -> Path | None:
        paths = self._known_paths()
        return None if paths is None else paths[2]

    @property
    def part_path(self) -> Path | None:
        paths = self._known_paths()
        return None if paths is None else paths[3]

    @property
    def urls(self) -> list[str]:
        """The primary URL first, then usable mirrors by priority."""
        if not self.mirrors:
            return [self.url]  # most downloads; asked several times per request
        alive = sorted((m for m in self.mirrors if m.rejected is None), key=lambda m: m.priority)
        return [self.url, *(m.url for m in alive if m.url != self.url)]

    @property
    def checksum_origin(self) -> str | None:
        """Where the expected digest came from, for people: "given with the download", "from …"."""
        if self.checksum is None:
            return None
        if self.checksum_source in (None, "given"):
            return "given with the download"
        return f"from {self.checksum_source}"

    @property
    def display_name(self) -> str:
        if self.filename:
            return self.filename
        if self.requested_name:
            return self.requested_name
        tail = self.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return tail or self.url


@dataclass(frozen=True)
class AddRequest:
    """What a person asks for when adding a download (window, command line or hand-off)."""

    url: str
    directory: str
    filename: str | None = None  # insist on this name (``-o``); otherwise Wherry picks one
    overwrite: bool = False  # replace an existing file at ``filename`` once the new one is complete
    checksum: ChecksumSpec | None = None
    mirrors: tuple[str, ...] = ()
    connections: int | None = None  # None: the setting
    start_paused: bool = False
    pieces: Pieces | None = None  # piece digests (a metalink's), checked as each piece completes
    # Extra request headers as (name, value) pairs, credentials among them (Authorization,
    # Cookie): sent only to the host of ``url``, never to mirrors or to another host after a
    # redirect.
    headers: tuple[tuple[str, str], ...] = ()
    # Names of further headers in ``headers`` to treat as secret (Authorization, Cookie and
    # credential-looking names always are; see core.headers).
    secret_headers: tuple[str, ...] = ()
    # (host[:port] or URL, name, value): headers for one other host only, such as a mirror's
    # own login. Always secret; a mirror gets no credentials but these.
    host_headers: tuple[tuple[str, str, str], ...] = ()
    cookie_file: str | None = None  # a Netscape cookies.txt; its cookies for ``url`` are sent
    checksum_url: str | None = None  # a SHA256SUMS-style file holding this file's digest
    checksum_source: str | None = None  # where ``checksum`` came from, when not typed in
    # The id the new job gets (a remote client may choose its GID); None: a fresh one.
    job_id: JobId | None = None
