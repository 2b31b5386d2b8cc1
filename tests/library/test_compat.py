"""The original design's RecoverableDownloadManager, used exactly as code written for it does."""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

import pytest

import wherry
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.compat import RecoverableDownloadManager

SIZE = 200_000


async def test_download_file_as_the_original_interface_called_it(flaky_server, tmp_path):
    body = payload(SIZE)
    primary = flaky_server.add("/gone.bin", b"", plan=FaultPlan(always_status=404))
    mirror = flaky_server.add("/model.bin", body)
    project = tmp_path / "project"
    seen: list[tuple[int, int | None]] = []

    # Exactly two keyword parameters: a callback written for the original interface.
    def progress_callback(bytes_downloaded, total_bytes):
        seen.append((bytes_downloaded, total_bytes))

    manager = RecoverableDownloadManager(
        str(project), config={"unknown": 1}, progress_callback=progress_callback
    )
    result = await manager.download_file(
        url=primary,
        dest_path=str(project / "models" / "model.bin"),
        sha256_checksum=hashlib.sha256(body).hexdigest(),
        alternate_urls=[mirror],
    )

    assert Path(result).read_bytes() == body  # the return value still works as a path
    assert seen[-1] == (SIZE, SIZE)
    assert (project / ".wherry" / "wherry.db").is_file(), "the state is not kept under project_path"


async def test_a_second_call_returns_at_once_and_failures_raise(flaky_server, tmp_path):
    url = flaky_server.add("/a.bin", payload(SIZE))
    manager = RecoverableDownloadManager(tmp_path)
    await manager.download_file(url, tmp_path / "a.bin")
    gets = len(flaky_server.requests)
    again = await manager.download_file(url, tmp_path / "a.bin")
    assert again.bytes_reused == SIZE
    assert len(flaky_server.requests) == gets
    with pytest.raises(wherry.JobError):
        await manager.download_file(url, tmp_path / "b.bin", sha256_checksum="0" * 64)
    assert not (tmp_path / "b.bin").exists()


def test_the_signatures_are_the_original_ones():
    assert str(inspect.signature(RecoverableDownloadManager)) == (
        "(project_path: 'str | os.PathLike[str]', config: 'Mapping[str, Any] | None' = None, "
        "progress_callback: 'Callable[..., Any] | None' = None) -> 'None'"
    )
    assert list(inspect.signature(RecoverableDownloadManager.download_file).parameters) == [
        "self",
        "url",
        "dest_path",
        "sha256_checksum",
        "alternate_urls",
    ]
    assert inspect.iscoroutinefunction(RecoverableDownloadManager.download_file)
