"""What a response tells us about the remote file: size, ranges, validators and its name.

Wherry never trusts HEAD: the first GET of a download (sent with ``Range: bytes=0-``) is the
probe, so servers that refuse HEAD or lie in it cost nothing.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from aiohttp import ClientResponse
from aiohttp.multipart import BadContentDispositionHeader, BadContentDispositionParam

from wherry.engine.published import Published, published

if TYPE_CHECKING:
    from wherry.core.jobs import Job
    from wherry.engine.transport import Hop, Transport

__all__ = ["ContentRange", "RemoteFile", "describe", "parse_content_range", "probe", "url_filename"]

# ASCII digits only (RFC 9110 §5.6.1 DIGIT): \d would also read "١٢" as twelve.
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class ContentRange:
    start: int
    end: int  # inclusive, as on the wire
    total: int | None


@dataclass(frozen=True)
class RemoteFile:
    """One response's view of the file it carries."""

    status: int
    total_size: int | None  # the whole file's size, when the response says
    content_length: int | None  # bytes in this response's body
    content_range: ContentRange | None
    accept_ranges: bool
    etag: str | None
    last_modified: str | None
    filename: str | None  # from Content-Disposition, unsanitised
    final_url: str
    retry_after: str | None = None
    digest: str | None = None  # RFC 9530 Repr-Digest (or RFC 3230 Digest), compared between mirrors
    published: Published | None = None  # the digest (and size) the server vouches for

    @property
    def strong_etag(self) -> str | None:
        # RFC 9110 §13.1.5: If-Range needs a strong validator; W/ tags never match.
        if self.etag and not self.etag.startswith("W/"):
            return self.etag
        return None


def parse_content_range(value: str | None) -> ContentRange | None:
    if not value:
        return None
    match = _CONTENT_RANGE.match(value)
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    total = None if match.group(3) == "*" else int(match.group(3))
    if end < start or (total is not None and end >= total):
        return None
    return ContentRange(start, end, total)


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    # isdigit() alone accepts "²", which int() then refuses.
    if raw is None or not (raw.strip().isascii() and raw.strip().isdigit()):
        return None
    return int(raw.strip())


def url_filename(url: str) -> str | None:
    """The last path segment of ``url``, percent-decoded, or None when the path ends in '/'."""
    path = urlsplit(url).path
    tail = path.rsplit("/", 1)[-1]
    return unquote(tail) or None


def describe(response: ClientResponse, hops: Sequence[Hop] = ()) -> RemoteFile:
    """``hops`` are the redirecting answers that led to ``response`` (engine.transport)."""
    headers = response.headers
    content_range = parse_content_range(headers.get("Content-Range")) if response.status == 206 else None
    content_length = _int_header(headers, "Content-Length")
    if response.status == 206:
        total = content_range.total if content_range else None
    else:
        total = content_length
    filename = None
    try:
        # aiohttp decodes RFC 6266 / RFC 5987 ``filename*`` for us. It reports a header it cannot
        # read with a warning and no name; that is the server's problem, not one to show anyone.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BadContentDispositionHeader)
            warnings.simplefilter("ignore", BadContentDispositionParam)
            disposition = response.content_disposition
        if disposition is not None:
            filename = disposition.filename
    except (ValueError, UnicodeError):
        filename = None
    accept_ranges = response.status == 206 or "bytes" in headers.get("Accept-Ranges", "").lower()
    return RemoteFile(
        status=response.status,
        total_size=total,
        content_length=content_length,
        content_range=content_range,
        accept_ranges=accept_ranges,
        etag=headers.get("ETag") or None,
        last_modified=headers.get("Last-Modified") or None,
        filename=filename,
        final_url=str(response.url),
        retry_after=headers.get("Retry-After"),
        digest=headers.get("Repr-Digest") or headers.get("Digest") or None,
        published=published([(h.url, h.headers) for h in hops], headers, str(response.url)),
    )


async def probe(transport: Transport, url: str, job: Job | None = None) -> RemoteFile:
    """Ask for the first byte only: enough to learn size, ranges and validators cheaply.

    With ``job``, its headers go along as they would for the download (secrets to its own host).
    """
    import aiohttp

    from wherry.engine.http_errors import error_for_status, translate_network_error

    try:
        async with transport.get(
            url,
            headers={"Range": "bytes=0-0"},
            job_headers=job.headers if job else (),
            secret=job.secret_headers if job else (),
            scoped=job.host_headers if job else (),
            given_for=job.url if job else url,
        ) as answer:
            response = answer.response
            remote = describe(response, answer.hops)
            if remote.status not in (200, 206):
                raise error_for_status(remote.status, url, remote.retry_after)
            response.close()  # a 200 would send the whole file; one header is all we wanted
            return remote
    except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
        raise translate_network_error(exc, url, proxy=transport.proxy_for(url)) from exc
