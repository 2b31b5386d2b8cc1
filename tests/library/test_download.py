"""``await wherry.download(...)`` against the real test server and a real store."""

from __future__ import annotations

import asyncio
import hashlib
import logging

import pytest

import wherry
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.core.errors import ErrorKind

SIZE = 300_000


async def test_download_returns_a_verified_result_and_reports_progress_by_keyword(flaky_server, downloads):
    body = payload(SIZE)
    digest = hashlib.sha256(body).hexdigest()
    url = flaky_server.add("/model.bin", body, plan=FaultPlan(drip_rate=1_000_000))
    calls: list[dict[str, object]] = []

    result = await wherry.download(
        url, downloads / "model.bin", sha256=digest, progress=lambda **kw: calls.append(kw)
    )

    assert result.path == downloads / "model.bin"
    assert result.path.read_bytes() == body
    assert result.size == SIZE
    assert result.digests == {"sha256": digest}
    assert result.bytes_reused == 0
    assert result.sources == (url,)
    assert not (downloads / "model.bin.part").exists()
    assert calls, "progress was never reported"
    assert all(set(c) == {"bytes_downloaded", "total_bytes", "speed", "eta", "state"} for c in calls)
    assert calls[-1]["bytes_downloaded"] == calls[-1]["total_bytes"] == SIZE
    assert calls[-1]["state"] == "finished"
    assert [c["bytes_downloaded"] for c in calls] == sorted(c["bytes_downloaded"] for c in calls)


async def test_a_digest_is_computed_when_none_was_given(flaky_server, downloads):
    body = payload(50_000)
    url = flaky_server.add("/plain.bin", body)
    result = await wherry.download(url, downloads / "plain.bin")
    assert result.digests == {"sha256": hashlib.sha256(body).hexdigest()}


async def test_the_same_download_again_returns_at_once_without_fetching(flaky_server, downloads):
    body = payload(SIZE)
    url = flaky_server.add("/once.bin", body)
    first = await wherry.download(url, downloads / "once.bin")
    gets = len(flaky_server.requests_for("/once.bin", "GET"))
    calls: list[dict[str, object]] = []

    again = await wherry.download(url, downloads / "once.bin", progress=lambda **kw: calls.append(kw))

    assert len(flaky_server.requests_for("/once.bin", "GET")) == gets
    assert again.job_id == first.job_id
    assert again.bytes_reused == SIZE
    assert again.digests == first.digests
    assert calls[-1]["bytes_downloaded"] == SIZE


async def test_a_different_checksum_for_a_finished_file_raises_and_leaves_it(flaky_server, downloads):
    body = payload(20_000)
    url = flaky_server.add("/kept.bin", body)
    await wherry.download(url, downloads / "kept.bin")
    with pytest.raises(wherry.JobError) as caught:
        await wherry.download(url, downloads / "kept.bin", sha256="0" * 64)
    assert caught.value.kind is ErrorKind.CHECKSUM_MISMATCH
    assert (downloads / "kept.bin").read_bytes() == body


async def test_a_checksum_mismatch_raises_and_nothing_sits_at_dest(flaky_server, downloads):
    url = flaky_server.add("/bad.bin", payload(SIZE))
    with pytest.raises(wherry.DownloadError) as caught:
        await wherry.download(url, downloads / "bad.bin", sha256="0" * 64)
    assert isinstance(caught.value, wherry.JobError)
    assert caught.value.kind is ErrorKind.CHECKSUM_MISMATCH
    assert "expected" in str(caught.value)
    assert not (downloads / "bad.bin").exists()


async def test_a_404_raises_a_source_error_and_nothing_sits_at_dest(flaky_server, downloads):
    url = flaky_server.add("/gone.bin", b"x", plan=FaultPlan(always_status=404))
    with pytest.raises(wherry.SourceError) as caught:
        await wherry.download(url, downloads / "gone.bin")
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert str(caught.value).endswith(".")
    assert list(downloads.iterdir()) == []


async def test_a_full_disk_raises_and_nothing_sits_at_dest(flaky_server, downloads):
    # A server announcing a petabyte: more than any test disk has free.
    url = flaky_server.add(
        "/huge.bin", payload(1000), plan=FaultPlan(ignore_range=True, content_length=10**15)
    )
    with pytest.raises(wherry.JobError) as caught:
        await wherry.download(url, downloads / "huge.bin")
    assert caught.value.kind is ErrorKind.DISK_FULL
    assert "disk is full" in str(caught.value)
    assert not (downloads / "huge.bin").exists()


async def test_transient_failures_that_outlast_the_retries_raise_a_retryable_error(flaky_server, downloads):
    url = flaky_server.add("/busy.bin", b"x", plan=FaultPlan(always_status=503))
    with pytest.raises(wherry.RetryableError) as caught:
        await wherry.download(url, downloads / "busy.bin")
    assert caught.value.kind is ErrorKind.SERVER


