#!/usr/bin/env python3
"""Whole-process download benchmark: Wherry against curl and aria2c, served by a local nginx.

Run by hand (never part of the test suite); standard library only. See bench/README.md for
what each scenario measures, the targets, and how to install nginx, aria2 and curl.

    python3 bench/bench_download.py                          # 1 GiB, every scenario, 5 rounds
    python3 bench/bench_download.py --size 256M --rounds 3   # quicker
    python3 bench/bench_download.py --scenarios single,multi --tools curl,aria2c

Every download is checked against the source file (size and SHA-256) and a mismatch stops
the run with an error: a fast wrong download is not a result.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
TEMPLATE = BENCH_DIR / "nginx.conf.template"

SCENARIOS = ("single", "multi", "startup", "resume", "many", "scale", "lossy")
TOOLS = ("curl", "aria2c", "wherry")
SLOW_RATE = "20m"  # nginx units: 20 MiB/s per request
SLOW_RATE_BYTES = 20 * 1024 * 1024
MULTI_CONNECTIONS = 16
MIB = 1024 * 1024
GIB = 1024 * MIB

# Targets (see bench/README.md). RSS is judged for a 1 GiB file.
TARGET_SINGLE_WALL = 1.10
TARGET_SINGLE_CPU = 1.20
TARGET_MULTI_WALL = 1.00
TARGET_RSS_MIB = 120.0
TARGET_STARTUP_S = 0.30
CHECKPOINT_INTERVAL_S = 1.0

INSTALL_HINT = {
    "nginx": "nginx",  # Debian 12 ships the small build as 'nginx'; older releases also have 'nginx-light'
    "curl": "curl",
    "aria2c": "aria2",
}


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


# ---------------------------------------------------------------------------------------------
# small helpers


def parse_size(text: str) -> int:
    """'1G', '256M', '512MiB', '1.5GiB' or a plain byte count; units are binary."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?[bB])?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 256M or 1G)")
    factor = {"": 1, "k": 1024, "m": MIB, "g": GIB}[match.group(2).lower()]
    size = int(float(match.group(1)) * factor)
    if size < MIB:
        raise argparse.ArgumentTypeError("the test file must be at least 1 MiB")
    return size


def human_bytes(n: float) -> str:
    for unit, factor in (("GiB", GIB), ("MiB", MIB), ("KiB", 1024)):
        if abs(n) >= factor:
            return f"{n / factor:.2f} {unit}"
    return f"{n:.0f} B"


