"""Piece digests (from a metalink), checked as each piece completes.

A piece is read back once all its bytes are on disk. A bad one is reopened (fetched again), with
the sources that supplied it ranked last; one that keeps failing stops the job with a sentence.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import TYPE_CHECKING

from wherry.core.errors import ErrorKind, JobError
from wherry.engine.mirrors import host_of
from wherry.engine.planner import range_done, reopen
from wherry.engine.sizes import human_size

if TYPE_CHECKING:
    from wherry.engine.runner import Runner

__all__ = ["MAX_PIECE_TRIES", "PieceChecker"]

# A piece failing its check this often, from whatever source, stops the job.
MAX_PIECE_TRIES = 3


class PieceChecker:
    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.sources: dict[int, set[str]] = {}  # who supplied each piece
        self.ok: set[int] = set()
        self.error: JobError | None = None
        self._checks: dict[int, asyncio.Task[None]] = {}
        self._failures: dict[int, int] = {}

    def reset(self) -> None:
        """The file starts again from zero: nothing checked, nobody supplied anything."""
        self.ok.clear()
        self.sources.clear()

    async def settle(self) -> None:
        """Wait for the checks under way; raise if a piece failed from every source."""
        while self._checks:
            await asyncio.wait(list(self._checks.values()))
        if self.error is not None:
            raise self.error

    async def cancel(self) -> None:
        for check in list(self._checks.values()):
            check.cancel()
        if self._checks:
            await asyncio.wait(list(self._checks.values()))

    def saw(self, url: str, offset: int, size: int) -> None:
        """Start checking every piece these bytes touched that is now fully on disk."""
        pieces, total = self.runner.job.pieces, self.runner.job.total_size
        if pieces is None or not total:
            return
        for index in range(offset // pieces.length, (offset + size - 1) // pieces.length + 1):
            self.sources.setdefault(index, set()).add(url)
            if index in self.ok or index in self._checks or index >= len(pieces.hashes):
                continue
            start, end = pieces.span(index, total)
            if range_done(self.runner.job.segments, start, end):
                check = asyncio.create_task(self._check(index, start, end), name=f"piece-{index}")
                self._checks[index] = check

    async def _check(self, index: int, start: int, end: int) -> None:
        job, pieces = self.runner.job, self.runner.job.pieces
        assert pieces is not None
        try:
            loop = asyncio.get_running_loop()
            assert self.runner.part is not None
            data = await loop.run_in_executor(None, self.runner.part.read_at, end - start, start)
            digest = await loop.run_in_executor(None, lambda: hashlib.new(pieces.algorithm, data).hexdigest())
            if digest == pieces.hashes[index]:
                self.ok.add(index)
                return
            bad = self.sources.pop(index, set())
            self._failures[index] = self._failures.get(index, 0) + 1
            if self._failures[index] >= MAX_PIECE_TRIES:
                self.error = JobError(
                    ErrorKind.CHECKSUM_MISMATCH,
                    f"Piece {index + 1} failed its {pieces.algorithm} check {MAX_PIECE_TRIES} times, "
                    "from every source tried; the download stopped.",
                )
                return
            self.runner.sources.suspect(bad)
            reopen(job.segments, start, end)
            if self.runner.hash is not None and self.runner.hash.hashed > start:
                # The running digest already took the bad bytes: it is rebuilt at the end.
                await self.runner.hash.close()
                self.runner.hash, self.runner._hash_seed = None, None
            others = [url for url in self.runner.sources.candidates() if url not in bad]
            hosts = ", ".join(sorted(host_of(url) for url in bad))
            self.runner.ctx.note(
                job,
                f"Piece {index + 1} ({human_size(end - start)} at byte {start}) from {hosts} failed its "
                f"{pieces.algorithm} check; it is fetched again{' from another source' if others else ''}.",
            )
            self.runner.ctx.changed(job, "piece")
        finally:
            self._checks.pop(index, None)
