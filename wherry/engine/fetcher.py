"""One GET: ask for the bytes we lack, check the answer really carries them, stream to disk.

Resume is correct by construction: the request carries ``Range`` and ``If-Range``; a 206 is
used only when its Content-Range starts where we asked and its total is the size we know; a
200 means the whole file is coming (it changed, or ranges are ignored), so writing restarts at
byte 0. Bytes are never appended on trust.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import aiohttp

from wherry.core.errors import ErrorKind, JobError, RetryableError, SourceError
from wherry.engine.http_errors import error_for_status, translate_network_error
from wherry.engine.probe import RemoteFile, describe
from wherry.engine.sizes import human_size

if TYPE_CHECKING:
    from wherry.engine.runner import Runner

__all__ = ["CHUNK", "Fetcher", "RestartNeeded"]

# Large reads keep a single fast connection at curl's speed; 64 KiB reads cost twice the CPU.
CHUNK = 1024 * 1024


class RestartNeeded(Exception):
    """The bytes on disk cannot be continued from this answer; begin again at byte 0."""

    def __init__(self, reason: str, changed: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.changed = changed  # False: the file is the same, the server just cannot resume


class Fetcher:
    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.job = runner.job
        self.received = 0

    async def fetch(self, url: str, is_mirror: bool) -> None:
        runner, job = self.runner, self.job
        segment = runner._segment()
        position = segment.position
        if position > 0 and not job.accept_ranges:
            raise RestartNeeded("The server cannot continue an interrupted download; starting again.", False)
        if position > 0:
            self._check_part_on_disk(position)
        headers: dict[str, str] = {}
        if runner.use_range:
            headers["Range"] = f"bytes={position}-"
        if position > 0 and not is_mirror:
            # RFC 9110 §13.1.5: If-Range needs a strong validator; a date is the fallback.
            validator = _strong(job.etag) or job.last_modified
            if validator:
                headers["If-Range"] = validator
        await runner.prepare_hasher(position)
        self.received = 0
        try:
            async with runner.ctx.session.get(url, headers=headers) as response:
                remote = describe(response)
                offset = await self._accept(remote, url, position, is_mirror)
                await self._stream(response, offset, url)
        except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
            raise translate_network_error(exc, url, self.received) from exc

    def _check_part_on_disk(self, position: int) -> None:
        path = self.job.part_path
        try:
            size = path.stat().st_size if path is not None else -1
        except OSError:
            size = -1
        if size < position:
            raise RestartNeeded(
                "The partial file was missing or shorter than recorded; starting again.", False
            )

    async def _accept(self, remote: RemoteFile, url: str, position: int, is_mirror: bool) -> int:
        """Decide where this response's body goes, or raise; returns the offset to write at."""
        runner, job = self.runner, self.job
        host = urlsplit(url).hostname or url
        if remote.status == 416:
            if position > 0:
                raise RestartNeeded(f"{host} no longer has the bytes Wherry had; starting again.")
            # An empty file cannot satisfy "bytes=0-": ask again without a range.
            runner.use_range = False
            raise RetryableError(ErrorKind.BAD_RESPONSE, f"{host} refused the byte range; asking again.", 0)
        if remote.status not in (200, 206):
            raise error_for_status(remote.status, url, remote.retry_after)
        total = remote.total_size
        if is_mirror and job.total_size is not None and total is not None and total != job.total_size:
            raise SourceError(
                ErrorKind.SIZE_MISMATCH,
                f"The mirror {host} offers {human_size(total)}, not {human_size(job.total_size)}; "
                "it was not used.",
            )
        if remote.status == 206:
            return await self._accept_partial(remote, url, position, is_mirror)
        # 200: the whole file follows, whatever we asked for.
        if position > 0:
            changed = self._changed(remote, is_mirror)
            if changed:
                reason = f"The file on {host} changed since the download began; starting again."
            else:
                reason = f"{host} does not continue interrupted downloads; starting again."
            job.accept_ranges = False
            self._learn(remote, accept_ranges=False)
            await runner.restart(reason, changed)
        else:
            self._learn(remote, accept_ranges=False)
        runner.decide_name(remote)
        runner.check_space(total)
        return 0

    async def _accept_partial(self, remote: RemoteFile, url: str, position: int, is_mirror: bool) -> int:
        runner, job = self.runner, self.job
        host = urlsplit(url).hostname or url
        span = remote.content_range
        wrong = (
            span is None
            or span.start != position
            or (span.total is not None and span.end != span.total - 1)
            or (remote.content_length is not None and remote.content_length != span.end - span.start + 1)
        )
        if wrong:
            # Never write bytes whose place in the file we cannot trust; fall back to no ranges.
            runner.use_range = False
            if position > 0:
                raise RestartNeeded(f"{host} answered with the wrong byte range; starting again.", False)
            raise RetryableError(
                ErrorKind.BAD_RESPONSE, f"{host} answered with the wrong byte range; asking again.", 0
            )
        assert span is not None
        if position > 0:
            if span.total != job.total_size or self._changed(remote, is_mirror):
                raise RestartNeeded(f"The file on {host} changed since the download began; starting again.")
        else:
            self._learn(remote, accept_ranges=True)
            runner.decide_name(remote)
        runner.check_space((job.total_size or 0) - position)
        return position

    def _changed(self, remote: RemoteFile, is_mirror: bool) -> bool:
        """Does this response describe a different file from the one we started?"""
        job = self.job
        if (
            job.total_size is not None
            and remote.total_size is not None
            and remote.total_size != job.total_size
        ):
            return True
        if is_mirror:
            return False  # validators are per server; mirrors are matched by size (and checksum)
        if job.etag and remote.etag:
            return job.etag != remote.etag
        if job.last_modified and remote.last_modified:
            return job.last_modified != remote.last_modified
        return False

    def _learn(self, remote: RemoteFile, accept_ranges: bool) -> None:
        job = self.job
        job.total_size = remote.total_size
        job.accept_ranges = accept_ranges
        if remote.etag or remote.last_modified:
            job.etag, job.last_modified = remote.etag, remote.last_modified
        segment = self.runner._segment()
        segment.end = remote.total_size

    async def _stream(self, response: aiohttp.ClientResponse, offset: int, url: str) -> None:
        runner, job = self.runner, self.job
        segment = runner._segment()
        part = runner.open_part()
        if offset == 0 and segment.done == 0:
            part.truncate(0)  # stale bytes from a run that never checkpointed
        await runner.prepare_hasher(offset)
        end = segment.end
        position = offset
        reader = response.content
        while True:
            chunk = await reader.read(CHUNK)
            if not chunk:
                break
            if end is not None and position + len(chunk) > end:
                chunk = chunk[: end - position]
            try:
                part.write_at(chunk, position)
            except JobError as error:
                written = getattr(error, "written", 0)
                segment.done += written
                if error.kind is ErrorKind.DISK_FULL and end is not None:
                    needed = end - position - written
                    error = JobError(
                        ErrorKind.DISK_FULL, f"The disk is full; {human_size(needed)} more is needed."
                    )
                raise error from None
            size = len(chunk)
            position += size
            self.received += size
            segment.done += size
            if runner.hasher is not None:
                runner.hasher.update(chunk)
                runner.hashed += size
            runner.meter.add(size)
            if end is not None and position >= end:
                break
            # Yield now and then so one fast connection cannot starve the loop (and the UI).
            await asyncio.sleep(0)
        if end is not None and position < end:
            host = urlsplit(url).hostname or url
            raise RetryableError(
                ErrorKind.NETWORK,
                f"The connection to {host} closed after {human_size(position)} of {human_size(end)}.",
            )
        if end is None:
            segment.end = position
            job.total_size = position


def _strong(etag: str | None) -> str | None:
    return etag if etag and not etag.startswith("W/") else None
