"""Extra request headers a person gives a download, which of them are secret, and how they show.

Credentials travel as ordinary headers (``Authorization``, ``Cookie``, an API key); a header is
secret when it is one of those, when its name looks like a credential, or when the person marked
it so. Secret values never leave the engine's request path: everything a person or a log sees
goes through ``masked_headers`` / ``mask_url`` first.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Collection, Iterable
from urllib.parse import unquote, urlsplit, urlunsplit

from wherry.core.errors import ErrorKind, InputError

__all__ = [
    "ALWAYS_SECRET",
    "MASK",
    "Headers",
    "basic_auth",
    "is_secret",
    "mask_url",
    "masked_headers",
    "parse_cookie_pairs",
    "parse_header",
    "secret_names",
    "split_userinfo",
]

Headers = tuple[tuple[str, str], ...]

MASK = "••••••"

# Always secret, whatever the person said: credentials by definition (RFC 9110 §11.6, RFC 6265).
ALWAYS_SECRET = frozenset({"authorization", "proxy-authorization", "cookie"})

# Names that carry credentials by convention (X-Api-Key, Private-Token, X-Auth-Token,
# X-Amz-Security-Token, …): treated as secret unless proven otherwise, since a leak costs more
# than a masked harmless value.
_LOOKS_SECRET = re.compile(r"token|key|secret|auth|passw|session|signature|credential", re.IGNORECASE)

# RFC 9110 §5.1: a field name is a token.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
# RFC 9110 §5.5: a value is visible characters, spaces and tabs; no CR, LF, NUL or other
# control characters (obs-fold is gone).
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def parse_header(text: str) -> tuple[str, str]:
    """Read ``Name: value`` as curl's ``-H`` takes it; raise InputError in one sentence."""
    name, sep, value = text.partition(":")
    name = name.strip()
    if not sep or not name:
        raise InputError(ErrorKind.BAD_INPUT, f"Write a header as “Name: value”, not “{text.strip()}”.")
    if not _TOKEN.match(name):
        raise InputError(ErrorKind.BAD_INPUT, f"“{name}” cannot be the name of an HTTP header.")
    value = value.strip(" \t")
    if _BAD_VALUE.search(value):
        raise InputError(
            ErrorKind.BAD_INPUT,
            f"The value of the header {name} has a line break or control character in it.",
        )
    return name, value


def parse_cookie_pairs(text: str) -> list[tuple[str, str]]:
    """Read ``a=b; c=d`` (a Cookie header's value, as ``--cookie`` takes it)."""
    pairs = []
    for part in text.split(";"):
        name, sep, value = part.strip().partition("=")
        if not part.strip():
            continue
        if not sep or not name.strip() or not _TOKEN.match(name.strip()) or _BAD_VALUE.search(value):
            raise InputError(
                ErrorKind.BAD_INPUT, f"Write cookies as “name=value; name2=value2”, not “{text}”."
            )
        pairs.append((name.strip(), value.strip()))
    return pairs


def is_secret(name: str, marked: Collection[str] = ()) -> bool:
    lower = name.lower()
    return lower in ALWAYS_SECRET or lower in {m.lower() for m in marked} or bool(_LOOKS_SECRET.search(lower))


def secret_names(headers: Iterable[tuple[str, str]], marked: Collection[str] = ()) -> tuple[str, ...]:
    """The lower-case names among ``headers`` that are secret, for storing with the job."""
    return tuple(sorted({name.lower() for name, _ in headers if is_secret(name, marked)}))


def masked_headers(headers: Iterable[tuple[str, str]], marked: Collection[str] = ()) -> list[tuple[str, str]]:
    """The headers as a person may see them: secret values replaced by a mask."""
    return [(name, MASK if is_secret(name, marked) else value) for name, value in headers]


def basic_auth(user: str, password: str) -> tuple[str, str]:
    """RFC 7617: the Authorization header for HTTP Basic, credentials as UTF-8."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return "Authorization", f"Basic {token}"


def split_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without ``user:password@`` and the (percent-decoded) credentials it carried."""
    if "@" not in url:
        return url, None
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    return clean, (unquote(user), unquote(password))


def mask_url(url: str) -> str:
    """The URL with any password in it masked (a proxy URL's, typically)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, sep, _ = userinfo.partition(":")
    # A lone user part may itself be a token (``https://TOKEN@host``), so it is masked too.
    shown = f"{user}:{MASK}" if sep else MASK
    return urlunsplit((parts.scheme, f"{shown}@{hostport}", parts.path, parts.query, parts.fragment))
