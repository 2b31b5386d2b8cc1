"""Promises about what Wherry does with what a server says, each shown against a server that breaks it."""

from __future__ import annotations

import asyncio
import email.utils
import time

import pytest

from tests.engine.conftest import payload, until
from tests.helpers.flaky_server import FaultPlan
from wherry.core.errors import ErrorKind
from wherry.core.jobs import JobState
from wherry.engine.runner import MAX_RESTARTS

KIB, MIB = 1024, 1024 * 1024
SIZE = 300_000
SPLIT = {"min_split_size": 256 * KIB}


# ---- Retry-After is waited out, not just announced ----------------------------------------------


@pytest.mark.parametrize("form", ["seconds", "http-date"])
async def test_retry_after_is_waited_out_on_the_wall_clock(harness, flaky_server, form):
    body = payload(20_000)
    # The date form has whole-second resolution: two seconds ahead waits at least one.
    value = "1" if form == "seconds" else email.utils.formatdate(time.time() + 2, usegmt=True)
    url = flaky_server.add("/busy.bin", body, plan=FaultPlan(statuses=[503], retry_after=value))
    # The engine's own backoff is 10 ms here; only the server's hint can explain a longer gap.
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    first, second = flaky_server.requests_for("/busy.bin", "GET")
    assert first.status == 503
    assert second.at - first.at >= 0.95
    assert (harness.downloads / "busy.bin").read_bytes() == body


# ---- a file that changes on every request -------------------------------------------------------


async def test_a_file_changing_on_every_request_stops_after_a_bounded_number_of_restarts(
    harness, flaky_server
):
    # Two connections: the second one's If-Range never matches, so every try restarts from zero.
    url = flaky_server.add("/moving.bin", payload(MIB), plan=FaultPlan(change_every_request=True))
    await harness.open(**SPLIT)
    job = await harness.download(url, connections=2)
    assert job.state is JobState.FAILED
    assert job.error_kind is ErrorKind.REMOTE_CHANGED
    assert "kept changing" in job.error_message
    # Each try is a probe and a request or two from the other connection; without the limit the
    # job would only stop after twenty restarts (MAX_RESTARTS_ANY), with another sentence.
    assert len(flaky_server.requests_for("/moving.bin", "GET")) <= 3 * (MAX_RESTARTS + 2)
    assert not (harness.downloads / "moving.bin").exists()


# ---- a 206 must be exactly what was asked for ----------------------------------------------------


@pytest.mark.parametrize(
    "plan",
    [
        FaultPlan(wrong_content_length=-1000, wrong_length_times=1),
        FaultPlan(wrong_content_length=+1000, wrong_length_times=1),
        FaultPlan(wrong_range_end=-1000, wrong_range_times=1),
    ],
    ids=["content-length-short", "content-length-long", "range-ends-early"],
)
async def test_a_206_that_is_not_what_was_asked_is_refused(harness, flaky_server, plan):
    body = payload(SIZE)
    url = flaky_server.add("/part.bin", body, plan=plan)
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "part.bin").read_bytes() == body
    assert any("wrong byte range" in line for line in harness.history(job))
    first, *rest = flaky_server.requests_for("/part.bin", "GET")
    assert first.status == 206
    # Refused unread: the next request asks for the whole file without a range.
    assert rest
    assert rest[0].range is None


async def test_a_206_for_a_segment_that_ends_past_what_was_asked_is_never_written(harness, flaky_server):
    body = payload(2 * MIB)
    url = flaky_server.add("/seg.bin", body, plan=FaultPlan(wrong_range_end=+4096))
    await harness.open(**SPLIT)
    job = await harness.download(url, connections=4)
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "seg.bin").read_bytes() == body
    assert any("wrong byte range" in line for line in harness.history(job))


# ---- the final rename never clobbers a file that took the name ----------------------------------


async def test_a_file_created_at_the_target_mid_download_is_kept_and_a_new_name_used(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add("/late.bin", body, plan=FaultPlan(gate_after=100_000))
    engine = await harness.open()
    job = await engine.add(harness.request(url))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/late.bin", 10)
    await until(lambda: job.filename == "late.bin" and job.bytes_done == 100_000)
    (harness.downloads / "late.bin").write_bytes(b"someone else's file")
    flaky_server.release("/late.bin")
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED, done.error_message
    assert (harness.downloads / "late.bin").read_bytes() == b"someone else's file"
    assert done.filename == "late (1).bin"
    assert (harness.downloads / "late (1).bin").read_bytes() == body
    assert sorted(p.name for p in harness.downloads.iterdir()) == ["late (1).bin", "late.bin"]


async def test_a_file_created_at_a_requested_name_mid_download_is_kept_with_the_download_beside_it(
    harness, flaky_server
):
    body = payload(SIZE)
    url = flaky_server.add("/asked.bin", body, plan=FaultPlan(gate_after=100_000))
    engine = await harness.open()
    job = await engine.add(harness.request(url, filename="asked.bin"))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/asked.bin", 10)
    (harness.downloads / "asked.bin").write_bytes(b"someone else's file")
    flaky_server.release("/asked.bin")
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is not JobState.FINISHED
    assert done.error_kind is ErrorKind.FILE_EXISTS
    assert "was not replaced" in done.error_message
    assert (harness.downloads / "asked.bin").read_bytes() == b"someone else's file"
    assert (harness.downloads / "asked.bin.part").read_bytes() == body


# ---- mirrors are matched by their announced digest ----------------------------------------------


@pytest.mark.parametrize("header", ["Repr-Digest", "Digest"])
async def test_a_mirror_announcing_a_different_digest_is_never_mixed_in(harness, flaky_server, header):
    body = payload(2 * MIB)
    impostor = payload(2 * MIB, seed=99)  # same size: only the digest tells them apart
    primary = flaky_server.add("/p/dig.bin", body, plan=FaultPlan(drip_rate=2 * MIB, announce_digest=header))
    mirror = flaky_server.add("/m/dig.bin", impostor, plan=FaultPlan(announce_digest=header))
    await harness.open(**SPLIT)
    job = await harness.download(primary, connections=4, mirrors=(mirror,))
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "dig.bin").read_bytes() == body
    assert flaky_server.requests_for("/m/dig.bin", "GET"), "the mirror was asked"
    assert "different digest" in (job.mirrors[0].rejected or "")


