"""The many-files, scaling and lossy-link scenarios of bench_download.py (issue #12).

Each function takes the running script's Context and the bench_download module (``bd``) for
its helpers, so the scenarios share its process handling, nginx and report.

- many:  3,000 files of 4 KiB and 1,000 of 256 KiB from nginx; ``wherry get -i LIST -d DIR``
         against ``aria2c -i LIST -j 16``, paired and alternating, every file checked.
         Targets: wall ≤ 1.0× aria2c, Wherry's peak RSS < 150 MiB.
- scale: ``wherry get -i`` over 1k / 10k / 30k files of 4 KiB: time per job should stay flat.
- lossy: one file through bench/lossy_relay.py (RTT and loss of a bad line); aria2c -x16,
         Wherry -c 16 and Wherry with no flags. Target: no flags ≤ 1.0× aria2c -x16. Then the
         same file on the clean loopback with no flags, to show how many connections it took.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import many_files as mf

MANY_SETS = ((3000, 4 * 1024), (1000, 256 * 1024))
FLOOR = Path(__file__).resolve().parent / "floor_fetch.py"
TARGET_MANY_WALL = 1.0
TARGET_MANY_RSS_MIB = 150.0
TARGET_LOSSY_WALL = 1.0


def _home(run_dir: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix="home-", dir=run_dir))


def _aria2c_list(listing: Path, out: Path) -> list[str]:
    return [
        "aria2c",
        "--no-conf",
        "-q",
        "--allow-overwrite=true",
        "--auto-file-renaming=false",
        "-i",
        str(listing),
        "-j",
        "16",
        "-d",
        str(out),
    ]


def _paired(
    ctx: Any,
    bd: ModuleType,
    scenario: str,
    commands: dict[str, Any],
    check: Any,
    timeout: float,
) -> dict[str, list[Any]]:
    """Rounds of every command in rotated order (one untimed warm-up first); returns the runs.

    ``commands[name](run_dir) -> (argv, env, out_dir)``; ``check(out_dir, label)`` verifies.
    """
    order = list(commands)
    runs: dict[str, list[Any]] = {name: [] for name in order}
    logs = ctx.work / "logs"
    logs.mkdir(exist_ok=True)
    plan = [(0, order[0])] + [
        (rnd, name) for rnd in range(1, ctx.args.rounds + 1) for name in bd.rotate(order, rnd - 1)
    ]
    kept: list[Path] = []
    for rnd, name in plan:
        run_dir = ctx.run_dir(f"{scenario}-{name}" if ctx.args.remove_between else f"{scenario}-{name}-{rnd}")
        argv, env, out = commands[name](run_dir)
        bd.os.sync()
        label = f"round {rnd}/{ctx.args.rounds}" if rnd else "warm-up"
        stem = logs / f"{scenario}-{name}-{rnd}"
        run = ctx.children.run(argv, env, stem, name, timeout)
        if run.returncode != 0:
            raise bd.BenchError(
                f"{scenario}: {' '.join(argv)} exited {run.returncode}\n{bd.tail(Path(f'{stem}.err'))}"
                + bd.wherry_log_tail(run_dir)
            )
        try:
            check(out, f"{scenario}, {name}, {label}", run_dir)
        except RuntimeError as exc:
            raise bd.BenchError(str(exc)) from exc
        if rnd:
            runs[name].append(run)
        print(
            f"  {scenario} {label:11s} {name:14s} wall {run.wall:7.2f} s  cpu {run.cpu:6.2f} s  "
            f"rss {run.rss_mib:6.1f} MiB  checked",
            flush=True,
        )
        if ctx.args.remove_between:
            shutil.rmtree(run_dir)
        else:
            kept.append(run_dir)
    # Removing thousands of files slows the creates that follow on this machine's ext4 (mounted
    # with discard), and more so for the tool that syncs: so by default every run writes into a
    # fresh folder and the folders go once the scenario is over, untimed.
    for run_dir in kept:
        shutil.rmtree(run_dir)
    bd.os.sync()
    return runs


def _table(ctx: Any, bd: ModuleType, runs: dict[str, list[Any]], per: int | None = None) -> None:
    rows = []
    for name, rs in runs.items():
        row = [
            name,
            bd.fmt_ms([r.wall for r in rs], suffix=" s"),
            bd.fmt_ms([r.cpu for r in rs], suffix=" s"),
        ]
        row.append(bd.fmt_ms([r.rss_mib for r in rs], digits=1))
        if per:
            row.append(f"{statistics.median(r.wall for r in rs) / per * 1000:.2f} ms")
        rows.append(row)
    header = ["tool", "wall (median [min–max])", "CPU user+sys", "peak RSS MiB"]
    ctx.report.table(header + (["wall per file"] if per else []), rows)


def _ratio(ctx: Any, bd: ModuleType, runs: dict[str, list[Any]], name: str, base: str) -> float:
    wall = [a.wall / max(b.wall, 1e-9) for a, b in zip(runs[name], runs[base], strict=True)]
    ctx.report.line(f"paired wall ratio {name}/{base}: {bd.fmt_ms(wall, suffix='×')}")
    return statistics.median(wall)


def many(ctx: Any, bd: ModuleType) -> None:
    if ctx.wherry is None:
        raise bd.BenchError("the many scenario needs wherry")
    www = ctx.source.path.parent
    for count, size in MANY_SETS:
        folder, digests = mf.file_set(www, count, size)
        names = sorted(digests)
        ctx.report.heading(
            f"many — {count} files of {bd.human_bytes(size)}, wherry get -i vs aria2c -i -j 16, "
            f"{bd.plural(ctx.args.rounds, 'round')}"
        )
        listing = mf.write_list(ctx.work / f"list-{count}-{size}.txt", ctx.nginx.url("fast", folder), names)

        def aria2c(run_dir: Path, listing: Path = listing) -> tuple[list[str], dict[str, str], Path]:
            out = run_dir / "out"
            return _aria2c_list(listing, out), bd.clean_env(), out

        def wherry(run_dir: Path, listing: Path = listing) -> tuple[list[str], dict[str, str], Path]:
            out = run_dir / "out"
            env = bd.clean_env({"WHERRY_HOME": str(_home(run_dir))})
            return [ctx.wherry, "get", "-q", "-i", str(listing), "-d", str(out)], env, out

        def wherry_j16(run_dir: Path, listing: Path = listing) -> tuple[list[str], dict[str, str], Path]:
            # Like for like: as many files in flight as aria2c's -j 16 (Wherry's default is 3).
            argv, env, out = wherry(run_dir, listing)
            return [*argv[:2], "-j", "16", *argv[2:]], env, out

        def floor(run_dir: Path, listing: Path = listing) -> tuple[list[str], dict[str, str], Path]:
            # Not a contender: aiohttp writing and syncing each file, Wherry's work taken away.
            out = run_dir / "out"
            argv = [bd.wherry_python(ctx.wherry), str(FLOOR), str(listing), str(out), "-j", "16"]
            return argv, bd.clean_env(), out

        def check(out: Path, what: str, _run_dir: Path, digests: dict[str, str] = digests) -> None:
            mf.check_folder(out, digests, what)

        ctx.report.line(
            f"  commands: {' '.join(aria2c(Path('DIR'))[0])} ; wherry get -q -i LIST -d DIR"
            " ; wherry get -j 16 -q -i LIST -d DIR (wherry-j16) ; floor_fetch.py LIST DIR -j 16 (floor)"
        )
        tools = {"aria2c": aria2c, "wherry": wherry, "wherry-j16": wherry_j16, "floor": floor}
        runs = _paired(ctx, bd, f"many{count}", tools, check, 600.0)
        _table(ctx, bd, runs, per=count)
        _ratio(ctx, bd, runs, "wherry", "aria2c")
        ratio = _ratio(ctx, bd, runs, "wherry-j16", "aria2c")
        _ratio(ctx, bd, runs, "floor", "aria2c")
        ctx.report.target(
            f"many {count} wall", ratio <= TARGET_MANY_WALL, f"{ratio:.2f}× ≤ {TARGET_MANY_WALL}×"
        )
        peak = max(r.rss_mib for r in [*runs["wherry"], *runs["wherry-j16"]])
        ctx.report.target(
            f"many {count} RSS", peak < TARGET_MANY_RSS_MIB, f"{peak:.1f} MiB < {TARGET_MANY_RSS_MIB:.0f} MiB"
        )


def scale(ctx: Any, bd: ModuleType) -> None:
    if ctx.wherry is None:
        raise bd.BenchError("the scale scenario needs wherry")
    www = ctx.source.path.parent
    size = 4 * 1024
    ctx.report.heading("scale — wherry get -i over 1k / 10k / 30k files of 4 KiB: time per job")
    rows = []
    for count in ctx.args.scale_counts:
        folder, digests = mf.file_set(www, count, size)
        names = sorted(digests)
        listing = mf.write_list(ctx.work / f"list-{count}-{size}.txt", ctx.nginx.url("fast", folder), names)
        run_dir = ctx.run_dir(f"scale-{count}")
        out = run_dir / "out"
        env = bd.clean_env({"WHERRY_HOME": str(_home(run_dir))})
        bd.os.sync()
        stem = ctx.work / "logs" / f"scale-{count}"
        stem.parent.mkdir(exist_ok=True)
        run = ctx.children.run(
            [ctx.wherry, "get", "-q", "-i", str(listing), "-d", str(out)], env, stem, "wherry", 1800.0
        )
        if run.returncode != 0:
            raise bd.BenchError(f"scale {count}: exited {run.returncode}\n{bd.tail(Path(f'{stem}.err'))}")
        mf.check_folder(out, digests, f"scale {count}")
        print(f"  scale {count:6d} jobs: wall {run.wall:.2f} s, checked", flush=True)
        rows.append(
            [
                str(count),
                f"{run.wall:.2f} s",
                f"{run.wall / count * 1000:.2f} ms",
                f"{run.cpu / count * 1000:.2f} ms",
                f"{run.rss_mib:.1f}",
            ]
        )
        shutil.rmtree(run_dir)
    ctx.report.table(["jobs", "wall", "wall per job", "CPU per job", "peak RSS MiB"], rows)


def lossy(ctx: Any, bd: ModuleType) -> None:
    if ctx.wherry is None:
        raise bd.BenchError("the lossy scenario needs wherry")
    a = ctx.args
    www = ctx.source.path.parent
    folder, digests = mf.file_set(www, 1, a.lossy_size)
    name = next(iter(digests))
    relay = mf.Relay(ctx.nginx.port, a.lossy_rtt, a.lossy_loss, a.lossy_link_rate, ctx.work / "relay.json")
    url = f"http://127.0.0.1:{relay.port}/fast/{folder}/{name}"
    ctx.report.heading(
        f"lossy — {bd.human_bytes(a.lossy_size)} through a relay with RTT {a.lossy_rtt * 1000:.0f} ms, "
        f"{a.lossy_loss * 100:.1f} % loss, {a.lossy_link_rate * 8 / 1e6:.0f} Mbit/s link, "
        f"{bd.plural(a.rounds, 'round')}"
    )
    connections: dict[str, list[str]] = {"wherry": [], "wherry -c 16": []}

    def aria2c(run_dir: Path) -> tuple[list[str], dict[str, str], Path]:
        argv = ["aria2c", "--no-conf", "-q", "--allow-overwrite=true", "--auto-file-renaming=false"]
        argv += ["-d", str(run_dir), "-o", name, "-x16", "-s16", "-k1M", url]
        return argv, bd.clean_env(), run_dir

    def wherry_with(flags: list[str]) -> Any:
        def command(run_dir: Path) -> tuple[list[str], dict[str, str], Path]:
            env = bd.clean_env({"WHERRY_HOME": str(_home(run_dir))})
            return [ctx.wherry, "get", "-q", *flags, url, "-o", str(run_dir / name)], env, run_dir

        return command

    def check(out: Path, what: str, run_dir: Path) -> None:
        wanted = {name: digests[name]}
        got = {p.name for p in out.iterdir() if p.is_file()}
        if name not in got:
            raise RuntimeError(f"WRONG DOWNLOAD ({what}): {name} missing")
        with (out / name).open("rb") as f:
            if bd.hashlib.file_digest(f, "sha256").hexdigest() != wanted[name]:
                raise RuntimeError(f"WRONG DOWNLOAD ({what}): {name} differs from the source")
        for label in connections:
            if what.split(", ")[1] == label:
                homes = sorted(run_dir.glob("home-*"))
                connections[label].append(mf.wherry_connections(homes[-1]) if homes else "?")

    commands = {"aria2c": aria2c, "wherry": wherry_with([]), "wherry -c 16": wherry_with(["-c", "16"])}
    shown = " ".join(aria2c(Path("DIR"))[0])
    ctx.report.line(f"  commands: {shown} ; wherry get URL -o FILE ; wherry get -c 16 URL -o FILE")
    try:
        runs = _paired(ctx, bd, "lossy", commands, check, 900.0)
    finally:
        relay.stop()
    _table(ctx, bd, runs)
    auto = _ratio(ctx, bd, runs, "wherry", "aria2c")
    _ratio(ctx, bd, runs, "wherry -c 16", "aria2c")
    ctx.report.line("wherry (no flags) connections per run: " + "; ".join(connections["wherry"]))
    ctx.report.target(
        "lossy wall, no flags", auto <= TARGET_LOSSY_WALL, f"{auto:.2f}× ≤ {TARGET_LOSSY_WALL}×"
    )

    # The same file on the clean loopback link, no flags: how many connections did it need?
    clean_url = ctx.nginx.url("fast", f"{folder}/{name}")
    seen = []
    for _ in range(2):
        run_dir = ctx.run_dir("lossy-clean")
        home = _home(run_dir)
        stem = ctx.work / "logs" / "lossy-clean"
        argv = [ctx.wherry, "get", "-q", clean_url, "-o", str(run_dir / name)]
        run = ctx.children.run(argv, bd.clean_env({"WHERRY_HOME": str(home)}), stem, "wherry", 300.0)
        if run.returncode != 0:
            raise bd.BenchError(f"lossy-clean: exited {run.returncode}")
        seen.append(f"{run.wall:.2f} s, {mf.wherry_connections(home)}")
        shutil.rmtree(run_dir)
    ctx.report.line("clean loopback, no flags: " + "; ".join(seen))
