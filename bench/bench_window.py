#!/usr/bin/env python3
"""The window with a long job list: time to open it, and event-loop lag while downloads run.

Run by hand with the project's virtualenv (it builds the real window in-process):

    .venv/bin/python bench/bench_window.py                      # 30,000 jobs, 20 running
    .venv/bin/python bench/bench_window.py --jobs 10000 --running 20 --seconds 15

It writes a fresh data folder with ``--jobs`` finished jobs and ``--running`` queued ones,
whose files a local nginx (from bench_download.py) serves at ``--rate`` per connection, then
times from importing Qt and the window until the window has painted its list,
and samples the event loop every 10 ms for ``--seconds`` while the queued jobs download.
Targets (issue #12): open < 2 s; lag p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

TARGET_OPEN_S = 2.0
TARGET_LAG_P99_MS = 50.0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jobs", type=int, default=30_000, help="finished jobs in the list (default 30000)")
    p.add_argument("--running", type=int, default=20, help="downloads running meanwhile (default 20)")
    p.add_argument("--seconds", type=float, default=10.0, help="how long to sample the lag (default 10)")
    p.add_argument("--rate", default="1m", help="nginx limit_rate per download (default 1m)")
    p.add_argument("--work-dir", type=Path, default=BENCH_DIR / "out" / "window")
    return p.parse_args()


def seed_store(home: Path, downloads: Path, jobs: int, running: int, urls: list[str]) -> None:
    from wherry.core.jobs import Job, JobState, Segment
    from wherry.store import open_store

    repository, _ = open_store(home / "wherry.db")
    try:
        batch = [
            Job(
                url=f"https://example.org/data/shard-{i:06d}.bin",
                directory=str(downloads),
                filename=f"shard-{i:06d}.bin",
                state=JobState.FINISHED,
                total_size=4096,
                segments=[Segment(0, 4096, 4096)],
                position=i,
            )
            for i in range(jobs)
        ]
        batch += [
            Job(url=url, directory=str(downloads), connections=1, position=jobs + n)
            for n, url in enumerate(urls)
        ]
        repository.save_jobs(batch)
        settings = repository.load_settings().with_changes(max_active=running, history_days=0)
        repository.save_settings(settings)
    finally:
        repository.close()


async def sample_lag(seconds: float, interval: float = 0.01) -> list[float]:
    loop = asyncio.get_running_loop()
    lags: list[float] = []
    end = loop.time() + seconds
    while loop.time() < end:
        before = loop.time()
        await asyncio.sleep(interval)
        lags.append(max(0.0, loop.time() - before - interval))
    return lags


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> int:
    args = parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import bench_download as bd

    work = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    www = work / "www"
    www.mkdir(exist_ok=True)
    size = 256 * 1024 * 1024  # more than the run needs at --rate: every download keeps going
    names = [f"running-{i}.bin" for i in range(args.running)]
    for name in names:
        path = www / name
        if not path.exists() or path.stat().st_size != size:
            with path.open("wb") as f:
                f.truncate(size)  # sparse: content does not matter here
    bd.SLOW_RATE = args.rate
    nginx = bd.Nginx(bd.find_executable("nginx") or "nginx", work, www)
    nginx.start()
    home = Path(tempfile.mkdtemp(prefix="home-", dir=work))
    downloads = home / "downloads"
    downloads.mkdir()
    try:
        seed_store(home, downloads, args.jobs, args.running, [nginx.url("slow", n) for n in names])
        os.environ["WHERRY_HOME"] = str(home)
        return run_window(args)
    finally:
        nginx.stop()
        # Each run's 20 part files are preallocated at the sources' 256 MiB: 5 GiB a run.
        shutil.rmtree(home, ignore_errors=True)


def run_window(args: argparse.Namespace) -> int:
    started = time.perf_counter()  # before Qt and Wherry's window are imported
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from wherry import paths
    from wherry.app import compose, ui_state
    from wherry.store import open_store

    app = QApplication.instance() or QApplication(["wherry-bench"])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    imported = time.perf_counter() - started

    async def scenario() -> int:
        marks = [("imports", imported)]
        t = time.perf_counter()
        repository, _ = open_store(paths.database_path())
        wherry = compose(repository, repository.load_settings(), ui_state())
        marks.append(("store and window built", time.perf_counter() - t))
        t = time.perf_counter()
        await wherry.engine.start()
        marks.append(("engine start (load the list)", time.perf_counter() - t))
        t = time.perf_counter()
        wherry.model.reload()
        marks.append(("model reload", time.perf_counter() - t))
        t = time.perf_counter()
        wherry.window.show()
        # A zero timer fires once Qt has handled what show() queued: layout and the first paint.
        painted = asyncio.get_running_loop().create_future()
        QTimer.singleShot(0, lambda: painted.done() or painted.set_result(None))
        await painted
        marks.append(("show and first paint", time.perf_counter() - t))
        opened = time.perf_counter() - started
        rows = wherry.model.rowCount()
        # Let the downloads get going before sampling.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            active = [p for p in wherry.engine.snapshot(active_only=True).values() if p.bytes_downloaded]
            if len(active) >= args.running:
                break
            await asyncio.sleep(0.1)
        lags = await sample_lag(args.seconds)
        active = len(wherry.engine.snapshot(active_only=True))
        await wherry.shut_down()
        ms = [lag * 1000 for lag in lags]
        p99 = percentile(ms, 99)
        print(f"jobs in the list: {rows} ({args.jobs} finished + {args.running} to download)")
        print(f"window open (importing Qt and the window, to the first paint of the list): {opened:.2f} s")
        print("  " + "; ".join(f"{name} {seconds:.2f} s" for name, seconds in marks))
        print(f"downloads running while sampling: {active}")
        print(
            f"event-loop lag over {args.seconds:.0f} s, {len(ms)} samples: "
            f"p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, max {max(ms):.1f} ms"
        )
        ok_open, ok_lag = opened < TARGET_OPEN_S, p99 < TARGET_LAG_P99_MS
        print(f"target open < {TARGET_OPEN_S:.0f} s: {'PASS' if ok_open else 'MISS'}")
        print(f"target lag p99 < {TARGET_LAG_P99_MS:.0f} ms: {'PASS' if ok_lag else 'MISS'}")
        return 0 if ok_open and ok_lag else 3

    try:
        return loop.run_until_complete(scenario())
    finally:
        loop.close()
        asyncio.set_event_loop(None)


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    # Skip the interpreter's teardown: collecting Qt wrappers after the QApplication is gone
    # can crash PySide6 at exit, long after the figures above were taken.
    os._exit(status)
