"""Adaptive growth and the fair share of a host, as pure decisions (no network, no clock)."""

from __future__ import annotations

import pytest

from wherry.engine.breaker import CircuitBreaker
from wherry.engine.connections import Growth
from wherry.engine.hosts import HostPool, fair_shares


def run_growth(growth: Growth, rate_of: dict[int, float], seconds: float = 20.0) -> list[int]:
    """Drive ``growth`` on a simulated link where n connections carry rate_of(n) bytes/s."""
    now, received, targets = 0.0, 0.0, []
    step = 0.05
    while now < seconds and not growth.done:
        n = growth.target
        received += rate_of[n] * step
        now += step
        growth.observe(now, int(received), transferring=n, room=True)
        targets.append(growth.target)
    return targets


def test_growth_doubles_up_to_the_ceiling_while_every_step_adds_throughput() -> None:
    growth = Growth(ceiling=16)
    # A lossy line: each connection is slow on its own, so each one adds the same again.
    run_growth(growth, {n: 100_000.0 * n for n in (4, 8, 16)})
    assert growth.done
    assert growth.target == 16
    assert [n for n, _ in growth.steps] == [4, 8, 16]


def test_growth_steps_back_when_a_step_adds_nothing() -> None:
    growth = Growth(ceiling=16)
    # A full link: four connections fill it, eight only share it.
    run_growth(growth, {4: 400_000.0, 8: 405_000.0, 16: 400_000.0})
    assert growth.done
    assert growth.target == 4
    assert max(n for n, _ in growth.steps) == 8  # it tried eight, never sixteen


def test_one_poor_reading_is_measured_again_before_growth_stops() -> None:
    growth = Growth(ceiling=16)
    readings = iter([400_000.0, 420_000.0, 800_000.0, 1_600_000.0])  # a dip, then the truth
    now, received = 0.0, 0.0
    rate = next(readings)
    stages = 0
    while now < 30 and not growth.done:
        received += rate * 0.05
        now += 0.05
        growth.observe(now, int(received), transferring=growth.target, room=True)
        if len(growth.steps) > stages:
            stages = len(growth.steps)
            rate = next(readings, rate)
    assert growth.target == 16


def test_growth_waits_while_not_all_connections_transfer() -> None:
    growth = Growth(ceiling=16)
    for tick in range(200):
        growth.observe(tick * 0.05, tick * 10_000, transferring=2, room=True)
    assert growth.target == 4
    assert growth.steps == []


def test_growth_stops_when_the_host_has_no_room() -> None:
    growth = Growth(ceiling=16)
    now, received = 0.0, 0
    while now < 5 and not growth.done:
        now += 0.05
        received += 5_000
        growth.observe(now, received, transferring=growth.target, room=False)
    assert growth.done
    assert growth.target == 4


@pytest.mark.parametrize(
    ("cap", "wants", "shares"),
    [
        (16, {"a": 16, "b": 16, "c": 16}, {"a": 6, "b": 5, "c": 5}),
        (6, {"a": 6, "b": 6, "c": 6}, {"a": 2, "b": 2, "c": 2}),
        (16, {"a": 16, "b": 1}, {"a": 15, "b": 1}),
        (16, {"a": 4, "b": 4}, {"a": 4, "b": 4}),
        (8, {"a": 2, "b": 10, "c": 10}, {"a": 2, "b": 3, "c": 3}),
        (16, {"a": 16}, {"a": 16}),
    ],
)
def test_fair_shares_are_max_min_fair(cap: int, wants: dict[object, int], shares: dict[object, int]) -> None:
    assert fair_shares(cap, wants) == shares


def test_a_job_cannot_take_a_slot_beyond_its_share_and_gives_back_its_excess() -> None:
    pool = HostPool(CircuitBreaker(5, 60.0), cap=6)
    a, b = object(), object()
    pool.want("h", a, 6)
    assert all(pool.try_acquire("h", a) for _ in range(6))
    pool.want("h", b, 6)
    assert not pool.try_acquire("h", b)  # the host is full: a must give back first
    assert pool.excess("h", a) == 3
    for _ in range(3):
        pool.release("h", a)
    assert all(pool.try_acquire("h", b) for _ in range(3))
    assert not pool.try_acquire("h", a)  # back at its share
    assert pool.excess("h", a) == 0


def test_a_slow_probe_answer_starts_growth_higher_and_a_fast_one_does_not() -> None:
    far, near = Growth(ceiling=16), Growth(ceiling=16)
    assert far.probe_answered(0.2) == 8
    assert near.probe_answered(0.002) == 4
    # The lossy line of the first test: from eight, one step reaches the cap.
    run_growth(far, {n: 100_000.0 * n for n in (8, 16)})
    assert [n for n, _ in far.steps] == [8, 16]
    assert far.target == 16


def test_the_long_path_start_never_passes_the_cap_or_undoes_a_stage() -> None:
    capped = Growth(ceiling=6)
    assert capped.probe_answered(0.2) == 6
    assert capped.done
    measured = Growth(ceiling=16)
    run_growth(measured, {4: 400_000.0, 8: 405_000.0, 16: 400_000.0})
    assert measured.probe_answered(0.2) == 4  # too late: growth has decided


def test_the_fair_split_is_computed_once_per_change_of_the_wants_or_the_cap(monkeypatch) -> None:
    import wherry.engine.hosts as hosts_module

    calls = []
    real = hosts_module.fair_shares

    def counting(cap: int, wants: dict[object, int]) -> dict[object, int]:
        calls.append(cap)
        return real(cap, wants)

    monkeypatch.setattr(hosts_module, "fair_shares", counting)
    pool = HostPool(CircuitBreaker(), cap=16)
    owners = [object() for _ in range(32)]
    for owner in owners:
        pool.want("h", owner, 4)
    # More jobs than the cap serves: each one asks its share, and so does each look along the line.
    assert [pool.share("h", owner) for owner in owners] == [1] * 16 + [0] * 16
    assert len(calls) == 1
    pool.leave(owners[0])  # a job ends: the split changes, and is computed again
    assert pool.share("h", owners[16]) == 1
    pool.cap = 8
    assert sum(pool.share("h", owner) for owner in owners[1:]) == 8
    assert len(calls) == 3
