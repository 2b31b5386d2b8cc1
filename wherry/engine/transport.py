"""Send one GET for a job: through the right proxy, following redirects hop by hop.

aiohttp would follow redirects itself and carry every header we set along (it drops only
Authorization, and only on a change of host), so Wherry follows them here instead: each hop gets
the job's headers allowed for *that* URL (engine.credentials), and the redirecting answers are
kept, because some servers put what they know about the file there — the Hugging Face Hub's
X-Linked-Etag and X-Linked-Size are on its own 302, not on the CDN's answer.

Proxies: an http:// or https:// proxy is aiohttp's own ``proxy=``; socks5:// and socks5h://
(the name resolved by the proxy) go through aiohttp-socks, which needs a connector of its own,
so each SOCKS proxy gets its own session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from wherry.core.errors import ErrorKind, InputError, JobError, SourceError
from wherry.core.headers import Headers
from wherry.engine.credentials import headers_for
from wherry.engine.http_errors import NETWORK_ERRORS, translate_network_error
from wherry.engine.proxies import ProxyChooser, check_proxy_url

__all__ = ["MAX_REDIRECTS", "Answer", "Hop", "Transport"]

MAX_REDIRECTS = 10
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# RFC 9530 §4: ask for a digest of the whole representation; SHA-512 preferred, SHA-256 fine.
WANT_DIGEST = "sha-512=9, sha-256=8"


@dataclass(frozen=True)
class Hop:
    """A redirecting answer on the way to the file."""

    url: str
    status: int
    headers: CIMultiDictProxy[str]


@dataclass
class Answer:
    response: aiohttp.ClientResponse
    hops: list[Hop] = field(default_factory=list)
    proxy: str | None = None  # the proxy the final request went through


SessionFactory = Callable[[aiohttp.BaseConnector], aiohttp.ClientSession]


class Transport:
    """Owns the HTTP sessions: one direct (also used for HTTP proxies) and one per SOCKS proxy."""

    def __init__(self, make_session: SessionFactory, chooser: ProxyChooser) -> None:
        self._make_session = make_session
        self.chooser = chooser
        self.session = make_session(aiohttp.TCPConnector(limit=0, limit_per_host=0))
        self._socks: dict[str, aiohttp.ClientSession] = {}

    async def close(self) -> None:
        for session in [self.session, *self._socks.values()]:
            await session.close()
        self._socks.clear()

    def proxy_for(self, url: str) -> str | None:
        return self.chooser.choose(url)

    def _route(self, url: str) -> tuple[aiohttp.ClientSession, dict[str, Any], str | None]:
        proxy = self.chooser.choose(url)
        if proxy is None:
            return self.session, {}, None
        try:
            proxy = check_proxy_url(proxy)
        except InputError as error:
            # A setting or variable no proxy can be reached by: nothing to retry until it changes.
            raise JobError(error.kind, error.message) from error
        scheme = urlsplit(proxy).scheme.lower()
        if scheme in ("socks5", "socks5h"):
            session = self._socks.get(proxy)
            if session is None:
                from aiohttp_socks import ProxyConnector  # only for SOCKS; it costs start-up time

                # socks5h: the proxy resolves the name (rdns), as curl's socks5h:// does.
                plain = urlunsplit(("socks5", *urlsplit(proxy)[1:]))
                connector = ProxyConnector.from_url(
                    plain, rdns=scheme == "socks5h", limit=0, limit_per_host=0
                )
                session = self._socks[proxy] = self._make_session(connector)
            return session, {}, proxy
        # aiohttp takes the login from the proxy URL and sends it to the proxy alone (as
        # Proxy-Authorization on the request or on its CONNECT); proxy_headers would reach only
        # the CONNECT, so plain-http downloads would go unauthenticated.
        return self.session, {"proxy": proxy}, proxy

    @asynccontextmanager
    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        job_headers: Headers = (),
        secret: tuple[str, ...] = (),
        given_for: str | None = None,
        scoped: tuple[tuple[str, str, str], ...] = (),
    ) -> AsyncIterator[Answer]:
        """GET ``url``; ``headers`` go to every hop, ``job_headers`` as engine.credentials allows.

        Connection failures are raised as Wherry errors that name the proxy, if one was used.
        """
        hops: list[Hop] = []
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            session, options, proxy = self._route(current)
            send = CIMultiDict[str](headers or {})
            send.setdefault("Want-Repr-Digest", WANT_DIGEST)
            for name, value in headers_for(current, given_for or url, job_headers, secret, scoped):
                send[name] = value
            try:
                response = await session.get(current, headers=send, allow_redirects=False, **options)
            except NETWORK_ERRORS as exc:
                raise translate_network_error(exc, current, proxy=proxy) from exc
            location = response.headers.get("Location")
            if response.status not in _REDIRECTS or not location:
                try:
                    yield Answer(response, hops, proxy)
                finally:
                    response.release()
                return
            hops.append(Hop(current, response.status, CIMultiDictProxy(CIMultiDict(response.headers))))
            response.release()
            following = urljoin(current, location)
            if urlsplit(following).scheme.lower() not in ("http", "https"):
                host = urlsplit(current).hostname
                raise SourceError(
                    ErrorKind.BAD_URL, f"{host} redirected to an address Wherry cannot download."
                )
            current = following
        raise SourceError(ErrorKind.HTTP, f"{urlsplit(url).hostname} redirected too many times.")
