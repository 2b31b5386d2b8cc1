#!/usr/bin/env python3
"""Torture run: SIGKILL a big multi-connection ``wherry get`` again and again, then check every byte.

Run by hand (never part of the test suite); standard library only, served by a local nginx on
127.0.0.1 (see bench/README.md for installing it).

    python3 bench/torture.py                                   # 1 GiB, 16 connections, 20 kills
    python3 bench/torture.py --size 256M --kills 5             # quicker
    sudo python3 bench/torture.py --disk-full --size 256M      # a disk that fills up mid-download

Kill run: ``wherry get -c 16 --sha256 …`` is started, SIGKILLed at a random instant, started
again with the same WHERRY_HOME, and so on ``--kills`` times; the last run goes to the end. After
every kill the store's counters are checked against the .part file (every byte counted must be
the source's byte), and at the end the file is compared with the source byte for byte. The
report gives the bytes nginx sent beyond the file's size: what the kills cost.

Disk-full run (root): the download folder is a small loop-mounted vfat image (ext2 where the
kernel has no vfat), so there is no fallocate; a filler file takes the space mid-download, the
job must pause with every counted byte on disk, and after the filler is removed a rerun must
finish the file exactly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import bench_download
from bench_download import (
    BENCH_DIR,
    MIB,
    BenchError,
    Nginx,
    Source,
    clean_env,
    find_executable,
    human_bytes,
    parse_size,
    prepare_source,
    probe_wherry,
    read_access_log,
    tail,
    verify_output,
    wait_log_quiet,
)

GIB = 1024 * MIB
_BLOCK = 4 * MIB
# About how long `wherry get` takes from exec to its first request (imports, store, probe).
STARTUP = 0.5


# ---------------------------------------------------------------------------------------------
# what the store and the files say


def stored_segments(home: Path) -> list[tuple[int, int]]:
    """(start, done) of every segment the store holds: what a restart would trust."""
    db = home / "wherry.db"
    if not db.exists():
        return []
    with contextlib.closing(sqlite3.connect(db, timeout=10)) as conn:
        try:
            return list(conn.execute("SELECT range_start, done FROM segments"))
        except sqlite3.OperationalError:  # the first run is still creating the tables
            return []


def stored_state(home: Path) -> tuple[str, str | None]:
    with contextlib.closing(sqlite3.connect(home / "wherry.db", timeout=10)) as conn:
        row = conn.execute("SELECT state, error_message FROM jobs").fetchone()
    return row[0], row[1]


def history(home: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(home / "wherry.db", timeout=10)) as conn:
        return [text for (text,) in conn.execute("SELECT message FROM history ORDER BY id")]


def restarts(home: Path) -> int:
    return sum(1 for text in history(home) if "starting again" in text)


def check_counted_bytes(part: Path, source: Source, segments: Sequence[tuple[int, int]]) -> int:
    """Every byte the store counts must already be the source's byte; returns how many it counts."""
    counted = 0
    if not segments:
        return 0
    with part.open("rb") as got, source.path.open("rb") as want:
        for start, done in segments:
            counted += done
            offset = start
            while offset < start + done:
                n = min(_BLOCK, start + done - offset)
                got.seek(offset)
                want.seek(offset)
                if got.read(n) != want.read(n):
                    raise BenchError(
                        f"WRONG CHECKPOINT: the store counts bytes {start}-{start + done - 1} as done, "
                        f"but the .part differs from the source near byte {offset}"
                    )
                offset += n
    return counted


def same_bytes(a: Path, b: Path) -> bool:
    with a.open("rb") as x, b.open("rb") as y:
        while True:
            left, right = x.read(_BLOCK), y.read(_BLOCK)
            if left != right:
                return False
            if not left:
                return True


def bytes_sent(log: Path, uri: str, start: int) -> int:
    wait_log_quiet(log)
    lines, _ = read_access_log(log, start)
    return sum(line.body_bytes for line in lines if line.uri == uri)


# ---------------------------------------------------------------------------------------------
# processes


def spawn(argv: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            argv, env=env, stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True
        )


def kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)


def wait_exit(process: subprocess.Popen[bytes], seconds: float) -> int | None:
    """The exit code if the process ends within ``seconds``, else None (it keeps running)."""
    try:
        return process.wait(seconds)
    except subprocess.TimeoutExpired:
        return None


# ---------------------------------------------------------------------------------------------
# the kill run


