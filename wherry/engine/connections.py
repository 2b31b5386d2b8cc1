"""How a job's connections share its file: claim, steal, the slow watch, and adaptive growth.

These are the decisions; the runner owns the tasks and does the I/O. Each helper takes what
it needs as arguments (segments, workers, settings values, a clock reading), so it can be
tested without a download and never needs the runner back.

Adaptive growth (``Growth``): a job left to the default opens a few connections, measures the
job's throughput for a short stage once they all transfer, then doubles them, and keeps the
doubling only while it paid: a step must raise the throughput by at least a tenth of what
the added connections would bring if each did as well as the ones before. A clean fast link
stops after the first step (and steps back to where it was); a lossy, high-latency link,
where each TCP connection is slow on its own, keeps doubling up to the host's cap, as aria2c
-x16 does by hand. A long path (the probe's answer took a long round trip) starts at twice
the connections: each TCP connection over it is slow on its own, so that first step is
nearly always taken, and skipping it saves a stage of the climb; a short, clean path such as
a LAN or loopback still starts at four.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from wherry.core.jobs import Segment
from wherry.engine.planner import ALIGN, carve, claimable, split_largest
from wherry.engine.stats import SpeedMeter

__all__ = [
    "AUTO_START",
    "IDLE_RECHECK",
    "LONG_PATH_START",
    "LONG_PATH_WAIT",
    "SLOW_GRACE",
    "SLOW_RATIO",
    "STEAL_MIN_ETA",
    "TAIL_SPLIT_SHARE",
    "Growth",
    "Worker",
    "claim",
    "more_work_may_come",
    "slow_workers",
    "tail_split",
    "worth_splitting",
]

# A connection is judged slow only after a grace period (at most this long), and only against a
# source or peer at least ten times faster.
SLOW_GRACE = 5.0
SLOW_RATIO = 0.1
# A piece is taken from a running connection only if that connection needs longer than this
# (and has been running at least this long); idle connections look for such pieces this often.
STEAL_MIN_ETA = 1.0
IDLE_RECHECK = 0.25
# An idle connection may take half of a running connection's share down to this fraction of
# the min split size, which only bounds how a download is first divided. Otherwise the
# connection with the most left holds the end of the file alone: on a lossy line, where
# connections run at very different speeds, the slowest of sixteen even 2 MiB shares took four
# times as long as the fastest, and with a 1 MiB minimum no share could be halved at all.
TAIL_SPLIT_SHARE = 4
# Adaptive growth: connections at the start, the pause once all of a stage's connections
# receive before measuring (the new ones are in TCP slow start), how long a stage measures,
# and the share of the ideal gain a step must show. A stage waits for its connections to
# receive, so a longer round trip lengthens it by itself. The first stage settles longer: fresh
# connections start with a burst (slow start before the first loss) that would make the
# baseline look better than the link is, and every later step look like it did not pay.
# Stopping wrongly costs a lossy link half its speed, growing wrongly costs a clean link a few
# idle connections, so the bar for a step is low.
AUTO_START = 4
LONG_PATH_START = 8
# The probe's time to its answer's headers (a fresh connection: the handshake and one round
# trip) past which the path counts as long. A LAN or loopback answers in a few milliseconds.
LONG_PATH_WAIT = 0.06
GROWTH_SETTLE = 0.15
GROWTH_FIRST_SETTLE = 0.5
GROWTH_STAGE = 0.5
GROWTH_GAIN = 0.1


@dataclass(eq=False)
class Worker:
    """One connection's state, read by the slow-connection watcher."""

    index: int
    meter: SpeedMeter = field(default_factory=lambda: SpeedMeter(window=3.0))
    segment: Segment | None = None
    task: asyncio.Task[None] | None = None
    started: float = 0.0
    received: int = 0
    replaced: bool = False
    url: str | None = None
    answered: bool = False  # the current request got the file's bytes started (a 200 or 206)
    retired: bool = False  # given back (growth stepped back, or a fair share shrank)
    warmed: bool = False  # bytes have arrived over this connection at some point

    @property
    def transferring(self) -> bool:
        return self.task is not None and not self.task.done()

    @property
    def receiving(self) -> bool:
        """Past its handshake and first round trip: bytes have arrived, and it is not idle.

        Between two shares a connection is briefly without a request; it still counts (its TCP
        connection stays warm), or growth, which waits until all its connections receive,
        would never get a reading on a file divided into many shares.
        """
        return self.warmed and (self.transferring or self.segment is not None)


def claim(
    segments: list[Segment],
    busy: set[int],
    *,
    piece: int | None,
    min_split: int,
    can_split: bool,
    worth: Callable[[Segment], bool],
) -> Segment | None:
    """A segment for an idle connection: an unheld one (carved to ``piece`` when the job goes
    in file order), else half of the largest one worth splitting; None when there is none."""
    index = claimable(segments, busy)
    if index is not None and piece is not None:
        carve(segments, index, piece, min_split)
    if index is None and can_split:
        index = split_largest(segments, tail_split(min_split), worth)
    if index is None:
        return None
    segment = segments[index]
    busy.add(id(segment))
    return segment


