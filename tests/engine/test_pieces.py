"""Issue 5.6: piece digests (from a metalink) are checked as each piece completes."""

from __future__ import annotations

import hashlib

from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.core.errors import ErrorKind
from wherry.core.jobs import ChecksumSpec, JobState, Pieces

KIB, MIB = 1024, 1024 * 1024
PIECE = 256 * KIB


def _pieces(body: bytes) -> Pieces:
    return Pieces(
        "sha1",
        PIECE,
        tuple(hashlib.sha1(body[i : i + PIECE]).hexdigest() for i in range(0, len(body), PIECE)),
    )


async def test_a_corrupted_piece_is_caught_and_only_it_is_fetched_again_from_another_source(
    harness, flaky_server
):
    body = payload(2 * MIB)
    # The primary always answers the probe, so the first piece certainly comes from it, bad.
    bad = flaky_server.add("/bad/p.bin", body, plan=FaultPlan(corrupt_at=100))
    good = flaky_server.add("/good/p.bin", body)
    await harness.open(min_split_size=PIECE)
    spec = ChecksumSpec("sha256", hashlib.sha256(body).hexdigest())
    job = await harness.download(bad, connections=4, mirrors=(good,), checksum=spec, pieces=_pieces(body))
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "p.bin").read_bytes() == body
    history = harness.history(job)
    assert any("Piece 1" in line and "failed its sha1 check" in line for line in history)
    assert not any("once more" in line for line in history)  # no whole re-fetch was needed
    refetch = [r.headers["Range"] for r in flaky_server.requests_for("/good/p.bin", "GET")]
    assert any(r.startswith("bytes=0-") for r in refetch)
    served = sum(r.bytes_sent for r in flaky_server.requests if r.headers.get("Range") != "bytes=0-0")
    assert served <= len(body) + 2 * PIECE + 512 * KIB  # the bad piece again, not the file


async def test_a_piece_bad_from_every_source_stops_the_job_with_a_sentence(harness, flaky_server):
    body = payload(MIB)
    url = flaky_server.add("/only.bin", body, plan=FaultPlan(corrupt_at=PIECE + 5))
    await harness.open(min_split_size=PIECE)
    job = await harness.download(url, connections=2, pieces=_pieces(body))
    assert job.state is JobState.FAILED
    assert job.error_kind is ErrorKind.CHECKSUM_MISMATCH
    assert job.error_message.startswith("Piece 2 failed its sha1 check 3 times")
    assert not (harness.downloads / "only.bin").exists()


async def test_good_pieces_pass_quietly(harness, flaky_server):
    body = payload(MIB + 1234)  # a short last piece
    url = flaky_server.add("/fine.bin", body)
    await harness.open(min_split_size=PIECE)
    job = await harness.download(url, connections=3, pieces=_pieces(body))
    assert job.state is JobState.FINISHED
    assert (harness.downloads / "fine.bin").read_bytes() == body
    assert not any("failed" in line for line in harness.history(job))
