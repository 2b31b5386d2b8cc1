from __future__ import annotations

import pytest

from wherry.core.errors import InputError
from wherry.core.jobs import ChecksumSpec, IllegalTransition, Job, JobState, Mirror, Segment
from wherry.core.settings import Settings


def test_transitions_follow_the_state_machine():
    job = Job(url="http://h/f", directory="/d")
    job.transition(JobState.RUNNING)
    job.transition(JobState.PAUSED)
    with pytest.raises(IllegalTransition):
        job.transition(JobState.FINISHED)
    job.transition(JobState.QUEUED)
    job.transition(JobState.RUNNING)
    job.transition(JobState.FINISHED)
    assert job.finished_at is not None


def test_error_is_cleared_when_the_job_is_queued_again():
    job = Job(url="http://h/f", directory="/d", state=JobState.FAILED, error_message="x")
    job.transition(JobState.QUEUED)
    assert job.error_message is None


@pytest.mark.parametrize(
    ("text", "algorithm", "expected"),
    [
        ("sha256:" + "A" * 64, None, ChecksumSpec("sha256", "a" * 64)),
        ("SHA-256:" + "b" * 64, None, ChecksumSpec("sha256", "b" * 64)),
        ("c" * 32, "md5", ChecksumSpec("md5", "c" * 32)),
        ("  sha1:" + "d" * 40 + " ", None, ChecksumSpec("sha1", "d" * 40)),
    ],
)
def test_checksum_parsing(text, algorithm, expected):
    assert ChecksumSpec.parse(text, algorithm) == expected


@pytest.mark.parametrize("text", ["sha256:abc", "crc32:" + "0" * 8, "0" * 64, "sha256:" + "g" * 64])
def test_bad_checksums_are_refused(text):
    with pytest.raises(InputError):
        ChecksumSpec.parse(text)


def test_urls_put_primary_first_and_skip_rejected_mirrors():
    job = Job(
        url="http://a/f",
        directory="/d",
        mirrors=[Mirror("http://c/f", 2), Mirror("http://b/f", 1), Mirror("http://x/f", 0, rejected="size")],
    )
    assert job.urls == ["http://a/f", "http://b/f", "http://c/f"]


def test_segment_arithmetic():
    segment = Segment(100, 200, 40)
    assert segment.position == 140
    assert segment.remaining == 60
    assert not segment.complete
    segment.done = 100
    assert segment.complete


def test_settings_from_stored_values_ignore_unknown_and_mistyped():
    settings = Settings.from_dict({"max_active": 5, "connections": "eight", "future": 1, "auto_resume": 0})
    assert settings.max_active == 5
    assert settings.connections == Settings().connections
    assert settings.auto_resume is True
