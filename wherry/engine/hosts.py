"""Per-host politeness shared by every job: a connection cap, shared fairly, and the circuit breaker.

Jobs on one host share its cap max-min fairly: each says how many connections it wants, a job
wanting less than an equal share gets what it wants, and the rest is split equally among the
others. So three jobs wanting 16 each on a host capped at 16 get 6, 5 and 5 rather than 16, 0
and 0 in the order they started. A job holding more than its share while another is short
learns it from ``excess`` and gives connections back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

from wherry.engine.breaker import CircuitBreaker

__all__ = ["HostPool", "fair_shares"]


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
        # The fair split of each host as last computed, with the wants and cap it was for:
        # every connection asks for its share, and with more jobs than the cap serves at once
        # each release wakes all the waiting ones, which would otherwise sort the wants again
        # one after the other.
        self._shares: dict[str, tuple[tuple[tuple[object, int], ...], int, dict[object, int]]] = {}
        self._freed = asyncio.Event()

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
            self._freed.set()  # a smaller want may leave room for another job

    def leave(self, owner: object) -> None:
        """The owner is done with every host: its wants no longer count."""
        for host in list(self._wants):
            wants = self._wants[host]
            if wants.pop(owner, None) is not None:
                if not wants:
                    del self._wants[host]
                    self._shares.pop(host, None)
                self._freed.set()

    def _fair(self, host: str, wants: dict[object, int]) -> dict[object, int]:
        key = tuple(wants.items())
        cached = self._shares.get(host)
        if cached is not None and cached[0] == key and cached[1] == self.cap:
            return cached[2]
        shares = fair_shares(self.cap, wants)
        self._shares[host] = (key, self.cap, shares)
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
        return self._held.get(host, Counter())[owner]

    def excess(self, host: str, owner: object) -> int:
        """Connections ``owner`` holds beyond its share while another job is short of its own."""
        wants = self._wants.get(host)
        if not wants or owner not in wants:
            return 0
        shares = self._fair(host, wants)
        held = self._held.get(host, Counter())
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
        self._freed.set()

    async def wait_for_room(self, timeout: float) -> None:
        """Wait until some slot is released (or ``timeout`` passes, e.g. for a breaker cool-down)."""
        self._freed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._freed.wait(), timeout)
