"""Checksums the server publishes: Repr-Digest / Digest, a fake Hugging Face Hub, checksum files."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from tests.engine.conftest import Harness, payload
from tests.helpers.flaky_server import FaultPlan, FlakyServer
from wherry.core.errors import ErrorKind, InputError
from wherry.core.jobs import ChecksumSpec, JobState

SIZE = 300_000
TOKEN = "Bearer hf_secret"
SECRETS = ("Authorization", "Cookie")


@pytest.fixture
def cdn():
    """The hub's CDN: another host (127.0.0.2) that must never see the hub's token."""
    server = FlakyServer(host="127.0.0.2").start()
    try:
        yield server
    finally:
        server.stop()


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def git_blob_id(body: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest()


@pytest.mark.parametrize(
    ("header", "value", "algorithm"),
    [
        ("Repr-Digest", lambda b: f"sha-256=:{b64(hashlib.sha256(b).digest())}:", "sha256"),
        (
            "Repr-Digest",
            lambda b: (
                f"sha-256=:{b64(hashlib.sha256(b).digest())}:, sha-512=:{b64(hashlib.sha512(b).digest())}:"
            ),
            "sha512",
        ),
        ("Digest", lambda b: f"SHA-256={b64(hashlib.sha256(b).digest())}", "sha256"),
    ],
    ids=["repr-digest-sha256", "repr-digest-prefers-sha512", "rfc3230-digest"],
)
async def test_a_published_digest_is_checked_and_recorded(
    harness: Harness, flaky_server, header, value, algorithm
) -> None:
    body = payload(SIZE)
    url = flaky_server.add("/d.bin", body, plan=FaultPlan(extra_headers={header: value(body)}))
    job = await harness.download(url, connections=2)
    assert job.state is JobState.FINISHED, job.error_message
    assert job.checksum is not None
    assert job.checksum.algorithm == algorithm
    assert job.actual_digest == hashlib.new(algorithm, body).hexdigest()
    assert job.checksum_source == f"the {header} header"
    assert flaky_server.requests_for("/d.bin", "GET")[0].headers["Want-Repr-Digest"]


async def test_a_wrong_published_digest_fails_like_a_given_one(harness: Harness, flaky_server) -> None:
    body = payload(SIZE)
    wrong = hashlib.sha256(b"something else").digest()
    url = flaky_server.add(
        "/bad.bin", body, plan=FaultPlan(extra_headers={"Repr-Digest": f"sha-256=:{b64(wrong)}:"})
    )
    job = await harness.download(url)
    assert job.state is JobState.FAILED
    assert job.error_kind is ErrorKind.CHECKSUM_MISMATCH
    assert hashlib.sha256(body).hexdigest() in (job.error_message or "")
    assert wrong.hex() in (job.error_message or "")
    assert not (harness.downloads / "bad.bin").exists()
    assert any("Fetching the file once more" in line for line in harness.history(job))


async def test_a_given_checksum_wins_over_a_published_one(harness: Harness, flaky_server) -> None:
    body = payload(SIZE)
    wrong = hashlib.sha256(b"not it").digest()
    url = flaky_server.add(
        "/g.bin", body, plan=FaultPlan(extra_headers={"Repr-Digest": f"sha-256=:{b64(wrong)}:"})
    )
    given = ChecksumSpec("sha256", hashlib.sha256(body).hexdigest())
    job = await harness.download(url, checksum=given)
    assert job.state is JobState.FINISHED, job.error_message
    assert job.checksum == given
    assert job.checksum_source == "given"


def hub(
    flaky_server, cdn, body: bytes, *, served: bytes | None = None, plan: FaultPlan | None = None, **extra
):
    """A fake hub: /resolve/ needs the token and redirects to the CDN, saying what the file is."""
    blob = cdn.add(
        "/xet/blob-7f3a",
        served if served is not None else body,
        etag='"cdn-etag-not-a-digest"',
        plan=plan or FaultPlan(reject_headers=SECRETS),
    )
    headers = {
        "X-Linked-Etag": f'"{hashlib.sha256(body).hexdigest()}"',
        "X-Linked-Size": str(len(body)),
        "X-Repo-Commit": "0" * 40,
        "ETag": '"hub-own-etag"',
    }
    headers.update(extra)
    return flaky_server.add(
        "/org/model/resolve/main/model.safetensors",
        b"",
        plan=FaultPlan(redirect_to=blob, require_headers={"Authorization": TOKEN}, extra_headers=headers),
    )


async def test_fake_hub_lfs_file_is_verified_by_the_hubs_linked_etag(
    harness: Harness, flaky_server, cdn
) -> None:
    body = payload(SIZE)
    url = hub(flaky_server, cdn, body)
    job = await harness.download(url, headers=(("Authorization", TOKEN),), connections=3)
    assert job.state is JobState.FINISHED, job.error_message
    assert Path(job.target).read_bytes() == body
    assert job.checksum == ChecksumSpec("sha256", hashlib.sha256(body).hexdigest())
    assert job.checksum_source == "the X-Linked-Etag of 127.0.0.1"
    assert all("Authorization" not in r.headers for r in cdn.requests_for("/xet/blob-7f3a"))
    assert job.etag == '"cdn-etag-not-a-digest"'  # the CDN's validator, used for If-Range only


async def test_a_corrupt_cdn_answer_is_caught_by_the_linked_etag_alone(
    harness: Harness, flaky_server, cdn
) -> None:
    body = payload(SIZE)
    url = hub(flaky_server, cdn, body, plan=FaultPlan(reject_headers=SECRETS, corrupt_at=12_345))
    job = await harness.download(url, headers=(("Authorization", TOKEN),))
    assert job.state is JobState.FAILED
    assert job.error_kind is ErrorKind.CHECKSUM_MISMATCH
    assert hashlib.sha256(body).hexdigest() in (job.error_message or "")
    assert not (harness.downloads / "model.safetensors").exists()
    assert len([r for r in cdn.requests_for("/xet/blob-7f3a", "GET") if r.range != "bytes=0-0"]) >= 2


async def test_a_cdn_file_of_another_size_than_the_hub_says_is_refused(
    harness: Harness, flaky_server, cdn
) -> None:
    body = payload(SIZE)
    url = hub(flaky_server, cdn, body, served=body + b"extra")
    job = await harness.download(url, headers=(("Authorization", TOKEN),))
    assert job.state is JobState.FAILED
    assert job.error_kind is ErrorKind.SIZE_MISMATCH
    assert "X-Linked-Etag of 127.0.0.1 says the file is" in (job.error_message or "")


@pytest.mark.parametrize("corrupt", [False, True], ids=["intact", "corrupt"])
async def test_a_regular_hub_file_is_checked_as_a_git_blob(harness: Harness, flaky_server, corrupt) -> None:
    body = payload(50_000)
    blob_id = git_blob_id(body)
    plan = FaultPlan(
        require_headers={"Authorization": TOKEN},
        extra_headers={"X-Repo-Commit": "1" * 40},
        corrupt_at=100 if corrupt else None,
    )
    url = flaky_server.add("/org/model/resolve/main/config.json", body, etag=f'"{blob_id}"', plan=plan)
    job = await harness.download(url, headers=(("Authorization", TOKEN),))
    assert job.checksum == ChecksumSpec("git-blob-sha1", blob_id)
    assert job.checksum_source == "the git blob id from 127.0.0.1"
    if corrupt:
        assert job.state is JobState.FAILED
        assert job.error_kind is ErrorKind.CHECKSUM_MISMATCH
    else:
        assert job.state is JobState.FINISHED, job.error_message
        assert Path(job.target).read_bytes() == body


async def test_a_forty_hex_etag_elsewhere_is_not_taken_for_a_git_blob(harness: Harness, flaky_server) -> None:
    body = payload(10_000)
    url = flaky_server.add("/plain/config.json", body, etag=f'"{hashlib.sha1(body).hexdigest()}"')
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    assert job.checksum is None


async def test_checksum_url_picks_the_line_for_this_file(harness: Harness, flaky_server) -> None:
    body = payload(SIZE)
    sums = (
        f"{hashlib.sha256(b'other').hexdigest()}  other.iso\n{hashlib.sha256(body).hexdigest()} *disk.iso\n"
    )
    sums_url = flaky_server.add("/pub/SHA256SUMS", sums.encode())
    url = flaky_server.add("/pub/disk.iso", body)
    job = await harness.download(url, checksum_url=sums_url)
    assert job.state is JobState.FINISHED, job.error_message
    assert job.checksum == ChecksumSpec("sha256", hashlib.sha256(body).hexdigest())
    assert job.checksum_source == f"the checksum file {sums_url}"


async def test_checksum_url_mismatch_fails_after_one_refetch(harness: Harness, flaky_server) -> None:
    body = payload(SIZE)
    sums_url = flaky_server.add(
        "/pub/disk.iso.sha256", f"{hashlib.sha256(b'x').hexdigest()}  disk.iso\n".encode()
    )
    url = flaky_server.add("/pub/disk.iso", body)
    job = await harness.download(url, checksum_url=sums_url)
    assert job.state is JobState.FAILED
    assert job.error_kind is ErrorKind.CHECKSUM_MISMATCH


async def test_checksum_url_without_a_line_for_the_file_is_refused_at_once(
    harness: Harness, flaky_server
) -> None:
    sums_url = flaky_server.add(
        "/pub/SHA256SUMS", f"{hashlib.sha256(b'x').hexdigest()}  other.iso\n".encode()
    )
    url = flaky_server.add("/pub/disk.iso", b"d" * 100)
    engine = await harness.open()
    with pytest.raises(InputError, match=r"has no line for disk\.iso"):
        await engine.add(harness.request(url, checksum_url=sums_url))
    assert engine.jobs() == []


async def test_find_checksum_looks_beside_the_file(harness: Harness, flaky_server) -> None:
    body = payload(1000)
    flaky_server.add("/rel/SHA512SUMS", f"{hashlib.sha512(body).hexdigest()}  tool.tar.gz\n".encode())
    url = flaky_server.add("/rel/tool.tar.gz", body)
    engine = await harness.open()
    checksum, source = await engine.find_checksum(harness.request(url))
    assert checksum == ChecksumSpec("sha512", hashlib.sha512(body).hexdigest())
    assert source.endswith("/rel/SHA512SUMS")


async def test_a_git_blob_download_resumed_after_a_restart_is_still_checked(
    harness: Harness, flaky_server
) -> None:
    import asyncio

    body = payload(300_000)
    blob_id = git_blob_id(body)
    path = "/org/model/resolve/main/tokenizer.json"
    plan = FaultPlan(extra_headers={"X-Repo-Commit": "2" * 40}, gate_after=120_000)
    url = flaky_server.add(path, body, etag=f'"{blob_id}"', plan=plan)
    engine = await harness.open()
    job = await engine.add(harness.request(url, connections=1))
    assert await asyncio.to_thread(flaky_server.wait_gate, path, 10)
    await engine.pause(job.id)
    flaky_server.release(path)
    assert engine.job(job.id).bytes_done > 0

    engine = await harness.reopen()
    assert engine.job(job.id).checksum == ChecksumSpec("git-blob-sha1", blob_id)
    await engine.resume(job.id)
    done = await asyncio.wait_for(engine.wait(job.id), 30)
    assert done.state is JobState.FINISHED, done.error_message
    assert done.actual_digest == blob_id
    assert not flaky_server.requests_for(path, "GET")[-1].range.startswith("bytes=0-")
