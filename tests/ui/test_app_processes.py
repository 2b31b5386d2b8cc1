"""The window as real processes: a second launch hands over its URLs; a killed one resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalSocket

from tests.helpers.flaky_server import FaultPlan
from wherry import paths
from wherry.core import JobState
from wherry.store import open_store
from wherry.ui.single_instance import server_name

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
BODY = os.urandom(400_000)


def _launch(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    # A file, not a pipe: nobody reads while the process runs, and a full pipe would block it.
    with open(cwd / "wherry-stderr.txt", "ab") as errors:
        return subprocess.Popen(
            [sys.executable, "-m", "wherry", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    return process.wait(timeout=20)


def _listening(name: str) -> bool:
    probe = QLocalSocket()
    probe.connectToServer(name)
    connected = probe.waitForConnected(200)
    probe.abort()
    return connected


def _preset_download_dir(directory: Path) -> None:
    repository, _ = open_store(paths.database_path())
    try:
        repository.save_settings(repository.load_settings().with_changes(download_dir=str(directory)))
    finally:
        repository.close()


def _stored_jobs():
    repository, _ = open_store(paths.database_path())
    try:
        return repository.load_jobs()
    finally:
        repository.close()


def test_a_second_launch_hands_its_urls_and_a_txt_list_to_the_first(qtbot, flaky_server, tmp_path):
    downloads = tmp_path / "dl"
    _preset_download_dir(downloads)
    one = flaky_server.add("/one.bin", BODY)
    two = flaky_server.add("/two.bin", BODY[::-1])
    (tmp_path / "list.txt").write_text(f"# from a file\n{two}\n")
    first = _launch(cwd=tmp_path)
    try:
        qtbot.waitUntil(lambda: _listening(server_name(paths.data_dir())), timeout=30000)
        second = subprocess.run(
            [sys.executable, "-m", "wherry", one, "list.txt"],
            cwd=tmp_path,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            capture_output=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        qtbot.waitUntil(
            lambda: (downloads / "one.bin").exists() and (downloads / "two.bin").exists(), timeout=30000
        )
        assert (downloads / "one.bin").read_bytes() == BODY
        assert (downloads / "two.bin").read_bytes() == BODY[::-1]
        assert first.poll() is None  # the first instance is still the one running
    finally:
        assert _stop(first) == 0


def test_wherry_add_opens_the_add_dialog_in_the_running_window(qtbot, tmp_path):
    first = _launch(cwd=tmp_path)
    try:
        qtbot.waitUntil(lambda: _listening(server_name(paths.data_dir())), timeout=30000)
        log = paths.log_path()
        opened = "The Add download dialog is open"
        assert opened not in log.read_text(encoding="utf-8", errors="replace")
        second = subprocess.run(
            [sys.executable, "-m", "wherry", "--add"],
            cwd=REPO,
            env=dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen"),
            capture_output=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        qtbot.waitUntil(lambda: opened in log.read_text(encoding="utf-8", errors="replace"), timeout=30000)
        assert first.poll() is None  # the second launch handed over and left; the first runs on
    finally:
        assert _stop(first) == 0


def test_downloads_resume_after_the_app_is_killed_mid_transfer(qtbot, flaky_server, tmp_path):
    downloads = tmp_path / "dl"
    _preset_download_dir(downloads)
    url = flaky_server.add("/big.bin", BODY, plan=FaultPlan(drip_rate=80_000))
    first = _launch(url, cwd=tmp_path)
    try:
        # Some bytes are on disk *and* counted by a checkpoint.
        qtbot.waitUntil(lambda: any(job.bytes_done > 0 for job in _stored_jobs()), timeout=30000)
    finally:
        _stop(first, signal.SIGKILL)
    (job,) = _stored_jobs()
    assert job.state is JobState.RUNNING  # as the crash left it
    checkpointed = job.bytes_done
    assert 0 < checkpointed < len(BODY)

    flaky_server.set_plan("/big.bin", FaultPlan())
    requests_before = len(flaky_server.requests_for("/big.bin", "GET"))
    second = _launch(cwd=tmp_path)  # no URL: the job must come back by itself
    try:
        # The killed instance left its socket behind; the new one takes it over.
        qtbot.waitUntil(lambda: _listening(server_name(paths.data_dir())), timeout=30000)
        target = downloads / "big.bin"
        qtbot.waitUntil(lambda: _stored_jobs()[0].state is JobState.FINISHED, timeout=30000)
        assert target.read_bytes() == BODY
        resumed = flaky_server.requests_for("/big.bin", "GET")[requests_before:]
        assert resumed
        assert resumed[0].range is not None
        assert resumed[0].range.startswith("bytes=")
        assert int(resumed[0].range.removeprefix("bytes=").split("-")[0]) > 0
    finally:
        assert _stop(second) == 0
    (job,) = _stored_jobs()
    assert job.state is JobState.FINISHED


def test_the_window_leaves_a_running_list_to_the_command_line_even_what_it_has_not_started(
    qtbot, flaky_server, tmp_path
):
    """``wherry get -i`` has stored six downloads and runs two; the window opened meanwhile
    starts none of the four still waiting in that command's queue (each would then fail on
    the other's lock), and the list ends with every file fetched once."""
    downloads = tmp_path / "dl"
    _preset_download_dir(downloads)
    paths_ = [f"/list/w{i}.bin" for i in range(6)]
    urls = [
        flaky_server.add(path, BODY[i:] + BODY[:i], plan=FaultPlan(hold_at=100_000))
        for i, path in enumerate(paths_)
    ]
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    with open(tmp_path / "get-stderr.txt", "wb") as errors:
        cli = subprocess.Popen(
            [sys.executable, "-m", "wherry", "get", "-q", "-j", "2", "-i", "list.txt", "-d", str(downloads)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
    window = None
    try:
        qtbot.waitUntil(lambda: sum(job.bytes_done > 0 for job in _stored_jobs()) == 2, timeout=30000)
        sentinel = flaky_server.add("/sentinel.bin", BODY)
        window = _launch(sentinel, cwd=tmp_path)
        # The window's own download is done long after anything it started at its start.
        qtbot.waitUntil(
            lambda: any(
                j.filename == "sentinel.bin" and j.state is JobState.FINISHED for j in _stored_jobs()
            ),
            timeout=30000,
        )
        waiting = [path for path in paths_ if not flaky_server.requests_for(path, "GET")]
        assert len(waiting) == 4  # still only the command line's two were asked for

        for path in paths_:
            flaky_server.set_plan(path, FaultPlan())
        assert cli.wait(timeout=60) == 0, (tmp_path / "get-stderr.txt").read_text()
        assert [len(flaky_server.requests_for(path, "GET")) for path in paths_] == [1] * 6
        for i, path in enumerate(paths_):
            assert (downloads / path.rsplit("/", 1)[1]).read_bytes() == BODY[i:] + BODY[:i]
        listed = [job for job in _stored_jobs() if job.filename != "sentinel.bin"]
        assert [job.state for job in listed] == [JobState.FINISHED] * 6
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait(20)
        if window is not None:
            assert _stop(window) == 0
