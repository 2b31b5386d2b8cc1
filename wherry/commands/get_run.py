"""The body of ``wherry get``, imported only when the command runs."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from wherry.commands.get import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from wherry.commands.get_share import Helper, HelperTask, Outcome, plan_share, split_settings
from wherry.commands.reporter import Reporter
from wherry.commands.store_access import open_user_store, say
from wherry.core.categories import choose_folder, parse_rules
from wherry.core.errors import ErrorKind, InputError
from wherry.core.headers import basic_auth, parse_cookie_pairs, parse_header
from wherry.core.jobs import AddRequest, ChecksumSpec, Job, JobState, Pieces
from wherry.core.settings import Settings
from wherry.engine import Engine
from wherry.engine.proxies import DIRECT, check_proxy_url
from wherry.headless import configure_logging, headless_engine, start_or_resume_all

__all__ = ["build_requests", "by_category", "get", "run_helper"]

MAX_CONNECTIONS = 32
# -j's ceiling: past this, more files in flight only add sockets and memory.
MAX_AT_ONCE = 64


def _read_list(path: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(ErrorKind.BAD_INPUT, f"Could not read the URL list {path}: {exc.strerror}.") from exc
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _metalink_requests(path: str, directory: str, args: argparse.Namespace) -> list[AddRequest]:
    """One request per file of the metalink: its name, mirrors by priority, strongest hash, pieces."""
    from wherry.verify.metalink import ordered_urls, read_metalink

    requests = []
    headers, secret = request_headers(args)
    for entry in read_metalink(path).files:
        urls = ordered_urls(entry)
        if not urls:
            raise InputError(ErrorKind.BAD_INPUT, f"The metalink {path} gives no address for {entry.name}.")
        pieces = entry.pieces
        requests.append(
            AddRequest(
                url=urls[0],
                directory=directory,
                filename=entry.name,
                overwrite=args.overwrite,
                checksum=entry.checksum,
                mirrors=tuple(urls[1:]),
                connections=args.connections,
                pieces=Pieces(pieces.algorithm, pieces.length, pieces.hashes) if pieces else None,
                headers=headers,
                secret_headers=secret,
                host_headers=host_headers(args),
                cookie_file=getattr(args, "cookies", None),
                checksum_source="the metalink" if entry.checksum else None,
            )
        )
    return requests


def build_requests(args: argparse.Namespace) -> list[AddRequest]:
    """Turn the command line into add requests, or raise InputError with one sentence."""
    urls = list(args.urls)
    if args.input_file:
        urls += _read_list(args.input_file)
    metalinks = list(getattr(args, "metalink", []))
    if metalinks and args.output:
        raise InputError(ErrorKind.BAD_INPUT, "A metalink names its own files; use -d to choose the folder.")
    if metalinks:
        directory = str(Path(args.dir or ".").expanduser().absolute())
        found = [r for path in metalinks for r in _metalink_requests(path, directory, args)]
        return found + (build_requests(_without_metalinks(args)) if urls else [])
    if not urls:
        raise InputError(ErrorKind.BAD_INPUT, "Give at least one URL to download.")
    if args.output and getattr(args, "by_category", False):
        raise InputError(ErrorKind.BAD_INPUT, "-o names the file's place; --by-category goes with -d.")
    if args.output and len(urls) > 1:
        raise InputError(
            ErrorKind.BAD_INPUT, "-o names one file, so it takes exactly one URL; use -d for several."
        )
    if args.connections is not None and not 1 <= args.connections <= MAX_CONNECTIONS:
        raise InputError(ErrorKind.BAD_INPUT, f"Connections must be between 1 and {MAX_CONNECTIONS}.")
    at_once = getattr(args, "max_concurrent_downloads", None)
    if at_once is not None and not 1 <= at_once <= MAX_AT_ONCE:
        raise InputError(ErrorKind.BAD_INPUT, f"Downloads at once (-j) must be between 1 and {MAX_AT_ONCE}.")
    checksum = None
    if args.sha256:
        checksum = ChecksumSpec.parse(args.sha256, "sha256")
    elif args.checksum:
        checksum = ChecksumSpec.parse(args.checksum)
    if args.output:
        target = Path(args.output).expanduser().absolute()
        directory, filename = str(target.parent), target.name
    else:
        directory, filename = str(Path(args.dir or ".").expanduser().absolute()), None
    headers, secret = request_headers(args)
    return [
        AddRequest(
            url=url,
            directory=directory,
            filename=filename,
            overwrite=args.overwrite,
            checksum=checksum,
            mirrors=tuple(args.mirror),
            connections=args.connections,
            headers=headers,
            secret_headers=secret,
            host_headers=host_headers(args),
            cookie_file=getattr(args, "cookies", None),
            checksum_url=getattr(args, "checksum_url", None),
        )
        for url in urls
    ]


def request_headers(args: argparse.Namespace) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """--header, --cookie and --user as request headers, and the names marked secret."""
    headers = [parse_header(text) for text in getattr(args, "header", [])]
    cookie = getattr(args, "cookie", None)
    if cookie:
        pairs = parse_cookie_pairs(cookie)
        headers.append(("Cookie", "; ".join(f"{name}={value}" for name, value in pairs)))
    user = getattr(args, "user", None)
    if user:
        name, sep, password = user.partition(":")
        if not sep:
            password = _ask_password(name)
        headers.append(basic_auth(name, password))
    return tuple(headers), tuple(n.strip().lower() for n in getattr(args, "secret_header", []))


def host_headers(args: argparse.Namespace) -> tuple[tuple[str, str, str], ...]:
    """--host-header HOST 'Name: value' as (host, name, value)."""
    return tuple((host.strip(), *parse_header(text)) for host, text in getattr(args, "host_header", []))


def _ask_password(user: str) -> str:
    import getpass

    if not sys.stdin.isatty():
        raise InputError(ErrorKind.BAD_INPUT, f"Give the password as --user {user}:PASSWORD.")
    return getpass.getpass(f"Password for {user}: ")


def by_category(requests: list[AddRequest], settings: Settings) -> list[AddRequest]:
    """Each request moved into its category's folder inside its own folder (``--by-category``).

    Asking for it on the command line is the choice, so the rules apply even while the window's
    "sort by category" switch is off."""
    rules = parse_rules(settings.category_rules)
    return [
        replace(r, directory=choose_folder(rules, r.url, r.directory, r.filename).directory) for r in requests
    ]


def _without_metalinks(args: argparse.Namespace) -> argparse.Namespace:
    copy = argparse.Namespace(**vars(args))
    copy.metalink = []
    return copy


async def _start_all(
    engine: Engine, requests: list[AddRequest], reporter: Reporter
) -> list[Job | InputError]:
    """Resume the jobs this same command started before, and add the others in one batch."""
    outcomes = []
    for outcome, continued in await start_or_resume_all(engine, requests):
        if continued and isinstance(outcome, Job):
            reporter.say(f"{outcome.display_name}: continuing from {outcome.bytes_done} bytes.")
        outcomes.append(outcome)
    return outcomes


def _refusal(error: InputError) -> str:
    hint = " (--overwrite replaces it)" if error.kind is ErrorKind.FILE_EXISTS else ""
    return error.message + hint


class _Run:
    """The requests of one ``wherry get`` on this process's engine, by their place in the list."""

    def __init__(self, engine: Engine, requests: list[AddRequest], reporter: Reporter) -> None:
        self.engine = engine
        self.requests = requests
        self.reporter = reporter
        self.outcomes: dict[int, Job | InputError] = {}
        self.waits: dict[int, asyncio.Future[Job]] = {}

    async def begin(self, indices: list[int]) -> None:
        """Start or resume the requests at ``indices``; refusals are said at once."""
        started = await _start_all(self.engine, [self.requests[i] for i in indices], self.reporter)
        for index, outcome in zip(indices, started, strict=True):
            self.outcomes[index] = outcome
            if isinstance(outcome, InputError):
                say(_refusal(outcome))
            else:
                self.waits[index] = asyncio.ensure_future(self.engine.wait(outcome.id))

    def all_ended(self) -> asyncio.Future[list[Job]]:
        """Done when every download started so far has ended (one future, not one per job:
        waiting on thousands of futures again after each end would cost their square)."""
        return asyncio.ensure_future(asyncio.gather(*self.waits.values()))

    def cancel(self) -> None:
        for wait in self.waits.values():
            wait.cancel()


