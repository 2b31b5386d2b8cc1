"""The downloads of one ``wherry get`` on this process's engine: started or resumed, in parts
when the list is shared with a helper process (commands/get_share.py), and waited for."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Coroutine
from typing import Any

from wherry.commands.get import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from wherry.commands.get_share import (
    Chunk,
    Helper,
    HelperTask,
    Outcome,
    Pool,
    ask_for_more,
    read_from_parent,
    refill_size,
    tell,
)
from wherry.commands.reporter import Reporter
from wherry.commands.store_access import open_user_store, say
from wherry.core.errors import ErrorKind, InputError
from wherry.core.jobs import AddRequest, Job
from wherry.engine import Engine
from wherry.headless import EarlierJobs, configure_logging, earlier_jobs, headless_engine, start_or_resume_all

__all__ = ["ListRun", "Refill", "run_helper", "run_to_the_end", "wait_all"]


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


class ListRun:
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
            wait = self.waits[index] = self.engine.resting(outcome.id)
            self._unended += 1
            wait.add_done_callback(lambda done, i=index: self._on_end(i, done))
        self.check()

    def _on_end(self, index: int, done: asyncio.Future[Job]) -> None:
        # Only the unended are kept (to cancel): 30,000 ended ones would be held to the end.
        self.waits.pop(index, None)
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


class Refill:
    """This process's share of a shared list: more from the pool whenever it runs low."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.run: ListRun | None = None

    def more(self, count: int) -> None:
        indices = self.pool.take(count)
        if indices and self.run is not None:
            self.run.soon(self.run.begin(indices))

    def expecting(self) -> bool:
        return bool(self.pool)


async def wait_all(run: ListRun, helper: Helper | None, stop: asyncio.Event) -> bool:
    """Wait for this process's downloads and the helper's; False if ``stop`` came first.

    A helper that ends without reporting some of its downloads (it was killed) leaves them to
    this process, which continues them from what they have on disk."""
    stopping = asyncio.ensure_future(stop.wait())
    taken_over = helper is None
    try:
        while True:
            if run.idle.is_set() and taken_over:
                return True
            watched: set[asyncio.Future[Any]] = {stopping}
            idle = None
            if not run.idle.is_set():  # else the wait would end at once, and again, and again
                idle = asyncio.ensure_future(run.idle.wait())
                watched.add(idle)
            if helper is not None and not taken_over:
                watched.add(helper.ended)
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            if idle is not None:
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
    finally:
        stopping.cancel()


async def run_to_the_end(run: ListRun, helper: Helper | None, stop: asyncio.Event) -> bool:
    """``wait_all`` with the progress shown meanwhile; what is left unfinished is let go after."""
    reporter = run.reporter
    unsubscribe = run.engine.on_progress(reporter.progress, 0.25 if reporter.tty else 1.0)
    try:
        return await wait_all(run, helper, stop)
    finally:
        unsubscribe()
        reporter.finish()
        run.cancel()


async def run_helper(task: HelperTask, first: Chunk) -> int:
    """The helper's side of a shared list (commands/get_share.py): run ``first`` and the
    downloads the parent hands over later, telling it how each one ended; stop, pausing, when
    the parent says so."""
    configure_logging()
    repository = open_user_store()
    if repository is None:
        return EXIT_FAILED
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Ctrl-C reaches the whole process group; the parent says what it means.
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        engine_ref: list[Engine] = []
        reporter = Reporter(lambda job_id: engine_ref[0].job(job_id), quiet=task.quiet)
        async with headless_engine(repository, reporter.event, task.settings) as engine:
            engine_ref.append(engine)
            parent = _FromParent()
            run = ListRun(engine, {}, reporter, refill_size(task.settings), parent.more, parent.expecting)
            parent.run = run
            run.ended = _tell_end
            parent.handed(first)
            read_from_parent(loop, stop, parent.handed)
            finished = await run_to_the_end(run, None, stop)
        return EXIT_OK if finished else EXIT_INTERRUPTED
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        loop.remove_signal_handler(signal.SIGTERM)
        repository.close()


class _FromParent:
    """The helper's supply of downloads: it asks the parent when it runs low, one ask at a time,
    until the parent answers that the list is all handed out."""

    def __init__(self) -> None:
        self.run: ListRun | None = None
        self.asking = False  # asked, and no answer yet
        self.dry = False  # the parent has no more

    def more(self, count: int) -> None:
        if not self.asking and not self.dry:
            self.asking = True
            ask_for_more(count)

    def expecting(self) -> bool:
        return not self.dry

    def handed(self, chunk: Chunk) -> None:
        assert self.run is not None
        self.asking = False
        if not chunk:
            self.dry = True
            self.run.check()
            return
        self.run.requests.update(chunk)
        self.run.soon(_begin_told(self.run, [i for i, _ in chunk]))


async def _begin_told(run: ListRun, indices: list[int]) -> None:
    """Begin downloads handed over by the parent, telling it of the ones refused outright."""
    await run.begin(indices)
    for index in indices:
        if isinstance(run.outcomes.get(index), InputError):
            tell(Outcome(index, run.requests[index].url, refused=True))


def _tell_end(index: int, done: asyncio.Future[Job]) -> None:
    if done.cancelled():
        return  # stopped: the parent continues nothing of it, the next run does
    tell(Outcome.of(index, done.result()))