def torture(args: argparse.Namespace, wherry: str, nginx: Nginx, source: Source) -> list[str]:
    rng = random.Random(args.seed)
    run = args.work_dir / "torture"
    shutil.rmtree(run, ignore_errors=True)
    home, out = run / "home", run / "download"
    home.mkdir(parents=True)
    out.mkdir()
    env = clean_env({"WHERRY_HOME": str(home)})
    url = nginx.url("slow", source.name)
    argv = [wherry, "get", url, "-c", str(args.connections), "-d", str(out), "-q"]
    if not args.no_checksum:
        argv += ["--sha256", source.sha256]
    target, part = out / source.name, out / (source.name + ".part")
    log_start = read_access_log(nginx.access_log)[1]

    speed = parse_size(args.rate) * args.connections  # what nginx allows; every run refines it
    rows: list[str] = []
    kills = 0
    started = time.monotonic()
    for number in range(1, args.kills + 1):
        before = sum(done for _, done in stored_segments(home))
        left = source.size - before
        # Spread the remaining kills over the remaining time, at random instants within it.
        # A random instant of this run: start-up, then its share of what is left to transfer.
        window = STARTUP + max(0.1, left / speed * 2 / (args.kills - number + 2))
        delay = rng.uniform(0.0, window)
        process = spawn(argv, env, run / "wherry.log")
        t0 = time.monotonic()
        code = wait_exit(process, delay)
        if code is not None:
            rows.append(f"| {number} | — | finished before the kill (exit {code}) | |")
            break
        kill(process)
        kills += 1
        elapsed = time.monotonic() - t0
        segments = stored_segments(home)
        counted = check_counted_bytes(part, source, segments) if part.exists() else 0
        if counted > before and elapsed > STARTUP + 1.0:
            speed = (counted - before) / (elapsed - STARTUP)
        rows.append(
            f"| {number} | {delay:.2f} s | {human_bytes(counted)} counted "
            f"({counted / source.size:.0%}) | every counted byte matches |"
        )
        print(f"kill {number}/{args.kills} after {delay:.2f} s: {human_bytes(counted)} counted", flush=True)
        if counted < before:
            print(f"  the store counts less than before this run ({human_bytes(before)}):", flush=True)
            for line in history(home)[-5:]:
                print(f"  history: {line}", flush=True)

    process = spawn(argv, env, run / "wherry.log")
    code = wait_exit(process, args.timeout)
    if code is None:
        kill(process)
        raise BenchError(f"the last run did not finish within {args.timeout:.0f} s")
    if code != 0:
        raise BenchError(f"the last run exited {code}:\n{tail(run / 'wherry.log')}")
    verify_output(target, source, "after the kills")
    if not same_bytes(target, source.path):
        raise BenchError("WRONG DOWNLOAD: the file differs from the source")
    total = time.monotonic() - started
    sent = bytes_sent(nginx.access_log, f"/slow/{source.name}", log_start)
    extra = sent - source.size
    summary = [
        f"- {kills} SIGKILLs of `wherry get -c {args.connections}"
        f"{'' if args.no_checksum else ' --sha256 …'}` on a {human_bytes(source.size)} file "
        f"(nginx limits each connection to {args.rate}B/s), {kills + 1} runs in {total:.1f} s "
        f"(seed {args.seed})",
        "- after every kill, every byte the store counted was the source's byte",
        "- final file identical to the source, byte for byte (and its SHA-256)",
        f"- restarts from zero the job's history records: {restarts(home)}",
        f"- bytes sent by nginx: {sent:,}; beyond the file's size: {extra:,} ({human_bytes(extra)}, "
        f"{human_bytes(extra / max(kills, 1))} per kill)",
        "",
        "| kill | after (from the run's start) | store at the kill | check |",
        "|---:|---:|---|---|",
        *rows,
    ]
    if not args.keep:
        shutil.rmtree(run, ignore_errors=True)
    return summary


# ---------------------------------------------------------------------------------------------
# the disk-full run


@contextlib.contextmanager
def small_disk(where: Path, size: int) -> Iterator[tuple[Path, str]]:
    """Loop-mount a fresh image of ``size`` bytes without fallocate: vfat, else ext2."""
    image, mount = where / "disk.img", where / "mnt"
    mount.mkdir(parents=True)
    errors = []
    for fstype, mkfs in (("vfat", ["mkfs.vfat"]), ("ext2", ["mkfs.ext2", "-q", "-F", "-m", "0"])):
        if shutil.which(mkfs[0]) is None:
            errors.append(f"{mkfs[0]} missing")
            continue
        with image.open("wb") as f:
            f.truncate(size)
        if subprocess.run([*mkfs, str(image)], capture_output=True, check=False).returncode != 0:
            errors.append(f"{mkfs[0]} failed")
            continue
        done = subprocess.run(
            ["mount", "-t", fstype, "-o", "loop", str(image), str(mount)], capture_output=True, text=True
        )
        if done.returncode == 0:
            break
        errors.append(f"mount -t {fstype}: {done.stderr.strip()}")
    else:
        raise BenchError("no small file system could be mounted: " + "; ".join(errors))
    try:
        yield mount, fstype
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        image.unlink(missing_ok=True)


