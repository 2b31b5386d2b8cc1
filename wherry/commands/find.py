"""``wherry find``: list the files whose digest is HEX, as they are found.

Headless and Qt-free; everything past argparse is imported inside ``run``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register", "run"]

EXIT_FOUND, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "find",
        help="find files by their checksum",
        description=(
            "Find the files under DIRs whose digest is HEX: md5, sha1, sha256, sha512 or blake2b, "
            "known by its length (128 digits tries both sha512 and blake2b) or written ALGO:HEX. "
            "Matches are printed as they are found. "
            "Exit status: 0 when something was found, 1 when nothing was, 2 for bad input."
        ),
    )
    parser.add_argument("digest", metavar="HEX", help="the digest to look for")
    parser.add_argument("dirs", nargs="*", metavar="DIR", default=["."], help="where to look (default: .)")
    parser.add_argument("--size", type=_size, metavar="N", help="only files of exactly N bytes (much faster)")
    parser.add_argument("-a", "--algorithm", metavar="ALGO", help="the digest's algorithm, if not by length")
    parser.add_argument("-L", "--follow-symlinks", action="store_true", help="follow symlinks below DIRs")
    parser.add_argument("-j", "--jobs", type=_jobs, metavar="N", help="files hashed at once")


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a size in bytes, got {text!r}")
    return value


def _jobs(text: str) -> int:
    value = _size(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    import threading

    from wherry.commands.verify import StatusLine, printable
    from wherry.core.errors import InputError
    from wherry.verify.finder import FindMatch, FindStats, find_by_digest, parse_digest_target
    from wherry.verify.hashing import HashingCancelled

    err = sys.stderr
    status = StatusLine(err)

    def warn(text: str) -> None:
        status.clear()
        print(f"wherry find: {text}", file=err, flush=True)

    try:
        target = parse_digest_target(args.digest, args.algorithm)
    except InputError as exc:
        warn(exc.message)
        return EXIT_USAGE

    stats = FindStats()
    done = threading.Event()

    def ticker() -> None:
        # Redraws the count while the walk and hashing go on; wakes at once when they end.
        while not done.wait(0.25):
            status.show(f"looked at {stats.files_seen} files, hashed {stats.files_hashed}", force=True)

    watcher = threading.Thread(target=ticker, daemon=True) if status.enabled else None
    if watcher is not None:
        watcher.start()
    found = 0
    try:
        for event in find_by_digest(
            target,
            args.dirs,
            size=args.size,
            follow_symlinks=args.follow_symlinks,
            workers=args.jobs,
            stats=stats,
        ):
            if isinstance(event, FindMatch):
                found += 1
                status.clear()
                print(printable(str(event.path)), flush=True)
            else:
                warn(printable(event.message))
    except (KeyboardInterrupt, HashingCancelled):
        warn("stopped before the search was complete.")
        return EXIT_INTERRUPTED
    finally:
        done.set()
        if watcher is not None:
            watcher.join(timeout=5)
        status.clear()
    if not found:
        warn(f"no file matched (looked at {stats.files_seen}, hashed {stats.files_hashed}).")
        return EXIT_NOT_FOUND
    return EXIT_FOUND
