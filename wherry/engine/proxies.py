"""Which proxy, if any, a request to a URL goes through.

The setting names one proxy for everything; left empty, the conventional variables decide
(HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY, either case), read with the standard library's
own ``getproxies_environment`` / ``proxy_bypass_environment`` so Wherry agrees with curl, pip and
Python's urllib about them. NO_PROXY applies to a configured proxy too, as it does for curl.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.request import (  # type: ignore[attr-defined]  # public since 3.x, missing from typeshed
    getproxies_environment,
    proxy_bypass_environment,
)

from wherry.core.errors import ErrorKind, InputError
from wherry.core.headers import mask_url

__all__ = ["DIRECT", "SCHEMES", "ProxyChooser", "check_proxy_url"]

DIRECT = "direct"
SCHEMES = ("http", "https", "socks5", "socks5h")


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

    def _variables(self) -> dict[str, str]:
        env = os.environ if self.environ is None else self.environ
        if self.environ is None:
            return dict(getproxies_environment())
        # getproxies_environment reads os.environ only; this is its rule applied to a mapping
        # (lower case wins over upper case, and empty values are skipped).
        found: dict[str, str] = {}
        for name, value in env.items():
            key = name.lower()
            if value and key.endswith("_proxy") and (name.islower() or key[:-6] not in found):
                found[key[:-6]] = value
        return found

    def choose(self, url: str) -> str | None:
        """The proxy URL for ``url``, or None to connect directly."""
        setting = self.setting.strip()
        if setting.lower() == DIRECT:
            return None
        variables = self._variables()
        host = urlsplit(url).hostname or ""
        if variables.get("no") and proxy_bypass_environment(host, {"no": variables["no"]}):
            return None
        if setting:
            return setting
        scheme = urlsplit(url).scheme.lower()
        chosen = variables.get(scheme) or variables.get("all")
        if not chosen:
            return None
        if "://" not in chosen:
            chosen = "http://" + chosen  # "proxy:3128", as many people write it
        return chosen
