"""``wherry serve``: the whole queue, headless, driven by aria2-compatible clients."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the download queue headless, controlled by aria2 clients (JSON-RPC)",
        description=(
            "Run every download in the queue without the window and answer aria2's JSON-RPC "
            "(HTTP and WebSocket at /jsonrpc), so browser extensions, AriaNg or aria2p can add and "
            "control downloads. Stops cleanly on Ctrl+C or SIGTERM; unfinished downloads continue "
            "at the next start."
        ),
    )
    parser.add_argument("--port", type=int, default=6800, metavar="N", help="port to listen on (6800)")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--secret", metavar="S", help="the secret clients must send (token:S)")
    secret.add_argument("--secret-file", metavar="F", help="read the secret from the file F")
    parser.add_argument(
        "--listen-all",
        action="store_true",
        help="accept connections from other computers (needs a secret)",
    )
    parser.add_argument(
        "--allow-origin-all",
        action="store_true",
        help="let web pages call Wherry (CORS: Access-Control-Allow-Origin: *)",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from wherry.commands.serve_run import serve

    try:
        return asyncio.run(serve(args))
    except KeyboardInterrupt:
        return 0
