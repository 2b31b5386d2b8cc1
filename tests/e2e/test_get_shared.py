"""A long ``wherry get -i`` list is shared with a helper process (commands/get_share.py): both
processes download, every file comes out right, and neither one's death loses the other's work."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import spawn, stored_progress, wait_for
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.commands.get_share import SHARE_FROM, plan_share
from wherry.core.jobs import AddRequest
from wherry.core.settings import Settings

pytestmark = [
    pytest.mark.e2e,
    # Which process holds which file is read from /proc; in CI (Linux) it must be there.
    pytest.mark.skipif(
        not Path("/proc/self/fd").is_dir() and os.environ.get("CI") != "true",
        reason="needs /proc to see which process holds which file",
    ),
]

COUNT = SHARE_FROM + 16
SIZE = 60_000
HELD = 20_000  # every file stops here until the test lets it go on
AT_ONCE = 8  # four downloads in each process
TIMEOUT = 60


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # an orphan nobody reaped yet has ended


def _open_parts(pid: int) -> set[str]:
    names = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return names
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith(".part"):
            names.add(Path(target).name)
    return names


class SharedList:
    """COUNT files on the flaky server, each held at HELD, and the list file naming them."""

    def __init__(self, server, workdir: Path) -> None:
        self.server = server
        self.workdir = workdir
        self.out = workdir / "out"
        self.bodies = {f"/s/f{i:03d}.bin": payload(SIZE, seed=i) for i in range(COUNT)}
        self.urls = [
            server.add(path, body, plan=FaultPlan(hold_at=HELD)) for path, body in self.bodies.items()
        ]
        self.listing = workdir / "list.txt"
        self.listing.write_text("\n".join(self.urls) + "\n")

    def start(self) -> subprocess.Popen[str]:
        args = ("get", "-q", "-j", str(AT_ONCE), "-i", str(self.listing), "-d", str(self.out))
        return spawn(*args, cwd=self.workdir)

    def helper_indices(self) -> list[int]:
        """The downloads the helper starts with (the rest are handed out as either runs low)."""
        requests = [AddRequest(url=url, directory=str(self.out)) for url in self.urls]
        plan = plan_share(requests, Settings(max_active=AT_ONCE), 2)
        assert plan is not None
        return plan[1]

    def name(self, index: int) -> str:
        return f"f{index:03d}.bin"

    def release(self) -> None:
        for path in self.bodies:
            self.server.set_plan(path, FaultPlan())

    def run_again(self) -> None:
        """The same command once more, with nothing held: it finishes the whole list."""
        self.release()
        code, out, err = _finish(self.start())
        assert code == 0, err
        assert out.splitlines() == [str(self.out / self.name(i)) for i in range(COUNT)]
        self.check_files()

    def check_files(self) -> None:
        for path, body in self.bodies.items():
            assert (self.out / path.rsplit("/", 1)[1]).read_bytes() == body, path
        assert not list(self.out.glob("*.part"))


def _both_downloading(cli: subprocess.Popen[str]) -> int:
    """Wait until the parent and its helper each hold downloads open; returns the helper's pid."""
    found: list[int] = []

    def both() -> bool:
        helpers = _children(cli.pid)
        if len(helpers) != 1:
            return False
        found[:] = helpers
        return len(_open_parts(cli.pid)) == AT_ONCE // 2 and len(_open_parts(helpers[0])) == AT_ONCE // 2

    assert wait_for(both, TIMEOUT), (_children(cli.pid), _open_parts(cli.pid))
    return found[0]


