"""A long ``wherry get`` list shared with a helper process, so two cores do the per-file work.

One Python process runs its event loop on one core, and with thousands of small files that loop
is the limit, not the network or the disk (docs/PERFORMANCE.md). So a list of at least
SHARE_FROM downloads with ``-j`` of 4 or more is shared with a helper: this process forked
before its event loop starts, so the helper has every module loaded and begins at once, on
the same job store through a connection of its own. Only where a fork is safe: Linux, with
no other thread running yet. Elsewhere the whole list runs in one process.

- Each process gets half of ``-j`` and half of the per-host connection cap, so the two together
  keep to what the person asked for. A speed limit is not split: a limited list is not
  CPU-bound, so it is never shared; nor is a list with a cap of one connection per host.
- Each process starts with two fifths of the list (alternating, so both begin at the top);
  the last fifth is handed out a few at a time to whichever runs low first. A helper that
  drew the larger files then does less, and both end together.
- Requests for the same file name in the same folder go to the same process, so numbered names
  ("a (1).bin") come out as they would in one. Names from Content-Disposition may still meet
  across processes; the engine claims a name by creating its .part exclusively, so the second
  one takes the next free name instead of failing.
- The helper reports each download as it ends, one JSON line on its stdout; the parent prints
  every result in list order at the end, as without a helper.
- The helper stops (pausing its downloads) when its stdin closes: when the parent asks, or when
  the parent dies. If the helper dies, the parent continues the downloads it had not finished,
  from the bytes they have on disk, once their part files are free.

The helper's settings and first downloads are in its memory from the fork. On its stdin come
more chunks of (index, request) pairs, each a pickle after its length; an empty chunk says the
list is all handed out. On its stdout: Outcome lines, and ``{"want": N}`` when it runs low.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import pickle
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from wherry.core.jobs import AddRequest, Job, JobState
from wherry.core.settings import Settings

__all__ = [
    "SHARE_FROM",
    "Chunk",
    "Forked",
    "Helper",
    "HelperTask",
    "Outcome",
    "Pool",
    "can_fork",
    "fork_helper",
    "plan_share",
    "read_line",
    "refill_size",
    "split_settings",
]

log = logging.getLogger(__name__)

# Set when a helper cost a third of a second to start. Forked it costs little, but a shorter
# list is done in well under a second either way, and splitting it would only halve its -j.
SHARE_FROM = 64
# A helper asked to stop pauses its downloads first; past this it is killed (its jobs are then
# left as after a crash, which the next run resumes).
STOP_GRACE = 30.0

Chunk = tuple[tuple[int, AddRequest], ...]  # downloads handed to a process, by list index


@dataclass(frozen=True)
class HelperTask:
    """What the helper is forked with, besides its first downloads."""

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


def read_line(line: bytes | str) -> Outcome | int:
    """A line of the helper's: how one of its downloads ended, or how many more it wants.

    Raises ValueError, TypeError or KeyError for a line that is neither."""
    data = json.loads(line)
    if "want" in data:
        return int(data["want"])
    return Outcome(**data)


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


def _frame(value: object) -> bytes:
    payload = pickle.dumps(value)
    return len(payload).to_bytes(8, "big") + payload


def can_fork() -> bool:
    """Whether a helper may be forked here and now.

    A fork copies only the calling thread, so a thread running elsewhere (holding a lock, say)
    would leave the helper stuck; and outside Linux (macOS frameworks, Windows) a fork without
    exec is not safe at all."""
    return sys.platform == "linux" and hasattr(os, "pidfd_open") and threading.active_count() == 1


@dataclass(frozen=True)
class Forked:
    """A helper forked before the event loop: its pid and this process's ends of its pipes."""

    pid: int
    to_helper: int
    from_helper: int


