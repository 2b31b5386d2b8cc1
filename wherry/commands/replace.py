"""``wherry replace``: give a paused or failed download a new address (an expired link)."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "replace",
        help="give a download a new URL, keeping its bytes when the file is the same",
        description=(
            "Replace the URL of a paused or failed download. The bytes already downloaded are kept "
            "when the new URL serves the same file (same size and version), else discarded."
        ),
    )
    parser.add_argument(
        "job", metavar="JOB", help="the job's id (or its start, as 'wherry list' shows) or old URL"
    )
    parser.add_argument("url", metavar="NEW_URL")


def run(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_replace(args))


async def _replace(args: argparse.Namespace) -> int:
    import sys

    from wherry.commands.store_access import open_user_store
    from wherry.core.errors import InputError
    from wherry.headless import configure_logging, headless_engine

    configure_logging()
    repository = open_user_store()
    if repository is None:
        return 1
    try:
        async with headless_engine(repository, lambda event: None) as engine:
            matches = [j for j in engine.jobs() if j.id.startswith(args.job) or j.url == args.job]
            if len(matches) != 1:
                what = "No download matches" if not matches else "Several downloads match"
                print(f"wherry: {what} “{args.job}”; see 'wherry list'.", file=sys.stderr)
                return 2
            try:
                print(await engine.replace_url(matches[0].id, args.url))
            except InputError as error:
                print(f"wherry: {error.message}", file=sys.stderr)
                return 2
        return 0
    finally:
        repository.close()