@pytest.mark.parametrize(
    ("primary_header", "mirror_header"),
    [("Repr-Digest", "Repr-Digest"), ("Repr-Digest", "Digest"), ("Digest", "Repr-Digest")],
)
async def test_a_mirror_announcing_the_same_digest_is_used(
    harness, flaky_server, primary_header, mirror_header
):
    body = payload(2 * MIB)
    primary = flaky_server.add(
        "/p/same.bin", body, plan=FaultPlan(drip_rate=2 * MIB, announce_digest=primary_header)
    )
    # The same SHA-256, spelled the way the other field spells it, is the same file.
    mirror = flaky_server.add("/m/same.bin", body, plan=FaultPlan(announce_digest=mirror_header))
    await harness.open(**SPLIT)
    job = await harness.download(primary, connections=4, mirrors=(mirror,))
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "same.bin").read_bytes() == body
    assert not job.mirrors[0].rejected
    assert flaky_server.bytes_sent("/m/same.bin") > 0


# ---- found by the property tests ----------------------------------------------------------------


async def test_regression_a_server_that_stops_sending_parts_mid_download_never_gives_a_short_file(
    harness, flaky_server
):
    # The probe gets its 206; the other connections' If-Range fails, so they get 200s. The restart
    # with one connection once forgot the size, took the end of the next (bounded) 206 for the
    # end of the file, and "finished" a file with only its first piece right.
    body = payload(MIB)
    url = flaky_server.add("/stop.bin", body, plan=FaultPlan(if_range_fails=True))
    await harness.open(min_split_size=64 * KIB)
    job = await harness.download(url, connections=4)
    assert job.state is JobState.FINISHED, job.error_message
    assert job.total_size == MIB
    assert (harness.downloads / "stop.bin").read_bytes() == body
    assert any("one connection" in line for line in harness.history(job))


async def test_regression_an_unquoted_etag_is_never_sent_as_if_range(harness, flaky_server):
    body = payload(SIZE)
    # "0" is no entity tag (RFC 9110 §8.8.3 quotes them); sent back, a server reads it as a date.
    url = flaky_server.add("/bare.bin", body, etag="0", plan=FaultPlan(drop_after=100_000, drop_times=1))
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "bare.bin").read_bytes() == body
    resumed = flaky_server.requests_for("/bare.bin", "GET")[1]
    assert resumed.if_range == harness.engine.job(job.id).last_modified
    assert resumed.status == 206


async def test_regression_a_checksum_download_split_in_pieces_resumes_after_a_restart(harness, flaky_server):
    # With a checksum the file is fetched in pieces; the rest of the file is one more segment that
    # starts after the pieces being fetched. The .part was never preallocated in that mode, so
    # after a restart it was shorter than that segment's start, and the check for a truncated
    # .part threw every byte away (found by bench/torture.py).
    import hashlib

    from wherry.core.jobs import ChecksumSpec

    body = payload(4 * MIB)
    url = flaky_server.add("/pieces.bin", body, plan=FaultPlan(drip_rate=400_000))
    engine = await harness.open(min_split_size=256 * KIB)
    spec = ChecksumSpec("sha256", hashlib.sha256(body).hexdigest())
    job = await engine.add(harness.request(url, connections=4, checksum=spec))
    await until(lambda: job.bytes_done >= MIB, timeout=20)
    await harness.close()  # like a restart of the program
    served = flaky_server.bytes_sent("/pieces.bin")
    engine = await harness.open()
    kept = next(j for j in harness.repository.load_jobs() if j.id == job.id).bytes_done
    assert kept > 0
    done = await asyncio.wait_for(engine.wait(job.id), 30)
    assert done.state is JobState.FINISHED, done.error_message
    assert (harness.downloads / "pieces.bin").read_bytes() == body
    assert not any("starting again" in line for line in harness.history(done))
    assert flaky_server.bytes_sent("/pieces.bin") - served <= 4 * MIB - kept + 512 * KIB
