"""A real, small file system without fallocate, loop-mounted for a test (root only).

FAT (vfat) is the classic file system without fallocate(2); where the kernel has no vfat, ext2
serves the same purpose: its files are block-mapped, and ext4's driver refuses fallocate on them
(EOPNOTSUPP). Either way a full disk shows up in write(2) in the middle of a download, which is
what the disk-full tests need. Outside CI a machine that cannot loop-mount skips those tests; in CI
it fails them, so the check never silently disappears.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["fill_to", "small_disk"]

_FORMATS = (("vfat", ["mkfs.vfat"]), ("ext2", ["mkfs.ext2", "-q", "-F", "-m", "0"]))


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI runs as root and must loop-mount a small file system: {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def small_disk(where: Path, size_mib: int = 8) -> Iterator[tuple[Path, str]]:
    """Mount a fresh ``size_mib`` image under ``where``; yields (mount point, file system type)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run this test as root (it loop-mounts a file system).")
        pytest.skip("loop-mounting a file system needs root")
    image, mount = where / "disk.img", where / "mnt"
    mount.mkdir()
    failures = []
    for fstype, mkfs in _FORMATS:
        if shutil.which(mkfs[0]) is None:
            failures.append(f"{mkfs[0]} is not installed")
            continue
        image.unlink(missing_ok=True)
        with image.open("wb") as f:
            f.truncate(size_mib * 1024 * 1024)
        made = _run(*mkfs, str(image))
        if made.returncode != 0:
            failures.append(f"{mkfs[0]}: {made.stderr.strip()}")
            continue
        mounted = _run("mount", "-t", fstype, "-o", "loop", str(image), str(mount))
        if mounted.returncode == 0:
            break
        failures.append(f"mount -t {fstype}: {mounted.stderr.strip()}")
    else:
        _unavailable("; ".join(failures))
    try:
        yield mount, fstype
    finally:
        # -l: a file still open in a failed test must not leave the mount behind.
        _run("umount", "-l", str(mount))
        image.unlink(missing_ok=True)


def fill_to(folder: Path, leave: int) -> Path:
    """Write a filler file so that only about ``leave`` bytes stay free; returns its path."""
    filler = folder / "filler"
    free = shutil.disk_usage(folder).free
    chunk = b"\0" * (256 * 1024)
    with filler.open("wb") as f:
        remaining = max(free - leave, 0)
        try:
            while remaining > 0:
                remaining -= f.write(chunk[: min(len(chunk), remaining)])
            f.flush()
            os.fsync(f.fileno())
        except OSError:
            pass  # full already: good enough
    return filler
