#!/usr/bin/env python3
"""The floor under ``wherry get -i`` for many small files: aiohttp and the disk, nothing else.

Fetches every URL of a list with ``-j`` requests in flight through one aiohttp session, writes
each body to ``NAME.part``, fdatasyncs it off the event loop (``--no-sync`` skips that) and
renames it into place. No store, no resume, no checks, no names, no events: what is left of a
download manager's work when everything it promises is taken away. Comparing it with aria2c
and with Wherry in the same minute shows how much of Wherry's time per file is its own
bookkeeping and how much is Python and aiohttp (docs/PERFORMANCE.md).

    .venv/bin/python bench/floor_fetch.py LIST DIR [-j 16] [--no-sync]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import aiohttp


async def fetch_all(urls: list[str], out: Path, at_once: int, sync: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    loop = asyncio.get_running_loop()
    slots = asyncio.Semaphore(at_once)
    async with aiohttp.ClientSession() as session:

        async def one(url: str) -> None:
            async with slots:
                async with session.get(url) as response:
                    response.raise_for_status()
                    body = await response.read()
                target = out / url.rsplit("/", 1)[-1]
                part = target.with_name(target.name + ".part")
                fd = os.open(part, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
                try:
                    os.pwrite(fd, body, 0)
                    if sync:
                        await loop.run_in_executor(None, os.fdatasync, fd)
                finally:
                    os.close(fd)
                os.rename(part, target)

        await asyncio.gather(*(one(url) for url in urls))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("list", type=Path, help="a file of URLs, one per line")
    parser.add_argument("dir", type=Path, help="the folder to write into")
    parser.add_argument("-j", type=int, default=16, help="requests in flight (default 16)")
    parser.add_argument("--no-sync", action="store_true", help="skip the fdatasync of each file")
    args = parser.parse_args(argv)
    urls = [line.strip() for line in args.list.read_text().splitlines() if line.strip()]
    started = time.perf_counter()
    asyncio.run(fetch_all(urls, args.dir, args.j, not args.no_sync))
    print(f"{len(urls)} files in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
