"""Sample jobs and damaged databases for the store tests."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from wherry.core import ChecksumSpec, ErrorKind, Job, JobState, Mirror, Pieces, Segment
from wherry.store import open_store

PAGE = 4096


def full_job(**changes: object) -> Job:
    """A job with every field set to something other than its default."""
    job = Job(
        url="https://example.org/files/disk.iso",
        directory="/downloads/iso",
        state=JobState.FAILED,
        mirrors=[
            Mirror("https://mirror-b.example/disk.iso", priority=2),
            Mirror("https://mirror-a.example/disk.iso", priority=1, rejected="The mirror answered 404."),
        ],
        filename="disk.iso",
        requested_name="my disk.iso",
        overwrite=True,
        connections=4,
        speed_limit=123_456,
        pieces=Pieces("sha256", 1 << 20, ("a" * 64, "b" * 64)),
        position=7,
        total_size=3_000_000_000,
        etag='"abc-123"',
        last_modified="Tue, 24 Nov 2026 08:00:00 GMT",
        accept_ranges=True,
        checksum=ChecksumSpec("sha256", "ab" * 32),
        actual_digest="cd" * 32,
        segments=[Segment(0, 1_000_000_000, 999), Segment(1_000_000_000, 3_000_000_000, 5)],
        error_kind=ErrorKind.CHECKSUM_MISMATCH,
        error_message="The file's sha256 does not match the one given.",
        created_at=datetime(2026, 11, 20, 12, 30, 15, 123456, tzinfo=UTC),
        finished_at=datetime(2026, 11, 21, 1, 2, 3, 4, tzinfo=UTC),
    )
    for name, value in changes.items():
        setattr(job, name, value)
    return job


def one_sentence(text: str) -> bool:
    return "\n" not in text and text.endswith(".") and not re.search(r"[.!?] [A-Z]", text)


def real_database(path: Path, jobs: int = 40) -> bytes:
    """A closed, checkpointed job list spanning many pages; returns its bytes."""
    repo, _ = open_store(path)
    for n in range(jobs):
        job = full_job(id=f"job-{n}")
        repo.save_job(job)
        repo.add_history(job.id, "A line long enough to fill pages. " * 25)
    repo.close()
    return path.read_bytes()


def scribble_history_root(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        [root] = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'history'").fetchone()
    raw.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * PAGE
    data[start + 8 : start + PAGE] = b"\x55" * (PAGE - 8)
    path.write_bytes(bytes(data))