def fill(folder: Path, leave: int) -> Path:
    filler = folder / "filler"
    chunk = b"\0" * MIB
    with filler.open("wb") as f, contextlib.suppress(OSError):
        while shutil.disk_usage(folder).free > leave + len(chunk):
            f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
    return filler


def disk_full(args: argparse.Namespace, wherry: str, nginx: Nginx, source: Source) -> list[str]:
    if os.geteuid() != 0:
        raise BenchError("--disk-full loop-mounts a file system: run it as root")
    run = args.work_dir / "diskfull"
    shutil.rmtree(run, ignore_errors=True)
    home = run / "home"
    home.mkdir(parents=True)
    env = clean_env({"WHERRY_HOME": str(home)})
    url = nginx.url("slow", source.name)
    log_start = read_access_log(nginx.access_log)[1]
    with small_disk(run, source.size + 32 * MIB) as (disk, fstype):
        argv = [wherry, "get", url, "-c", str(args.connections), "-d", str(disk), "-q"]
        part, target = disk / (source.name + ".part"), disk / source.name
        process = spawn(argv, env, run / "wherry.log")
        deadline = time.monotonic() + args.timeout
        while sum(d for _, d in stored_segments(home)) < 0.3 * source.size:
            if process.poll() is not None or time.monotonic() > deadline:
                kill(process)
                raise BenchError("the download ended or stalled before the disk could be filled")
            time.sleep(0.01)
        filler = fill(disk, leave=source.size // 10)
        code = wait_exit(process, args.timeout)
        if code is None:
            kill(process)
            raise BenchError("wherry did not stop when the disk was full")
        state, message = stored_state(home)
        if state != "paused" or not message or "disk is full" not in message:
            raise BenchError(f"after the disk filled up the job is {state!r}: {message}")
        counted = check_counted_bytes(part, source, stored_segments(home))
        filler.unlink()
        again = spawn(argv, env, run / "wherry.log")
        code2 = wait_exit(again, args.timeout)
        if code2 != 0:
            kill(again)
            raise BenchError(f"the rerun after freeing space exited {code2}:\n{tail(run / 'wherry.log')}")
        verify_output(target, source, "after the disk was full")
        if not same_bytes(target, source.path):
            raise BenchError("WRONG DOWNLOAD: the file differs from the source")
    sent = bytes_sent(nginx.access_log, f"/slow/{source.name}", log_start)
    shutil.rmtree(run, ignore_errors=True)
    return [
        f"- {fstype} image of {human_bytes(source.size + 32 * MIB)} (no fallocate), "
        f"`wherry get -c {args.connections}` of a {human_bytes(source.size)} file; a filler took the "
        f"space at 30 %",
        f"- first run exited {code} with the job paused: {message!r}",
        f"- counted at the pause: {human_bytes(counted)} ({counted / source.size:.0%}), every byte "
        "the source's",
        "- after removing the filler the rerun finished; file identical to the source, byte for byte",
        f"- bytes sent beyond the file's size: {sent - source.size:,} ({human_bytes(sent - source.size)})",
    ]


# ---------------------------------------------------------------------------------------------
# main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=parse_size, default=GIB, help="file size (default 1G)")
    parser.add_argument("--connections", type=int, default=16, help="connections (default 16)")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs before the last run (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the kill instants")
    parser.add_argument(
        "--rate",
        default="2M",
        help="nginx's limit per connection (default 2M): slow enough that a run outlives a checkpoint",
    )
    parser.add_argument("--no-checksum", action="store_true", help="run without --sha256")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (store, logs)")
    parser.add_argument("--disk-full", action="store_true", help="the disk-full run instead (root)")
    parser.add_argument("--timeout", type=float, default=600.0, help="bound on any one run, seconds")
    parser.add_argument("--wherry", help="the wherry executable (default: .venv/bin/wherry, then PATH)")
    parser.add_argument(
        "--work-dir", type=Path, default=BENCH_DIR / "out", help="where files, logs and results go"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.work_dir = args.work_dir.resolve()  # nginx is started in another directory
    try:
        wherry, why = probe_wherry(args.wherry)
        if wherry is None:
            raise BenchError(why)
        binary = find_executable("nginx")
        if binary is None:
            raise BenchError("nginx is not installed (apt install nginx)")
        args.work_dir.mkdir(parents=True, exist_ok=True)
        source = prepare_source(args.work_dir, args.size)
        # The shared nginx template's /slow/ location takes its rate from this module setting.
        bench_download.SLOW_RATE = args.rate.lower().removesuffix("ib").removesuffix("b")
        nginx = Nginx(binary, args.work_dir, source.path.parent)
        nginx.start()
        try:
            lines = (disk_full if args.disk_full else torture)(args, wherry, nginx, source)
        finally:
            nginx.stop()
    except BenchError as error:
        print(f"torture: {error}", file=sys.stderr)
        return 1
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
