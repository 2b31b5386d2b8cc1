"""A long ``wherry get`` list shared with a helper process, so two cores do the per-file work.

One Python process runs its event loop on one core, and with thousands of small files that loop
is the limit, not the network or the disk (docs/PERFORMANCE.md). So a list of at least
SHARE_FROM downloads with ``-j`` of 4 or more hands about half of them to a helper: Wherry
started again in this same environment, on the same job store, given its requests on stdin.

- Each process gets half of ``-j`` and half of the per-host connection cap, so the two together
  keep to what the person asked for. A speed limit is not split: a limited list is not
  CPU-bound, so it is never shared; nor is a list with a cap of one connection per host.
- Requests for the same file name in the same folder go to the same process, so numbered names
  ("a (1).bin") come out as they would in one. Names from Content-Disposition may still meet
  across processes; the engine claims a name by creating its .part exclusively, so the second
  one takes the next free name instead of failing.
- The helper reports each download as it ends, one JSON line on its stdout; the parent prints
  every result in list order at the end, as without a helper.
- The helper stops (pausing its downloads) when its stdin closes: when the parent asks, or when
  the parent dies. If the helper dies, the parent continues the downloads it had not finished,
  from the bytes they have on disk, once their part files are free.
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
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from wherry.core.jobs import AddRequest
from wherry.core.settings import Settings

__all__ = [
    "HELPER_FLAG",
    "SHARE_FROM",
    "Helper",
    "HelperTask",
    "Outcome",
    "helper_main",
    "plan_share",
    "split_settings",
]

log = logging.getLogger(__name__)

# Shorter lists gain less than a second process costs to start (about a third of a second).
SHARE_FROM = 64
HELPER_FLAG = "--list-helper"  # the hidden first argument that makes ``wherry`` a helper
# A helper asked to stop pauses its downloads first; past this it is killed (its jobs are then
# left as after a crash, which the next run resumes).
STOP_GRACE = 30.0


@dataclass(frozen=True)
class HelperTask:
    """What the parent hands the helper on its stdin."""

    requests: tuple[AddRequest, ...]
    settings: Settings
    quiet: bool


@dataclass(frozen=True)
class Outcome:
    """How one of the helper's requests ended, as the parent prints it."""

    index: int  # in the helper's own list
    name: str
    target: str | None = None  # set when the file is finished
    message: str | None = None  # why not, otherwise
    refused: bool = False  # the request itself was refused (the helper has said why)

    def line(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def parse(cls, line: str) -> Outcome:
        return cls(**json.loads(line))


def _name_key(request: AddRequest) -> tuple[str, str]:
    path = urlsplit(request.url.strip()).path
    return request.directory, (request.filename or path.rsplit("/", 1)[-1]).lower()


def plan_share(requests: Sequence[AddRequest], settings: Settings, cpus: int | None) -> list[int] | None:
    """The indices of the requests to hand to a helper, or None to keep them all here."""
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
    theirs: list[int] = []
    ours = 0
    for members in groups.values():  # in order of first appearance: both halves move down the list
        if len(theirs) < ours:
            theirs += members
        else:
            ours += len(members)
    return sorted(theirs) if theirs else None


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


class Helper:
    """The helper process, seen from the parent."""

    def __init__(self, process: asyncio.subprocess.Process, indices: Sequence[int]) -> None:
        self.process = process
        self.indices = list(indices)  # the parent's index of each of the helper's requests
        self.outcomes: dict[int, Outcome] = {}  # by the parent's index
        self.ended: asyncio.Task[None] = asyncio.ensure_future(self._read())

    @classmethod
    async def start(
        cls, requests: Sequence[AddRequest], indices: Sequence[int], task: HelperTask
    ) -> Helper | None:
        """Start a helper for ``indices`` of ``requests``; None if it cannot be started."""
        payload = pickle.dumps(task)
        try:
            process = await asyncio.create_subprocess_exec(
                *_launcher(),
                HELPER_FLAG,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            assert process.stdin is not None
            process.stdin.write(len(payload).to_bytes(8, "big") + payload)
            await process.stdin.drain()
        except (OSError, ConnectionError) as exc:
            log.warning("could not start a helper process (%s); running the whole list here", exc)
            return None
        log.info(
            "sharing the list: helper process %d takes %d of %d downloads",
            process.pid,
            len(indices),
            len(requests),
        )
        return cls(process, indices)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            try:
                outcome = Outcome.parse(line.decode())
                self.outcomes[self.indices[outcome.index]] = outcome
            except (ValueError, TypeError, IndexError, KeyError):
                log.warning("the helper process sent a line that is not an outcome: %r", line[:200])
        await self.process.wait()
        log.info("helper process %d ended with %s", self.process.pid, self.process.returncode)

    def unfinished(self) -> list[int]:
        """The parent's indices of the requests the helper ended without reporting."""
        return [index for index in self.indices if index not in self.outcomes]

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
            raise EOFError("the parent closed the pipe early")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_task(fd: int) -> HelperTask:
    # Straight from the descriptor: a buffered reader would hold its lock in the watching
    # thread below, which Python cannot stop at exit.
    size = int.from_bytes(_read_exactly(fd, 8), "big")
    task = pickle.loads(_read_exactly(fd, size))  # from the parent process, over its own pipe
    if not isinstance(task, HelperTask):
        raise TypeError("not a helper task")
    return task


def _stop_when_stdin_closes(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(0, 65536):
                pass
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def helper_main() -> int:
    """``wherry --list-helper``: run the requests the parent sends on stdin; see the module doc."""
    try:
        task = _read_task(0)
    except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError) as exc:
        print(
            f"wherry: this is a helper of 'wherry get' and was not given its work ({exc}).", file=sys.stderr
        )
        return 2
    from wherry.commands.get_run import run_helper

    return asyncio.run(run_helper(task, _stop_when_stdin_closes))
