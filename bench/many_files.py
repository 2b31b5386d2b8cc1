"""Files for the many-files and lossy-link scenarios of bench_download.py: sets of small random
files with their digests, URL lists, checking a downloaded folder, and the lossy relay process.

Standard library only; imported by bench_download.py from the same folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

RELAY = Path(__file__).resolve().parent / "lossy_relay.py"


def file_set(www: Path, count: int, size: int) -> tuple[str, dict[str, str]]:
    """``count`` files of ``size`` random bytes under www/many-SIZE/ (kept between runs).

    Returns the folder's name and {file name: sha256}.
    """
    folder = f"many-{size}"
    root = www / folder
    root.mkdir(parents=True, exist_ok=True)
    index_path = root / "index.json"
    digests: dict[str, str] = {}
    with contextlib.suppress(OSError, ValueError):
        digests = json.loads(index_path.read_text())
    missing = [f"f{i:06d}.bin" for i in range(count) if f"f{i:06d}.bin" not in digests]
    if missing:
        print(f"Writing {len(missing)} files of {size} bytes to {root} …", flush=True)
    for name in missing:
        data = os.urandom(size)
        (root / name).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    if missing:
        index_path.write_text(json.dumps(digests))
    wanted = {f"f{i:06d}.bin": digests[f"f{i:06d}.bin"] for i in range(count)}
    return folder, wanted


def write_list(path: Path, base_url: str, names: list[str]) -> Path:
    path.write_text("".join(f"{base_url}/{name}\n" for name in names))
    return path


def check_folder(folder: Path, digests: dict[str, str], what: str) -> None:
    """Every file present with its digest, and nothing else (no .part, no renamed copy)."""
    found = {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    extra = sorted(found - set(digests))
    missing = sorted(set(digests) - found)
    if extra or missing:
        raise RuntimeError(f"WRONG DOWNLOAD ({what}): missing {missing[:3]}…, unexpected {extra[:3]}…")
    for name, digest in digests.items():
        with (folder / name).open("rb") as f:
            if hashlib.file_digest(f, "sha256").hexdigest() != digest:
                raise RuntimeError(f"WRONG DOWNLOAD ({what}): {name} differs from the source")


class Relay:
    """bench/lossy_relay.py as a child process in front of nginx."""

    def __init__(self, upstream_port: int, rtt: float, loss: float, link_rate: float, stats: Path) -> None:
        self.stats = stats
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(RELAY),
                "--upstream",
                f"127.0.0.1:{upstream_port}",
                "--rtt",
                str(rtt),
                "--loss",
                str(loss),
                "--link-rate",
                str(link_rate),
                "--stats",
                str(stats),
            ],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.isdigit():
            self.stop()
            raise RuntimeError(f"the lossy relay did not start (said {line!r})")
        self.port = int(line)

    def accepted(self) -> int:
        """Connections accepted so far (the stats file is rewritten every second)."""
        time.sleep(1.1)
        with contextlib.suppress(OSError, ValueError, KeyError):
            return int(json.loads(self.stats.read_text())["accepted"])
        return -1

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wherry_connections(home: Path) -> str:
    """What Wherry's log says its adaptive growth settled on, if it said anything."""
    found = ""
    for log in home.glob("*.log"):
        for line in log.read_text(errors="replace").splitlines():
            match = re.search(r"settled on (\d+), at most (\d+) at once", line)
            if match:
                found = f"settled {match.group(1)}, peak {match.group(2)}"
    return found or "no growth step: the download ended at the starting 4"