def worth_splitting(workers: Sequence[Worker], segment: Segment, now: float) -> bool:
    """Not while its connection is just starting or will finish within a moment: cutting its
    request would throw away the bytes already on their way, for no time gained."""
    for worker in workers:
        if worker.segment is segment:
            if now - worker.started < STEAL_MIN_ETA:
                return False
            eta = worker.meter.eta(segment.remaining)
            return eta is None or eta > STEAL_MIN_ETA
    return True


def tail_split(min_split: int) -> int:
    """The smallest piece a running connection's share may be halved into for an idle one."""
    return max(ALIGN, min_split // TAIL_SPLIT_SHARE)


def more_work_may_come(segments: Sequence[Segment], accept_ranges: bool, min_split: int) -> bool:
    """Could an idle connection still get a piece, once a running one shows it is slow?"""
    split = 2 * tail_split(min_split)
    return accept_ranges and any((s.remaining or 0) >= split for s in segments)


def slow_workers(
    workers: Sequence[Worker],
    now: float,
    grace: float,
    min_split: int,
    best_speed: Callable[[str | None], float],
) -> list[Worker]:
    """Connections running far slower than their peers, or than another source has run.

    Comparing with peers alone is not enough: once the fast connections have nothing left
    to take, a lone slow one would hold the tail of the file for as long as it likes.
    """
    active = [w for w in workers if w.transferring and not w.retired]
    slow = []
    for worker in active:
        others = [w.meter.speed() for w in active if w is not worker]
        reference = max(statistics.median(others) if others else 0.0, best_speed(worker.url))
        left = worker.segment.remaining if worker.segment else 0
        if (
            now - worker.started > grace
            and (left or 0) > min_split // 4
            and worker.meter.speed() < SLOW_RATIO * reference
        ):
            slow.append(worker)
    return slow


class Growth:
    """How many connections a job left to the default should have, from its throughput.

    Feed it the job's byte count with ``observe``; read ``target``. Pure: the caller's clock.
    """

    def __init__(
        self,
        ceiling: int,
        start: int = AUTO_START,
        settle: float = GROWTH_SETTLE,
        stage: float = GROWTH_STAGE,
        gain: float = GROWTH_GAIN,
        first_settle: float = GROWTH_FIRST_SETTLE,
    ) -> None:
        self.ceiling = max(1, ceiling)
        self.target = max(1, min(start, self.ceiling))
        self.settle, self.stage, self.gain = settle, stage, gain
        self.first_settle = first_settle
        self.done = self.target >= self.ceiling
        self.steps: list[tuple[int, float]] = []  # (connections, bytes/s) of each measured stage
        self._since: float | None = None  # all connections of this stage transferring since
        self._from: tuple[float, int] | None = None  # the stage's first reading
        self._before: tuple[int, float] | None = None  # the previous stage's (count, rate)
        self._doubt = False  # the last stage did not pay; one more reading decides

    def probe_answered(self, waited: float) -> int:
        """The probe's answer came ``waited`` seconds after its request: a long path starts
        at ``LONG_PATH_START`` connections. Only before the first stage; returns the target."""
        if not self.done and not self.steps and self._since is None and waited >= LONG_PATH_WAIT:
            self.target = max(self.target, min(LONG_PATH_START, self.ceiling))
            self.done = self.target >= self.ceiling
        return self.target

    def observe(self, now: float, received: int, transferring: int, room: bool) -> int:
        """The connections wanted now, given ``received`` bytes so far, how many connections
        are transferring, and whether the host has ``room`` for more."""
        if self.done:
            return self.target
        if transferring < self.target:
            # Not all up yet (slots, probe) or running out of work: no fair reading now.
            self._since, self._from = None, None
            return self.target
        if self._since is None:
            self._since = now
        if self._from is None:
            if now - self._since >= (self.settle if self.steps else self.first_settle):
                self._from = (now, received)
            return self.target
        began, at_start = self._from
        if now - began < self.stage:
            return self.target
        rate = (received - at_start) / (now - began)
        self.steps.append((self.target, rate))
        if self._before is not None:
            count, before = self._before
            expected = before * (self.target - count) / count
            if rate - before < self.gain * expected:
                if not self._doubt:
                    # One reading is noise on a lossy line (bursts, a timeout): measure again.
                    self._doubt = True
                    self._since, self._from = None, None
                    return self.target
                # Twice it did not pay: go back to where it was, and stay.
                self.target, self.done = count, True
                return self.target
            self._doubt = False
        if self.target >= self.ceiling or not room:
            self.done = True
            return self.target
        self._before = (self.target, rate)
        self.target = min(self.ceiling, self.target * 2)
        self._since, self._from = None, None
        return self.target
