"""VerifyService on a real QThreadPool: signals through qtbot, and the async Verifier port."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import threading
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from wherry.core.errors import ErrorKind, JobError
from wherry.core.ports import Verifier
from wherry.verify import service as service_module
from wherry.verify.hashing import CHUNK_SIZE
from wherry.verify.service import (
    FileStatus,
    FindMatch,
    FindProblem,
    FindProgress,
    PlanWarning,
    VerifyPlanned,
    VerifyService,
    VerifySummary,
    parse_digest_target,
)

TIMEOUT_MS = 30_000


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_finished_carries_every_digest(qtbot, service: VerifyService, tmp_path: Path) -> None:
    data = os.urandom(CHUNK_SIZE + 123)
    path = _write(tmp_path / "f", data)
    with qtbot.waitSignal(service.finished, timeout=TIMEOUT_MS) as blocker:
        task = service.start_hash(path, ["sha256", "md5"])
    assert blocker.args == [
        task,
        {"sha256": hashlib.sha256(data).hexdigest(), "md5": hashlib.md5(data).hexdigest()},
    ]
    assert service.active_tasks == 0


def test_prefix_length_is_honoured(qtbot, service: VerifyService, tmp_path: Path) -> None:
    path = _write(tmp_path / "f", b"0123456789")
    with qtbot.waitSignal(service.finished, timeout=TIMEOUT_MS) as blocker:
        service.start_hash(path, ["sha1"], length=4)
    assert blocker.args[1] == {"sha1": hashlib.sha1(b"0123").hexdigest()}


def test_several_files_at_once_each_finish_in_the_gui_thread(
    qtbot, service: VerifyService, tmp_path: Path, qapp: QApplication
) -> None:
    expected: dict[str, str] = {}
    for number in range(5):
        data = bytes([number]) * (300_000 + number)
        task = service.start_hash(_write(tmp_path / f"f{number}", data))
        expected[task] = hashlib.sha256(data).hexdigest()
    got: dict[str, str] = {}
    threads: set[bool] = set()

    def on_finished(task: str, digests: dict[str, str]) -> None:
        threads.add(QThread.currentThread() is qapp.thread())
        got[task] = digests["sha256"]

    service.finished.connect(on_finished)
    qtbot.waitUntil(lambda: len(got) == len(expected), timeout=TIMEOUT_MS)
    assert got == expected
    assert threads == {True}


def test_progress_ends_at_the_file_size(qtbot, service: VerifyService, tmp_path: Path) -> None:
    size = 3 * CHUNK_SIZE + 7
    path = _write(tmp_path / "f", b"\x01" * size)
    seen: list[tuple[str, int, int]] = []
    service.progressed.connect(lambda task, done, total: seen.append((task, done, total)))
    with qtbot.waitSignal(service.finished, timeout=TIMEOUT_MS) as blocker:
        task = service.start_hash(path)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][1] == size, timeout=TIMEOUT_MS)
    assert seen[-1] == (task, size, size)
    assert blocker.args[0] == task


def test_large_sizes_survive_the_signal(qtbot, service: VerifyService) -> None:
    # Sizes above 2**31 must not be squeezed into a C int on their way across threads.
    with qtbot.waitSignal(service.progressed, timeout=TIMEOUT_MS) as blocker:
        service._stops["hash-x"] = threading.Event()
        sender = threading.Thread(
            target=service._relay.send, args=("hash-x", "__progress__", (5 * 2**30, 6 * 2**30))
        )
        sender.start()
        sender.join(TIMEOUT_MS / 1000)
    assert blocker.args == ["hash-x", 5 * 2**30, 6 * 2**30]
    service._stops.clear()


def test_a_missing_file_fails_with_a_sentence(qtbot, service: VerifyService, tmp_path: Path) -> None:
    with qtbot.waitSignal(service.failed, timeout=TIMEOUT_MS) as blocker:
        task = service.start_hash(tmp_path / "nope")
    assert blocker.args == [task, f"{tmp_path / 'nope'} does not exist."]


def test_unknown_algorithm_is_refused_before_queueing(service: VerifyService, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Unknown checksum algorithm"):
        service.start_hash(tmp_path / "f", ["crc32"])
    assert service.active_tasks == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe to hold the task mid-file")
def test_cancel_stops_a_running_task(qtbot, service: VerifyService, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    more = threading.Event()

    def writer() -> None:
        # Small writes fit in the pipe's buffer, so neither side waits on the other's timing.
        with open(fifo, "wb", buffering=0) as out:
            out.write(b"a" * 1000)
            more.wait(TIMEOUT_MS / 1000)
            # If the task saw the flag before reading again, it has closed the pipe already.
            with contextlib.suppress(BrokenPipeError):
                out.write(b"b" * 1000)  # lets a blocked read return, so the task sees the flag

    feeder = threading.Thread(target=writer)
    feeder.start()
    finished: list[str] = []
    service.finished.connect(lambda task, _d: finished.append(task))
    try:
        with qtbot.waitSignal(service.progressed, timeout=TIMEOUT_MS):
            task = service.start_hash(fifo)
        with qtbot.waitSignal(service.cancelled, timeout=TIMEOUT_MS) as blocker:
            assert service.cancel(task)
            more.set()
    finally:
        more.set()
        feeder.join(TIMEOUT_MS / 1000)
    assert blocker.args == [task]
    assert finished == []
    assert not service.cancel(task)  # already ended


def _run(qapp: QApplication, coroutine):  # type: ignore[no-untyped-def]
    loop = qasync.QEventLoop(qapp, already_running=False)
    try:
        return loop.run_until_complete(asyncio.wait_for(coroutine, TIMEOUT_MS / 1000))
    finally:
        loop.close()


def test_hash_prefix_is_the_verifier_port(qapp: QApplication, service: VerifyService, tmp_path: Path) -> None:
    data = os.urandom(2 * CHUNK_SIZE + 5)
    path = _write(tmp_path / "f.part", data)
    verifier: Verifier = service
    hasher = _run(qapp, verifier.hash_prefix(path, "sha256", CHUNK_SIZE + 1))
    hasher.update(data[CHUNK_SIZE + 1 :])
    assert hasher.hexdigest() == hashlib.sha256(data).hexdigest()
    assert service.active_tasks == 0


def test_hash_prefix_emits_no_public_signals(
    qapp: QApplication, qtbot, service: VerifyService, tmp_path: Path
) -> None:
    path = _write(tmp_path / "f.part", b"abc")
    heard: list[str] = []
    service.finished.connect(lambda task, _d: heard.append(task))
    service.progressed.connect(lambda task, _d, _t: heard.append(task))
    _run(qapp, service.hash_prefix(path, "md5", 3))
    qapp.processEvents()
    assert heard == []


def test_hash_prefix_of_a_short_file_raises_job_error(
    qapp: QApplication, service: VerifyService, tmp_path: Path
) -> None:
    path = _write(tmp_path / "f.part", b"abc")
    with pytest.raises(JobError) as caught:
        _run(qapp, service.hash_prefix(path, "sha256", 10))
    assert caught.value.kind is ErrorKind.FILESYSTEM


def test_several_prefixes_concurrently(qapp: QApplication, service: VerifyService, tmp_path: Path) -> None:
    blobs = [os.urandom(200_000 + n) for n in range(4)]
    paths = [_write(tmp_path / f"p{n}", blob) for n, blob in enumerate(blobs)]

    async def scenario() -> list[str]:
        hashers = await asyncio.gather(*(service.hash_prefix(p, "sha1", 100_000) for p in paths))
        return [h.hexdigest() for h in hashers]

    assert _run(qapp, scenario()) == [hashlib.sha1(blob[:100_000]).hexdigest() for blob in blobs]


def test_importing_the_package_does_not_load_qt() -> None:
    import subprocess
    import sys

    code = "import sys, wherry.verify; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"


# -- batch verification and find-by-digest ------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sparse(path: Path, size: int) -> Path:
    # Holes cost no disk space, yet every byte of them must still be hashed.
    with open(path, "wb") as stream:
        stream.truncate(size)
    return path


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A SHA256SUMS naming a good file, a damaged one and an absent one, plus a line of junk."""
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "good.iso").write_bytes(b"good")
    (folder / "bad.iso").write_bytes(b"damaged")
    lines = [
        f"{_sha256(b'good')}  good.iso",
        f"{_sha256(b'bad')}  bad.iso",
        f"{_sha256(b'x')}  gone.iso",
        "junk",
    ]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return folder


