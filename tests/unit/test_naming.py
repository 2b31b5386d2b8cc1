from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wherry.engine.naming import FALLBACK_NAME, inside, sanitize_filename, unique_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\evil.exe", "evil.exe"),
        ("/absolute/name.txt", "name.txt"),
        ("..", FALLBACK_NAME),
        ("", FALLBACK_NAME),
        (None, FALLBACK_NAME),
        ("a\x00b\x1fc.txt", "a_b_c.txt"),
        ("line\nbreak.txt", "line_break.txt"),
        ("  .hidden. ", "hidden"),
        ('qu"o<t>e:s|?*.bin', "qu_o_t_e_s___.bin"),
        ("CON.txt", "_CON.txt"),
        ("nul", "_nul"),
        ("movie.mkv.part", "movie.mkv_part"),
        ("e\u0301t\u00e9.txt", "\u00e9t\u00e9.txt"),
        ("right\u202etxt.exe", "righttxt.exe"),
    ],
)
def test_sanitize_filename_table(raw, expected):
    assert sanitize_filename(raw) == expected


def test_long_names_are_cut_on_a_character_boundary_and_keep_the_extension():
    name = sanitize_filename("ж" * 300 + ".iso")
    assert name.endswith(".iso")
    assert len(name.encode("utf-8")) <= 240
    name.encode("utf-8").decode("utf-8")


@given(st.text(max_size=400))
def test_any_server_name_becomes_one_safe_component(raw):
    name = sanitize_filename(raw)
    assert name
    assert "/" not in name
    assert "\\" not in name
    assert name not in (".", "..")
    assert not any(ord(c) < 32 for c in name)
    assert len(name.encode("utf-8")) <= 240


def test_unique_name_numbers_before_the_extension(tmp_path: Path):
    (tmp_path / "data.bin").write_bytes(b"x")
    (tmp_path / "data (1).bin.part").write_bytes(b"x")
    assert unique_name(tmp_path, "data.bin") == "data (2).bin"


def test_unique_name_keeps_tar_gz_together(tmp_path: Path):
    (tmp_path / "src.tar.gz").write_bytes(b"x")
    assert unique_name(tmp_path, "src.tar.gz") == "src (1).tar.gz"


def test_unique_name_respects_names_claimed_by_other_jobs(tmp_path: Path):
    assert unique_name(tmp_path, "a.iso", taken={"a.iso"}) == "a (1).iso"


def test_inside_rejects_escapes(tmp_path: Path):
    assert inside(tmp_path, "file.txt")
    assert not inside(tmp_path, "../file.txt")
