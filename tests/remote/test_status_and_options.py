"""Pure parts of the remote control: bitfields from segments, error codes, sizes, Host names."""

from __future__ import annotations

import pytest

from wherry.core.errors import ErrorKind
from wherry.core.jobs import Job, JobState, Pieces, Segment
from wherry.remote.options import parse_size
from wherry.remote.protocol import RpcFault
from wherry.remote.server import _is_loopback_host
from wherry.remote.status import ERROR_CODES, bitfield, status_struct

MIB = 1024 * 1024


def job_with(segments: list[Segment], total: int, state: JobState = JobState.PAUSED, **kw) -> Job:
    return Job(url="http://x/f", directory="/d", segments=segments, total_size=total, state=state, **kw)


@pytest.mark.parametrize(
    ("segments", "total", "expected"),
    [
        ([Segment(0, 10 * MIB, 0)], 10 * MIB, ("0000", 10)),
        ([Segment(0, 10 * MIB, 3 * MIB)], 10 * MIB, ("e000", 10)),
        # Two connections: the first has 1.5 pieces, the second its first piece.
        ([Segment(0, 5 * MIB, MIB + MIB // 2), Segment(5 * MIB, 10 * MIB, MIB)], 10 * MIB, ("8400", 10)),
        # Adjacent done spans cover a piece between them.
        ([Segment(0, MIB // 2, MIB // 2), Segment(MIB // 2, 2 * MIB, MIB // 2)], 2 * MIB, ("80", 2)),
        ([Segment(0, 9 * MIB + 1, 9 * MIB + 1)], 9 * MIB + 1, ("ffc0", 10)),
        ([], 0, ("", 0)),
    ],
)
def test_bitfield_sets_a_bit_for_each_piece_the_segments_cover(segments, total, expected):
    assert bitfield(job_with(segments, total)) == expected


def test_a_metalinks_piece_size_is_the_piece_length():
    job = job_with([Segment(0, 4 * MIB, 2 * MIB)], 4 * MIB, pieces=Pieces("sha1", 2 * MIB, ("a", "b")))
    status = status_struct(job, "g" * 16, "paused", None)
    assert (status["pieceLength"], status["numPieces"], status["bitfield"]) == (str(2 * MIB), "2", "80")


def test_every_error_kind_has_an_aria2_code():
    assert set(ERROR_CODES) == set(ErrorKind)
    failed = job_with([], 10, JobState.FAILED, error_kind=ErrorKind.CHECKSUM_MISMATCH, error_message="Bad.")
    status = status_struct(failed, "g" * 16, "error", None)
    assert (status["errorCode"], status["errorMessage"]) == ("32", "Bad.")
    assert "errorCode" not in status_struct(job_with([], 10), "g" * 16, "paused", None)


@pytest.mark.parametrize(
    ("text", "value"), [("0", 0), ("500", 500), ("1K", 1024), ("2m", 2 * MIB), ("1.5M", 3 * MIB // 2)]
)
def test_sizes_read_as_aria2_writes_them(text, value):
    assert parse_size(text, "max-download-limit") == value


@pytest.mark.parametrize("text", ["", "fast", "-1", "1T", "1e9"])
def test_bad_sizes_are_a_sentence(text):
    with pytest.raises(RpcFault, match="max-download-limit"):
        parse_size(text, "max-download-limit")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("localhost:6800", True),
        ("127.0.0.1:6800", True),
        ("127.1.2.3", True),
        ("[::1]:6800", True),
        ("LOCALHOST", True),
        ("", False),
        ("evil.example", False),
        ("localhost.evil.example", False),
        ("127.0.0.1.nip.io", False),
        ("[::2]:6800", False),
        ("192.168.1.2:6800", False),
    ],
)
def test_which_host_headers_name_this_computer(host, loopback):
    assert _is_loopback_host(host) is loopback


def test_the_windows_settings_make_a_loopback_only_config():
    from wherry.core.settings import Settings
    from wherry.remote.control import config_from

    assert config_from(Settings()) is None  # off by default
    on = Settings(remote_enabled=True, remote_port=6900, remote_secret="s", remote_allow_origin_all=True)
    config = config_from(on)
    assert config is not None
    assert (config.port, config.secret, config.allow_origin_all) == (6900, "s", True)
    assert config.listen_all is False
