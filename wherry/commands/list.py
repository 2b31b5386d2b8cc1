"""``wherry list``: the jobs in the store, one line each."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    subparsers.add_parser("list", help="list downloads and their state", description="List downloads.")


def run(args: argparse.Namespace) -> int:
    from wherry.commands.store_access import open_user_store
    from wherry.core.sizes import human_size

    repository = open_user_store()
    if repository is None:
        return 1
    try:
        jobs = repository.load_jobs()
    finally:
        repository.close()
    if not jobs:
        print("No downloads yet.")
        return 0
    for job in jobs:
        total = human_size(job.total_size) if job.total_size is not None else "?"
        done = human_size(job.bytes_done)
        line = f"{job.id[:8]}  {job.state.value:<9}  {done:>10} / {total:<10}  {job.display_name}"
        if job.checksum is not None:
            # Where the expected digest came from: typed in, a metalink, or what the server published.
            line += f"  [{job.checksum.algorithm} {job.checksum_origin}]"
        if job.error_message and job.state.value in ("failed", "paused"):
            line += f"  ({job.error_message})"
        print(line)
    return 0