def _long_release(folder: Path, files: int, size: int = 32 * 1024 * 1024) -> Path:
    """``files`` sparse files listed in a SHA256SUMS, together long enough to cancel mid-run."""
    folder.mkdir()
    digest = _sha256(bytes(size))  # hashlib reads zeros fast; the files themselves take no space
    names = [f"part{n:03}.bin" for n in range(files)]
    for name in names:
        _sparse(folder / name, size)
    (folder / "SHA256SUMS").write_text("".join(f"{digest}  {name}\n" for name in names))
    return folder


def test_verify_reports_the_plan_each_file_and_a_summary(
    qtbot, service: VerifyService, release: Path
) -> None:
    planned: list[object] = []
    checked: list[tuple[str, FileStatus, str | None]] = []
    service.verify_planned.connect(lambda _job, plan: planned.append(plan))
    service.verify_checked.connect(lambda _job, r: checked.append((r.item.path.name, r.status, r.actual)))
    with qtbot.waitSignal(service.verify_finished, timeout=TIMEOUT_MS) as blocker:
        job = service.start_verify([release])
    assert planned == [
        VerifyPlanned(3, (PlanWarning(release / "SHA256SUMS", 4, "Line 4 is not a checksum line."),), ())
    ]
    assert checked == [
        ("good.iso", FileStatus.OK, _sha256(b"good")),
        ("bad.iso", FileStatus.MISMATCH, _sha256(b"damaged")),
        ("gone.iso", FileStatus.MISSING, None),
    ]
    assert blocker.args == [job, VerifySummary(ok=1, mismatched=1, missing=1)]
    assert service.active_tasks == 0


