"""Finding files by digest: matches, size prefilter, symlink loops, unreadable folders, cancel."""

from __future__ import annotations

import hashlib
import itertools
import os
import threading
from pathlib import Path

import pytest

import wherry.verify.finder as finder
from wherry.core.errors import InputError
from wherry.verify.finder import (
    DigestTarget,
    FindMatch,
    FindProblem,
    FindStats,
    find_by_digest,
    parse_digest_target,
)
from wherry.verify.hashing import HashingCancelled

WANTED = b"the file somebody lost\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "a" / "deep").mkdir(parents=True)
    (root / "b").mkdir()
    (root / "a" / "deep" / "found.txt").write_bytes(WANTED)
    (root / "b" / "copy.txt").write_bytes(WANTED)
    (root / "b" / "other.txt").write_bytes(b"something else")
    (root / "same-size.txt").write_bytes(b"x" * len(WANTED))
    (root / "empty").write_bytes(b"")
    return root


def _target(data: bytes = WANTED, algorithm: str = "sha256") -> DigestTarget:
    return parse_digest_target(hashlib.new(algorithm, data).hexdigest())


def _matches(events: list[FindMatch | FindProblem]) -> list[str]:
    return sorted(e.path.name for e in events if isinstance(e, FindMatch))


def test_finds_every_copy_in_nested_folders(tree: Path) -> None:
    events = list(find_by_digest(_target(), [tree], workers=2))
    assert _matches(events) == ["copy.txt", "found.txt"]
    assert not [e for e in events if isinstance(e, FindProblem)]
    match = next(e for e in events if isinstance(e, FindMatch))
    assert match.algorithm == "sha256"
    assert match.size == len(WANTED)


@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sha512", "blake2b"])
def test_the_digest_length_picks_the_algorithm(tree: Path, algorithm: str) -> None:
    events = list(find_by_digest(_target(algorithm=algorithm), [tree]))
    assert _matches(events) == ["copy.txt", "found.txt"]
    assert {e.algorithm for e in events if isinstance(e, FindMatch)} == {algorithm}


