"""Which proxy, if any, a request to a URL goes through.

The setting names one proxy for everything; left empty, the conventional variables decide
(HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY, either case), read with the standard library's
own rules (``getproxies_environment`` / ``proxy_bypass_environment``) so Wherry agrees with curl,
pip and Python's urllib about them. NO_PROXY applies to a configured proxy too, as it does for curl.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.request import (  # type: ignore[attr-defined]  # public since 3.x, missing from typeshed
    proxy_bypass_environment,
)

from wherry.core.errors import ErrorKind, InputError
from wherry.core.headers import mask_url

__all__ = ["DIRECT", "SCHEMES", "ProxyChooser", "check_proxy_url"]

DIRECT = "direct"
SCHEMES = ("http", "https", "socks5", "socks5h")
# The only variables a choice reads. Looking these up by name, rather than scanning the whole
# environment as getproxies_environment does, costs microseconds instead of a third of a
# millisecond per request, and still sees a variable the process changes while it runs.
_NAMES = tuple(f"{scheme}_proxy" for scheme in ("http", "https", "all", "no"))
_LOOKUPS = tuple(name for lower in _NAMES for name in (lower, lower.upper()))
# Per scheme, only its own variable, ALL_PROXY and NO_PROXY can matter.
_LOOKUPS_FOR = {
    scheme: tuple(n for n in _LOOKUPS if n.lower() in (f"{scheme}_proxy", "all_proxy", "no_proxy"))
    for scheme in ("http", "https")
}


def check_proxy_url(url: str) -> str:
    """The proxy URL, stripped, or InputError with one sentence saying what is wrong with it."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in SCHEMES:
        raise InputError(
            ErrorKind.BAD_INPUT,
            f"The proxy {mask_url(text)} must start with http://, https://, socks5:// or socks5h://.",
        )
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise InputError(
            ErrorKind.BAD_INPUT,
            f"The proxy {mask_url(text)} needs a host and a port, like socks5h://host:1080.",
        )
    return text


@dataclass(frozen=True)
class ProxyChooser:
    """``setting`` is ``Settings.proxy``; ``environ`` defaults to the process's environment."""

    setting: str = ""
    environ: Mapping[str, str] | None = None

    def _pairs(self, scheme: str) -> tuple[tuple[tuple[str, str], ...], bool]:
        """The variables that can decide for ``scheme`` and are set, and whether this is CGI."""
        if self.environ is None:
            get = os.environ.get
            found = []
            for name in _LOOKUPS_FOR.get(scheme, _LOOKUPS):
                value = get(name)
                if value is not None:
                    found.append((name, value))
            return tuple(found), get("REQUEST_METHOD") is not None
        return tuple(self.environ.items()), False

    def choose(self, url: str) -> str | None:
        """The proxy URL for ``url``, or None to connect directly."""
        setting = self.setting.strip()
        if setting.lower() == DIRECT:
            return None
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        pairs, cgi = self._pairs(scheme)
        # The variables are read on every request, so a change while Wherry runs is seen; what
        # they decide for a host is remembered, since each request asks again.
        return _choose(setting, pairs, cgi, scheme, parts.hostname or "")


@functools.lru_cache(maxsize=1024)
def _choose(
    setting: str, pairs: tuple[tuple[str, str], ...], cgi: bool, scheme: str, host: str
) -> str | None:
    variables = _proxy_variables(list(pairs), cgi)
    if variables.get("no") and proxy_bypass_environment(host, {"no": variables["no"]}):
        return None
    if setting:
        return setting
    chosen = variables.get(scheme) or variables.get("all")
    if not chosen:
        return None
    if "://" not in chosen:
        chosen = "http://" + chosen  # "proxy:3128", as many people write it
    return chosen


def _proxy_variables(pairs: list[tuple[str, str]], cgi: bool) -> dict[str, str]:
    """getproxies_environment's rule applied to ``pairs``: scheme -> proxy.

    Any case counts, lower case wins (an empty lower-case one even cancels its upper-case
    twin), empty values are skipped; under CGI (REQUEST_METHOD set) an upper-case HTTP_PROXY
    may come from a client's "Proxy:" header (httpoxy), so it is ignored there.
    """
    found: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        if value and key.endswith("_proxy"):
            found[key[:-6]] = value
    if cgi:
        found.pop("http", None)
    for name, value in pairs:
        if name.endswith("_proxy"):
            key = name.lower()[:-6]
            if value:
                found[key] = value
            else:
                found.pop(key, None)
    return found
