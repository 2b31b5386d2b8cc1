"""The body of ``wherry get``, imported only when the command runs."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

from wherry.commands.get import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from wherry.commands.get_share import (
    Chunk,
    Helper,
    HelperTask,
    Outcome,
    Pool,
    ask_for_more,
    plan_share,
    read_from_parent,
    refill_size,
    split_settings,
    tell,
)
from wherry.commands.reporter import Reporter
from wherry.commands.store_access import open_user_store, say
from wherry.core.categories import choose_folder, parse_rules
from wherry.core.errors import ErrorKind, InputError
from wherry.core.headers import basic_auth, parse_cookie_pairs, parse_header
from wherry.core.jobs import AddRequest, ChecksumSpec, Job, JobState, Pieces
from wherry.core.settings import Settings
from wherry.engine import Engine
from wherry.engine.proxies import DIRECT, check_proxy_url
from wherry.headless import (
    EarlierJobs,
    configure_logging,
    earlier_jobs,
    headless_engine,
    start_or_resume_all,
)

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
    engine: Engine, requests: list[AddRequest], reporter: Reporter, earlier: EarlierJobs | None = None
) -> list[Job | InputError]:
    """Resume the jobs this same command started before, and add the others in one batch."""
    outcomes = []
    for outcome, continued in await start_or_resume_all(engine, requests, earlier):
        if continued and isinstance(outcome, Job):
            reporter.say(f"{outcome.display_name}: continuing from {outcome.bytes_done} bytes.")
        outcomes.append(outcome)
    return outcomes


def _refusal(error: InputError) -> str:
    hint = " (--overwrite replaces it)" if error.kind is ErrorKind.FILE_EXISTS else ""
    return error.message + hint


class _Run:
    """The downloads of one ``wherry get`` on this process's engine, by their place in the list.

    ``more(count)`` is called when fewer than ``low`` of them are left unfinished (a shared list
    then hands this process more); ``expecting()`` says whether more may still come.
    """

    def __init__(
        self,
        engine: Engine,
        requests: dict[int, AddRequest],
        reporter: Reporter,
        low: int = 0,
        more: Callable[[int], None] | None = None,
        expecting: Callable[[], bool] = lambda: False,
    ) -> None:
        self.engine = engine
        self.requests = requests
        self.reporter = reporter
        self.outcomes: dict[int, Job | InputError] = {}
        self.waits: dict[int, asyncio.Future[Job]] = {}
        self.ended: Callable[[int, asyncio.Future[Job]], None] | None = None
        self.idle = asyncio.Event()  # set while nothing is left to wait for here
        self._low = low
        self._more = more
        self._expecting = expecting
        self._unended = 0
        self._beginning = 0
        self._tasks: set[asyncio.Task[None]] = set()
        # What earlier runs started, found once: a list taken in parts matches each against it.
        # A request's repeats are in its own part, so the jobs a part adds are not needed here.
        self._earlier: EarlierJobs | None = None

    async def begin(self, indices: list[int]) -> None:
        """Start or resume the requests at ``indices``; refusals are said at once."""
        self._beginning += 1
        self.idle.clear()
        try:
            if self._earlier is None:
                self._earlier = earlier_jobs(self.engine)
            asked = [self.requests[i] for i in indices]
            started = await _start_all(self.engine, asked, self.reporter, self._earlier)
        finally:
            self._beginning -= 1
        for index, outcome in zip(indices, started, strict=True):
            self.outcomes[index] = outcome
            if isinstance(outcome, InputError):
                say(_refusal(outcome))
                continue
            wait = self.waits[index] = asyncio.ensure_future(self.engine.wait(outcome.id))
            self._unended += 1
            wait.add_done_callback(lambda done, i=index: self._on_end(i, done))
        self.check()

    def _on_end(self, index: int, done: asyncio.Future[Job]) -> None:
        self._unended -= 1
        if self.ended is not None:
            self.ended(index, done)
        self.check()

    def check(self) -> None:
        """Ask for more when running low; note when there is nothing left to wait for."""
        if self._more is not None and self._unended < self._low:
            self._more(self._low)
        if self._unended == 0 and self._beginning == 0 and not self._tasks and not self._expecting():
            self.idle.set()
        else:
            self.idle.clear()

    def forget_earlier(self) -> None:
        """Find the earlier jobs again at the next ``begin`` (the engine learned new ones)."""
        self._earlier = None

    def soon(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` (a ``begin``) as a task of its own, kept until it is done."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done_beginning)
        self.idle.clear()

    def _done_beginning(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self.check()

    def cancel(self) -> None:
        for wait in self.waits.values():
            wait.cancel()
        for task in self._tasks:
            task.cancel()


class _Refill:
    """This process's share of a shared list: more from the pool whenever it runs low."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.run: _Run | None = None

    def more(self, count: int) -> None:
        indices = self.pool.take(count)
        if indices and self.run is not None:
            self.run.soon(self.run.begin(indices))

    def expecting(self) -> bool:
        return bool(self.pool)


