"""A digest of the file's contiguous prefix, kept up to date while segments fill in.

The connection writing at the front feeds its bytes straight in; bytes that other connections
wrote ahead are read back from the .part file (usually still in the page cache) once the gap
before them closes. So the digest is ready moments after the last byte arrives, without a second
full read of the file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from wherry.core.ports import Hasher
from wherry.engine.partfile import PartFile

__all__ = ["PrefixHasher"]

_READ = 1024 * 1024


class PrefixHasher:
    def __init__(self, hasher: Hasher, hashed: int, part: PartFile, prefix: Callable[[], int]) -> None:
        self.hasher = hasher
        self.hashed = hashed
        self._part = part
        self._prefix = prefix
        self._task: asyncio.Task[None] | None = None

    def feed(self, offset: int, data: bytes) -> None:
        """Bytes just written at ``offset``: absorbed now if they extend the hashed prefix."""
        if self._task is None and offset == self.hashed:
            self.hasher.update(data)
            self.hashed += len(data)

    def poke(self) -> None:
        """Start reading back if the prefix on disk has grown past what was hashed."""
        if self._task is None and self._prefix() > self.hashed:
            self._task = asyncio.create_task(self._catch_up(), name="prefix-hash")

    async def _catch_up(self, until: int | None = None) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                end = self._prefix() if until is None else until
                if self.hashed >= end:
                    return
                size = min(_READ, end - self.hashed)
                data = await loop.run_in_executor(None, self._part.read_at, size, self.hashed)
                if not data:
                    return
                await loop.run_in_executor(None, self.hasher.update, data)
                self.hashed += len(data)
        finally:
            if until is None:
                self._task = None

    async def finish(self, total: int) -> str:
        """Hash whatever is left up to ``total`` and return the hex digest."""
        if self._task is not None:
            await self._task
        await self._catch_up(total)
        return self.hasher.hexdigest()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task])  # not "await": keep a cancel aimed at our caller
            self._task = None
