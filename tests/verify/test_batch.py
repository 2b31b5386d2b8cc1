"""Planning and running batch verification: OK, MISMATCH, MISSING, UNREADABLE, progress, cancel."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from wherry.verify.batch import (
    FileStatus,
    VerifyItem,
    plan_verification,
    verify_items,
)
from wherry.verify.hashing import CHUNK_SIZE, HashingCancelled


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A folder as a release page leaves it: files plus a SHA256SUMS, with one file damaged,
    one never downloaded, and one name taken by a folder."""
    folder = tmp_path / "release"
    folder.mkdir()
    good, bad = b"good bytes\n", b"expected bytes\n"
    (folder / "good.bin").write_bytes(good)
    (folder / "bad.bin").write_bytes(b"damaged bytes\n")
    (folder / "dir.bin").mkdir()
    lines = [
        f"{_sha256(good)}  good.bin",
        f"{_sha256(bad)}  bad.bin",
        f"{_sha256(b'x')}  absent.bin",
        f"{_sha256(b'y')} *dir.bin",
        "not a checksum line",
        f"{_sha256(b'z')}  ../outside.bin",
    ]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return folder


def _statuses(results: list) -> dict[str, FileStatus]:
    return {r.item.path.name: r.status for r in results}


def test_folder_results_cover_every_status(release: Path) -> None:
    plan = plan_verification([release])
    assert plan.problems == []
    assert [(w.line, w.source.name) for w in plan.warnings] == [(5, "SHA256SUMS"), (6, "SHA256SUMS")]
    results = list(verify_items(plan.items, workers=2))
    assert _statuses(results) == {
        "good.bin": FileStatus.OK,
        "bad.bin": FileStatus.MISMATCH,
        "absent.bin": FileStatus.MISSING,
        "dir.bin": FileStatus.UNREADABLE,
    }
    bad = next(r for r in results if r.item.path.name == "bad.bin")
    assert bad.item.expected == _sha256(b"expected bytes\n")
    assert bad.actual == _sha256(b"damaged bytes\n")
    unreadable = next(r for r in results if r.status is FileStatus.UNREADABLE)
    assert unreadable.message is not None
    assert unreadable.message.endswith("is a folder, not a file.")


def test_results_come_in_plan_order(release: Path) -> None:
    plan = plan_verification([release / "SHA256SUMS"])
    results = list(verify_items(plan.items))
    assert [r.item for r in results] == plan.items
    assert [r.item.line for r in results] == [1, 2, 3, 4]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_without_read_permission_is_unreadable(tmp_path: Path) -> None:
    locked = tmp_path / "locked.bin"
    locked.write_bytes(b"secret")
    (tmp_path / "locked.bin.sha256").write_text(_sha256(b"secret"))
    locked.chmod(0)
    try:
        results = list(verify_items(plan_verification([locked]).items))
    finally:
        locked.chmod(0o600)
    assert [r.status for r in results] == [FileStatus.UNREADABLE]
    assert results[0].message is not None
    assert "may not read" in results[0].message