def _settings_for(args: argparse.Namespace, settings: Settings, proxy: str | None) -> Settings:
    if proxy:
        settings = settings.with_changes(proxy=proxy)
    at_once = getattr(args, "max_concurrent_downloads", None)
    if at_once is not None:
        settings = settings.with_changes(max_active=at_once)
    return settings


async def _share(
    requests: list[AddRequest], settings: Settings, quiet: bool
) -> tuple[Helper | None, Settings, list[int], Pool]:
    """Share a long list with a helper process; returns it, this process's settings, its
    first downloads and the pool both draw the rest from."""
    everything = list(range(len(requests)))
    plan = plan_share(requests, settings, os.cpu_count())
    if plan is None:
        return None, settings, everything, Pool()
    ours, theirs, pool = plan
    our_settings, their_settings = split_settings(settings)
    helper = await Helper.start(requests, theirs, pool, HelperTask(their_settings, quiet))
    if helper is None:
        return None, settings, everything, Pool()
    return helper, our_settings, ours, pool


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
        helper, settings, mine, pool = await _share(requests, settings, args.quiet)
        async with headless_engine(repository, reporter.event, settings) as engine:
            engine_ref.append(engine)
            refill = _Refill(pool)
            low = refill_size(settings) if pool else 0
            run = _Run(engine, dict(enumerate(requests)), reporter, low, refill.more, refill.expecting)
            refill.run = run
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
    try:
        while True:
            idle = asyncio.ensure_future(run.idle.wait())
            watched: set[asyncio.Future[Any]] = {stopping, idle}
            if helper is not None and not taken_over:
                watched.add(helper.ended)
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            idle.cancel()
            if stopping.done():
                return False
            if helper is not None and not taken_over and helper.ended.done():
                taken_over = True
                left = helper.unfinished()
                if left:
                    # Said even with -q: something went wrong, though nothing is lost.
                    say(f"The helper process stopped; continuing its {len(left)} unfinished downloads here.")
                    run.engine.learn_added()  # the jobs it added are in the store, not known here yet
                    run.forget_earlier()
                    await run.begin(left)
                run.check()  # what is left in the pool is all this process's now
                continue
            if run.idle.is_set() and taken_over:
                return True
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


async def run_helper(task: HelperTask) -> int:
    """The helper's side of a shared list (commands/get_share.py): run the downloads the parent
    hands over and tell it how each one ended; stop, pausing, when the parent says so."""
    configure_logging()
    repository = open_user_store()
    if repository is None:
        return EXIT_FAILED
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Ctrl-C reaches the whole process group; the parent says what it means.
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    asked = [False, False]  # asked for more and not answered yet; told there is no more
    try:
        engine_ref: list[Engine] = []
        reporter = Reporter(lambda job_id: engine_ref[0].job(job_id), quiet=task.quiet)
        async with headless_engine(repository, reporter.event, task.settings) as engine:
            engine_ref.append(engine)
            low = refill_size(task.settings)

            def more(count: int) -> None:
                if not asked[0] and not asked[1]:
                    asked[0] = True
                    ask_for_more(count)

            run = _Run(engine, {}, reporter, low, more, lambda: not asked[1])
            run.ended = _tell_end

            def handed(chunk: Chunk) -> None:
                asked[0] = False
                if not chunk:
                    asked[1] = True
                    run.check()
                    return
                run.requests.update(chunk)
                run.soon(_begin_told(run, [i for i, _ in chunk]))

            read_from_parent(loop, stop, handed)
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


async def _begin_told(run: _Run, indices: list[int]) -> None:
    """Begin downloads handed over by the parent, telling it of the ones refused outright."""
    run.idle.clear()
    await run.begin(indices)
    for index in indices:
        if isinstance(run.outcomes.get(index), InputError):
            tell(Outcome(index, run.requests[index].url, refused=True))


def _tell_end(index: int, done: asyncio.Future[Job]) -> None:
    if done.cancelled():
        return  # stopped: the parent continues nothing of it, the next run does
    job = done.result()
    if job.state is JobState.FINISHED:
        tell(Outcome(index, job.display_name, target=str(job.target)))
    else:
        tell(Outcome(index, job.display_name, message=job.error_message or "did not finish."))
