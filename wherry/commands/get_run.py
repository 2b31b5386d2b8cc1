"""The body of ``wherry get``, imported only when the command runs."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from wherry.commands.get import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from wherry.commands.get_list import ListRun, Refill, run_to_the_end
from wherry.commands.get_share import (
    Forked,
    Helper,
    HelperTask,
    Outcome,
    Pool,
    can_fork,
    fork_helper,
    plan_share,
    refill_size,
    split_settings,
)
from wherry.commands.reporter import Reporter
from wherry.commands.store_access import open_user_store, say
from wherry.core.categories import choose_folder, parse_rules
from wherry.core.errors import ErrorKind, InputError
from wherry.core.headers import basic_auth, parse_cookie_pairs, parse_header
from wherry.core.jobs import AddRequest, ChecksumSpec, Job, Pieces
from wherry.core.settings import Settings
from wherry.engine import Engine
from wherry.engine.proxies import DIRECT, check_proxy_url
from wherry.headless import SqliteRepository, configure_logging, headless_engine

__all__ = ["Prepared", "build_requests", "by_category", "get", "prepare"]

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


def _settings_for(args: argparse.Namespace, settings: Settings, proxy: str | None) -> Settings:
    if proxy:
        settings = settings.with_changes(proxy=proxy)
    at_once = getattr(args, "max_concurrent_downloads", None)
    if at_once is not None:
        settings = settings.with_changes(max_active=at_once)
    return settings


@dataclass
class Prepared:
    """What ``wherry get`` settles before its event loop starts (a helper is forked then)."""

    requests: list[AddRequest]
    repository: SqliteRepository
    settings: Settings  # this process's share of the limits when the list is shared
    mine: list[int]  # this process's first downloads, by list index
    pool: Pool  # what is handed out later, to whichever process runs low
    helper: Forked | None = None
    theirs: list[int] = field(default_factory=list)  # the helper's first downloads


def prepare(args: argparse.Namespace) -> Prepared | int:
    """Read the command line and the store, and fork a helper for a long list; or the exit
    status when the command cannot start."""
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
    try:
        if getattr(args, "by_category", False):
            requests = by_category(requests, repository.load_settings())
        settings = _settings_for(args, repository.load_settings(), proxy)
        return _share(requests, repository, settings, args.quiet)
    except BaseException:
        repository.close()
        raise


def _share(
    requests: list[AddRequest], repository: SqliteRepository, settings: Settings, quiet: bool
) -> Prepared:
    alone = Prepared(requests, repository, settings, list(range(len(requests))), Pool())
    if not can_fork():
        return alone
    plan = plan_share(requests, settings, len(os.sched_getaffinity(0)))
    if plan is None:
        return alone
    ours, theirs, pool = plan
    our_settings, their_settings = split_settings(settings)
    helper = fork_helper(requests, theirs, HelperTask(their_settings, quiet))
    if helper is None:
        return alone
    return Prepared(requests, repository, our_settings, ours, pool, helper, theirs)


async def get(args: argparse.Namespace, ready: Prepared) -> int:
    requests, repository, settings, pool = ready.requests, ready.repository, ready.settings, ready.pool
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        helper = None
        if ready.helper is not None:
            helper = await Helper.attach(ready.helper, requests, ready.theirs, pool)
        engine_ref: list[Engine] = []
        reporter = Reporter(lambda job_id: engine_ref[0].job(job_id), quiet=args.quiet)
        try:
            async with headless_engine(repository, reporter.event, settings) as engine:
                engine_ref.append(engine)
                refill = Refill(pool)
                low = refill_size(settings) if pool else 0
                run = ListRun(engine, dict(enumerate(requests)), reporter, low, refill.more, refill.expecting)
                refill.run = run
                await run.begin(ready.mine)
                finished = await run_to_the_end(run, helper, stop)
        finally:
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


def _report(run: ListRun, helper: Helper | None) -> int:
    """Print every saved path in list order, say what did not finish; the exit status."""
    status = EXIT_OK
    theirs = helper.outcomes if helper is not None else {}
    for index in range(len(run.requests)):
        outcome = run.outcomes.get(index)
        if isinstance(outcome, InputError):
            status = EXIT_USAGE
            continue
        ended = Outcome.of(index, outcome) if isinstance(outcome, Job) else theirs.get(index)
        if ended is None:
            continue
        if ended.refused:
            status = EXIT_USAGE
        elif ended.target is not None:
            print(ended.target)
        else:
            say(f"{ended.name}: {ended.message}")
            status = status or EXIT_FAILED
    return status