def test_verify_names_what_it_could_not_use(qtbot, service: VerifyService, tmp_path: Path) -> None:
    planned: list[VerifyPlanned] = []
    service.verify_planned.connect(lambda _job, plan: planned.append(plan))
    with qtbot.waitSignal(service.verify_finished, timeout=TIMEOUT_MS) as blocker:
        service.start_verify([tmp_path / "nope"])
    assert planned == [VerifyPlanned(0, (), (f"{tmp_path / 'nope'} does not exist.",))]
    assert blocker.args[1].checked == 0


def test_cancel_stops_a_long_verify_run(qtbot, service: VerifyService, tmp_path: Path) -> None:
    files = 64
    folder = _long_release(tmp_path / "long", files)
    checked: list[str] = []
    progress: list[tuple[int, int]] = []
    ends: list[str] = []
    service.verify_checked.connect(lambda job, _r: checked.append(job))
    service.verify_progressed.connect(lambda _job, done, total: progress.append((done, total)))
    service.verify_finished.connect(lambda job, _s: ends.append(job))
    with qtbot.waitSignal(service.verify_checked, timeout=TIMEOUT_MS):
        job = service.start_verify([folder])
    with qtbot.waitSignal(service.cancelled, timeout=TIMEOUT_MS) as blocker:
        assert service.cancel(job)
    seen = len(checked)
    QApplication.processEvents()  # anything still queued must be dropped, not delivered
    assert blocker.args == [job]
    assert 1 <= len(checked) == seen < files
    assert ends == []
    assert progress
    assert progress[-1][1] == files * 32 * 1024 * 1024
    assert service.active_tasks == 0


