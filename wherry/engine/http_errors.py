"""The one place where aiohttp, OSError and timeout exceptions become Wherry's errors.

Tiers (as in aria2): RetryableError — try this URL again later; SourceError — give up on this
URL, try a mirror; JobError — stop the job. Everything else in the engine sees only these.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import ssl
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import aiohttp
import aiohttp_socks
import python_socks

from wherry.core.errors import (
    ErrorKind,
    InputError,
    JobError,
    RetryableError,
    SourceError,
    WherryError,
)
from wherry.engine.sizes import human_size

__all__ = [
    "PROXY_ERRORS",
    "error_for_status",
    "host_name",
    "parse_retry_after",
    "translate_disk_error",
    "translate_network_error",
]

# What aiohttp-socks raises for a SOCKS proxy's own failures (not aiohttp.ClientError subclasses).
PROXY_ERRORS: tuple[type[Exception], ...] = (
    asyncio.IncompleteReadError,
    aiohttp_socks.ProxyError,
    aiohttp_socks.ProxyConnectionError,
    aiohttp_socks.ProxyTimeoutError,
    python_socks.ProxyError,
    python_socks.ProxyConnectionError,
    python_socks.ProxyTimeoutError,
)

# Everything a request may raise that translate_network_error turns into a sentence.
NETWORK_ERRORS: tuple[type[Exception], ...] = (aiohttp.ClientError, TimeoutError, OSError, *PROXY_ERRORS)

# Retry-After beyond this is treated as "not today": the retry budget decides instead.
_MAX_RETRY_AFTER = 3600.0


@functools.lru_cache(maxsize=1024)
def host_name(url: str) -> str:
    """The host a sentence names for ``url`` (the URL itself if it has none)."""
    return urlsplit(url).hostname or url


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (RFC 9110 §10.2.3: delay-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is true, and float("²") fails
        return min(float(value), _MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delta, 0.0), _MAX_RETRY_AFTER)


def error_for_status(status: int, url: str, retry_after: str | None = None) -> WherryError:
    """The error an unusable HTTP status means for this URL."""
    host = host_name(url)
    wait = parse_retry_after(retry_after)
    if status in (404, 410):
        return SourceError(ErrorKind.NOT_FOUND, f"{host} has no such file (HTTP {status}).")
    if status in (401, 403):
        # The job and its bytes stay; new credentials (or a fresh link) let it continue.
        return SourceError(
            ErrorKind.LOGIN_NEEDED,
            f"{host} wants a login or a token (HTTP {status}); "
            "give new credentials or a fresh link to continue.",
        )
    if status == 407:
        return SourceError(
            ErrorKind.LOGIN_NEEDED,
            "The proxy wants a login (HTTP 407); put the user and password in the proxy address.",
        )
    if status == 429:
        return RetryableError(ErrorKind.RATE_LIMITED, f"{host} asked Wherry to slow down (HTTP 429).", wait)
    if status == 408 or status >= 500:
        return RetryableError(ErrorKind.SERVER, f"{host} had a temporary problem (HTTP {status}).", wait)
    return SourceError(ErrorKind.HTTP, f"{host} answered with HTTP {status}, which is not a file.")


def _proxy_error(exc: BaseException, host: str, proxy: str, after: str) -> WherryError | None:
    """The sentence for a failure of the proxy itself, or None when the proxy is not to blame."""
    where = host_name(proxy)
    port = urlsplit(proxy).port
    named = f"{where}:{port}" if port else where
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        if exc.status == 407:
            return SourceError(
                ErrorKind.LOGIN_NEEDED,
                f"The proxy {named} wants a login (HTTP 407); "
                "put the user and password in the proxy address.",
            )
        return RetryableError(
            ErrorKind.NETWORK, f"The proxy {named} could not reach {host} (HTTP {exc.status})."
        )
    if isinstance(exc, aiohttp_socks.ProxyTimeoutError | python_socks.ProxyTimeoutError):
        return RetryableError(ErrorKind.TIMEOUT, f"The proxy {named} did not answer in time.")
    if isinstance(exc, aiohttp_socks.ProxyError | python_socks.ProxyError):
        return RetryableError(ErrorKind.NETWORK, f"The proxy {named} could not reach {host} ({exc}).")
    refused = (
        aiohttp.ClientProxyConnectionError,
        aiohttp_socks.ProxyConnectionError,
        python_socks.ProxyConnectionError,
    )
    if isinstance(exc, refused):
        return RetryableError(
            ErrorKind.NETWORK, f"The proxy {named} refused the connection or is not running."
        )
    if isinstance(exc, asyncio.IncompleteReadError):
        # A SOCKS proxy hangs up during the handshake when it refuses the login.
        return RetryableError(
            ErrorKind.NETWORK, f"The proxy {named} broke off the connection; check the login in its address."
        )
    dropped = (
        aiohttp.ServerDisconnectedError,
        aiohttp.ClientPayloadError,
        aiohttp.ClientOSError,
        ConnectionError,
    )
    if isinstance(exc, dropped):
        return RetryableError(ErrorKind.NETWORK, f"The connection through the proxy {named} dropped{after}.")
    return None


def translate_network_error(
    exc: BaseException, url: str, received: int = 0, proxy: str | None = None
) -> WherryError:
    """Map an exception raised while talking to ``url`` (through ``proxy``) to a Wherry error."""
    host = host_name(url)
    after = f" after {human_size(received)}" if received else ""
    if isinstance(exc, WherryError):
        return exc
    if proxy is not None and (error := _proxy_error(exc, host, proxy, after)) is not None:
        return error
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ServerFingerprintMismatch):
        return SourceError(ErrorKind.TLS, f"The TLS certificate of {host} could not be verified.")
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return SourceError(ErrorKind.TLS, f"A secure connection to {host} could not be set up.")
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return RetryableError(ErrorKind.TIMEOUT, f"{host} did not answer in time.")
    if isinstance(exc, aiohttp.SocketTimeoutError | aiohttp.ServerTimeoutError):
        return RetryableError(ErrorKind.STALLED, f"The transfer from {host} stalled{after}.")
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return RetryableError(ErrorKind.TIMEOUT, f"{host} did not answer in time.")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return RetryableError(ErrorKind.NETWORK, f"The name {host} could not be looked up.")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return RetryableError(ErrorKind.NETWORK, f"Could not connect to {host}.")
    if isinstance(exc, aiohttp.TooManyRedirects):
        return SourceError(ErrorKind.HTTP, f"{host} redirected too many times.")
    if isinstance(exc, aiohttp.NonHttpUrlClientError | aiohttp.InvalidURL):
        return SourceError(ErrorKind.BAD_URL, f"{host} redirected to an address Wherry cannot download.")
    if isinstance(
        exc,
        aiohttp.ClientPayloadError
        | aiohttp.ServerDisconnectedError
        | aiohttp.ClientOSError
        | aiohttp.ClientConnectionError
        | ConnectionError,
    ):
        return RetryableError(ErrorKind.NETWORK, f"The connection to {host} dropped{after}.")
    if isinstance(exc, aiohttp.ClientResponseError):
        return error_for_status(exc.status, url)
    if isinstance(exc, aiohttp.ClientError):
        return RetryableError(ErrorKind.NETWORK, f"The transfer from {host} failed{after}.")
    raise exc


def translate_disk_error(exc: OSError, path: str, needed: int | None = None) -> WherryError:
    """Map a file-system failure on ``path`` to an error: a full disk pauses, the rest fail."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        more = f"; {human_size(needed)} more is needed" if needed else ""
        return JobError(ErrorKind.DISK_FULL, f"The disk is full{more}.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return JobError(ErrorKind.PERMISSION, f"Wherry is not allowed to write to {path}.")
    if exc.errno == errno.ENAMETOOLONG:
        return InputError(ErrorKind.BAD_INPUT, f"The file name is too long for this disk: {path}.")
    reason = exc.strerror or type(exc).__name__
    return JobError(ErrorKind.FILESYSTEM, f"Could not write {path}: {reason}.")
