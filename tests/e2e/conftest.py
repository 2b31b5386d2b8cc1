"""Helpers to run real ``wherry`` processes against the flaky server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def wherry(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wherry", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(),
    )


def spawn(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wherry", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        start_new_session=True,
    )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Poll a condition on another process's state (files, database) with a deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def stored_progress(home: Path) -> dict[str, int]:
    """Bytes each job has checkpointed, read from the store like a second process would."""
    from wherry.store import open_store

    try:
        repo, _ = open_store(home / "wherry.db")
    except Exception:
        return {}
    try:
        return {job.url.rsplit("/", 1)[-1]: job.bytes_done for job in repo.load_jobs()}
    finally:
        repo.close()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path