def _finish(cli: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = cli.communicate(timeout=TIMEOUT)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.communicate()
    return cli.returncode, out, err


def test_a_long_list_is_downloaded_by_two_processes_and_printed_in_list_order(flaky_server, workdir):
    shared = SharedList(flaky_server, workdir)
    theirs = shared.helper_indices()
    missing = theirs[len(theirs) // 2]  # a download the helper fails, reported by the parent
    flaky_server.remove(f"/s/f{missing:03d}.bin")
    flaky_server.add(f"/s/f{missing:03d}.bin", b"", plan=FaultPlan(always_status=404))
    del shared.bodies[f"/s/f{missing:03d}.bin"]
    cli = shared.start()
    try:
        helper = _both_downloading(cli)
        mine = {shared.name(i) + ".part" for i in range(COUNT) if i not in set(theirs)}
        assert _open_parts(cli.pid) <= mine
        assert _open_parts(helper) <= {shared.name(i) + ".part" for i in theirs}
    finally:
        shared.release()
        code, out, err = _finish(cli)

    assert code == 1, err  # one download failed
    expected = [str(shared.out / shared.name(i)) for i in range(COUNT) if i != missing]
    assert out.splitlines() == expected
    assert f"{shared.name(missing)}:" in err
    assert "404" in err or "not found" in err.lower()
    shared.check_files()
    # The helper was forked with the parent's store connection open; it must have left that
    # connection alone, and both its own writes and the parent's must be there.
    home = Path(os.environ["WHERRY_HOME"])
    with sqlite3.connect(home / "wherry.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        states = sorted(db.execute("SELECT url, state FROM jobs"))
    assert len(states) == COUNT
    assert {state for url, state in states if not url.endswith(shared.name(missing))} == {"finished"}
    assert "helper process" in (home / "wherry.log").read_text()


def test_a_killed_helper_leaves_its_downloads_to_the_parent_which_resumes_them(
    flaky_server, workdir, wherry_home
):
    shared = SharedList(flaky_server, workdir)
    theirs = shared.helper_indices()
    cli = shared.start()
    try:
        helper = _both_downloading(cli)
        held_there = sorted(name.removesuffix(".part") for name in _open_parts(helper))
        # Their first bytes are counted in the store, so taking over must continue from them.
        assert wait_for(
            lambda: all(stored_progress(wherry_home).get(name, 0) >= HELD for name in held_there), TIMEOUT
        )
        os.kill(helper, signal.SIGKILL)
        assert wait_for(lambda: helper not in _children(cli.pid), TIMEOUT)
    finally:
        shared.release()
        code, out, err = _finish(cli)

    assert code == 0, err
    assert f"continuing its {len(theirs)} unfinished downloads here" in err
    assert out.splitlines() == [str(shared.out / shared.name(i)) for i in range(COUNT)]
    shared.check_files()
    for name in held_there:
        last = flaky_server.requests_for(f"/s/{name}", "GET")[-1]
        assert last.range is not None
        assert last.range.startswith(f"bytes={HELD}-"), (name, last.range)


def test_a_killed_parent_stops_its_helper_and_the_same_command_then_finishes_the_list(flaky_server, workdir):
    shared = SharedList(flaky_server, workdir)
    cli = shared.start()
    try:
        helper = _both_downloading(cli)
        cli.send_signal(signal.SIGKILL)
        cli.wait(TIMEOUT)
        # Its stdin closes with the parent: it pauses its downloads and ends by itself.
        assert wait_for(lambda: not _alive(helper), TIMEOUT)
    finally:
        _finish(cli)
    shared.run_again()


def test_an_interrupted_shared_list_stops_both_says_so_once_and_resumes(flaky_server, workdir):
    shared = SharedList(flaky_server, workdir)
    cli = shared.start()
    try:
        helper = _both_downloading(cli)
        cli.send_signal(signal.SIGTERM)
        code, out, err = _finish(cli)
    finally:
        if cli.poll() is None:
            cli.kill()
    assert code == 130
    assert out == ""
    assert err.count("Interrupted") == 1
    assert not _alive(helper)
    shared.run_again()


def test_a_list_killed_while_its_files_finish_keeps_each_file_once_when_run_again(flaky_server, workdir):
    """Killed (parent and helper at once) while small files are finishing, many of them renamed
    into place before the store heard of them (saves wait a group commit): the same command then
    ends with each file once under its own name, none fetched again as "name (1).bin"."""
    count = 400
    bodies = {f"/k/k{i:03d}.bin": payload(2000, seed=i) for i in range(count)}
    urls = [flaky_server.add(path, body) for path, body in bodies.items()]
    listing = workdir / "list.txt"
    listing.write_text("\n".join(urls) + "\n")
    out = workdir / "out"
    args = ("get", "-q", "-j", "16", "-i", str(listing), "-d", str(out))

    def finished() -> int:
        return sum(1 for p in out.glob("*.bin")) if out.is_dir() else 0

    cli = spawn(*args, cwd=workdir)
    try:
        assert wait_for(lambda: finished() >= count // 4, TIMEOUT)
        os.killpg(cli.pid, signal.SIGKILL)
        cli.wait(TIMEOUT)
    finally:
        _finish(cli)
    assert finished() < count, "the kill came after the list was done; nothing was tested"
    code, stdout, err = _finish(spawn(*args, cwd=workdir))
    assert code == 0, err
    names = [path.rsplit("/", 1)[1] for path in bodies]
    assert stdout.splitlines() == [str(out / name) for name in names]
    assert sorted(p.name for p in out.iterdir()) == names
    for path, body in bodies.items():
        assert (out / path.rsplit("/", 1)[1]).read_bytes() == body, path
