"""Connections adapt to the link, obey the user's number, share a host fairly, and are reused."""

from __future__ import annotations

import asyncio

from tests.engine.conftest import Harness, payload
from tests.helpers.flaky_server import FaultPlan, FlakyServer
from wherry.core.jobs import Job

KIB = 1024
MIB = 1024 * KIB
# Small splits, so a few MiB make enough segments for sixteen connections.
SPLIT = {"min_split_size": 64 * KIB, "max_connections_per_host": 16}


# Each connection may carry 200 KB/s, but the line behind them only 800 KB/s: four fill it.
FOUR_FILL_THE_LINE = FaultPlan(drip_rate=200_000, total_rate=800_000)


async def _checked_download(
    harness: Harness,
    flaky_server: FlakyServer,
    path: str,
    size: int,
    plan: FaultPlan,
    connections: int | None = None,
) -> Job:
    """Download ``size`` bytes served by ``plan`` with the small splits; check every byte."""
    data = payload(size)
    url = flaky_server.add(path, data, plan=plan)
    await harness.open(**SPLIT)
    job = await harness.download(url, timeout=60, connections=connections)
    assert job.state.value == "finished"
    assert job.target is not None
    assert job.target.read_bytes() == data
    return job


async def test_adaptive_growth_stops_when_more_connections_add_no_throughput(
    harness: Harness, flaky_server: FlakyServer
) -> None:
    await _checked_download(harness, flaky_server, "/full.bin", 3 * MIB, FOUR_FILL_THE_LINE)
    peak = flaky_server.peak_in_flight("/full.bin")
    assert 4 < peak <= 8, f"grew to {peak} connections"


async def test_a_job_that_may_grow_is_divided_into_as_many_shares_as_it_may_grow_to(
    harness: Harness, flaky_server: FlakyServer
) -> None:
    # Connections added by growth must start on a share of their own: halving a running
    # connection's share would cut its request and make it reconnect (slow start on a lossy line).
    await _checked_download(harness, flaky_server, "/shares.bin", 3 * MIB, FOUR_FILL_THE_LINE)
    share = 3 * MIB // 16  # the host's cap is the most this job could grow to
    starts = {
        int(r.range.split("=")[1].split("-")[0])
        for r in flaky_server.requests_for("/shares.bin", "GET")
        if r.range is not None
    }
    assert {k * share for k in range(16)} <= starts
    assert flaky_server.peak_in_flight("/shares.bin") <= 8  # not one connection per share


async def test_adaptive_growth_keeps_adding_while_each_connection_adds_throughput(
    harness: Harness, flaky_server: FlakyServer
) -> None:
    # Only each connection is slow (a lossy, distant line): more of them is faster, up to the cap.
    # Enough of a file that its sixteen shares are not all taken before the last step to 16 (the
    # first connections take spare shares in turn), and a late one is still worth halving.
    await _checked_download(harness, flaky_server, "/slow.bin", 12 * MIB, FaultPlan(drip_rate=200_000))
    assert flaky_server.peak_in_flight("/slow.bin") == 16


async def test_an_explicit_number_of_connections_is_a_hard_cap(
    harness: Harness, flaky_server: FlakyServer
) -> None:
    plan = FaultPlan(drip_rate=200_000)
    job = await _checked_download(harness, flaky_server, "/capped.bin", 1 * MIB, plan, connections=3)
    assert job.connections == 3
    assert flaky_server.peak_in_flight("/capped.bin") == 3


async def test_jobs_on_one_host_share_its_connections_fairly(
    harness: Harness, flaky_server: FlakyServer
) -> None:
    plan = FaultPlan(drip_rate=100_000)
    urls = [flaky_server.add(f"/share-{i}.bin", payload(8 * MIB, seed=i), plan=plan) for i in range(3)]
    engine = await harness.open(min_split_size=64 * KIB, max_connections_per_host=6, max_active=3)
    first = await engine.add(harness.request(urls[0], connections=6))
    assert await asyncio.to_thread(
        flaky_server.wait_until, lambda s: s.in_flight("/share-0.bin") == 6, 15.0
    ), "the first job alone should use the whole cap"
    others = [await engine.add(harness.request(url, connections=6)) for url in urls[1:]]

    def shared(server: FlakyServer) -> bool:
        return [server.in_flight(f"/share-{i}.bin") for i in range(3)] == [2, 2, 2]

    assert await asyncio.to_thread(flaky_server.wait_until, shared, 15.0), [
        flaky_server.in_flight(f"/share-{i}.bin") for i in range(3)
    ]
    for job in (first, *others):
        await engine.pause(job.id)


async def test_small_files_on_one_host_reuse_kept_alive_connections(
    harness: Harness, flaky_server: FlakyServer
) -> None:
    files = {f"/small-{i}.bin": payload(4 * KIB, seed=i) for i in range(24)}
    urls = [flaky_server.add(path, data) for path, data in files.items()]
    engine = await harness.open(max_active=3)
    added = await engine.add_many([harness.request(url) for url in urls])
    jobs = await asyncio.wait_for(asyncio.gather(*(engine.wait(j.id) for j in added)), 30)  # type: ignore[union-attr]
    for job, data in zip(jobs, files.values(), strict=True):
        assert job.target is not None
        assert job.target.read_bytes() == data
    ports = {r.peer_port for r in flaky_server.requests if r.path.startswith("/small-")}
    # Three at a time over one session: the same few connections carry all 24 files.
    assert len(ports) <= 3, ports


async def test_with_adapting_turned_off_every_download_uses_the_set_number(
    harness: Harness, flaky_server: FlakyServer
) -> None:
    data = payload(1 * MIB)
    url = flaky_server.add("/fixed.bin", data, plan=FaultPlan(drip_rate=300_000))
    await harness.open(**SPLIT, adaptive_connections=False, connections=2)
    job = await harness.download(url, timeout=60)
    assert job.target is not None
    assert job.target.read_bytes() == data
    assert job.connections == 2
    assert flaky_server.peak_in_flight("/fixed.bin") == 2


def _stages(caplog) -> list[int]:
    """The connection counts of each measured stage, from the runner's closing log line."""
    import ast

    for record in caplog.records:
        if record.name == "wherry.engine.runner" and "(count, bytes/s per stage)" in record.msg:
            return [count for count, _ in ast.literal_eval(repr(record.args[1]))]
    raise AssertionError("no growth line was logged")


async def test_a_long_path_starts_with_eight_connections(
    harness: Harness, flaky_server: FlakyServer, caplog
) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="wherry.engine.runner")
    data = payload(4 * MIB)
    # Every answer waits a tenth of a second (a distant server) and each connection is slow.
    plan = FaultPlan(drip_rate=200_000, answer_delay=0.1)
    url = flaky_server.add("/far.bin", data, plan=plan)
    await harness.open(**SPLIT)
    job = await harness.download(url, timeout=60)
    assert job.target is not None
    assert job.target.read_bytes() == data
    assert _stages(caplog)[0] == 8


async def test_a_short_path_still_starts_with_four_connections(
    harness: Harness, flaky_server: FlakyServer, caplog
) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="wherry.engine.runner")
    data = payload(4 * MIB)
    url = flaky_server.add("/near.bin", data, plan=FaultPlan(drip_rate=200_000))
    await harness.open(**SPLIT)
    job = await harness.download(url, timeout=60)
    assert job.target is not None
    assert job.target.read_bytes() == data
    assert _stages(caplog)[0] == 4
