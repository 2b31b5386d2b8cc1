"""Which downloads of a long list a helper process takes, the settings each side runs with, and
when a helper may be forked at all."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from wherry.commands.get_share import (
    SHARE_FROM,
    Outcome,
    Pool,
    ask_for_more,
    can_fork,
    plan_share,
    read_line,
    refill_size,
    split_settings,
)
from wherry.core.jobs import AddRequest
from wherry.core.settings import Settings

SHARED = Settings(max_active=16)


def _requests(names: list[str], directory: str = "/d") -> list[AddRequest]:
    return [
        AddRequest(url=f"http://127.0.0.1:1/{i}/{name}", directory=directory) for i, name in enumerate(names)
    ]


def test_each_process_starts_with_two_fifths_and_the_last_fifth_is_handed_out_later():
    requests = _requests([f"f{i}.bin" for i in range(100)])
    plan = plan_share(requests, SHARED, cpus=2)
    assert plan is not None
    ours, theirs, pool = plan
    assert (len(ours), len(theirs), len(pool)) == (40, 40, 20)
    assert ours[:3] == [0, 2, 4]  # alternating, so both start at the top of the list
    assert theirs[:3] == [1, 3, 5]
    assert pool.take(8) == list(range(80, 88))  # the rest in list order
    assert sorted(ours + theirs + pool.take(100)) == [i for i in range(100) if not 80 <= i < 88]
    assert not pool


def test_requests_for_one_file_name_in_one_folder_stay_in_one_process():
    # Same-named files would otherwise race for the name across processes; in one they are
    # numbered in list order, as without a helper.
    names = [f"f{i}.bin" for i in range(80)]
    names[10] = names[11] = names[70] = "same.bin"
    plan = plan_share(_requests(names), SHARED, cpus=2)
    assert plan is not None
    ours, theirs, pool = plan
    rest = pool.take(len(names))
    for side in (ours, theirs, rest):
        assert {10 in side, 11 in side, 70 in side} in ({True}, {False})


def test_the_same_name_in_another_folder_may_go_either_way():
    requests = _requests([f"f{i}.bin" for i in range(SHARE_FROM)])
    requests += [AddRequest(url="http://127.0.0.1:1/x/f0.bin", directory="/elsewhere")]
    plan = plan_share(requests, SHARED, cpus=2)
    assert plan is not None
    ours, theirs, pool = plan
    assert len(ours) + len(theirs) + len(pool) == len(requests)  # all 65 groups are one file


def test_short_lists_few_at_once_one_core_limits_and_a_cap_of_one_are_not_shared():
    long = _requests([f"f{i}.bin" for i in range(200)])
    assert plan_share(long[: SHARE_FROM - 1], SHARED, cpus=2) is None
    assert plan_share(long, Settings(max_active=3), cpus=8) is None
    assert plan_share(long, SHARED, cpus=1) is None
    assert plan_share(long, SHARED, cpus=None) is None
    assert plan_share(long, SHARED.with_changes(speed_limit=1_000_000), cpus=2) is None
    assert plan_share(long, SHARED.with_changes(limit_schedule_enabled=True), cpus=2) is None
    # One connection per host cannot be halved.
    assert plan_share(long, SHARED.with_changes(max_connections_per_host=1), cpus=2) is None


def test_the_two_processes_together_keep_to_the_limits_asked_for():
    for at_once, cap in ((16, 16), (5, 3), (4, 2), (64, 32)):
        ours, theirs = split_settings(Settings(max_active=at_once, max_connections_per_host=cap))
        assert ours.max_active + theirs.max_active == at_once
        assert min(ours.max_active, theirs.max_active) >= 2
        assert ours.max_connections_per_host + theirs.max_connections_per_host == cap


def test_the_parent_reads_back_each_line_the_helper_writes(capsys):
    outcome = Outcome(3, "a.bin", target="/d/a.bin")
    assert read_line(outcome.line()) == outcome
    refused = Outcome(4, "b.bin", refused=True)
    assert read_line(refused.line()) == refused
    ask_for_more(48)
    assert read_line(capsys.readouterr().out) == 48
    with pytest.raises((ValueError, TypeError, KeyError)):
        read_line('{"index": 1}')


def test_a_pool_hands_out_whole_groups_until_it_is_empty():
    pool = Pool([[0], [1, 2, 3], [4]])
    assert pool.take(2) == [0, 1, 2, 3]  # a group is never cut
    assert len(pool) == 1
    assert pool.take(2) == [4]
    assert pool.take(2) == []
    assert refill_size(Settings(max_active=2)) == 16
    assert refill_size(Settings(max_active=8)) == 32


def test_a_helper_is_forked_only_on_linux_while_no_other_thread_runs():
    probe = "from wherry.commands.get_share import can_fork; print(can_fork())"
    alone = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert alone.stdout.strip() == str(sys.platform == "linux")
    release = threading.Event()
    other = threading.Thread(target=release.wait, args=(10,))
    other.start()
    try:
        assert not can_fork()  # the fork would copy this thread's locks, but not the thread
    finally:
        release.set()
        other.join()
