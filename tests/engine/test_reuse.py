"""Issue 5.5: a job whose file is already on disk (same size and digest) is not downloaded again."""

from __future__ import annotations

import hashlib
import os

from tests.engine.conftest import payload
from wherry.core.jobs import ChecksumSpec, JobState


def _spec(body: bytes) -> ChecksumSpec:
    return ChecksumSpec("sha256", hashlib.sha256(body).hexdigest())


async def test_a_copy_in_a_library_folder_is_copied_instead_of_downloaded(harness, flaky_server, tmp_path):
    body = payload(200_000)
    library = tmp_path / "library" / "nested"
    library.mkdir(parents=True)
    (library / "old-name.iso").write_bytes(body)
    (library / "same-size-other.iso").write_bytes(payload(200_000, seed=3))
    url = flaky_server.add("/disk.iso", body)
    await harness.open(library_dirs=(str(tmp_path / "library"),))
    job = await harness.download(url, checksum=_spec(body))
    assert job.state is JobState.FINISHED
    assert (harness.downloads / "disk.iso").read_bytes() == body
    assert sum(r.bytes_sent for r in flaky_server.requests_for("/disk.iso", "GET")) <= 1  # the probe's byte
    assert any("copied instead of downloaded" in line for line in harness.history(job))


async def test_hard_link_when_asked(harness, flaky_server, tmp_path):
    body = payload(50_000)
    library = tmp_path / "lib"
    library.mkdir()
    (library / "a.bin").write_bytes(body)
    url = flaky_server.add("/a.bin", body)
    await harness.open(library_dirs=(str(library),), link_existing=True)
    job = await harness.download(url, checksum=_spec(body))
    assert job.state is JobState.FINISHED
    assert os.path.samefile(harness.downloads / "a.bin", library / "a.bin")
    assert any("linked instead of downloaded" in line for line in harness.history(job))


async def test_a_file_already_in_the_download_folder_is_the_download(harness, flaky_server):
    body = payload(80_000)
    (harness.downloads / "here.bin").write_bytes(body)
    url = flaky_server.add("/here.bin", body)
    job = await harness.download(url, checksum=_spec(body))
    assert job.state is JobState.FINISHED
    assert job.filename == "here.bin"
    assert sorted(p.name for p in harness.downloads.iterdir()) == ["here.bin"]  # no "here (1).bin"


async def test_a_file_with_the_same_size_but_another_digest_is_not_used(harness, flaky_server, tmp_path):
    body = payload(60_000)
    library = tmp_path / "lib"
    library.mkdir()
    (library / "decoy.bin").write_bytes(payload(60_000, seed=11))
    url = flaky_server.add("/real.bin", body)
    await harness.open(library_dirs=(str(library),))
    job = await harness.download(url, checksum=_spec(body))
    assert job.state is JobState.FINISHED
    assert (harness.downloads / "real.bin").read_bytes() == body
    assert sum(r.bytes_sent for r in flaky_server.requests_for("/real.bin", "GET")) >= len(body)


async def test_reuse_can_be_turned_off(harness, flaky_server):
    body = payload(40_000)
    (harness.downloads / "off.bin").write_bytes(body)
    url = flaky_server.add("/off.bin", body)
    await harness.open(reuse_existing=False)
    job = await harness.download(url, checksum=_spec(body))
    assert job.filename == "off (1).bin"
    assert (harness.downloads / "off (1).bin").read_bytes() == body