def fork_helper(requests: Sequence[AddRequest], first: list[int], task: HelperTask) -> Forked | None:
    """Fork the helper, which starts on the downloads at ``first`` at once; None if it cannot
    be forked.

    Call it before any event loop or thread exists (``can_fork``). The helper never returns
    from here: it runs its downloads and leaves with ``os._exit``, so nothing of this
    process's (its job store's connection above all) is closed or flushed twice.
    """
    sys.stdout.flush()
    sys.stderr.flush()  # else the helper would repeat what is still in the buffers
    to_read, to_write = os.pipe()
    back_read, back_write = os.pipe()
    pipes = (to_read, to_write, back_read, back_write)
    try:
        if min(pipes) < 3:
            raise OSError("standard input or output is closed")  # the pipes would take their place
        pid = os.fork()
    except OSError as exc:
        for fd in pipes:
            os.close(fd)
        log.warning("could not fork a helper process (%s); running the whole list here", exc)
        return None
    if pid == 0:  # the helper
        code = 1
        try:
            os.dup2(to_read, 0)
            os.dup2(back_write, 1)
            for fd in pipes:
                os.close(fd)  # the parent's end closed here too, so its death reads as EOF
            from wherry.commands.get_list import run_helper

            code = asyncio.run(run_helper(task, tuple((i, requests[i]) for i in first)))
        except BaseException:  # nothing may unwind into the parent's frames
            log.exception("the helper process failed")
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
                logging.shutdown()
            os._exit(code)
    os.close(to_read)
    os.close(back_write)
    log.info(
        "sharing the list: helper process %d starts with %d of %d downloads", pid, len(first), len(requests)
    )
    return Forked(pid, to_write, back_read)


class Helper:
    """The helper process, seen from the parent, which hands it downloads from ``pool``."""

    def __init__(
        self,
        pid: int,
        pipes: tuple[asyncio.StreamReader, asyncio.WriteTransport],
        exited: asyncio.Future[int],
        requests: Sequence[AddRequest],
        first: list[int],
        pool: Pool,
    ) -> None:
        self.pid = pid
        self._from_helper, self._to_helper = pipes
        self._exited = exited
        self.requests = requests
        self.pool = pool
        self.sent: list[int] = list(first)  # every download handed to it, by list index
        self.outcomes: dict[int, Outcome] = {}  # by list index
        self.ended: asyncio.Future[None] = asyncio.ensure_future(self._read())

    @classmethod
    async def attach(
        cls, forked: Forked, requests: Sequence[AddRequest], first: list[int], pool: Pool
    ) -> Helper:
        """The forked helper on this event loop, which hands it more from ``pool``."""
        loop = asyncio.get_running_loop()
        exited = _exit_of(forked.pid)
        lines = asyncio.StreamReader()
        reading = os.fdopen(forked.from_helper, "rb", buffering=0)  # the transports close them
        writing = os.fdopen(forked.to_helper, "wb", buffering=0)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(lines), reading)
        to_helper, _ = await loop.connect_write_pipe(asyncio.Protocol, writing)
        return cls(forked.pid, (lines, to_helper), exited, requests, first, pool)

    def _send(self, data: bytes) -> None:
        if not self._to_helper.is_closing():
            self._to_helper.write(data)

    def _hand(self, indices: list[int]) -> None:
        self.sent += indices
        self._send(_frame(tuple((i, self.requests[i]) for i in indices)))

    async def _read(self) -> None:
        while line := await self._from_helper.readline():
            try:
                said = read_line(line)
            except (ValueError, TypeError, KeyError):
                log.warning("the helper process sent a line it should not have: %r", line[:200])
                continue
            if isinstance(said, Outcome):
                self.outcomes[said.index] = said
            else:
                self._hand(self.pool.take(said))  # empty: there is no more
        log.info("helper process %d ended with %s", self.pid, await self._exited)

    def unfinished(self) -> list[int]:
        """The downloads handed to the helper that it ended without reporting."""
        return [index for index in self.sent if index not in self.outcomes]

    def stop(self) -> None:
        """Ask the helper to pause its downloads and end."""
        if not self._to_helper.is_closing():
            self._to_helper.close()

    async def close(self) -> None:
        """Stop the helper and wait for it to end (killing it after STOP_GRACE)."""
        self.stop()
        try:
            await asyncio.wait_for(asyncio.shield(self.ended), STOP_GRACE)
        except TimeoutError:
            log.warning("helper process %d did not stop in time; killing it", self.pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            await self.ended


def _exit_of(pid: int) -> asyncio.Future[int]:
    """The exit code of the child ``pid`` (minus the signal that ended it), when it ends."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[int] = loop.create_future()
    watch = os.pidfd_open(pid)

    def reap() -> None:
        loop.remove_reader(watch)
        os.close(watch)
        _, status = os.waitpid(pid, 0)
        done.set_result(os.waitstatus_to_exitcode(status))

    loop.add_reader(watch, reap)
    return done


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