def test_permission_error_while_reading_is_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs everywhere, root included, by making the read itself fail the way a locked file does.
    import wherry.verify.batch as batch

    def refuse(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(batch, "hash_file", refuse)
    (tmp_path / "f").write_bytes(b"x")
    [result] = verify_items([VerifyItem(tmp_path / "f", "md5", "0" * 32)])
    assert result.status is FileStatus.UNREADABLE
    assert result.message == f"Wherry may not read {tmp_path / 'f'}."


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_named_pipe_is_unreadable_rather_than_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    item = VerifyItem(tmp_path / "pipe", "sha256", _sha256(b""))
    [result] = verify_items([item])
    assert result.status is FileStatus.UNREADABLE
    assert result.message == f"{tmp_path / 'pipe'} is not a regular file."


def test_a_name_under_a_file_is_missing(tmp_path: Path) -> None:
    (tmp_path / "plain").write_bytes(b"")
    [result] = verify_items([VerifyItem(tmp_path / "plain" / "child", "md5", "0" * 32)])
    assert result.status is FileStatus.MISSING


def test_data_file_finds_its_sidecars_and_the_list_beside_it(tmp_path: Path) -> None:
    data = b"payload"
    target = tmp_path / "disk.img"
    target.write_bytes(data)
    (tmp_path / "disk.img.md5").write_text(hashlib.md5(data).hexdigest() + "\n")
    (tmp_path / "other.img.sha1").write_text("0" * 40)
    (tmp_path / "SHA256SUMS").write_text(f"{_sha256(data)}  disk.img\n{'1' * 64}  other.img\nbad line\n")
    plan = plan_verification([target])
    assert plan.problems == []
    assert plan.warnings == []  # the lists' other lines are not this file's business
    assert sorted((i.algorithm, i.source.name) for i in plan.items if i.source) == [
        ("md5", "disk.img.md5"),
        ("sha256", "SHA256SUMS"),
    ]
    results = list(verify_items(plan.items))
    assert [r.status for r in results] == [FileStatus.OK, FileStatus.OK]


def test_one_read_serves_every_algorithm_of_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wherry.verify.batch as batch

    data = b"one read"
    target = tmp_path / "f"
    target.write_bytes(data)
    calls: list[list[str]] = []
    real = batch.hash_file

    def counting(path, algorithms, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(list(algorithms))
        return real(path, algorithms, **kwargs)

    monkeypatch.setattr(batch, "hash_file", counting)
    items = [
        VerifyItem(target, "md5", hashlib.md5(data).hexdigest()),
        VerifyItem(target, "sha1", hashlib.sha1(data).hexdigest()),
        VerifyItem(tmp_path / "." / "f", "sha256", "0" * 64),
    ]
    results = list(verify_items(items))
    assert [r.status for r in results] == [FileStatus.OK, FileStatus.OK, FileStatus.MISMATCH]
    assert calls == [["md5", "sha1", "sha256"]]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinks_leading_outside_the_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"secret")
    folder = tmp_path / "download"
    folder.mkdir()
    (folder / "real").write_bytes(b"real")
    os.symlink(outside, folder / "escape")
    os.symlink(outside / "secret", folder / "secret-link")
    os.symlink(folder / "real", folder / "inside-link")
    (folder / "SHA256SUMS").write_text(
        f"{_sha256(b'secret')}  escape/secret\n"
        f"{_sha256(b'secret')}  secret-link\n"
        f"{_sha256(b'real')}  inside-link\n"
    )
    plan = plan_verification([folder])
    assert [i.path.name for i in plan.items] == ["inside-link"]
    assert [(w.line, "symlink leads outside" in w.message) for w in plan.warnings] == [(1, True), (2, True)]
    assert [r.status for r in verify_items(plan.items)] == [FileStatus.OK]


def test_duplicate_expectations_are_checked_once(release: Path) -> None:
    plan = plan_verification([release, release / "SHA256SUMS"])
    assert len(plan.items) == 4


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p / "nothing-here", "does not exist."),
        (lambda p: p, "holds no checksum files."),
    ],
)
def test_unusable_arguments_are_problems(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    plan = plan_verification([make(tmp_path)])
    assert plan.items == []
    assert len(plan.problems) == 1
    assert plan.problems[0].endswith(problem)


def test_data_file_without_any_checksum_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "lonely.iso").write_bytes(b"\x00\x01binary")
    plan = plan_verification([tmp_path / "lonely.iso"])
    assert plan.problems == [f"No checksum was found for {tmp_path / 'lonely.iso'}."]


def test_checksum_list_with_an_unusual_name_is_recognised_by_content(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"A")
    (tmp_path / "release-hashes.asc").write_text(f"{_sha256(b'A')}  a\n")
    plan = plan_verification([tmp_path / "release-hashes.asc"])
    assert [r.status for r in verify_items(plan.items)] == [FileStatus.OK]


def test_progress_adds_up_over_all_files(tmp_path: Path) -> None:
    sizes = [3 * 1024 * 1024 + 5, 1024 * 1024 - 1, 0]
    items = []
    for number, size in enumerate(sizes):
        path = tmp_path / f"f{number}"
        path.write_bytes(b"\xab" * size)
        items.append(VerifyItem(path, "md5", "0" * 32))
    seen: list[tuple[int, int]] = []
    lock = threading.Lock()

    def progress(done: int, total: int) -> None:
        with lock:
            seen.append((done, total))

    list(verify_items(items, workers=2, progress=progress))
    assert max(done for done, _ in seen) == sum(sizes)
    assert {total for _, total in seen} == {sum(sizes)}


def test_cancel_stops_the_batch_early(tmp_path: Path) -> None:
    items = []
    for number in range(6):
        path = tmp_path / f"f{number}"
        path.write_bytes(b"\x00" * (4 * 1024 * 1024))
        items.append(VerifyItem(path, "sha256", "0" * 64))
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        stop.set()

    with pytest.raises(HashingCancelled):
        list(verify_items(items, workers=1, progress=progress, cancelled=stop.is_set))
    assert seen == [CHUNK_SIZE]  # one chunk of the first file, then nothing more


def test_closing_the_iterator_early_stops_the_workers(tmp_path: Path) -> None:
    items = []
    for number in range(4):
        path = tmp_path / f"f{number}"
        path.write_bytes(bytes([number]) * 1024)
        items.append(VerifyItem(path, "md5", "0" * 32))
    results = verify_items(items, workers=1)
    first = next(results)
    results.close()
    assert first.item == items[0]
    assert not any(t.name.startswith("wherry-verify") for t in threading.enumerate())