def test_size_prefilter_hashes_only_files_of_that_size(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[str] = []
    lock = threading.Lock()
    real = finder.hash_file

    def counting(path, algorithms, **kwargs):  # type: ignore[no-untyped-def]
        with lock:
            hashed.append(Path(path).name)
        return real(path, algorithms, **kwargs)

    monkeypatch.setattr(finder, "hash_file", counting)
    events = list(find_by_digest(_target(), [tree], size=len(WANTED)))
    assert _matches(events) == ["copy.txt", "found.txt"]
    assert sorted(hashed) == ["copy.txt", "found.txt", "same-size.txt"]


def test_a_wrong_size_finds_nothing(tree: Path) -> None:
    assert list(find_by_digest(_target(), [tree], size=len(WANTED) + 1)) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
@pytest.mark.parametrize("follow", [False, True])
def test_symlink_cycles_are_walked_once(tree: Path, follow: bool) -> None:
    os.symlink("..", tree / "a" / "deep" / "up")  # deep/up -> a, which holds deep again
    os.symlink(tree, tree / "b" / "root-again")
    stats = FindStats()
    checks = itertools.count()
    # The walk asks cancelled() once per folder: a runaway walk gets cancelled and fails the test
    # instead of hanging it.
    events = list(
        find_by_digest(
            _target(), [tree], follow_symlinks=follow, stats=stats, cancelled=lambda: next(checks) > 1000
        )
    )
    assert _matches(events) == ["copy.txt", "found.txt"]
    assert stats.folders == 4  # tree, a, a/deep, b: each once, whatever the links say


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinked_file_is_reported_once_when_followed(tree: Path) -> None:
    os.symlink(tree / "b" / "copy.txt", tree / "link.txt")
    events = list(find_by_digest(_target(), [tree], follow_symlinks=True))
    assert len(_matches(events)) == 2  # found.txt, and copy.txt under one of its two names


def _make_unreadable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lock ``folder``; where permissions do not bind (root), make listing it fail the same way."""
    folder.chmod(0)
    try:
        os.listdir(folder)
    except PermissionError:
        return
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(finder.os, "scandir", scandir)


def test_unreadable_folder_is_reported_and_skipped(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tree / "a"
    _make_unreadable(locked, monkeypatch)
    try:
        events = list(find_by_digest(_target(), [tree]))
    finally:
        locked.chmod(0o755)
    assert _matches(events) == ["copy.txt"]
    problems = [e for e in events if isinstance(e, FindProblem)]
    assert [(p.path, p.message) for p in problems] == [(locked, f"Wherry may not look inside {locked}.")]


def test_a_root_may_be_a_single_file_and_a_missing_root_is_a_problem(tree: Path) -> None:
    events = list(find_by_digest(_target(), [tree / "b" / "copy.txt", tree / "nope"]))
    assert _matches(events) == ["copy.txt"]
    assert [e.message for e in events if isinstance(e, FindProblem)] == [f"{tree / 'nope'} does not exist."]


def test_an_unreadable_file_is_a_problem(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = finder.hash_file

    def refuse_one(path, algorithms, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).name == "copy.txt":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path, algorithms, **kwargs)

    monkeypatch.setattr(finder, "hash_file", refuse_one)
    events = list(find_by_digest(_target(), [tree]))
    assert _matches(events) == ["found.txt"]
    assert [e.path.name for e in events if isinstance(e, FindProblem)] == ["copy.txt"]


def test_the_empty_digest_finds_empty_files(tree: Path) -> None:
    events = list(find_by_digest(_target(b""), [tree]))
    assert _matches(events) == ["empty"]


def test_cancel_stops_the_search(tree: Path) -> None:
    for number in range(20):
        (tree / f"bulk{number}").write_bytes(bytes([number]) * 1000)
    stop = threading.Event()
    results = find_by_digest(_target(b"no such thing"), [tree], cancelled=stop.is_set)
    stop.set()
    with pytest.raises(HashingCancelled):
        list(results)


def test_stats_count_what_was_looked_at(tree: Path) -> None:
    stats = FindStats()
    list(find_by_digest(_target(), [tree], stats=stats))
    assert (stats.folders, stats.files_seen, stats.files_hashed) == (4, 5, 5)
    assert stats.bytes_hashed == 3 * len(WANTED) + len(b"something else")


@pytest.mark.parametrize(
    ("text", "algorithm", "expected"),
    [
        ("D41D8CD98F00B204E9800998ECF8427E", None, ("md5",)),
        ("  " + "a" * 40 + "\n", None, ("sha1",)),
        ("sha256:" + "b" * 64, None, ("sha256",)),
        ("c" * 128, None, ("sha512", "blake2b")),
        ("c" * 128, "BLAKE2b", ("blake2b",)),
        ("SHA-512:" + "c" * 128, None, ("sha512",)),
    ],
)
def test_parse_digest_target(text: str, algorithm: str | None, expected: tuple[str, ...]) -> None:
    target = parse_digest_target(text, algorithm)
    assert target.algorithms == expected
    assert target.hexdigest == text.split(":")[-1].strip().lower()


@pytest.mark.parametrize(
    ("text", "algorithm", "message"),
    [
        ("xyz", None, "A digest is written in hexadecimal digits 0-9 and a-f."),
        ("", None, "A digest is written in hexadecimal digits 0-9 and a-f."),
        ("abc", None, "No supported algorithm has a digest of 3 hex digits"),
        ("a" * 64, "md5", "A md5 digest has 32 hex digits; this one has 64."),
        ("crc32:" + "a" * 8, None, "Unknown checksum algorithm 'crc32'"),
    ],
)
def test_parse_digest_target_rejects_bad_input(text: str, algorithm: str | None, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_digest_target(text, algorithm)
    assert str(caught.value).startswith(message)


def test_a_match_is_reported_before_the_walk_ends(tmp_path: Path) -> None:
    (tmp_path / "a-first").write_bytes(WANTED)
    for number in range(40):
        (tmp_path / f"z{number:02d}").write_bytes(bytes([number]) * 10)
    stats = FindStats()
    events = find_by_digest(_target(), [tmp_path], workers=1, stats=stats)
    first = next(events)
    seen_at_first_match = stats.files_seen
    rest = list(events)
    assert isinstance(first, FindMatch)
    assert first.path.name == "a-first"
    assert seen_at_first_match <= 3  # the walk is held to a short look-ahead
    assert rest == []
    assert stats.files_seen == 41
