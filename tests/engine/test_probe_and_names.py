"""3a/3b: what the first response tells us, where the bytes go, and what the file is called."""

from __future__ import annotations

import asyncio
import fcntl
import os

import pytest

from tests.engine.conftest import payload, until
from tests.helpers.flaky_server import FaultPlan
from wherry.core.events import Event, JobChanged
from wherry.core.jobs import JobState


async def test_name_from_rfc6266_filename_star(harness, flaky_server):
    body = payload(10_000)
    url = flaky_server.add(
        "/dl?id=7",
        body,
        content_disposition=(
            "attachment; filename=\"fallback.bin\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20v2.pdf"
        ),
    )
    job = await harness.download(url)
    assert job.filename == "résumé v2.pdf"
    assert (harness.downloads / "résumé v2.pdf").read_bytes() == body


async def test_name_from_the_url_path_percent_decoded(harness, flaky_server):
    url = flaky_server.add("/files/my report.txt", b"hello")
    job = await harness.download(url)
    assert job.filename == "my report.txt"


async def test_name_from_the_final_url_after_redirects(harness, flaky_server):
    body = payload(5_000)
    flaky_server.add("/real/archive.tar.gz", body)
    flaky_server.add("/hop", b"", plan=FaultPlan(redirect_to="/real/archive.tar.gz", redirect_status=307))
    url = flaky_server.add("/start", b"", plan=FaultPlan(redirect_to="/hop"))
    job = await harness.download(url)
    assert job.filename == "archive.tar.gz"
    assert (harness.downloads / "archive.tar.gz").read_bytes() == body


@pytest.mark.parametrize(
    "head", [FaultPlan(head_status=405), FaultPlan(head_status=403), FaultPlan(head_length=7)]
)
async def test_servers_that_refuse_or_lie_in_head_still_download(harness, flaky_server, head):
    body = payload(50_000)
    url = flaky_server.add("/h.bin", body, plan=head)
    job = await harness.download(url)
    assert job.state is JobState.FINISHED
    assert job.total_size == len(body)
    assert job.accept_ranges
    assert (harness.downloads / "h.bin").read_bytes() == body


async def test_probe_learns_size_ranges_and_validators(harness, flaky_server):
    body = payload(20_000)
    url = flaky_server.add("/v.bin", body, etag='"abc"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT")
    job = await harness.download(url)
    assert (job.total_size, job.accept_ranges, job.etag) == (20_000, True, '"abc"')
    assert job.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
    first = flaky_server.requests_for("/v.bin")[0]
    assert first.method == "GET"
    assert first.headers["Range"].startswith("bytes=0-")


async def test_unknown_size_chunked_body_downloads_completely(harness, flaky_server):
    body = payload(120_000)
    url = flaky_server.add("/stream", body, etag=None, last_modified=None, plan=FaultPlan(no_length=True))
    job = await harness.download(url)
    assert job.state is JobState.FINISHED
    assert job.total_size == len(body)
    assert (harness.downloads / "stream").read_bytes() == body


async def test_empty_file(harness, flaky_server):
    url = flaky_server.add("/empty.txt", b"")
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "empty.txt").read_bytes() == b""


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ('attachment; filename="../../escape.txt"', "escape.txt"),
        ('attachment; filename="..\\\\..\\\\evil.exe"', "evil.exe"),
        ("attachment; filename*=UTF-8''%2E%2E%2F%2E%2E%2Fup.txt", "up.txt"),
        ('attachment; filename="/etc/passwd"', "passwd"),
        ('attachment; filename=".."', "download"),
        ('attachment; filename="tab\there.txt"', "tab_here.txt"),
    ],
)
async def test_hostile_content_disposition_never_leaves_the_folder(
    harness, flaky_server, disposition, expected
):
    url = flaky_server.add(
        "/x", b"payload", plan=FaultPlan(extra_headers={"Content-Disposition": disposition})
    )
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    assert job.filename == expected
    written = sorted(p.relative_to(harness.tmp).as_posix() for p in harness.tmp.rglob("*") if p.is_file())
    assert f"downloads/{expected}" in written
    assert all(p.startswith(("downloads/", "wherry.db")) for p in written)


async def test_control_characters_in_disposition_header(harness, flaky_server):
    url = flaky_server.add(
        "/ctl",
        b"payload",
        plan=FaultPlan(extra_headers={"Content-Disposition": 'attachment; filename="a\x01b.txt"'}),
    )
    job = await harness.download(url)
    # Either the header is refused as malformed (name from the URL) or the control byte is replaced.
    assert job.state is JobState.FINISHED, job.error_message
    assert job.filename in ("a_b.txt", "ctl")
    assert (harness.downloads / job.filename).read_bytes() == b"payload"


async def test_existing_file_is_never_overwritten_a_numbered_name_is_used(harness, flaky_server):
    (harness.downloads / "data.bin").write_bytes(b"precious")
    url = flaky_server.add("/data.bin", b"new bytes")
    job = await harness.download(url)
    assert job.filename == "data (1).bin"
    assert (harness.downloads / "data.bin").read_bytes() == b"precious"
    assert (harness.downloads / "data (1).bin").read_bytes() == b"new bytes"


