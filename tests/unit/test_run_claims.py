"""Claims files (engine/claims.py): a live process's jobs are seen by others, a dead one's are not."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from wherry.engine.claims import RunClaims, claims_folder

TIMEOUT = 30

# Another process owning claims: holds what argv names, then lets go of each id it reads.
OWNER = """
import sys
from pathlib import Path
from wherry.engine.claims import RunClaims
claims = RunClaims(Path(sys.argv[1]))
claims.hold(sys.argv[2:])
print("ready", flush=True)
for line in sys.stdin:
    claims.let_go([line.strip()])
    print("done", flush=True)
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return claims_folder(tmp_path / "wherry.db")


def _owner(folder: Path, *ids: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", OWNER, str(folder), *ids],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    return process


def _tell(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()
    assert process.stdout.readline() == "done\n"


def test_another_live_process_claims_are_seen_until_it_lets_go_and_a_killed_ones_count_for_nothing(
    folder: Path,
) -> None:
    process = _owner(folder, "a", "b", "c")
    try:
        reader = RunClaims(folder)
        assert reader.others() == {"a", "b", "c"}
        _tell(process, "b")
        assert reader.others() == {"a", "c"}
        process.send_signal(signal.SIGKILL)
        process.wait(TIMEOUT)
        # The file is still there, unchanged, so only a look at its lock tells.
        assert len(list(folder.glob("*.claims"))) == 1
        assert reader.others(recheck=True) == frozenset()
        assert list(folder.glob("*.claims")) == []  # the dead one's file is cleared away
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_a_process_does_not_count_its_own_claims_and_closing_gives_them_all_back(folder: Path) -> None:
    mine, theirs = RunClaims(folder), RunClaims(folder)
    mine.hold(["m1", "m2"])
    theirs.hold(["t1"])
    assert mine.others() == {"t1"}
    assert theirs.others() == {"m1", "m2"}
    mine.close()
    assert theirs.others() == frozenset()
    assert len(list(folder.glob("*.claims"))) == 1


def test_a_long_lived_owner_rewrites_its_file_and_keeps_every_live_claim(folder: Path) -> None:
    owner, reader = RunClaims(folder), RunClaims(folder)
    ids = [f"job-{i}" for i in range(4000)]
    owner.hold(ids)
    (path,) = folder.glob("*.claims")
    largest = path.stat().st_size
    live = set(ids)
    for start in range(0, 3900, 100):
        gone = ids[start : start + 100]
        owner.let_go(gone)
        live -= set(gone)
        assert reader.others() == live
    (path,) = folder.glob("*.claims")
    assert path.stat().st_size < largest / 4  # rewritten, not grown line by line
    owner.hold(["again"])
    assert reader.others() == live | {"again"}
