"""Smoke test of the built bundle: --version, a `get` and a shared `get -i` from a local server, the
window offscreen.

Run from the checkout with the test environment's Python, after packaging/build-bundle.sh:
    .venv/bin/python packaging/smoke-bundle.py [dist/wherry/wherry]
Exits non-zero with a sentence on the first failure.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers.flaky_server import FlakyServer  # noqa: E402
from wherry import __version__  # noqa: E402

TIMEOUT = 60.0


def fail(sentence: str) -> None:
    raise SystemExit(f"bundle smoke test: {sentence}")


def run(binary: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary), *args], env=env, capture_output=True, text=True, timeout=TIMEOUT)


def check_version(binary: Path, env: dict[str, str]) -> None:
    result = run(binary, "--version", env=env)
    if result.returncode != 0 or result.stdout.strip() != f"wherry {__version__}":
        fail(f"--version gave {result.returncode} {result.stdout!r} {result.stderr!r}")


def check_get(binary: Path, env: dict[str, str], work: Path) -> None:
    body = os.urandom(3_000_000)
    server = FlakyServer().start()
    try:
        url = server.add("/smoke.bin", body)
        result = run(binary, "get", url, "-d", str(work / "dl"), env=env)
    finally:
        server.stop()
    target = work / "dl" / "smoke.bin"
    if result.returncode != 0 or not target.is_file() or target.read_bytes() != body:
        fail(f"get exited {result.returncode}: {result.stderr.strip()}")


def check_shared_list(binary: Path, env: dict[str, str], work: Path) -> None:
    """A long list makes the bundle fork a helper; both halves must arrive."""
    bodies = {f"/list/f{i:03d}.bin": os.urandom(20_000) for i in range(80)}
    server = FlakyServer().start()
    try:
        listing = work / "list.txt"
        listing.write_text("\n".join(server.add(path, body) for path, body in bodies.items()) + "\n")
        result = run(binary, "get", "-q", "-j", "4", "-i", str(listing), "-d", str(work / "list"), env=env)
    finally:
        server.stop()
    if result.returncode != 0:
        fail(f"get -i of 80 files exited {result.returncode}: {result.stderr.strip()}")
    for path, body in bodies.items():
        target = work / "list" / path.rsplit("/", 1)[1]
        if not target.is_file() or target.read_bytes() != body:
            fail(f"get -i left {target} missing or wrong")
    log = (Path(env["WHERRY_HOME"]) / "wherry.log").read_text()
    if "sharing the list: helper process" not in log or "ended with 0" not in log:
        fail("get -i of 80 files did not share the list with a helper process")


def check_window(binary: Path, env: dict[str, str], work: Path) -> None:
    log = Path(env["WHERRY_HOME"]) / "wherry.log"
    window_env = dict(env, QT_QPA_PLATFORM="offscreen")
    with open(work / "window-stderr.txt", "wb") as errors:
        process = subprocess.Popen([str(binary)], env=window_env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        deadline = time.monotonic() + TIMEOUT
        # Polling a file written by another process: there is no event to wait on across processes.
        while "The window is shown" not in (log.read_text() if log.exists() else ""):
            if process.poll() is not None:
                errors = (work / "window-stderr.txt").read_text()
                fail(f"the window exited with {process.returncode}: {errors}")
            if time.monotonic() > deadline:
                fail("the window did not show within a minute")
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=TIMEOUT)
        if code != 0:
            fail(f"the window quit with {code} on SIGTERM")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main() -> int:
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "dist" / "wherry" / "wherry").resolve()
    if not binary.is_file():
        fail(f"{binary} does not exist; run packaging/build-bundle.sh first")
    with tempfile.TemporaryDirectory(prefix="wherry-smoke-") as temporary:
        work = Path(temporary)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env.update(WHERRY_HOME=str(work / "home"), XDG_DATA_HOME=str(work / "share"), HOME=str(work))
        check_version(binary, env)
        check_get(binary, env, work)
        check_shared_list(binary, env, work)
        check_window(binary, env, work)
    print(f"bundle smoke test passed: {binary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
