"""One GET for one segment: ask for exactly the bytes it lacks, check the answer, stream to disk.

Resume is correct by construction: a request carries ``Range`` (bounded to the segment) and
``If-Range``; a 206 is used only when its Content-Range is exactly the range asked for, with the
total we know, and a Content-Length that agrees. A 200 means the whole file is coming (it
changed, or ranges are ignored): a lone segment restarts at byte 0 with that same answer, a
split download starts over. Bytes are never written where we cannot prove they belong.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import aiohttp

from wherry.core.errors import ErrorKind, JobError, RetryableError, SourceError
from wherry.core.jobs import Segment
from wherry.engine.http_errors import NETWORK_ERRORS, error_for_status, host_name, translate_network_error
from wherry.engine.probe import RemoteFile, describe
from wherry.engine.sizes import human_size

if TYPE_CHECKING:
    from wherry.engine.runner import Runner, Worker

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

    async def fetch(self, worker: Worker, segment: Segment, url: str, is_mirror: bool) -> None:
        runner, job = self.runner, self.job
        position = segment.position
        if position > 0 and not job.accept_ranges:
            raise RestartNeeded("The server cannot continue an interrupted download; starting again.", False)
        headers: dict[str, str] = {}
        # What we ask for is fixed now; the segment's end may shrink while the answer is on its
        # way (another connection takes the tail), so the answer is checked against the request.
        asked_end = None if segment.end is None else segment.end - 1
        probing = job.total_size is None
        if asked_end is None and position == 0 and probing and runner.connections() > 1 and runner.use_range:
            # The probe of a download that will be split asks for its first share only, so no
            # connection streams past its part and gets cut off with bytes in flight.
            asked_end = runner.ctx.settings.min_split_size - 1
        if runner.use_range:
            headers["Range"] = f"bytes={position}-{'' if asked_end is None else asked_end}"
        if position > 0 and not is_mirror:
            # RFC 9110 §13.1.5: If-Range needs a strong validator; a date is the fallback.
            validator = _strong(job.etag) or job.last_modified
            if validator:
                headers["If-Range"] = validator
        worker.received, worker.answered = 0, False
        transport = runner.ctx.transport
        asked = time.monotonic()
        try:
            # The job's own headers (credentials among them) are added per hop by the transport:
            # secrets only where the job's URL points, never to a mirror or another host.
            async with transport.get(
                url,
                headers=headers,
                job_headers=job.headers,
                secret=job.secret_headers,
                given_for=job.url,
                scoped=job.host_headers,
            ) as answer:
                if probing:
                    runner.probe_answered(time.monotonic() - asked)
                response = answer.response
                remote = describe(response, answer.hops)
                offset = await self._accept(remote, url, segment, position, asked_end, is_mirror)
                worker.answered = True
                if remote.status == 200:
                    asked_end = None  # the whole file is coming, whatever we asked for
                await self._stream(response, worker, segment, offset, asked_end, url)
        except NETWORK_ERRORS as exc:
            raise translate_network_error(exc, url, worker.received, transport.proxy_for(url)) from exc

    async def _accept(
        self,
        remote: RemoteFile,
        url: str,
        segment: Segment,
        position: int,
        asked_end: int | None,
        is_mirror: bool,
    ) -> int:
        """Decide where this response's body goes, or raise; returns the offset to write at."""
        runner, job = self.runner, self.job
        host = host_name(url)
        if remote.status == 416:
            if position > 0:
                raise RestartNeeded(f"{host} no longer has the bytes Wherry had; starting again.")
            # An empty file cannot satisfy "bytes=0-": ask again without a range.
            runner.use_range = False
            raise RetryableError(ErrorKind.BAD_RESPONSE, f"{host} refused the byte range; asking again.", 0)
        if remote.status not in (200, 206):
            raise error_for_status(remote.status, url, remote.retry_after)
        if is_mirror:
            runner.check_mirror(remote, url)
        if remote.status == 206:
            return await self._accept_partial(remote, url, position, asked_end, is_mirror)
        # 200: the whole file follows, whatever we asked for.
        alone = len(job.segments) == 1 and segment.start == 0
        if is_mirror and job.accept_ranges and not alone:
            raise SourceError(
                ErrorKind.HTTP, f"The mirror {host} does not send parts of files; it was not used."
            )
        changed = self._changed(remote, is_mirror)
        if not alone:
            job.accept_ranges = False  # one connection from now on
            raise RestartNeeded(
                f"The file on {host} changed since the download began; starting again."
                if changed
                else f"{host} stopped sending parts of the file; starting again with one connection.",
                changed,
            )
        if position > 0:
            reason = (
                f"The file on {host} changed since the download began; starting again."
                if changed
                else f"{host} does not continue interrupted downloads; starting again."
            )
            await runner.restart(reason, changed)
        self._learn(remote, accept_ranges=False)
        runner.probed(remote, split=False)
        return 0

    async def _accept_partial(
        self, remote: RemoteFile, url: str, position: int, expected_end: int | None, is_mirror: bool
    ) -> int:
        runner, job = self.runner, self.job
        host = host_name(url)
        span = remote.content_range
        if span is not None and span.total is not None:
            # A request reaching past the end is answered up to the last byte (RFC 9110 §14.1.2).
            last = span.total - 1
            expected_end = last if expected_end is None else min(expected_end, last)
        wrong = (
            span is None
            or span.start != position
            or (expected_end is not None and span.end != expected_end)
            or (remote.content_length is not None and remote.content_length != span.end - span.start + 1)
            or (job.total_size is not None and span.total is not None and span.total != job.total_size)
        )
        if (
            wrong
            and position > 0
            and span is not None
            and job.total_size is not None
            and span.total != job.total_size
        ):
            raise RestartNeeded(f"The file on {host} changed since the download began; starting again.")
        if wrong:
            # Never write bytes whose place in the file we cannot trust. From a mirror: drop the
            # mirror. From the primary: ask again without ranges, with one connection.
            if is_mirror:
                raise SourceError(
                    ErrorKind.BAD_RESPONSE, f"The mirror {host} sent the wrong part of the file."
                )
            runner.use_range = False
            job.accept_ranges = False
            if position > 0 or len(job.segments) > 1:
                raise RestartNeeded(f"{host} answered with the wrong byte range; starting again.", False)
            raise RetryableError(
                ErrorKind.BAD_RESPONSE, f"{host} answered with the wrong byte range; asking again.", 0
            )
        assert span is not None
        if job.total_size is None:
            self._learn(remote, accept_ranges=True)
            runner.probed(remote, split=True)
        elif position > 0 and self._changed(remote, is_mirror):
            raise RestartNeeded(f"The file on {host} changed since the download began; starting again.")
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
            return False  # validators are per server; mirrors are matched by size and digest
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
        if len(job.segments) == 1:
            job.segments[0].end = remote.total_size

    async def _stream(
        self,
        response: aiohttp.ClientResponse,
        worker: Worker,
        segment: Segment,
        offset: int,
        asked_end: int | None,
        url: str,
    ) -> None:
        runner, job = self.runner, self.job
        part = runner.open_part()
        if offset == 0 and segment.done == 0 and len(job.segments) == 1 and part.size():
            part.truncate(0)  # stale bytes from a run that never checkpointed
        if job.total_size and (len(job.segments) > 1 or job.total_size > CHUNK):
            # Also when the file is already split (in pieces for a checksum, or resumed): a full
            # disk should show now, and the file should have its size before any piece is in.
            # A file of one read or so is written at once anyway: its write shows a full disk.
            part.preallocate(job.total_size)
        position = offset
        reader = response.content
        unyielded = 0
        timed = False
        while True:
            end = _stop(segment, asked_end)  # may shrink while we read: another connection took our tail
            if end is not None and position >= end:
                break
            if runner.throttled():
                chunk = await reader.read(runner.chunk_size())  # small, even pieces under a limit
            else:
                # readchunk hands over each buffer as it came off the socket; read(n) would first
                # join them into a new bytes object, one more copy of every byte.
                chunk, _ = await reader.readchunk()
            if not chunk:
                break
            if end is not None and position + len(chunk) > end:
                chunk = chunk[: end - position]
            try:
                part.write_at(chunk, position)
            except JobError as error:
                segment.done += getattr(error, "written", 0)
                if error.kind is ErrorKind.DISK_FULL and job.total_size is not None:
                    needed = human_size(job.total_size - job.bytes_done)
                    raise JobError(
                        ErrorKind.DISK_FULL, f"The disk is full; {needed} more is needed."
                    ) from error
                raise
            size = len(chunk)
            segment.done += size
            worker.received += size
            runner.absorbed(worker, url, position, chunk)
            position += size
            if runner.throttled():
                await runner.throttle(size)
            if not timed:
                timed = True
                if not runner.finished():
                    # From here on the progress is saved now and then; a file that is whole
                    # after its first read (most small ones) never needs the timer.
                    runner.checkpoint.start()
            unyielded += size
            if unyielded >= CHUNK:
                # Reads served from the buffer do not wait: yield now and then so one fast
                # connection cannot starve the loop (and the UI). Once a read is enough, as the
                # chunks are up to that large.
                unyielded = 0
                await asyncio.sleep(0)
        end = _stop(segment, asked_end)
        if end is not None and position < end:
            host, got, wanted = host_name(url), human_size(position), human_size(end)
            raise RetryableError(
                ErrorKind.NETWORK, f"The connection to {host} closed after {got} of {wanted}."
            )
        if end is None:
            segment.end = position
            job.total_size = position
        if not response.content.at_eof():
            response.close()  # our part is done; the rest of an open-ended answer is not needed


def _stop(segment: Segment, asked_end: int | None) -> int | None:
    """Where this answer's useful bytes end: the segment's end, or sooner if we asked for less."""
    if segment.end is None or asked_end is None:
        return segment.end
    return min(segment.end, asked_end + 1)


def _strong(etag: str | None) -> str | None:
    # RFC 9110 §8.8.3: an entity tag is quoted; anything else sent back would be read as a date.
    if etag and len(etag) >= 2 and etag.startswith('"') and etag.endswith('"'):
        return etag
    return None