async def test_a_progress_callback_that_raises_is_logged_and_the_download_finishes(
    flaky_server, downloads, caplog
):
    body = payload(SIZE)
    url = flaky_server.add("/cb.bin", body, plan=FaultPlan(drip_rate=1_000_000))
    calls = []

    def broken(**kw: object) -> None:
        calls.append(kw)
        raise ValueError("a bug in the caller's callback")

    with caplog.at_level(logging.ERROR, logger="wherry.api"):
        result = await wherry.download(url, downloads / "cb.bin", progress=broken)

    assert result.path.read_bytes() == body
    assert len(calls) >= 2, "the callback was dropped after its first exception"
    assert any("progress callback raised" in r.getMessage() for r in caplog.records)


async def test_an_async_progress_callback_is_awaited(flaky_server, downloads):
    url = flaky_server.add("/acb.bin", payload(SIZE))
    seen: list[int] = []

    async def report(*, bytes_downloaded: int, **_: object) -> None:
        await asyncio.sleep(0)
        seen.append(bytes_downloaded)

    await wherry.download(url, downloads / "acb.bin", progress=report)
    assert seen[-1] == SIZE


async def test_a_mirror_takes_over_when_the_primary_is_gone(flaky_server, downloads):
    body = payload(SIZE)
    primary = flaky_server.add("/p.bin", b"", plan=FaultPlan(always_status=404))
    mirror = flaky_server.add("/m.bin", body)
    result = await wherry.download(primary, downloads / "f.bin", mirrors=[mirror])
    assert result.path.read_bytes() == body
    assert result.sources == (mirror,)


async def test_without_dest_the_servers_name_is_used_in_directory(flaky_server, downloads):
    url = flaky_server.add("/named.iso", payload(1000))
    result = await wherry.download(url, directory=downloads)
    assert result.path == downloads / "named.iso"


async def test_an_existing_dest_is_kept_unless_overwrite_is_given(flaky_server, downloads):
    body = payload(1000)
    url = flaky_server.add("/o.bin", body)
    (downloads / "o.bin").write_bytes(b"mine")
    with pytest.raises(wherry.InputError) as caught:
        await wherry.download(url, downloads / "o.bin")
    assert caught.value.kind is ErrorKind.FILE_EXISTS
    assert (downloads / "o.bin").read_bytes() == b"mine"
    result = await wherry.download(url, downloads / "o.bin", overwrite=True)
    assert result.path.read_bytes() == body


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        ({"url": "ftp://example.org/x"}, "is not a web address"),
        ({"sha256": "abc"}, "64 hexadecimal characters"),
        ({"checksum": "crc32:00"}, "Unknown checksum algorithm"),
        ({"sha256": "0" * 64, "checksum": "md5:" + "0" * 32}, "either sha256 or checksum"),
        ({"directory": "elsewhere"}, "either dest"),
        ({"connections": 0}, "from 1 to 32"),
        ({"headers": {"Bad\nName": "x"}}, "cannot be sent"),
    ],
    ids=["url", "sha256", "algorithm", "both-digests", "dest-and-directory", "connections", "header"],
)
async def test_bad_arguments_raise_an_input_error_with_one_sentence(downloads, arguments, sentence):
    arguments = {"url": "http://127.0.0.1:9/x.bin", **arguments}
    with pytest.raises(wherry.InputError) as caught:
        await wherry.download(dest=downloads / "x.bin", **arguments)
    assert sentence in str(caught.value)
    assert list(downloads.iterdir()) == []


async def test_home_puts_the_store_where_the_caller_says(flaky_server, downloads, tmp_path, wherry_home):
    url = flaky_server.add("/h.bin", payload(1000))
    home = tmp_path / "project-state"
    await wherry.download(url, downloads / "h.bin", home=home)
    assert (home / "wherry.db").is_file()
    from wherry.store import open_store

    repository, _ = open_store(wherry_home / "wherry.db")
    try:
        assert repository.load_jobs() == []
    finally:
        repository.close()


async def test_cancelling_the_call_keeps_the_bytes_and_the_next_call_resumes(flaky_server, downloads):
    body = payload(SIZE)
    url = flaky_server.add("/c.bin", body, plan=FaultPlan(gate_after=100_000))
    task = asyncio.ensure_future(wherry.download(url, downloads / "c.bin"))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/c.bin", 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    flaky_server.release("/c.bin")
    assert not (downloads / "c.bin").exists()

    result = await wherry.download(url, downloads / "c.bin")

    assert result.path.read_bytes() == body
    assert 0 < result.bytes_reused <= 100_000
    assert flaky_server.requests_for("/c.bin", "GET")[-1].range.startswith(f"bytes={result.bytes_reused}-")