def test_a_long_verify_run_leaves_the_hashing_pool_free(qtbot, qapp: QApplication, tmp_path: Path) -> None:
    service = VerifyService(max_threads=1)
    try:
        folder = _long_release(tmp_path / "long", 64)
        ended: list[str] = []
        service.verify_finished.connect(lambda job, _s: ended.append(job))
        job = service.start_verify([folder])
        with qtbot.waitSignal(service.finished, timeout=TIMEOUT_MS) as blocker:
            task = service.start_hash(_write(tmp_path / "small", b"abc"))
        assert blocker.args == [task, {"sha256": _sha256(b"abc")}]
        assert ended == []
        assert service.cancel(job)
    finally:
        assert service.shutdown(TIMEOUT_MS)
        service.deleteLater()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "nested" / "deeper").mkdir(parents=True)
    (root / "other.txt").write_bytes(b"something else")
    (root / "nested" / "deeper" / "wanted.bin").write_bytes(b"wanted bytes")
    return root


def test_find_reports_a_match_in_a_nested_folder_and_the_counts(
    qtbot, service: VerifyService, tree: Path
) -> None:
    matches: list[FindMatch] = []
    service.find_matched.connect(lambda _job, match: matches.append(match))
    target = parse_digest_target(_sha256(b"wanted bytes"))
    with qtbot.waitSignal(service.find_finished, timeout=TIMEOUT_MS) as blocker:
        job = service.start_find(target, [tree])
    assert matches == [FindMatch(tree / "nested" / "deeper" / "wanted.bin", "sha256", len(b"wanted bytes"))]
    assert blocker.args == [job, FindProgress(folders=3, files_seen=2, files_hashed=2, bytes_hashed=26)]


def test_find_with_a_size_reports_unreadable_roots_and_hashes_only_that_size(
    qtbot, service: VerifyService, tree: Path
) -> None:
    skipped: list[FindProblem] = []
    service.find_skipped.connect(lambda _job, problem: skipped.append(problem))
    target = parse_digest_target("md5:" + hashlib.md5(b"wanted bytes").hexdigest())
    with qtbot.waitSignal(service.find_finished, timeout=TIMEOUT_MS) as blocker:
        service.start_find(target, [tree / "gone", tree], size=len(b"wanted bytes"))
    assert skipped == [FindProblem(tree / "gone", f"{tree / 'gone'} does not exist.")]
    assert blocker.args[1].files_hashed == 1


def test_find_reports_progress_and_stops_when_cancelled(
    qtbot, service: VerifyService, tmp_path: Path
) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    for n in range(64):
        _sparse(folder / f"f{n:02}", 32 * 1024 * 1024)
    ends: list[str] = []
    service.find_finished.connect(lambda job, _p: ends.append(job))
    target = parse_digest_target("0" * 64)
    with qtbot.waitSignal(service.find_progressed, timeout=TIMEOUT_MS) as progressed:
        job = service.start_find(target, [folder])
    assert progressed.args[0] == job
    assert progressed.args[1].files_seen >= 1
    with qtbot.waitSignal(service.cancelled, timeout=TIMEOUT_MS) as blocker:
        assert service.cancel(job)
    assert blocker.args == [job]
    assert ends == []
    assert service.active_tasks == 0


def test_a_bug_in_a_batch_job_still_ends_it_with_a_sentence(
    qtbot, service: VerifyService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_paths):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    monkeypatch.setattr(service_module, "plan_verification", broken)
    with qtbot.waitSignal(service.failed, timeout=TIMEOUT_MS) as blocker:
        job = service.start_verify([tmp_path])
    assert blocker.args == [
        job,
        f"Wherry could not check {tmp_path} because of an internal error; the log has the details.",
    ]
    assert service.active_tasks == 0