def _settings_for(args: argparse.Namespace, settings: Settings, proxy: str | None) -> Settings:
    if proxy:
        settings = settings.with_changes(proxy=proxy)
    at_once = getattr(args, "max_concurrent_downloads", None)
    if at_once is not None:
        settings = settings.with_changes(max_active=at_once)
    return settings


async def _share(
    requests: list[AddRequest], settings: Settings, quiet: bool
) -> tuple[Helper | None, Settings, list[int]]:
    """Hand part of a long list to a helper process; returns it, this process's settings and
    the indices left to this process."""
    everything = list(range(len(requests)))
    theirs = plan_share(requests, settings, os.cpu_count())
    if theirs is None:
        return None, settings, everything
    ours_settings, their_settings = split_settings(settings)
    task = HelperTask(tuple(requests[i] for i in theirs), their_settings, quiet)
    helper = await Helper.start(requests, theirs, task)
    if helper is None:
        return None, settings, everything
    taken = set(theirs)
    return helper, ours_settings, [i for i in everything if i not in taken]


async def get(args: argparse.Namespace) -> int:
    configure_logging()
    try:
        requests = build_requests(args)
        proxy = getattr(args, "proxy", None)
        if proxy and proxy.strip().lower() != DIRECT:
            proxy = check_proxy_url(proxy)
    except InputError as error:
        say(error.message)
        return EXIT_USAGE
    repository = open_user_store()
    if repository is None:
        return EXIT_FAILED
    if getattr(args, "by_category", False):
        requests = by_category(requests, repository.load_settings())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    helper: Helper | None = None
    try:
        engine_ref: list[Engine] = []
        reporter = Reporter(lambda job_id: engine_ref[0].job(job_id), quiet=args.quiet)
        settings = _settings_for(args, repository.load_settings(), proxy)
        helper, settings, mine = await _share(requests, settings, args.quiet)
        async with headless_engine(repository, reporter.event, settings) as engine:
            engine_ref.append(engine)
            run = _Run(engine, requests, reporter)
            await run.begin(mine)
            unsubscribe = engine.on_progress(reporter.progress, 0.25 if reporter.tty else 1.0)
            try:
                finished = await _wait_all(run, helper, stop)
            finally:
                unsubscribe()
                reporter.finish()
                run.cancel()
                if helper is not None:
                    await helper.close()  # asked to stop: pauses its downloads too
            if not finished:
                say("Interrupted; run the same command again to continue where it stopped.")
                return EXIT_INTERRUPTED
        return _report(run, helper)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        repository.close()


