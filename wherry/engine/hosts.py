"""Per-host politeness shared by every job: a connection cap, shared fairly, and the circuit breaker.

Jobs on one host share its cap max-min fairly: each says how many connections it wants, a job
wanting less than an equal share gets what it wants, and the rest is split equally among the
others. So three jobs wanting 16 each on a host capped at 16 get 6, 5 and 5 rather than 16, 0
and 0 in the order they started. A job holding more than its share while another is short
learns it from ``excess`` and gives connections back.

Jobs that find no slot wait in line. Room on a host wakes only the first of them that could
take it (one of its hosts, within its share): with more jobs than slots, waking all of them on
every release made each one look again, only for one to succeed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, deque
from collections.abc import Collection
from typing import NamedTuple

from wherry.engine.breaker import CircuitBreaker

__all__ = ["HostPool", "fair_shares"]


# Read, never written: the connections held on a host nobody holds any on.
_NOBODY: Counter[object] = Counter()


class _Waiter(NamedTuple):
    future: asyncio.Future[str]  # the host with room for it
    hosts: frozenset[str]
    owner: object


def fair_shares(cap: int, wants: dict[object, int]) -> dict[object, int]:
    """Max-min fair split of ``cap`` slots among owners wanting ``wants`` slots each."""
    shares: dict[object, int] = {}
    left = max(cap, 0)
    # Smallest demands first: those below an equal share are served in full.
    pending = sorted(wants.items(), key=lambda item: item[1])
    while pending:
        equal, extra = divmod(left, len(pending))
        owner, want = pending[0]
        if want <= equal:
            shares[owner] = want
            left -= want
            pending.pop(0)
            continue
        # Everyone left wants more than an equal share: split what is left; the earliest
        # (in the order they joined) get the remainder.
        joined = {owner: index for index, owner in enumerate(wants)}
        for index, (other, _) in enumerate(sorted(pending, key=lambda item: joined[item[0]])):
            shares[other] = equal + (1 if index < extra else 0)
        break
    return shares


class HostPool:
    """Counts open connections per host; a host is usable when under its cap and not parked."""

    def __init__(self, breaker: CircuitBreaker, cap: int = 16) -> None:
        self.breaker = breaker
        self.cap = cap
        self._active: Counter[str] = Counter()
        self._held: dict[str, Counter[object]] = {}
        self._wants: dict[str, dict[object, int]] = {}
        # The fair split of each host as last computed, with the cap it was for; dropped when
        # the host's wants change. Every connection asks for its share, and so does each look
        # along the line of waiting jobs.
        self._shares: dict[str, tuple[int, dict[object, int]]] = {}
        self._line: deque[_Waiter] = deque()

    def active(self, host: str) -> int:
        return self._active[host]

    def has_room(self, host: str) -> bool:
        return self._active[host] < self.cap

    def usable(self, host: str) -> bool:
        return self.has_room(host) and not self.breaker.is_open(host)

    # -- sharing among jobs ----------------------------------------------------------------

    def want(self, host: str, owner: object, count: int) -> None:
        """``owner`` (a job's sources) would like ``count`` connections to ``host``."""
        wants = self._wants.setdefault(host, {})
        if wants.get(owner) != count:
            wants[owner] = count
            self._shares.pop(host, None)
            self.wake(host)  # a smaller want may leave room for another job

    def leave(self, owner: object) -> None:
        """The owner is done with every host: its wants no longer count."""
        for host in list(self._wants):
            wants = self._wants[host]
            if wants.pop(owner, None) is not None:
                if not wants:
                    del self._wants[host]
                self._shares.pop(host, None)
                self.wake(host)

    def _fair(self, host: str, wants: dict[object, int]) -> dict[object, int]:
        cached = self._shares.get(host)
        if cached is not None and cached[0] == self.cap:
            return cached[1]
        shares = fair_shares(self.cap, wants)
        self._shares[host] = (self.cap, shares)
        return shares

    def share(self, host: str, owner: object) -> int:
        """How many connections to ``host`` are ``owner``'s fair share now."""
        wants = self._wants.get(host)
        if not wants or owner not in wants:
            return self.cap
        return self._fair(host, wants).get(owner, 0)

    def could_grow(self, host: str, owner: object) -> bool:
        """Would ``owner`` get more connections than it holds if it wanted as many as the cap?"""
        wants = dict(self._wants.get(host, {}))
        wants[owner] = self.cap
        return fair_shares(self.cap, wants).get(owner, 0) > self.held(host, owner)

    def held(self, host: str, owner: object) -> int:
        held = self._held.get(host)
        return held[owner] if held is not None else 0

    def excess(self, host: str, owner: object) -> int:
        """Connections ``owner`` holds beyond its share while another job is short of its own."""
        wants = self._wants.get(host)
        if not wants or owner not in wants:
            return 0
        shares = self._fair(host, wants)
        held = self._held.get(host) or _NOBODY
        short = any(held[other] < shares.get(other, 0) for other in wants if other is not owner)
        return max(0, held[owner] - shares.get(owner, 0)) if short else 0

    # -- slots -----------------------------------------------------------------------------

    def try_acquire(self, host: str, owner: object = None) -> bool:
        """Take a connection slot on ``host`` if it is under its cap and the breaker allows it.

        With an ``owner``, also only within the owner's fair share of the cap.
        """
        if not self.has_room(host):
            return False
        if owner is not None and self.held(host, owner) >= self.share(host, owner):
            return False
        if not self.breaker.allow(host):
            return False
        self._active[host] += 1
        if owner is not None:
            self._held.setdefault(host, Counter())[owner] += 1
        return True

    def release(self, host: str, owner: object = None) -> None:
        self._active[host] -= 1
        if self._active[host] <= 0:
            del self._active[host]
        if owner is not None:
            held = self._held.get(host)
            if held is not None:
                held[owner] -= 1
                if held[owner] <= 0:
                    del held[owner]
                if not held:
                    del self._held[host]
        self.wake(host)

    # -- the line of waiting jobs ------------------------------------------------------------

    def wake(self, host: str) -> None:
        """There may be room on ``host`` now: wake the first in line who could take it."""
        if not self._line or not self.usable(host):
            return
        wants = self._wants.get(host) or {}
        shares = self._fair(host, wants) if wants else {}
        held = self._held.get(host) or _NOBODY
        for waiter in self._line:
            if waiter.future.done() or host not in waiter.hosts:
                continue
            owner = waiter.owner
            if owner is not None:
                share = shares.get(owner, 0) if owner in wants else self.cap
                if held[owner] >= share:
                    continue
            self._line.remove(waiter)
            waiter.future.set_result(host)
            return

    async def wait_for_room(
        self, timeout: float, hosts: Collection[str], owner: object = None, first: bool = False
    ) -> str | None:
        """Wait in line until there is room for ``owner`` on one of ``hosts`` (returned), or
        until ``timeout`` passes (None: e.g. a breaker's cool-down ends). ``first``: back at the
        head of the line, for one woken for room a job just starting took first."""
        waiter = _Waiter(asyncio.get_running_loop().create_future(), frozenset(hosts), owner)
        if first:
            self._line.appendleft(waiter)
        else:
            self._line.append(waiter)
        future = waiter.future
        try:
            async with asyncio.timeout(timeout):
                return await future
        except TimeoutError:
            # Woken just as the time ran out: the room is ours to try.
            return future.result() if future.done() and not future.cancelled() else None
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.wake(future.result())  # the room goes to the next in line
            raise
        finally:
            if not future.done() or future.cancelled():
                with contextlib.suppress(ValueError):
                    self._line.remove(waiter)