async def test_a_name_another_process_takes_before_the_part_is_created_goes_to_the_next_free_one(
    harness, flaky_server
):
    """Two Wherry processes downloading into one folder may both find the same name free; the
    one whose .part is created second moves on, instead of failing on the other's lock."""
    body = payload(20_000)
    url = flaky_server.add("/race.bin", body)
    theirs = harness.downloads / "race.bin.part"
    held: list[int] = []

    def another_process_wins(event: Event) -> None:
        # The name is chosen and announced ("probed") before the .part is created: that is
        # the moment another process can create the same .part and lock it.
        if isinstance(event, JobChanged) and event.what == "probed" and not held:
            fd = os.open(theirs, os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.append(fd)

    engine = await harness.open()
    engine.subscribe(another_process_wins)
    try:
        job = await engine.add(harness.request(url))
        done = await asyncio.wait_for(engine.wait(job.id), 20)
    finally:
        for fd in held:
            os.close(fd)
    assert held, "the other process never got its turn"
    assert done.state is JobState.FINISHED, done.error_message
    assert done.filename == "race (1).bin"
    assert (harness.downloads / "race (1).bin").read_bytes() == body
    assert theirs.stat().st_size == 0  # theirs, still there and untouched


async def test_two_jobs_for_the_same_name_get_different_files(harness, flaky_server):
    url_a = flaky_server.add("/a/same.bin", b"A" * 1000)
    url_b = flaky_server.add("/b/same.bin", b"B" * 1000)
    engine = await harness.open()
    job_a = await engine.add(harness.request(url_a))
    job_b = await engine.add(harness.request(url_b))
    await asyncio.wait_for(asyncio.gather(engine.wait(job_a.id), engine.wait(job_b.id)), 20)
    assert {job_a.filename, job_b.filename} == {"same.bin", "same (1).bin"}
    assert (harness.downloads / job_a.filename).read_bytes() == b"A" * 1000
    assert (harness.downloads / job_b.filename).read_bytes() == b"B" * 1000


async def test_nothing_at_the_final_path_until_complete(harness, flaky_server):
    body = payload(200_000)
    url = flaky_server.add("/g.bin", body, plan=FaultPlan(gate_after=100_000))
    engine = await harness.open()
    job = await engine.add(harness.request(url))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/g.bin", 10)
    await until(lambda: job.bytes_done == 100_000)
    assert not (harness.downloads / "g.bin").exists()
    assert (harness.downloads / "g.bin.part").exists()
    flaky_server.release("/g.bin")
    await asyncio.wait_for(engine.wait(job.id), 20)
    assert (harness.downloads / "g.bin").read_bytes() == body
    assert not (harness.downloads / "g.bin.part").exists()


async def test_explicit_name_that_exists_is_refused_and_untouched(harness, flaky_server):
    from wherry.core.errors import InputError

    (harness.downloads / "keep.txt").write_bytes(b"mine")
    url = flaky_server.add("/keep.txt", b"theirs")
    engine = await harness.open()
    with pytest.raises(InputError, match="already exists"):
        await engine.add(harness.request(url, filename="keep.txt"))
    assert (harness.downloads / "keep.txt").read_bytes() == b"mine"
    assert engine.jobs() == []
    assert flaky_server.requests == []


async def test_overwrite_replaces_only_once_the_new_file_is_complete(harness, flaky_server):
    (harness.downloads / "over.bin").write_bytes(b"old contents")
    body = payload(100_000)
    url = flaky_server.add("/over.bin", body, plan=FaultPlan(gate_after=50_000))
    engine = await harness.open()
    job = await engine.add(harness.request(url, filename="over.bin", overwrite=True))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/over.bin", 10)
    assert (harness.downloads / "over.bin").read_bytes() == b"old contents"
    flaky_server.release("/over.bin")
    await asyncio.wait_for(engine.wait(job.id), 20)
    assert (harness.downloads / "over.bin").read_bytes() == body


async def test_a_part_left_by_a_run_killed_before_it_saved_the_name_is_used_again(harness, flaky_server):
    """A run creates a new .part a group commit before its name reaches the store; killed in
    between, it leaves a .part no job owns. The same job, run again, takes that name back (not
    "orphan (1).bin" beside an orphan) and trusts none of its bytes, as the store counts none."""
    body = payload(30_000)
    url = flaky_server.add("/orphan.bin", body)
    engine = await harness.open()
    job = await engine.add(harness.request(url, start_paused=True))
    await harness.reopen()  # the job is now one from before, with no name saved
    left = harness.downloads / "orphan.bin.part"
    left.write_bytes(b"x" * 50_000)  # what the killed run wrote, never counted
    assert harness.engine is not None
    await harness.engine.resume(job.id)
    done = await asyncio.wait_for(harness.engine.wait(job.id), 30)
    assert done.state is JobState.FINISHED
    assert done.filename == "orphan.bin"
    assert (harness.downloads / "orphan.bin").read_bytes() == body
    assert sorted(p.name for p in harness.downloads.iterdir()) == ["orphan.bin"]
    assert any("orphan.bin.part again" in line for _, line in harness.repository.load_history(job.id))


async def test_a_new_download_never_takes_a_part_file_it_did_not_make(harness, flaky_server):
    """Another program's "name.part" (browsers write those too) is not this job's to take."""
    (harness.downloads / "other.bin.part").write_bytes(b"a browser's half download")
    url = flaky_server.add("/other.bin", b"new bytes")
    job = await harness.download(url)
    assert job.filename == "other (1).bin"
    assert (harness.downloads / "other.bin.part").read_bytes() == b"a browser's half download"