def sha256_file(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    # Every client must talk to 127.0.0.1 directly, whatever proxy the shell has configured.
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    if extra:
        env.update(extra)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def find_executable(name: str) -> str | None:
    # nginx lives in /usr/sbin, which is not on every user's PATH.
    found = shutil.which(name)
    if found is None:
        for directory in ("/usr/sbin", "/usr/local/sbin", "/sbin"):
            candidate = Path(directory) / name
            if os.access(candidate, os.X_OK):
                return str(candidate)
    return found


def tool_version(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    out = (done.stdout or done.stderr).strip().splitlines()
    # curl's first line goes on to list every library it links; the version is enough.
    return " ".join(out[0].split()[:3]) if out else "?"


# ---------------------------------------------------------------------------------------------
# timing whole processes


@dataclasses.dataclass
class Run:
    tool: str
    wall: float
    user: float
    sys: float
    maxrss_kib: int
    returncode: int

    @property
    def cpu(self) -> float:
        return self.user + self.sys

    @property
    def rss_mib(self) -> float:
        return self.maxrss_kib / 1024


# ru_maxrss of a process counts the memory it had before exec; a child spawned straight from
# this script (vfork or fork) would report at least this script's own peak. So a tiny shell
# starts the tool in the background and exits, and this script, a child subreaper, adopts the
# tool and reaps it with wait4: the rusage is then the tool's alone.
_LAUNCHER = '"$@" 3>&- & echo $! >&3'
_PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)


class TreePeak:
    """The peak RSS of a process and its descendants together, sampled from /proc (Linux).

    Each process's own high-water mark (VmHWM) is kept as last seen, and the peak is their
    sum: never below the true peak of the tree, which may have had them at different times.
    """

    INTERVAL = 0.05

    def __init__(self, pid: int) -> None:
        self.root = pid
        self.marks: dict[int, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="tree-peak", daemon=True)
        if Path(f"/proc/{pid}/task/{pid}/children").exists():
            self._thread.start()

    @property
    def peak_kib(self) -> int:
        return sum(self.marks.values())

    def _tree(self) -> list[int]:
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            with contextlib.suppress(OSError, ValueError):
                todo += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return found

    def _watch(self) -> None:
        while not self._done.wait(self.INTERVAL):
            for pid in self._tree():
                with contextlib.suppress(OSError, ValueError):
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            self.marks[pid] = max(self.marks.get(pid, 0), int(line.split()[1]))

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()


class Children:
    """Processes this script started, so that Ctrl-C or an error never leaves one running."""

    def __init__(self) -> None:
        self.live: dict[int, int] = {}  # pid -> process group
        self.adopting = become_subreaper()

    def spawn(self, argv: Sequence[str], env: dict[str, str], log_stem: Path) -> int:
        executable = argv[0] if os.path.isabs(argv[0]) else find_executable(argv[0])
        if executable is None:
            raise BenchError(f"{argv[0]} is not installed")
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, f"{log_stem}.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
            (os.POSIX_SPAWN_OPEN, 2, f"{log_stem}.err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        ]
        if not self.adopting:
            # setsid: a kill of its process group reaches the whole tree, and only that tree.
            pid = os.posix_spawn(executable, list(argv), env, file_actions=actions, setsid=True)
            self.live[pid] = pid
            return pid
        read_end, write_end = os.pipe()
        try:
            actions.append((os.POSIX_SPAWN_DUP2, write_end, 3))
            shell = os.posix_spawn(
                "/bin/sh",
                ["sh", "-c", _LAUNCHER, "sh", executable, *argv[1:]],
                env,
                file_actions=actions,
                setsid=True,
            )
            os.close(write_end)
            write_end = -1
            with os.fdopen(read_end, "rb") as pipe:
                read_end = -1
                reply = pipe.read()
        finally:
            for fd in (read_end, write_end):
                if fd >= 0:
                    os.close(fd)
        # Once the shell is gone the tool is this script's child (and in the shell's group).
        _, status = os.waitpid(shell, 0)
        if not reply.strip().isdigit():
            raise BenchError(f"could not start {executable} (shell status {status})")
        pid = int(reply)
        self.live[pid] = shell
        return pid

    def reap(self, pid: int, tool: str, started: float, timeout: float | None = None) -> Run:
        """Wait for ``pid``; the rusage of wait4 is the child's own CPU time and peak RSS.

        A tool that starts helpers of its own (``wherry get`` shares a long list) waits for
        them, so their CPU time is in that rusage too; its peak RSS is only the largest one's,
        so the tree's is sampled as well and the larger figure kept.
        """
        timer = None
        if timeout is not None:
            timer = threading.Timer(timeout, self.kill, (pid,))
            timer.daemon = True
            timer.start()
        tree = TreePeak(pid)
        try:
            _, status, usage = os.wait4(pid, 0)
        finally:
            tree.stop()
            if timer is not None:
                timer.cancel()
        wall = time.perf_counter() - started
        self.live.pop(pid, None)
        return Run(
            tool=tool,
            wall=wall,
            user=usage.ru_utime,
            sys=usage.ru_stime,
            maxrss_kib=max(usage.ru_maxrss, tree.peak_kib),
            returncode=os.waitstatus_to_exitcode(status),
        )

    def run(self, argv: Sequence[str], env: dict[str, str], log_stem: Path, tool: str, timeout: float) -> Run:
        started = time.perf_counter()
        pid = self.spawn(argv, env, log_stem)
        return self.reap(pid, tool, started, timeout)

    def kill(self, pid: int) -> None:
        group = self.live.get(pid, pid)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)

    def kill_all(self) -> None:
        for pid in list(self.live):
            self.kill(pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            self.live.pop(pid, None)


# ---------------------------------------------------------------------------------------------
# the test file


@dataclasses.dataclass(frozen=True)
class Source:
    path: Path
    size: int
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name


def prepare_source(work: Path, size: int) -> Source:
    """Random (incompressible) bytes, kept between runs with their digest beside them."""
    www = work / "www"
    www.mkdir(parents=True, exist_ok=True)
    path = www / f"random-{size}.bin"
    meta_path = work / "cache" / f"{path.name}.json"
    with contextlib.suppress(OSError, ValueError, KeyError):
        meta = json.loads(meta_path.read_text())
        st = path.stat()
        if meta["size"] == size == st.st_size and meta["mtime_ns"] == st.st_mtime_ns:
            return Source(path, size, meta["sha256"])

    print(f"Writing a {human_bytes(size)} test file of random bytes to {path} …", flush=True)
    digest = hashlib.sha256()
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(left, 4 * MIB))
            digest.update(chunk)
            f.write(chunk)
            left -= len(chunk)
    tmp.replace(path)
    st = path.stat()
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    sha = digest.hexdigest()
    meta_path.write_text(json.dumps({"size": size, "mtime_ns": st.st_mtime_ns, "sha256": sha}))
    return Source(path, size, sha)


def warm_page_cache(path: Path) -> None:
    # Every tool then reads the source from memory, not the first one from disk.
    with path.open("rb") as f:
        while f.read(8 * MIB):
            pass


def verify_output(path: Path, source: Source, what: str) -> None:
    if not path.is_file():
        raise BenchError(f"WRONG DOWNLOAD ({what}): {path} does not exist")
    size = path.stat().st_size
    if size != source.size:
        raise BenchError(f"WRONG DOWNLOAD ({what}): {path} has {size} bytes, expected {source.size}")
    digest = sha256_file(path)
    if digest != source.sha256:
        raise BenchError(f"WRONG DOWNLOAD ({what}): {path} has SHA-256 {digest}, expected {source.sha256}")


# ---------------------------------------------------------------------------------------------
# nginx


class Nginx:
    def __init__(self, binary: str, work: Path, www: Path) -> None:
        self.binary = binary
        self.run_dir = work / "nginx"
        self.www = www
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def access_log(self) -> Path:
        return self.run_dir / "access.log"

    def url(self, location: str, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{location}/{name}"

    def _write_config(self) -> Path:
        if os.geteuid() == 0:
            # As root the workers would otherwise drop to 'nobody'; keep them as the current user.
            import grp
            import pwd

            user_line = f"user {pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name};"
        else:
            user_line = "# running unprivileged: workers stay the current user"
        text = TEMPLATE.read_text()
        for key, value in {
            "USER_LINE": user_line,
            "RUN_DIR": str(self.run_dir),
            "WWW_DIR": str(self.www),
            "PORT": str(self.port),
            "SLOW_RATE": SLOW_RATE,
        }.items():
            text = text.replace(f"@{key}@", value)
        left = re.findall(r"^[^#\n]*?(@[A-Z_]+@)", text, flags=re.MULTILINE)
        if left:
            raise BenchError(f"{TEMPLATE.name} has placeholders this script does not fill: {left}")
        conf = self.run_dir / "nginx.conf"
        conf.write_text(text)
        return conf

    def start(self) -> None:
        if self.run_dir.exists():
            shutil.rmtree(self.run_dir)
        (self.run_dir / "tmp").mkdir(parents=True)
        for attempt in range(3):
            self.port = free_port()
            conf = self._write_config()
            argv = [
                self.binary,
                "-p",
                f"{self.run_dir}/",
                "-e",
                str(self.run_dir / "error.log"),
                "-c",
                str(conf),
            ]
            with (self.run_dir / "stderr.log").open("ab") as err:
                self.proc = subprocess.Popen(
                    argv, stdin=subprocess.DEVNULL, stdout=err, stderr=err, start_new_session=True
                )
            if self._wait_listening(5.0):
                return
            self.stop()
            if attempt == 2:
                raise BenchError(
                    "nginx did not start:\n"
                    + tail(self.run_dir / "error.log")
                    + tail(self.run_dir / "stderr.log")
                )

    def _wait_listening(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()  # fast shutdown; the master takes its worker with it
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclasses.dataclass
class LogLine:
    msec: float
    connection: int
    method: str
    uri: str
    status: int
    body_bytes: int
    range: str


def read_access_log(path: Path, start: int = 0) -> tuple[list[LogLine], int]:
    """Lines from byte offset ``start`` on, and the offset after the last complete line."""
    with path.open("rb") as f:
        f.seek(start)
        data = f.read()
    end = data.rfind(b"\n") + 1
    lines = []
    for raw in data[:end].decode(errors="replace").splitlines():
        fields = raw.split("\t")
        if len(fields) < 8:
            continue
        lines.append(
            LogLine(
                msec=float(fields[0]),
                connection=int(fields[1]),
                method=fields[2],
                uri=fields[3],
                status=int(fields[4]),
                body_bytes=int(fields[5]),
                range=fields[6],
            )
        )
    return lines, start + end


def wait_log_quiet(path: Path, quiet: float = 0.5, limit: float = 5.0) -> None:
    # Requests of a killed client are logged once nginx notices the closed socket.
    deadline = time.monotonic() + limit
    last = -1
    while time.monotonic() < deadline:
        size = path.stat().st_size
        if size == last:
            return
        last = size
        time.sleep(quiet)


# ---------------------------------------------------------------------------------------------
# the tools


@dataclasses.dataclass
class Tool:
    name: str
    command: Callable[[str, Path, int], list[str]]  # (url, output file, connections) -> argv
    env: Callable[[Path], dict[str, str]] = lambda _run_dir: clean_env()  # (run dir) -> environment


# Wraps a baseline so that its file is on disk (fdatasync) before the process ends, as
# Wherry's is; wait4 on the shell still reports the tool's CPU time and peak RSS.
_DURABLE = 'out=$1; shift; "$@" && exec sync -d -- "$out"'


def make_tools(
    wherry: str | None, source: Source, wherry_sha256: bool, durable_baselines: bool = False
) -> dict[str, Tool]:
    def durable(argv: list[str], out: Path) -> list[str]:
        if not durable_baselines:
            return argv
        return ["/bin/sh", "-c", _DURABLE, "sh", str(out), *argv]

    def curl(url: str, out: Path, _connections: int) -> list[str]:
        # -q first: ignore any ~/.curlrc
        return durable(["curl", "-q", "-s", "-o", str(out), url], out)

    def aria2c(url: str, out: Path, connections: int) -> list[str]:
        argv = ["aria2c", "--no-conf", "-q", "--allow-overwrite=true", "--auto-file-renaming=false"]
        argv += ["-d", str(out.parent), "-o", out.name, f"-x{connections}", f"-s{connections}"]
        if connections > 1:
            argv.append("-k1M")
        return durable([*argv, url], out)

    tools = {"curl": Tool("curl", curl), "aria2c": Tool("aria2c", aria2c)}
    if wherry is not None:

        def wherry_cmd(url: str, out: Path, connections: int) -> list[str]:
            argv = [wherry, "get", url, "-o", str(out), "-c", str(connections)]
            if wherry_sha256:
                argv += ["--sha256", source.sha256]
            return argv

        def wherry_env(run_dir: Path) -> dict[str, str]:
            # A fresh database per run, so that no run resumes another.
            home = Path(tempfile.mkdtemp(prefix="home-", dir=run_dir))
            return clean_env({"WHERRY_HOME": str(home)})

        tools["wherry"] = Tool("wherry", wherry_cmd, wherry_env)
    return tools


def wherry_python(wherry: str) -> str:
    """The interpreter behind the ``wherry`` console script (its shebang)."""
    with contextlib.suppress(OSError, UnicodeDecodeError):
        first = Path(wherry).read_text().splitlines()[0]
        if first.startswith("#!"):
            interpreter = first[2:].strip().split()[0]
            if os.access(interpreter, os.X_OK):
                return interpreter
    sibling = Path(wherry).parent / "python"
    return str(sibling) if sibling.exists() else sys.executable


def compile_bytecode(wherry: str) -> None:
    """Write Wherry's bytecode once, as an install from a wheel does. An editable install run
    with PYTHONDONTWRITEBYTECODE (set on some machines) would otherwise compile every module
    again in each timed process, about 60 ms that no user's Wherry spends."""
    code = (
        "import compileall, pathlib, wherry; "
        "compileall.compile_dir(pathlib.Path(wherry.__file__).parent, quiet=1)"
    )
    subprocess.run([wherry_python(wherry), "-c", code], capture_output=True, timeout=120, check=False)


def probe_wherry(explicit: str | None) -> tuple[str | None, str]:
    """(path, '') when ``wherry get --help`` works, else (None, why not)."""
    candidates = (
        [explicit] if explicit else [str(REPO_DIR / ".venv" / "bin" / "wherry"), shutil.which("wherry")]
    )
    for candidate in candidates:
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        try:
            done = subprocess.run(
                [candidate, "get", "--help"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"{candidate} get --help failed: {exc}"
        if done.returncode == 0:
            found = str(Path(candidate).absolute())
            compile_bytecode(found)
            return found, ""
        return None, f"'{candidate} get --help' exited {done.returncode}: " + tail_text(done.stderr)
    return None, "no wherry executable found (looked for .venv/bin/wherry and PATH)"


def wherry_log_tail(run_dir: Path) -> str:
    """The end of Wherry's own log in the run's WHERRY_HOME: where its tracebacks go."""
    logs = sorted(run_dir.glob("home-*/*.log"), key=lambda p: p.stat().st_mtime)
    if not logs:
        return ""
    return f"\n--- {logs[-1]} (kept) ---\n{tail(logs[-1], 25)}"


def tail_text(text: str, lines: int = 3) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])


# ---------------------------------------------------------------------------------------------
# statistics and reporting


def med_spread(values: Sequence[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def fmt_ms(values: Sequence[float], digits: int = 2, suffix: str = "") -> str:
    m, lo, hi = med_spread(values)
    if len(values) == 1:
        return f"{m:.{digits}f}{suffix}"
    return f"{m:.{digits}f}{suffix} [{lo:.{digits}f}–{hi:.{digits}f}]"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


class Report:
    """Collects what is printed, and the same as markdown for the summary file."""

    def __init__(self) -> None:
        self.md: list[str] = []
        self.misses: list[str] = []

    def heading(self, text: str) -> None:
        print(f"\n== {text} ==", flush=True)
        self.md += ["", f"## {text}", ""]

    def line(self, text: str) -> None:
        print(text, flush=True)
        self.md.append(text + "  ")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
        print("  ".join("-" * w for w in widths))
        for row in rows:
            print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        sys.stdout.flush()
        self.md += ["", "| " + " | ".join(header) + " |"]
        self.md.append("|" + "|".join("---" for _ in header) + "|")
        self.md += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
        self.md.append("")

    def target(self, what: str, ok: bool, detail: str) -> None:
        if not ok:
            self.misses.append(what)
        self.line(f"target {what}: {detail} → {verdict(ok)}")


# ---------------------------------------------------------------------------------------------
# scenarios


@dataclasses.dataclass
class Context:
    args: argparse.Namespace
    work: Path
    source: Source
    nginx: Nginx
    children: Children
    tools: dict[str, Tool]
    report: Report
    wherry: str | None

    def run_dir(self, name: str) -> Path:
        path = self.work / "runs" / name
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def timeout(self, rate: float) -> float:
        return max(60.0, 4 * self.source.size / rate)


def rotate(items: Sequence[str], k: int) -> list[str]:
    k %= len(items)
    return [*items[k:], *items[:k]]


def timed_rounds(
    ctx: Context, scenario: str, location: str, connections: dict[str, int], order: Sequence[str], rate: float
) -> dict[str, list[Run]]:
    """A, B, (C), A, B, (C) … with the starting tool rotated each round, so neither the first-run
    nor the after-that-one position favours any tool."""
    if not order:
        raise BenchError(f"{scenario}: none of its tools was selected")
    url = ctx.nginx.url(location, ctx.source.name)
    runs: dict[str, list[Run]] = {name: [] for name in order}
    logs = ctx.work / "logs"
    logs.mkdir(exist_ok=True)
    # One untimed run first: nginx's first open of the file and the first connection are not
    # part of any tool's figure.
    print(
        "  commands: "
        + " ; ".join(" ".join(ctx.tools[n].command(url, Path("FILE"), connections[n])) for n in order),
        flush=True,
    )
    plan = [(0, order[0])] + [
        (rnd, name) for rnd in range(1, ctx.args.rounds + 1) for name in rotate(order, rnd - 1)
    ]
    for rnd, name in plan:
        tool = ctx.tools[name]
        run_dir = ctx.run_dir(f"{scenario}-{name}")
        out = run_dir / ctx.source.name
        argv = tool.command(url, out, connections[name])
        env = tool.env(run_dir)
        # Dirty pages from the previous run must not be flushed on this run's time.
        os.sync()
        label = f"round {rnd}/{ctx.args.rounds}" if rnd else "warm-up"
        stem = logs / f"{scenario}-{name}-{rnd}"
        run = ctx.children.run(argv, env, stem, name, ctx.timeout(rate))
        if run.returncode != 0:
            raise BenchError(
                f"{scenario}: {' '.join(argv)} exited {run.returncode}\n{tail(Path(f'{stem}.err'))}"
                + wherry_log_tail(run_dir)
            )
        verify_output(out, ctx.source, f"{scenario}, {name}, {label}")
        if rnd:
            runs[name].append(run)
        print(
            f"  {scenario} {label:11s} {name:7s} wall {run.wall:6.2f} s  "
            f"cpu {run.cpu:6.2f} s  rss {run.rss_mib:7.1f} MiB  sha256 ok",
            flush=True,
        )
        shutil.rmtree(run_dir)
    return runs


def report_runs(
    ctx: Context, runs: dict[str, list[Run]], pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, float]]:
    """Prints the per-tool table and the paired per-round ratios; returns their medians."""
    size = ctx.source.size
    rows = []
    for name, rs in runs.items():
        rows.append(
            [
                name,
                fmt_ms([r.wall for r in rs], suffix=" s"),
                fmt_ms([size / r.wall / MIB for r in rs], digits=0),
                fmt_ms([r.cpu for r in rs], suffix=" s"),
                fmt_ms([r.rss_mib for r in rs], digits=1),
            ]
        )
    ctx.report.table(["tool", "wall (median [min–max])", "MiB/s", "CPU user+sys", "peak RSS MiB"], rows)
    ratios: dict[tuple[str, str], dict[str, float]] = {}
    ratio_rows = []
    for name, base in pairs:
        if name not in runs or base not in runs:
            continue
        # Runs of the same round ran back to back: their ratio cancels slow drifts of the machine.
        paired = list(zip(runs[name], runs[base], strict=True))
        wall = [a.wall / max(b.wall, 1e-9) for a, b in paired]
        cpu = [a.cpu / max(b.cpu, 1e-9) for a, b in paired]
        rss = [a.rss_mib / max(b.rss_mib, 1e-9) for a, b in paired]
        ratios[name, base] = {
            "wall": statistics.median(wall),
            "cpu": statistics.median(cpu),
            "rss": statistics.median(rss),
        }
        ratio_rows.append(
            [f"{name}/{base}", fmt_ms(wall, suffix="×"), fmt_ms(cpu, suffix="×"), fmt_ms(rss, suffix="×")]
        )
    if ratio_rows:
        ctx.report.line("paired per-round ratios (median [min–max]):")
        ctx.report.table(["pair", "wall", "CPU", "peak RSS"], ratio_rows)
    return ratios


def rss_target(ctx: Context, runs: dict[str, list[Run]]) -> None:
    if "wherry" not in runs:
        return
    peak = max(r.rss_mib for r in runs["wherry"])
    note = (
        ""
        if ctx.source.size == GIB
        else f" (the target is for 1 GiB; this file is {human_bytes(ctx.source.size)})"
    )
    ctx.report.target(
        "wherry peak RSS", peak < TARGET_RSS_MIB, f"{peak:.1f} MiB < {TARGET_RSS_MIB:.0f} MiB{note}"
    )


def scenario_single(ctx: Context) -> None:
    order = [t for t in ("curl", "wherry", "aria2c") if t in ctx.tools]
    ctx.report.heading(
        f"single — 1 connection, unthrottled, {human_bytes(ctx.source.size)}, "
        f"{plural(ctx.args.rounds, 'round')}"
    )
    runs = timed_rounds(ctx, "single", "fast", dict.fromkeys(order, 1), order, rate=50 * MIB)
    ratios = report_runs(ctx, runs, [("wherry", "curl"), ("aria2c", "curl"), ("wherry", "aria2c")])
    if ("wherry", "curl") in ratios:
        r = ratios["wherry", "curl"]
        ctx.report.target(
            "single wall",
            r["wall"] <= TARGET_SINGLE_WALL,
            f"wherry/curl {r['wall']:.2f}× ≤ {TARGET_SINGLE_WALL}×",
        )
        ctx.report.target(
            "single CPU", r["cpu"] <= TARGET_SINGLE_CPU, f"wherry/curl {r['cpu']:.2f}× ≤ {TARGET_SINGLE_CPU}×"
        )
    rss_target(ctx, runs)


def scenario_multi(ctx: Context) -> None:
    order = [t for t in ("aria2c", "wherry") if t in ctx.tools]
    n = MULTI_CONNECTIONS
    ctx.report.heading(
        f"multi — {n} connections, {SLOW_RATE_BYTES // MIB} MiB/s per connection, "
        f"{human_bytes(ctx.source.size)}, {plural(ctx.args.rounds, 'round')}"
    )
    runs = timed_rounds(ctx, "multi", "slow", dict.fromkeys(order, n), order, rate=SLOW_RATE_BYTES)
    ratios = report_runs(ctx, runs, [("wherry", "aria2c")])
    if ("wherry", "aria2c") in ratios:
        r = ratios["wherry", "aria2c"]
        ctx.report.target(
            "multi wall",
            r["wall"] <= TARGET_MULTI_WALL,
            f"wherry/aria2c {r['wall']:.2f}× ≤ {TARGET_MULTI_WALL}×",
        )
    rss_target(ctx, runs)


def scenario_startup(ctx: Context) -> None:
    ctx.report.heading(f"startup — 'wherry get --help', {ctx.args.startup_runs} runs")
    assert ctx.wherry is not None
    python = wherry_python(ctx.wherry)
    logs = ctx.work / "logs"
    logs.mkdir(exist_ok=True)
    env = clean_env({"WHERRY_HOME": str(ctx.run_dir("startup-home"))})
    samples: dict[str, list[Run]] = {"wherry get --help": [], "python -c pass": []}
    commands = {"wherry get --help": [ctx.wherry, "get", "--help"], "python -c pass": [python, "-c", "pass"]}
    for i in range(ctx.args.startup_runs):
        for label in rotate(list(commands), i):
            run = ctx.children.run(commands[label], env, logs / "startup", label, 60)
            if run.returncode != 0:
                raise BenchError(
                    f"{' '.join(commands[label])} exited {run.returncode}\n{tail(logs / 'startup.err')}"
                )
            samples[label].append(run)
    rows = [
        [
            label,
            fmt_ms([r.wall * 1000 for r in rs], digits=0, suffix=" ms"),
            fmt_ms([r.cpu * 1000 for r in rs], digits=0, suffix=" ms"),
            fmt_ms([r.rss_mib for r in rs], digits=1),
        ]
        for label, rs in samples.items()
    ]
    ctx.report.table(["command", "wall", "CPU", "peak RSS MiB"], rows)
    median = statistics.median(r.wall for r in samples["wherry get --help"])
    ctx.report.target(
        "startup",
        median < TARGET_STARTUP_S,
        f"median {median * 1000:.0f} ms < {TARGET_STARTUP_S * 1000:.0f} ms",
    )

    done = subprocess.run(
        [python, "-X", "importtime", "-m", "wherry", "get", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    modules: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s*(\d+)\s*\|\s*(\d+)\s*\|(\s*)(\S+)", line)
        if m:
            modules.append((int(m.group(2)), m.group(4)))
    names = {name for _, name in modules}
    qt = sorted(n for n in names if n.split(".")[0] in ("PySide6", "shiboken6", "qasync"))
    heavy = sorted(n for n in names if n.split(".")[0] in ("aiohttp", "peewee", "sqlite3"))
    ctx.report.line(f"python -X importtime -m wherry get --help: {len(names)} modules imported")
    ctx.report.target(
        "no Qt on the headless path", not qt and bool(names), "Qt modules: " + (", ".join(qt[:8]) or "none")
    )
    ctx.report.line("aiohttp/peewee/sqlite3 imported by --help: " + (", ".join(heavy[:8]) or "none"))
    top = sorted(modules, reverse=True)[:6]
    ctx.report.line("slowest imports (cumulative): " + ", ".join(f"{n} {us / 1000:.0f} ms" for us, n in top))


def part_progress(run_dir: Path, target: Path, total: int) -> tuple[Path | None, int, bool]:
    """(part file, bytes it holds by its allocated blocks, whether it looks fully preallocated)."""
    candidates = []
    for entry in run_dir.iterdir():
        if entry == target or not entry.is_file():
            continue
        candidates.append(entry)
    if not candidates:
        return None, 0, False
    candidates.sort(key=lambda p: (not p.name.endswith(".part"), p.name))
    st = candidates[0].stat()
    allocated = min(st.st_blocks * 512, st.st_size)
    return candidates[0], allocated, allocated >= 0.95 * total


def proc_wchar(pid: int) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/io").read_text().splitlines():
            if line.startswith("wchar:"):
                return int(line.split()[1])
    return None


def bytes_matching_source(part: Path, source: Source, block: int = 4096) -> int:
    """How many bytes of ``part`` already equal the source, counted in 4 KiB blocks: what a
    perfect resume could keep. Random source bytes make a false match impossible in practice."""
    kept = 0
    chunk = 4 * MIB
    with part.open("rb") as a, source.path.open("rb") as b:
        while True:
            x = a.read(chunk)
            y = b.read(chunk)
            if not y:
                break
            if x == y:
                kept += len(y)
                continue
            for off in range(0, len(y), block):
                xs = x[off : off + block]
                if xs and xs == y[off : off + block]:
                    kept += len(xs)
    return kept


def scenario_resume(ctx: Context) -> None:
    assert "wherry" in ctx.tools
    tool = ctx.tools["wherry"]
    n = ctx.args.resume_connections
    size = ctx.source.size
    ctx.report.heading(
        f"resume — wherry -c {n} at {SLOW_RATE_BYTES // MIB} MiB/s per connection, "
        f"SIGKILL at ~{ctx.args.kill_at:.0%}, rerun with the same WHERRY_HOME"
    )
    url = ctx.nginx.url("slow", ctx.source.name)
    run_dir = ctx.run_dir("resume")
    out = run_dir / "download" / ctx.source.name
    out.parent.mkdir()
    env = tool.env(run_dir)
    argv = tool.command(url, out, n)
    logs = ctx.work / "logs"
    logs.mkdir(exist_ok=True)
    log = ctx.nginx.access_log
    wait_log_quiet(log)
    _, offset0 = read_access_log(log)

    os.sync()
    started = time.perf_counter()
    pid = ctx.children.spawn(argv, env, logs / "resume-1")
    deadline = started + ctx.timeout(SLOW_RATE_BYTES * n)
    method = "allocated blocks of the .part file"
    samples: list[tuple[float, int]] = []
    wchar0 = proc_wchar(pid) or 0
    progress = 0
    part: Path | None = None
    while True:
        time.sleep(0.02)
        if time.perf_counter() > deadline:
            ctx.children.kill(pid)
            raise BenchError("resume: the first run made too little progress; is the server up?")
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            ctx.children.live.pop(pid, None)
            code = os.waitstatus_to_exitcode(status)
            hint = "use a larger --size" if code == 0 else f"it exited {code}"
            raise BenchError(
                f"resume: the first run ended before it could be killed at {ctx.args.kill_at:.0%} "
                f"({hint})\n{tail(logs / 'resume-1.err')}" + wherry_log_tail(run_dir)
            )
        part, allocated, prealloc = part_progress(out.parent, out, size)
        if prealloc:
            # A preallocated .part says nothing by its size; count what the process wrote.
            method = "bytes written by the process (/proc/PID/io wchar)"
        if method.startswith("bytes written"):
            progress = (proc_wchar(pid) or 0) - wchar0
        else:
            progress = allocated
        samples.append((time.perf_counter(), progress))
        if progress >= ctx.args.kill_at * size:
            break
    ctx.children.kill(pid)
    killed_at = time.perf_counter() - started
    first = ctx.children.reap(pid, "wherry (killed)", started)
    if part is None or not part.exists():
        raise BenchError(f"resume: no .part file next to {out} at the kill")
    in_part = bytes_matching_source(part, ctx.source)
    # The rate in the last second before the kill: the data one checkpoint interval is worth.
    t_end, p_end = samples[-1]
    t_ref, p_ref = next(((t, p) for t, p in samples if t >= t_end - CHECKPOINT_INTERVAL_S), samples[0])
    rate = (p_end - p_ref) / (t_end - t_ref) if t_end > t_ref else SLOW_RATE_BYTES * n

    wait_log_quiet(log)
    lines1, offset1 = read_access_log(log, offset0)

    started = time.perf_counter()
    second = ctx.children.run(
        argv, env, logs / "resume-2", "wherry (rerun)", ctx.timeout(SLOW_RATE_BYTES * n)
    )
    if second.returncode != 0:
        raise BenchError(
            f"resume: the rerun exited {second.returncode}\n{tail(logs / 'resume-2.err')}"
            + wherry_log_tail(run_dir)
        )
    verify_output(out, ctx.source, "resume, after the rerun")
    wait_log_quiet(log)
    lines2, _ = read_access_log(log, offset1)

    path = f"/slow/{ctx.source.name}"
    sent1 = sum(x.body_bytes for x in lines1 if x.uri == path)
    sent2 = sum(x.body_bytes for x in lines2 if x.uri == path)
    refetched = sent1 + sent2 - size
    ranges2 = [x.range for x in lines2 if x.uri == path and x.method == "GET"]
    requests1 = len([x for x in lines1 if x.uri == path])
    shown_ranges = ", ".join(ranges2[:4]) + (" …" if len(ranges2) > 4 else "")

    ctx.report.table(
        ["", "value"],
        [
            ["progress measured by", method],
            ["killed after", f"{killed_at:.2f} s, first run {first.wall:.2f} s wall"],
            [
                "bytes in .part at the kill (equal to the source)",
                f"{in_part} ({human_bytes(in_part)}, {in_part / size:.1%})",
            ],
            ["bytes sent, first run", f"{sent1} ({plural(requests1, 'request')})"],
            [
                "bytes sent, rerun",
                f"{sent2} ({len(ranges2)} GETs; ranges: {shown_ranges})",
            ],
            ["rerun", f"{second.wall:.2f} s wall, {second.cpu:.2f} s CPU, {second.rss_mib:.1f} MiB peak RSS"],
            ["fetched again (total sent − file size)", f"{refetched} ({human_bytes(refetched)})"],
            [
                "  of which sent but not yet in the .part at the kill",
                f"{sent1 - in_part} ({human_bytes(sent1 - in_part)})",
            ],
            [
                "  of which in the .part but fetched again",
                f"{refetched - (sent1 - in_part)} ({human_bytes(refetched - (sent1 - in_part))})",
            ],
            ["download rate before the kill", f"{human_bytes(rate)}/s"],
        ],
    )
    limit = rate * CHECKPOINT_INTERVAL_S
    ctx.report.target(
        "resume waste",
        refetched <= limit,
        f"{human_bytes(refetched)} fetched again ≤ {human_bytes(limit)} "
        f"({CHECKPOINT_INTERVAL_S:.0f} s of data at {human_bytes(rate)}/s)",
    )
    shutil.rmtree(run_dir)


# ---------------------------------------------------------------------------------------------
# main


def scenario_many(ctx: Context) -> None:
    import scenarios_many  # bench/, beside this script

    scenarios_many.many(ctx, sys.modules[__name__])


def scenario_scale(ctx: Context) -> None:
    import scenarios_many

    scenarios_many.scale(ctx, sys.modules[__name__])


def scenario_lossy(ctx: Context) -> None:
    import scenarios_many

    scenarios_many.lossy(ctx, sys.modules[__name__])


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Benchmark Wherry against curl and aria2c on a local nginx.",
        epilog="See bench/README.md for the scenarios and the targets.",
    )
    p.add_argument("--size", type=parse_size, default=GIB, help="test file size, binary units (default 1G)")
    p.add_argument("--rounds", type=int, default=5, help="A/B rounds per timed scenario (default 5)")
    p.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated, from {', '.join(SCENARIOS)} (default all)",
    )
    p.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help="comma-separated, from curl, aria2c, wherry (default all available)",
    )
    p.add_argument(
        "--work-dir", type=Path, default=BENCH_DIR / "out", help="where files, logs and results go"
    )
    p.add_argument(
        "--wherry", help="the wherry executable (default .venv/bin/wherry of this repository, then PATH)"
    )
    p.add_argument(
        "--wherry-sha256", action="store_true", help="also pass --sha256 to wherry (measures verification)"
    )
    p.add_argument(
        "--durable-baselines",
        action="store_true",
        help="end each curl/aria2c run with 'sync -d FILE', so their files too are on disk when timing stops",
    )
    p.add_argument("--startup-runs", type=int, default=10, help="runs of 'wherry get --help' (default 10)")
    p.add_argument(
        "--resume-connections", type=int, default=4, help="wherry -c in the resume scenario (default 4)"
    )
    p.add_argument(
        "--kill-at", type=float, default=0.5, help="fraction of the file at which to kill (default 0.5)"
    )
    p.add_argument(
        "--scale-counts",
        default="1000,10000,30000",
        help="job counts of the scale scenario (default 1000,10000,30000)",
    )
    p.add_argument("--lossy-size", type=parse_size, default=32 * MIB, help="file of the lossy scenario (32M)")
    p.add_argument("--lossy-rtt", type=float, default=0.08, help="round trip of the lossy link, s (0.08)")
    p.add_argument("--lossy-loss", type=float, default=0.01, help="segment loss of the lossy link (0.01)")
    p.add_argument(
        "--lossy-link-rate", type=float, default=12.5e6, help="its bottleneck, bytes/s (12.5e6: 100 Mbit/s)"
    )
    p.add_argument(
        "--remove-between",
        action="store_true",
        help="many and lossy: remove each run's files (and sync) before the next run, as before "
        "(default: every run writes into a fresh folder, removed when the scenario ends)",
    )
    p.add_argument("--strict", action="store_true", help="exit 3 when a target is missed")
    args = p.parse_args(argv)
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    args.scale_counts = [int(n) for n in args.scale_counts.split(",") if n.strip()]
    for s in args.scenarios:
        if s not in SCENARIOS:
            p.error(f"unknown scenario {s!r}")
    for t in args.tools:
        if t not in TOOLS:
            p.error(f"unknown tool {t!r}")
    if args.rounds < 1 or args.startup_runs < 1:
        p.error("--rounds and --startup-runs must be at least 1")
    if not 0.05 <= args.kill_at <= 0.95:
        p.error("--kill-at must be between 0.05 and 0.95")
    return args


def check_installed(args: argparse.Namespace) -> str:
    """Returns the nginx binary; exits with install instructions when something is missing."""
    needed = ["nginx"]
    if {"single", "multi"} & set(args.scenarios):
        needed += [t for t in ("curl", "aria2c") if t in args.tools]
    if {"many", "lossy"} & set(args.scenarios) and "aria2c" not in needed:
        needed.append("aria2c")
    missing = [name for name in needed if find_executable(name) is None]
    if missing:
        packages = " ".join(INSTALL_HINT[m] for m in missing)
        print(f"Missing: {', '.join(missing)}.", file=sys.stderr)
        print(f"On Debian/Ubuntu:  sudo apt-get install {packages}", file=sys.stderr)
        if "nginx" in missing:
            print("(Before Debian 12, 'nginx-light' is the small build; either works.)", file=sys.stderr)
        print("Or leave them out with --tools / --scenarios.", file=sys.stderr)
        sys.exit(2)
    nginx = find_executable("nginx")
    assert nginx is not None
    return nginx


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    # SIGTERM/SIGHUP take the same clean-up path as Ctrl-C.
    def handler(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    # Started in the background by a non-interactive shell, SIGINT arrives ignored; take it back.
    old[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    nginx_bin = check_installed(args)
    work: Path = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)

    wherry: str | None = None
    if "wherry" in args.tools:
        wherry, why = probe_wherry(args.wherry)
        if wherry is None:
            print(f"Wherry is left out: {why}", file=sys.stderr)
    wanted = [t for t in args.tools if t != "wherry" or wherry]
    scenarios = list(args.scenarios)
    for needs_wherry in ("startup", "resume", "many", "scale", "lossy"):
        if needs_wherry in scenarios and wherry is None:
            print(f"Scenario {needs_wherry} needs wherry; skipped.", file=sys.stderr)
            scenarios.remove(needs_wherry)

    source = prepare_source(work, args.size)
    tools = {
        k: v
        for k, v in make_tools(wherry, source, args.wherry_sha256, args.durable_baselines).items()
        if k in wanted
    }
    report = Report()
    children = Children()
    nginx = Nginx(nginx_bin, work, source.path.parent)
    stamp = dt.datetime.now(dt.UTC)

    versions = {
        "nginx": tool_version([nginx_bin, "-v"]),
        **{name: tool_version([name, "--version"]) for name in ("curl", "aria2c") if name in tools},
    }
    if wherry:
        versions["wherry"] = tool_version([wherry, "--version"])
    report.md += [
        f"# Download benchmark, {stamp:%Y-%m-%d %H:%M} UTC",
        "",
        "Command: `python3 bench/bench_download.py "
        + " ".join(sys.argv[1:] if argv is None else argv)
        + "`  ",
        f"File: {human_bytes(source.size)} of random bytes, sha256 {source.sha256[:16]}…  ",
        f"Machine: {platform.system()} {platform.release()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}  ",
        "Versions: " + "; ".join(f"{k}: {v}" for k, v in versions.items()) + "  ",
    ]
    print(f"Source {source.path.name}: {human_bytes(source.size)}, sha256 {source.sha256}")
    print("Versions: " + "; ".join(f"{k}: {v}" for k, v in versions.items()))
    load = "Load average at the start: " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(load)
    report.md.append(load + "  ")
    if args.durable_baselines:
        note = "curl and aria2c runs end with 'sync -d FILE': every tool's file is on disk when timing stops."
        print(note)
        report.md.append(note + "  ")

    if {"many", "lossy"} & set(args.scenarios):
        note = (
            "many, lossy: each run's files are removed before the next run."
            if args.remove_between
            else "many, lossy: every run writes into a fresh folder, all removed after the scenario."
        )
        print(note)
        report.md.append(note + "  ")

    scenario_funcs = {
        "single": scenario_single,
        "multi": scenario_multi,
        "startup": scenario_startup,
        "resume": scenario_resume,
        "many": scenario_many,
        "scale": scenario_scale,
        "lossy": scenario_lossy,
    }
    status = 0
    with terminate_as_interrupt():
        try:
            warm_page_cache(source.path)
            nginx.start()
            print(f"nginx on 127.0.0.1:{nginx.port} serving {source.path.parent}")
            ctx = Context(args, work, source, nginx, children, tools, report, wherry)
            for name in scenarios:
                scenario_funcs[name](ctx)
        except BenchError as exc:
            print(f"\nFAILED: {exc}", file=sys.stderr)
            report.md += ["", f"**FAILED:** {exc}"]
            status = 1
        except KeyboardInterrupt:
            print("\nInterrupted.", file=sys.stderr)
            status = 130
        finally:
            children.kill_all()
            nginx.stop()

    # The machine may be shared: a busy neighbour shows up here rather than as a mystery.
    report.line("load average at the end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if report.misses:
        report.line("")
        report.line("Targets missed: " + ", ".join(report.misses))
        if args.strict and status == 0:
            status = 3
    summary = work / f"summary-{stamp:%Y%m%d-%H%M%S}.md"
    summary.write_text("\n".join(report.md) + "\n")
    shutil.copyfile(summary, work / "summary.md")
    print(f"\nSummary written to {summary}")
    return status


if __name__ == "__main__":
    sys.exit(main())
