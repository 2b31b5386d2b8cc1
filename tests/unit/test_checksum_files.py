"""Parsing checksum files: GNU, BSD/OpenSSL, sidecars; malformed, hostile and non-UTF-8 lines."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wherry.core.errors import InputError
from wherry.verify.checksum_files import (
    ChecksumEntry,
    algorithm_from_filename,
    is_checksum_filename,
    looks_like_checksum_text,
    parse_checksum_text,
    read_checksum_file,
    safe_relative_name,
    sidecar_subject,
)

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SHA512 = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce" * 2


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"{SHA256}  file.iso", ChecksumEntry("file.iso", "sha256", SHA256, 1)),
        (f"{SHA256} *file.iso", ChecksumEntry("file.iso", "sha256", SHA256, 1, binary=True)),
        (f"{SHA256} file.iso", ChecksumEntry("file.iso", "sha256", SHA256, 1)),
        (f"{SHA256.upper()}  file.iso", ChecksumEntry("file.iso", "sha256", SHA256, 1)),
        (f"{MD5}  a b  c.txt", ChecksumEntry("a b  c.txt", "md5", MD5, 1)),
        (f"{SHA1}  sub/dir/x", ChecksumEntry("sub/dir/x", "sha1", SHA1, 1)),
        (f"{SHA1}  ./x", ChecksumEntry("x", "sha1", SHA1, 1)),
        (f"{SHA512}  big", ChecksumEntry("big", "sha512", SHA512, 1)),
        (f"{SHA256}  name (1).iso", ChecksumEntry("name (1).iso", "sha256", SHA256, 1)),
        (f"\\{SHA256}  back\\\\slash", ChecksumEntry("back\\slash", "sha256", SHA256, 1)),
        (f"\\{SHA256}  new\\nline", ChecksumEntry("new\nline", "sha256", SHA256, 1)),
        (f"\\{SHA256} *cr\\rname", ChecksumEntry("cr\rname", "sha256", SHA256, 1, binary=True)),
        (f"SHA256 (file.iso) = {SHA256}", ChecksumEntry("file.iso", "sha256", SHA256, 1)),
        (f"MD5 (odd) = name) = {MD5}", ChecksumEntry("odd) = name", "md5", MD5, 1)),
        (f"SHA1(file.iso)= {SHA1}", ChecksumEntry("file.iso", "sha1", SHA1, 1)),
        (f"SHA2-256(file.iso)= {SHA256}", ChecksumEntry("file.iso", "sha256", SHA256, 1)),
        (f"SHA512 (f) = {SHA512}", ChecksumEntry("f", "sha512", SHA512, 1)),
        (f"BLAKE2b (f) = {SHA512}", ChecksumEntry("f", "blake2b", SHA512, 1)),
        (f"\\SHA256 (new\\nline) = {SHA256}", ChecksumEntry("new\nline", "sha256", SHA256, 1)),
        (f"{SHA256}  file.iso\r", ChecksumEntry("file.iso", "sha256", SHA256, 1)),
    ],
)
def test_parses_one_good_line(line: str, expected: ChecksumEntry) -> None:
    parsed = parse_checksum_text(line + "\n")
    assert parsed.errors == []
    assert parsed.entries == [expected]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("hello world", "Line 1 is not a checksum line."),
        ("deadbeef  file", "Line 1: No supported algorithm has a digest of 8 hex digits."),
        (f"{SHA256[:-1]}  file", "Line 1: No supported algorithm has a digest of 63 hex digits."),
        (f"{SHA256}x  file", "Line 1 is not a checksum line."),
        (f"SHA256 (file) = {MD5}", "Line 1: A sha256 digest has 64 hex digits, not 32."),
        (f"SHA3-256 (file) = {SHA256}", "Line 1 names an unsupported algorithm 'SHA3-256'."),
        (f"{SHA256}  ", "Line 1 has no file name."),
        (f"\\{SHA256}  bad\\escape", "Line 1 has a file name with an unknown escape."),
        (f"\\{SHA256}  trailing\\", "Line 1 has a file name with an unknown escape."),
        ("SHA256 (file) = ", "Line 1 is not a checksum line."),
        (f"{SHA256}  ./", "Line 1 has no usable file name."),
        (f"SHA256 (a\0b) = {SHA256}", "Line 1 has no usable file name."),
    ],
)
def test_malformed_lines_are_errors_with_their_line_number(line: str, message: str) -> None:
    parsed = parse_checksum_text(line)
    assert parsed.entries == []
    assert [(e.line, e.message) for e in parsed.errors] == [(1, message)]


@pytest.mark.parametrize(
    "name",
    [
        "/etc/passwd",
        "../secret",
        "a/../../b",
        "a/..",
        "..",
        "../..",
        "..\\..\\windows\\system32",
        "C:\\Windows\\win.ini",
        "c:relative",
        "\\\\server\\share\\x",
        "//server/share",
    ],
)
def test_hostile_names_are_reported_and_not_returned(name: str) -> None:
    parsed = parse_checksum_text(f"{SHA256}  {name}\nSHA256 ({name}) = {SHA256}\n")
    assert parsed.entries == []
    assert [e.line for e in parsed.errors] == [1, 2]
    assert all("outside the checksum file's folder" in e.message for e in parsed.errors)


def test_escaped_name_cannot_smuggle_a_parent_reference() -> None:
    parsed = parse_checksum_text(f"\\{SHA256}  ..\\\\x\n")
    assert parsed.entries == []
    assert "outside" in parsed.errors[0].message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a", "a"),
        ("./a/./b", "a/b"),
        ("a//b", "a/b"),
        ("back\\slash", "back\\slash"),
        ("", None),
        (".", None),
        ("nul\0byte", None),
        ("../a", None),
        ("/abs", None),
    ],
)
def test_safe_relative_name(name: str, expected: str | None) -> None:
    assert safe_relative_name(name) == expected


def test_mixed_file_keeps_good_lines_and_numbers_bad_ones() -> None:
    text = f"# made by sha256sum\n{SHA256}  one\n\ngarbage here\n{SHA256}  ../escape\n{SHA256} *two\n"
    parsed = parse_checksum_text(text)
    assert [(e.name, e.line, e.binary) for e in parsed.entries] == [("one", 2, False), ("two", 6, True)]
    assert [e.line for e in parsed.errors] == [4, 5]


def test_windows_line_endings_and_byte_order_mark() -> None:
    parsed = parse_checksum_text(f"\ufeff{SHA256}  one\r\n{MD5}  two\r\n".encode())
    assert [(e.name, e.algorithm) for e in parsed.entries] == [("one", "sha256"), ("two", "md5")]
    assert parsed.errors == []


def test_non_utf8_name_bytes_survive_as_the_original_bytes() -> None:
    raw = SHA256.encode() + b"  caf\xe9.txt\n"
    parsed = parse_checksum_text(raw)
    assert parsed.errors == []
    assert os.fsencode(parsed.entries[0].name) == b"caf\xe9.txt"


def test_non_utf8_bytes_in_the_digest_are_a_line_error() -> None:
    raw = b"\xff\xfe" + SHA256.encode()[2:] + b"  x\n" + SHA256.encode() + b"  ok\n"
    parsed = parse_checksum_text(raw)
    assert [e.name for e in parsed.entries] == ["ok"]
    assert [e.line for e in parsed.errors] == [1]


def test_clearsigned_file_skips_the_armour_but_not_its_lines() -> None:
    text = (
        "-----BEGIN PGP SIGNED MESSAGE-----\n"
        "Hash: SHA256\n"
        "\n"
        "# Fedora-Workstation-Live-x86_64-40-1.14.iso: 2295853056 bytes\n"
        f"SHA256 (Fedora-Workstation-Live-x86_64-40-1.14.iso) = {SHA256}\n"
        "broken line\n"
        "-----BEGIN PGP SIGNATURE-----\n"
        "\n"
        "iQIzBAEBCAAdFiEEEv1ijh9OM0KqhNd0b3Pn7hP2JHIFAmYmqAAACgkQb3Pn7hP2\n"
        "=abcd\n"
        "-----END PGP SIGNATURE-----\n"
    )
    parsed = parse_checksum_text(text, filename="Fedora-Workstation-40-1.14-x86_64-CHECKSUM")
    assert [(e.name, e.line) for e in parsed.entries] == [("Fedora-Workstation-Live-x86_64-40-1.14.iso", 5)]
    assert [e.line for e in parsed.errors] == [6]
    assert looks_like_checksum_text(text.encode())
    assert is_checksum_filename("Fedora-Workstation-40-1.14-x86_64-CHECKSUM")


def test_binary_garbage_never_raises() -> None:
    parsed = parse_checksum_text(bytes(range(256)) * 4)
    assert parsed.entries == []
    assert parsed.errors


@pytest.mark.parametrize(
    ("filename", "algorithm"),
    [
        ("SHA256SUMS", "sha256"),
        ("sha256sums.txt", "sha256"),
        ("sha256sum.txt", "sha256"),
        ("MD5SUMS", "md5"),
        ("SHA1SUMS", "sha1"),
        ("SHA512SUMS", "sha512"),
        ("B2SUMS", "blake2b"),
        ("file.iso.sha256", "sha256"),
        ("file.iso.SHA256", "sha256"),
        ("file.iso.md5", "md5"),
        ("file.iso.sha1", "sha1"),
        ("file.iso.sha512", "sha512"),
        ("file.iso.sha256sum", "sha256"),
        ("CHECKSUMS", None),
        ("file.iso", None),
        (".sha256", None),
    ],
)
def test_algorithm_from_filename(filename: str, algorithm: str | None) -> None:
    assert algorithm_from_filename(filename) == algorithm


@pytest.mark.parametrize(
    ("filename", "expected"),
    [("SHA256SUMS", True), ("CHECKSUMS", True), ("x.md5", True), ("x.iso", False), ("README", False)],
)
def test_is_checksum_filename(filename: str, expected: bool) -> None:
    assert is_checksum_filename(filename) is expected


@pytest.mark.parametrize(
    ("filename", "subject"),
    [("file.iso.sha256", "file.iso"), ("a.b.MD5", "a.b"), ("SHA256SUMS", None), ("x.iso", None)],
)
def test_sidecar_subject(filename: str, subject: str | None) -> None:
    assert sidecar_subject(filename) == subject


@pytest.mark.parametrize("content", [SHA256, f"{SHA256}\n", f"  {SHA256.upper()}  \r\n", f"{SHA256} "])
def test_sidecar_with_only_a_digest_applies_to_its_subject(content: str) -> None:
    parsed = parse_checksum_text(content, filename="file.iso.sha256")
    assert parsed.errors == []
    assert parsed.entries == [ChecksumEntry("file.iso", "sha256", SHA256, 1)]


def test_bare_digest_without_a_sidecar_name_is_malformed() -> None:
    parsed = parse_checksum_text(SHA256, filename="SHA256SUMS")
    assert parsed.entries == []
    assert parsed.errors[0].message == "Line 1 is not a checksum line."


def test_file_name_decides_the_algorithm_over_digest_length() -> None:
    parsed = parse_checksum_text(f"{SHA512}  x\n", filename="B2SUMS")
    assert parsed.entries[0].algorithm == "blake2b"


def test_file_name_algorithm_disagreeing_with_the_digest_is_reported() -> None:
    parsed = parse_checksum_text(f"{MD5}  x\n", filename="SHA256SUMS")
    assert parsed.errors[0].message == "Line 1: A sha256 digest has 64 hex digits, not 32."


def test_tag_wins_over_the_file_name() -> None:
    parsed = parse_checksum_text(f"MD5 (x) = {MD5}\n", filename="SHA256SUMS")
    assert parsed.entries[0].algorithm == "md5"


def test_explicit_algorithm_overrides_the_file_name() -> None:
    parsed = parse_checksum_text(f"{SHA512}  x\n", filename="SHA512SUMS", algorithm="blake2b")
    assert parsed.entries[0].algorithm == "blake2b"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (f"# comment\n\n{SHA256}  x\n".encode(), True),
        (f"SHA1 (x) = {SHA1}\n".encode(), True),
        (b"#!/bin/sh\necho hi\n", False),
        (b"\x89PNG\r\n\x1a\n\x00\x00", False),
        (b"", False),
    ],
)
def test_looks_like_checksum_text(head: bytes, expected: bool) -> None:
    assert looks_like_checksum_text(head) is expected


def test_read_checksum_file_uses_its_own_name(tmp_path: Path) -> None:
    path = tmp_path / "disk.img.sha1"
    path.write_text(SHA1)
    parsed = read_checksum_file(path)
    assert parsed.source == path
    assert parsed.entries == [ChecksumEntry("disk.img", "sha1", SHA1, 1)]


def test_read_checksum_file_errors_are_sentences(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"does not exist\.$"):
        read_checksum_file(tmp_path / "SHA256SUMS")
    with pytest.raises(InputError, match=r"is a folder, not a checksum file\.$"):
        read_checksum_file(tmp_path)


def test_read_checksum_file_refuses_a_huge_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wherry.verify.checksum_files as module

    monkeypatch.setattr(module, "MAX_CHECKSUM_FILE_BYTES", 100)
    path = tmp_path / "SHA256SUMS"
    path.write_text(f"{SHA256}  x\n" * 3)
    with pytest.raises(InputError, match="too big for a checksum file"):
        read_checksum_file(path)


def _gnu_line(digest: str, name: str, tagged: bool) -> str:
    """Write a line the way coreutils does, escaping names that hold \\, \\n or \\r."""
    escaped = any(c in name for c in "\\\n\r")
    if escaped:
        name = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    body = f"SHA256 ({name}) = {digest}" if tagged else f"{digest}  {name}"
    return ("\\" if escaped else "") + body


_NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1, max_size=30
).filter(lambda n: n.replace(".", "") != "" and safe_relative_name(n) == n)


@settings(max_examples=200, deadline=None)
@given(names=st.lists(_NAME, min_size=1, max_size=5), tagged=st.booleans())
def test_any_name_coreutils_writes_reads_back_unchanged(names: list[str], tagged: bool) -> None:
    text = "".join(_gnu_line(SHA256, name, tagged) + "\n" for name in names)
    parsed = parse_checksum_text(text.encode("utf-8"))
    assert parsed.errors == []
    assert [e.name for e in parsed.entries] == names
