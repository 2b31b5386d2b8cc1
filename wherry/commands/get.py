"""``wherry get``: download files without the window, resuming the same job when re-run."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "get",
        help="download files headless",
        description="Download URLs, resuming after a crash when the same command is run again.",
    )
    parser.add_argument("urls", nargs="*", metavar="URL")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="FILE", help="save as FILE (one URL only)")
    where.add_argument("-d", "--dir", metavar="DIR", help="save into DIR (default: the current folder)")
    parser.add_argument(
        "--by-category",
        action="store_true",
        help="save each file in its category's folder inside DIR (the rules set in the window's Settings)",
    )
    parser.add_argument("-i", "--input-file", metavar="FILE", help="read URLs from FILE, one per line")
    parser.add_argument(
        "-M",
        "--metalink",
        action="append",
        default=[],
        metavar="FILE",
        help="download the files a Metalink (.meta4 or .metalink) describes, with its mirrors and hashes",
    )
    digest = parser.add_mutually_exclusive_group()
    digest.add_argument("--sha256", metavar="HEX", help="expected SHA-256 of the file")
    digest.add_argument("--checksum", metavar="ALGO:HEX", help="expected digest (md5, sha1, sha256, sha512)")
    parser.add_argument("--mirror", action="append", default=[], metavar="URL", help="an alternate URL")
    parser.add_argument("-c", "--connections", type=int, metavar="N", help="connections per download (1-32)")
    parser.add_argument(
        "-j",
        "--max-concurrent-downloads",
        type=int,
        metavar="N",
        help="downloads at once (1-64; default: the Settings' number, 3), as aria2c's -j",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace FILE once the new one is complete")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and the saved path")
    login = parser.add_argument_group("logins, proxies and published checksums")
    login.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="send this header (repeatable); Authorization, Cookie and key/token names stay secret",
    )
    login.add_argument(
        "--secret-header",
        action="append",
        default=[],
        metavar="NAME",
        help="treat the header NAME as secret too: sent only to the URL's own host, always masked",
    )
    login.add_argument(
        "--host-header",
        action="append",
        nargs=2,
        default=[],
        metavar=("HOST", "'NAME: VALUE'"),
        help="send this header to HOST (host, host:port or a URL) only, e.g. a mirror's own login",
    )
    login.add_argument(
        "--cookies", metavar="FILE", help="send the cookies for the URL from a Netscape cookies.txt"
    )
    login.add_argument("--cookie", metavar="'A=B; C=D'", help="send these cookies")
    login.add_argument(
        "-u",
        "--user",
        metavar="NAME[:PASSWORD]",
        help="HTTP Basic login (asked for when no password is given); a URL's user:password@ works too, "
        "and ~/.netrc is read when neither is given",
    )
    login.add_argument(
        "--proxy",
        metavar="URL",
        help="http://, https://, socks5:// or socks5h:// proxy for this run "
        "(default: the setting, else HTTP_PROXY/HTTPS_PROXY/ALL_PROXY/NO_PROXY); 'direct' for none",
    )
    login.add_argument(
        "--checksum-url",
        metavar="URL",
        help="read the expected digest from this SHA256SUMS-style file (the line naming the file)",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio
    import gc

    from wherry.commands.get_run import get, prepare

    # The modules and settings live for the whole run: kept out of every collection. A list of
    # small files makes many short-lived objects a file, so the youngest generation is
    # collected less often too (docs/PERFORMANCE.md, seventh pass).
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
    try:
        ready = prepare(args)  # forks a helper for a long list, before any event loop exists
        if isinstance(ready, int):
            return ready
        return asyncio.run(get(args, ready))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
