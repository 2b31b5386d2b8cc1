"""A file's expected digest from a checksum file published beside it (SHA256SUMS, x.iso.sha256).

The file is fetched through the job's transport (so the job's proxy applies, and its secrets go
only to the job's own host), read at most ``MAX_CHECKSUM_FILE_BYTES``, parsed with the same
parser ``wherry verify`` uses, and the line for this file is picked by name.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

import aiohttp

from wherry.core.errors import ErrorKind, InputError, WherryError
from wherry.core.headers import mask_url
from wherry.core.jobs import ALGORITHMS, ChecksumSpec, Job
from wherry.engine.http_errors import error_for_status, translate_network_error
from wherry.engine.probe import url_filename
from wherry.engine.transport import Transport
from wherry.verify.checksum_files import MAX_CHECKSUM_FILE_BYTES, parse_checksum_text

__all__ = ["checksum_from_url", "find_checksum", "sibling_urls"]

# Tried in this order by "Find the checksum": the file's own sidecar, then the folder's lists.
_SIDECARS = (".sha256", ".sha512", ".sha256sum", ".sha512sum")
_LISTS = ("SHA256SUMS", "SHA512SUMS", "sha256sum.txt", "sha512sum.txt", "CHECKSUMS", "checksums.txt")


def sibling_urls(url: str) -> list[str]:
    """Where checksum files for ``url`` are usually published, most specific first."""
    parts = urlsplit(url)
    folder = parts.path.rsplit("/", 1)[0] + "/"
    base = f"{parts.scheme}://{parts.netloc}"
    return [f"{base}{parts.path}{suffix}" for suffix in _SIDECARS] + [f"{base}{folder}{n}" for n in _LISTS]


async def _read(transport: Transport, job: Job, url: str) -> bytes:
    try:
        async with transport.get(
            url,
            job_headers=job.headers,
            secret=job.secret_headers,
            given_for=job.url,
            scoped=job.host_headers,
        ) as answer:
            response = answer.response
            if response.status != 200:
                raise error_for_status(response.status, url, response.headers.get("Retry-After"))
            data = await response.content.read(MAX_CHECKSUM_FILE_BYTES + 1)
    except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
        raise translate_network_error(exc, url, proxy=transport.proxy_for(url)) from exc
    if len(data) > MAX_CHECKSUM_FILE_BYTES:
        raise InputError(ErrorKind.BAD_INPUT, f"{mask_url(url)} is far too big to be a checksum file.")
    return data


def _pick(data: bytes, checksum_url: str, name: str) -> ChecksumSpec | None:
    own_name = unquote(posixpath.basename(urlsplit(checksum_url).path))
    parsed = parse_checksum_text(data, filename=own_name or None)
    for entry in parsed.entries:
        if posixpath.basename(entry.name.replace("\\", "/")) == name and entry.algorithm in ALGORITHMS:
            return ChecksumSpec(entry.algorithm, entry.hexdigest.lower())
    return None


async def checksum_from_url(transport: Transport, job: Job, checksum_url: str) -> tuple[ChecksumSpec, str]:
    """The digest for ``job``'s file in the checksum file at ``checksum_url``, and its source.

    Raises InputError in one sentence when the file cannot be read or has no line for the file.
    """
    name = job.requested_name or url_filename(job.url) or ""
    try:
        data = await _read(transport, job, checksum_url)
    except WherryError as error:
        raise InputError(error.kind, f"The checksum file could not be read: {error.message}") from error
    found = _pick(data, checksum_url, name)
    if found is None:
        raise InputError(
            ErrorKind.BAD_INPUT, f"The checksum file {mask_url(checksum_url)} has no line for {name}."
        )
    return found, f"the checksum file {mask_url(checksum_url)}"


async def find_checksum(transport: Transport, job: Job) -> tuple[ChecksumSpec, str]:
    """Look for a checksum file beside ``job``'s URL (sidecar first, then the folder's lists)."""
    for url in sibling_urls(job.url):
        try:
            return await checksum_from_url(transport, job, url)
        except InputError:
            continue
    raise InputError(
        ErrorKind.BAD_INPUT, f"No checksum file with a line for {job.display_name} was found beside it."
    )
