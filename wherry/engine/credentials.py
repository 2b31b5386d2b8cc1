"""Which of a job's headers go to which URL, and credentials found beside the request.

Secret headers (core.headers.is_secret) go only to the origin they were given for: the same
scheme, host and port as the job's own URL. A redirect to another host (a signed CDN link) or a
mirror gets the job's other headers but none of its secrets, so a token can never follow a link
to a server it was not meant for. Going from https to http is a different origin as well; only
the step up from http:// to https:// on the same host keeps them.
"""

from __future__ import annotations

import functools
import io
import netrc
import os
import stat
import urllib.request
from http.cookiejar import LoadError, MozillaCookieJar
from pathlib import Path
from urllib.parse import urlsplit

from wherry.core.errors import ErrorKind, InputError
from wherry.core.headers import Headers, basic_auth, is_secret, secret_names, split_userinfo
from wherry.core.jobs import AddRequest, Job

__all__ = [
    "carry_credentials",
    "cookie_header",
    "headers_for",
    "hub_token",
    "netrc_auth",
    "origin",
    "read_cookie_file",
    "request_credentials",
    "same_origin",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAGIC = "# Netscape HTTP Cookie File"


@functools.lru_cache(maxsize=4096)
def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def same_origin(a: str, b: str) -> bool:
    return origin(a) == origin(b)


def headers_for(
    url: str,
    given_for: str,
    headers: Headers,
    marked: tuple[str, ...],
    scoped: tuple[tuple[str, str, str], ...] = (),
) -> list[tuple[str, str]]:
    """The job's headers that may be sent to ``url``; ``given_for`` is the job's own URL.

    ``scoped`` headers (host or URL, name, value) go to that host alone and replace a job
    header of the same name there.
    """
    if not headers and not scoped:
        return []  # most downloads: nothing to decide per hop
    trusted = same_origin(url, given_for) or _upgraded(given_for, url)
    own = [(name, value) for where, name, value in scoped if _is_for(url, where)]
    names = {name.lower() for name, _ in own}
    kept = [
        (name, value)
        for name, value in headers
        if (trusted or not is_secret(name, marked)) and name.lower() not in names
    ]
    return kept + own


def _upgraded(given_for: str, url: str) -> bool:
    """http://host/ moved to https://host/ (default ports): the same server, now encrypted; the
    secrets were already going to it, so they may follow."""
    old, new = origin(given_for), origin(url)
    return old == ("http", new[1], 80) and new == ("https", old[1], 443)


def _is_for(url: str, where: str) -> bool:
    """Does ``where`` (a URL, ``host`` or ``host:port``) name the server ``url`` points at?"""
    if "://" in where:
        return same_origin(url, where)
    _, host, port = origin(url)
    name, sep, wanted = where.strip().lower().rpartition(":")
    if not sep or not wanted.isdigit():
        return host == where.strip().lower()
    return host == name and port == int(wanted)


def netrc_auth(url: str, path: str | None = None) -> tuple[str, str] | None:
    """HTTP Basic's Authorization header from ``~/.netrc`` (or $NETRC) for ``url``'s host.

    A missing or unreadable file means no credentials, as for curl --netrc-optional.
    """
    where = path or os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
    host = urlsplit(url).hostname
    if not host:
        return None
    try:
        info = os.stat(where)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    parsed = _netrc_file(where, info.st_mtime_ns, info.st_size)
    entry = None if parsed is None else parsed.authenticators(host)  # with the "default" entry
    if entry is None:
        return None
    login, account, password = entry
    return basic_auth(login or account or "", password or "")


@functools.lru_cache(maxsize=4)
def _netrc_file(where: str, mtime_ns: int, size: int) -> netrc.netrc | None:
    # Read once per version of the file: a list of 3,000 URLs would otherwise parse it 3,000 times.
    try:
        return netrc.netrc(where)
    except (OSError, netrc.NetrcParseError):
        return None


# The Hugging Face Hub's hosts; its own client reads the token from HF_TOKEN, else from the file
# `huggingface-cli login` writes ($HF_HOME/token, by default ~/.cache/huggingface/token).
_HUB_HOSTS = frozenset({"huggingface.co", "hf.co"})


def hub_token(url: str) -> tuple[str, str] | None:
    """The Authorization header the Hub's own tools would send to ``url``, if any."""
    scheme, host, _ = origin(url)
    if scheme != "https" or host not in _HUB_HOSTS:
        return None
    token = os.environ.get("HF_TOKEN", "").strip()
    if not token:
        home = os.environ.get("HF_HOME") or str(Path.home() / ".cache" / "huggingface")
        try:
            token = Path(home, "token").read_text(encoding="utf-8").strip()
        except (OSError, UnicodeError):
            return None
    return ("Authorization", f"Bearer {token}") if token else None


def read_cookie_file(path: str) -> MozillaCookieJar:
    """Load a Netscape cookies.txt (what browser exporters and ``curl -c`` write).

    The standard library's parser wants the magic first line, which several exporters leave
    out, keeps a CR of Windows line ends in the value, and stops (with a warning) at a line
    whose subdomain flag disagrees with the domain's leading dot; and it takes a session
    cookie's expiry 0 for 1970. All four are smoothed over.
    """
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(
            ErrorKind.BAD_INPUT, f"Could not read the cookie file {path}: {exc.strerror}."
        ) from exc
    lines = [_consistent(line) for line in text.splitlines()]
    if not lines or not MozillaCookieJar.magic_re.search(lines[0]):
        lines.insert(0, _MAGIC)
    jar = MozillaCookieJar()
    try:
        # _really_load is the parser behind load(); it takes a file object, so the cleaned text
        # is parsed without writing it anywhere. Session cookies (expiry 0) are what a browser
        # holds right now, so they are kept.
        jar._really_load(io.StringIO("\n".join(lines) + "\n"), path, True, False)  # type: ignore[attr-defined]
    except (LoadError, ValueError) as exc:
        raise InputError(
            ErrorKind.BAD_INPUT, f"The cookie file {path} is not in the Netscape cookies.txt format."
        ) from exc
    return jar


def _consistent(line: str) -> str:
    """Make the include-subdomains flag agree with the domain's leading dot, as curl reads it:
    TRUE means the cookie is for subdomains too, which the standard library spells ``.domain``."""
    prefix = "#HttpOnly_" if line.startswith("#HttpOnly_") else ""
    fields = line[len(prefix) :].split("\t")
    if (line.startswith("#") and not prefix) or not line.strip():
        return line
    if len(fields) != 7:
        return ""  # not a cookie line; curl skips these too, the standard parser would stop
    domain, flag = fields[0], fields[1].upper()
    if flag == "TRUE" and not domain.startswith("."):
        fields[0] = "." + domain
    elif flag != "TRUE" and domain.startswith("."):
        fields[1] = "TRUE"
    else:
        fields[1] = flag
    if fields[4].strip() == "0":
        fields[4] = ""  # curl and exporters write a session cookie's expiry as 0; Python reads "" so
    return prefix + "\t".join(fields)


def cookie_header(jar: MozillaCookieJar, url: str) -> str | None:
    """The Cookie header value a browser would send to ``url`` from ``jar`` (domain, path, secure)."""
    request = urllib.request.Request(url)
    jar.add_cookie_header(request)
    return request.get_header("Cookie")


def request_credentials(request: AddRequest) -> tuple[str, Headers, tuple[str, ...]]:
    """The URL to store (without userinfo), the headers to send, and which of them are secret.

    Gathered here so every front door gets the same: ``user:password@`` in the URL becomes HTTP
    Basic (and leaves the URL, so it is never shown or logged), a cookie file gives the cookies
    it holds for this URL, and when nothing else gave an Authorization, the Hugging Face Hub's
    token (HF_TOKEN, or the file its CLI saves) for the Hub's own hosts, then ``~/.netrc``.
    """
    url, userinfo = split_userinfo(request.url.strip())
    headers = list(request.headers)
    names = {name.lower() for name, _ in headers}
    if userinfo is not None and "authorization" not in names:
        headers.append(basic_auth(*userinfo))
        names.add("authorization")
    if request.cookie_file:
        found = cookie_header(read_cookie_file(request.cookie_file), url)
        if found:
            given = [value for name, value in headers if name.lower() == "cookie"]
            headers = [(n, v) for n, v in headers if n.lower() != "cookie"]
            headers.append(("Cookie", "; ".join([*given, found])))
            names.add("cookie")
    if "authorization" not in names:
        auth = hub_token(url) or netrc_auth(url)
        if auth is not None:
            headers.append(auth)
    marked = tuple(m.lower() for m in request.secret_headers)
    return url, tuple(headers), tuple(sorted(set(secret_names(headers, marked)) | set(marked)))


def carry_credentials(job: Job, new_url: str) -> str | None:
    """Before ``job`` moves to ``new_url``: drop its secrets if that is another origin.

    Returns the history line saying so, or None when nothing was dropped.
    """
    if same_origin(job.url, new_url):
        return None
    kept = tuple((n, v) for n, v in job.headers if not is_secret(n, job.secret_headers))
    if len(kept) == len(job.headers):
        return None
    job.headers = kept
    return (
        f"The credentials given for {origin(job.url)[1]} were not carried over to "
        f"{origin(new_url)[1]}; use Change credentials to give its own."
    )
