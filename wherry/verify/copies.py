"""Files already on disk with a wanted digest: the LocalCopies port, on top of the finder."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path

from wherry.core.jobs import ChecksumSpec
from wherry.verify.finder import DigestTarget, FindMatch, find_by_digest

__all__ = ["FinderCopies", "find_copy"]


def find_copy(
    checksum: ChecksumSpec, size: int, folders: Sequence[str | Path], shallow: Sequence[str | Path] = ()
) -> Path | None:
    """The first regular file of exactly ``size`` bytes with that digest: directly inside one of
    ``shallow`` (the download folder, which may be large and deep) or anywhere under ``folders``.

    Only files of the right size are hashed, so a large folder costs a directory walk, not a read.
    Folders that do not exist or cannot be read are skipped.
    """
    roots: list[Path] = []
    for folder in shallow:
        try:
            with os.scandir(folder) as entries:
                roots += [
                    Path(e.path) for e in entries if e.is_file(follow_symlinks=False) and _size(e) == size
                ]
        except OSError:
            continue
    roots += [Path(folder) for folder in folders if Path(folder).is_dir()]
    if not roots:
        return None
    target = DigestTarget(checksum.hexdigest, (checksum.algorithm,))
    results = find_by_digest(target, roots, size=size)
    try:
        for found in results:
            if isinstance(found, FindMatch):
                return found.path
    finally:
        close = getattr(results, "close", None)  # a generator: closing stops the walk and its pool
        if close is not None:
            close()
    return None


def _size(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat(follow_symlinks=False).st_size
    except OSError:
        return -1


class FinderCopies:
    """The engine's LocalCopies port: the search runs in an executor thread."""

    async def find(
        self,
        checksum: ChecksumSpec,
        size: int,
        folders: Sequence[str | Path],
        shallow: Sequence[str | Path] = (),
    ) -> Path | None:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, find_copy, checksum, size, list(folders), list(shallow))