async def _wait_all(run: _Run, helper: Helper | None, stop: asyncio.Event) -> bool:
    """Wait for this process's downloads and the helper's; False if ``stop`` came first.

    A helper that ends without reporting some of its downloads (it was killed) leaves them to
    this process, which continues them from what they have on disk."""
    stopping = asyncio.ensure_future(stop.wait())
    taken_over = helper is None
    ours = run.all_ended()
    try:
        while True:
            watched: set[asyncio.Future[Any]] = {stopping}
            if not ours.done():
                watched.add(ours)
            if helper is not None and not taken_over:
                watched.add(helper.ended)
            if len(watched) == 1:
                return True
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            if stopping.done():
                return False
            if helper is not None and not taken_over and helper.ended.done():
                taken_over = True
                left = helper.unfinished()
                if left:
                    # Said even with -q: something went wrong, though nothing is lost.
                    say(f"The helper process stopped; continuing its {len(left)} unfinished downloads here.")
                    run.engine.learn_added()  # the jobs it added are in the store, not known here yet
                    await run.begin(left)
                    ours = run.all_ended()
    finally:
        stopping.cancel()


def _report(run: _Run, helper: Helper | None) -> int:
    """Print every saved path in list order, say what did not finish; the exit status."""
    status = EXIT_OK
    theirs = helper.outcomes if helper is not None else {}
    for index in range(len(run.requests)):
        outcome = run.outcomes.get(index)
        if isinstance(outcome, InputError):
            status = EXIT_USAGE
        elif isinstance(outcome, Job):
            if outcome.state is JobState.FINISHED:
                print(outcome.target)
            else:
                say(f"{outcome.display_name}: {outcome.error_message or 'did not finish.'}")
                status = status or EXIT_FAILED
        elif index in theirs:
            reported = theirs[index]
            if reported.refused:
                status = EXIT_USAGE
            elif reported.target is not None:
                print(reported.target)
            else:
                say(f"{reported.name}: {reported.message or 'did not finish.'}")
                status = status or EXIT_FAILED
    return status


async def run_helper(
    task: HelperTask, watch_parent: Callable[[asyncio.AbstractEventLoop, asyncio.Event], None]
) -> int:
    """The helper's side of a shared list (commands/get_share.py): run ``task.requests`` and
    write each one's outcome to stdout as it ends; stop, pausing, when the parent says so."""
    configure_logging()
    repository = open_user_store()
    if repository is None:
        return EXIT_FAILED
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    watch_parent(loop, stop)
    # Ctrl-C reaches the whole process group; the parent says what it means.
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    requests = list(task.requests)
    try:
        engine_ref: list[Engine] = []
        reporter = Reporter(lambda job_id: engine_ref[0].job(job_id), quiet=task.quiet)
        async with headless_engine(repository, reporter.event, task.settings) as engine:
            engine_ref.append(engine)
            run = _Run(engine, requests, reporter)
            await run.begin(list(range(len(requests))))
            for index, outcome in run.outcomes.items():
                if isinstance(outcome, InputError):
                    _tell(Outcome(index, requests[index].url, refused=True))
            for index, wait in run.waits.items():
                wait.add_done_callback(lambda done, i=index: _tell_end(i, done))
            unsubscribe = engine.on_progress(reporter.progress, 0.25 if reporter.tty else 1.0)
            try:
                finished = await _wait_all(run, None, stop)
            finally:
                unsubscribe()
                reporter.finish()
                run.cancel()
        return EXIT_OK if finished else EXIT_INTERRUPTED
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        loop.remove_signal_handler(signal.SIGTERM)
        repository.close()


def _tell_end(index: int, done: asyncio.Future[Job]) -> None:
    if done.cancelled():
        return  # stopped: the parent continues nothing of it, the next run does
    job = done.result()
    if job.state is JobState.FINISHED:
        _tell(Outcome(index, job.display_name, target=str(job.target)))
    else:
        _tell(Outcome(index, job.display_name, message=job.error_message or "did not finish."))


def _tell(outcome: Outcome) -> None:
    sys.stdout.write(outcome.line() + "\n")
    sys.stdout.flush()
