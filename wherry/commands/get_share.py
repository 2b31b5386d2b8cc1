"""A long ``wherry get`` list shared with a helper process, so two cores do the per-file work.

One Python process runs its event loop on one core, and with thousands of small files that loop
is the limit, not the network or the disk (docs/PERFORMANCE.md). So a list of at least
SHARE_FROM downloads with ``-j`` of 4 or more is shared with a helper: Wherry started again in
this same environment, on the same job store, handed its downloads on stdin.

- Each process gets half of ``-j`` and half of the per-host connection cap, so the two together
  keep to what the person asked for. A speed limit is not split: a limited list is not
  CPU-bound, so it is never shared; nor is a list with a cap of one connection per host.
- Each process starts with two fifths of the list (alternating, so both begin at the top);
  the last fifth is handed out a few at a time to whichever runs low first. A helper that
  started later or drew the larger files then does less, and both end together.
- Requests for the same file name in the same folder go to the same process, so numbered names
  ("a (1).bin") come out as they would in one. Names from Content-Disposition may still meet
  across processes; the engine claims a name by creating its .part exclusively, so the second
  one takes the next free name instead of failing.
- The helper reports each download as it ends, one JSON line on its stdout; the parent prints
  every result in list order at the end, as without a helper.
- The helper stops (pausing its downloads) when its stdin closes: when the parent asks, or when
  the parent dies. If the helper dies, the parent continues the downloads it had not finished,
  from the bytes they have on disk, once their part files are free.

On the helper's stdin: a HelperTask, then chunks of (index, request) pairs, each a pickle after
its length; an empty chunk says the list is all handed out. On its stdout: Outcome lines, and
``{"want": N}`` when it runs low.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import pickle
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from wherry.commands import HELPER_FLAG
from wherry.core.jobs import AddRequest, Job, JobState
from wherry.core.settings import Settings

__all__ = [
    "SHARE_FROM",
    "Chunk",
    "Helper",
    "HelperTask",
    "Outcome",
    "Pool",
    "helper_main",
    "plan_share",
    "refill_size",
    "split_settings",
]

log = logging.getLogger(__name__)

# Shorter lists gain less than a second process costs to start (about a third of a second).
SHARE_FROM = 64
# A helper asked to stop pauses its downloads first; past this it is killed (its jobs are then
# left as after a crash, which the next run resumes).
STOP_GRACE = 30.0

Chunk = tuple[tuple[int, AddRequest], ...]  # downloads handed to a process, by list index


@dataclass(frozen=True)
class HelperTask:
    """What the parent hands the helper first on its stdin."""

    settings: Settings
    quiet: bool


@dataclass(frozen=True)
class Outcome:
    """How one of the helper's downloads ended, as the parent prints it."""

    index: int  # in the whole list
    name: str
    target: str | None = None  # set when the file is finished
    message: str | None = None  # why not, otherwise
    refused: bool = False  # the request itself was refused (the helper has said why)

    def line(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def of(cls, index: int, job: Job) -> Outcome:
        """How ``job``, at ``index`` in the list, ended."""
        if job.state is JobState.FINISHED:
            return cls(index, job.display_name, target=str(job.target))
        return cls(index, job.display_name, message=job.error_message or "did not finish.")

    @classmethod
    def parse(cls, line: str) -> Outcome:
        return cls(**json.loads(line))


class Pool:
    """The downloads not handed out yet, in list order and in whole name groups."""

    def __init__(self, groups: Sequence[list[int]] = ()) -> None:
        self._groups = deque(groups)

    def take(self, count: int) -> list[int]:
        taken: list[int] = []
        while self._groups and len(taken) < count:
            taken += self._groups.popleft()
        return taken

    def __bool__(self) -> bool:
        return bool(self._groups)

    def __len__(self) -> int:
        return sum(len(group) for group in self._groups)


def _name_key(request: AddRequest) -> tuple[str, str]:
    path = urlsplit(request.url.strip()).path
    return request.directory, (request.filename or path.rsplit("/", 1)[-1]).lower()


def plan_share(
    requests: Sequence[AddRequest], settings: Settings, cpus: int | None
) -> tuple[list[int], list[int], Pool] | None:
    """This process's first downloads, the helper's first ones and the rest, by list index; or
    None to keep the whole list here."""
    if (
        len(requests) < SHARE_FROM
        or settings.max_active < 4
        or settings.max_connections_per_host < 2
        or (cpus or 1) < 2
        or settings.speed_limit > 0
        or settings.limit_schedule_enabled
    ):
        return None
    groups: dict[tuple[str, str], list[int]] = {}
    for index, request in enumerate(requests):
        groups.setdefault(_name_key(request), []).append(index)
    first = len(requests) * 2 // 5
    ours: list[int] = []
    theirs: list[int] = []
    rest: list[list[int]] = []
    for members in groups.values():  # in order of first appearance
        if len(ours) >= first and len(theirs) >= first:
            rest.append(members)
        elif len(theirs) < len(ours):
            theirs += members
        else:
            ours += members
    if not theirs:
        return None
    return sorted(ours), sorted(theirs), Pool(sorted(rest))


def refill_size(settings: Settings) -> int:
    """How many more downloads a process takes when it runs low: enough for a while at its -j."""
    return max(4 * settings.max_active, 16)


def split_settings(settings: Settings) -> tuple[Settings, Settings]:
    """This process's settings and the helper's: ``-j`` and the per-host cap halved between them."""
    at_once, cap = settings.max_active, settings.max_connections_per_host
    ours = settings.with_changes(max_active=at_once - at_once // 2, max_connections_per_host=cap - cap // 2)
    theirs = settings.with_changes(max_active=at_once // 2, max_connections_per_host=cap // 2)
    return ours, theirs


def _launcher() -> list[str]:
    # This same Wherry: a bundle is its own executable; otherwise this interpreter and package.
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "wherry"]


def _frame(value: object) -> bytes:
    payload = pickle.dumps(value)
    return len(payload).to_bytes(8, "big") + payload


class Helper:
    """The helper process, seen from the parent, which hands it downloads from ``pool``."""

    def __init__(
        self, process: asyncio.subprocess.Process, requests: Sequence[AddRequest], pool: Pool
    ) -> None:
        self.process = process
        self.requests = requests
        self.pool = pool
        self.sent: list[int] = []  # every download handed to it, by list index
        self.outcomes: dict[int, Outcome] = {}  # by list index
        self.ended: asyncio.Task[None] = asyncio.ensure_future(self._read())

    @classmethod
    async def start(
        cls, requests: Sequence[AddRequest], first: list[int], pool: Pool, task: HelperTask
    ) -> Helper | None:
        """Start a helper with the downloads at ``first``; None if it cannot be started."""
        try:
            process = await asyncio.create_subprocess_exec(
                *_launcher(),
                HELPER_FLAG,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            log.warning("could not start a helper process (%s); running the whole list here", exc)
            return None
        helper = cls(process, requests, pool)
        helper._send(_frame(task))
        helper._hand(first)
        log.info(
            "sharing the list: helper process %d starts with %d of %d downloads",
            process.pid,
            len(first),
            len(requests),
        )
        return helper

    def _send(self, data: bytes) -> None:
        stdin = self.process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.write(data)

    def _hand(self, indices: list[int]) -> None:
        self.sent += indices
        self._send(_frame(tuple((i, self.requests[i]) for i in indices)))

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            try:
                data = json.loads(line)
                if "want" in data:
                    self._hand(self.pool.take(int(data["want"])))  # empty: there is no more
                    continue
                outcome = Outcome(**data)
                self.outcomes[outcome.index] = outcome
            except (ValueError, TypeError, KeyError):
                log.warning("the helper process sent a line it should not have: %r", line[:200])
        await self.process.wait()
        log.info("helper process %d ended with %s", self.process.pid, self.process.returncode)

    def unfinished(self) -> list[int]:
        """The downloads handed to the helper that it ended without reporting."""
        return [index for index in self.sent if index not in self.outcomes]

    def stop(self) -> None:
        """Ask the helper to pause its downloads and end."""
        stdin = self.process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()

    async def close(self) -> None:
        """Stop the helper and wait for it to end (killing it after STOP_GRACE)."""
        self.stop()
        try:
            await asyncio.wait_for(asyncio.shield(self.ended), STOP_GRACE)
        except TimeoutError:
            log.warning("helper process %d did not stop in time; killing it", self.process.pid)
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.ended


# ---- the helper's side --------------------------------------------------------------------------


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            raise EOFError("the parent closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int) -> object:
    # Straight from the descriptor: a buffered reader would hold its lock in the reading
    # thread below, which Python cannot stop at exit.
    size = int.from_bytes(_read_exactly(fd, 8), "big")
    return pickle.loads(_read_exactly(fd, size))  # from the parent process, over its own pipe


def read_from_parent(
    loop: asyncio.AbstractEventLoop, stop: asyncio.Event, handed: Callable[[Chunk], None]
) -> None:
    """Pass each chunk the parent hands over to ``handed`` on ``loop``; set ``stop`` when the
    parent closes the pipe (asked to stop, or gone)."""

    def read() -> None:
        with contextlib.suppress(OSError, EOFError, ValueError, pickle.UnpicklingError):
            while True:
                chunk = _read_frame(0)
                if not isinstance(chunk, tuple):
                    break
                loop.call_soon_threadsafe(handed, chunk)
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=read, name="from-parent", daemon=True).start()


def ask_for_more(count: int) -> None:
    sys.stdout.write(json.dumps({"want": count}) + "\n")
    sys.stdout.flush()


def tell(outcome: Outcome) -> None:
    sys.stdout.write(outcome.line() + "\n")
    sys.stdout.flush()


def helper_main() -> int:
    """``wherry --list-helper``: run the downloads the parent hands over; see the module doc."""
    try:
        task = _read_frame(0)
        if not isinstance(task, HelperTask):
            raise TypeError("not a helper task")
    except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError) as exc:
        print(f"wherry: a helper of 'wherry get' was started without its work ({exc}).", file=sys.stderr)
        return 2
    from wherry.commands.get_list import run_helper

    return asyncio.run(run_helper(task))
