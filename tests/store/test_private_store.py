"""Jobs keep their request headers; the job list and its folder are private to the user."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from wherry.core.jobs import ChecksumSpec, Job
from wherry.store import open_store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_headers_secret_names_and_checksum_source_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "home" / "wherry.db"
    repo, _ = open_store(path)
    job = Job(
        url="https://hub.example/f",
        directory=str(tmp_path),
        headers=(("Authorization", "Bearer t"), ("X-Team", "blue")),
        secret_headers=("x-team",),
        host_headers=(("mirror.example:8443", "Authorization", "Bearer m"),),
        checksum=ChecksumSpec("sha256", "ab" * 32),
        checksum_source="the X-Linked-Etag of hub.example",
    )
    repo.save_job(job)
    repo.close()
    repo, _ = open_store(path)
    try:
        (loaded,) = repo.load_jobs()
    finally:
        repo.close()
    assert loaded.headers == job.headers
    assert loaded.secret_headers == ("x-team",)
    assert loaded.host_headers == (("mirror.example:8443", "Authorization", "Bearer m"),)
    assert loaded.checksum_source == "the X-Linked-Etag of hub.example"


def test_a_new_job_list_is_readable_by_its_user_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "wherry.db"
    old = os.umask(0o022)
    try:
        repo, _ = open_store(path)
        repo.save_job(Job(url="https://x.example/f", directory=str(tmp_path)))
    finally:
        os.umask(old)
    try:
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700
        for companion in ("-wal", "-shm"):
            extra = Path(f"{path}{companion}")
            if extra.exists():
                assert mode(extra) == 0o600
    finally:
        repo.close()


def test_an_existing_open_job_list_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "wherry.db"
    repo, _ = open_store(path)
    repo.close()
    path.chmod(0o644)
    path.parent.chmod(0o755)
    repo, _ = open_store(path)
    repo.close()
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
