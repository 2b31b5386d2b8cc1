"""``wherry verify``: check files against checksum files, one line per file.

Headless and Qt-free; everything past argparse is imported inside ``run``.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from wherry.verify.batch import FileResult

__all__ = ["StatusLine", "printable", "register", "run"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check files against checksum files",
        description=(
            "Check files against SHA256SUMS-style lists, BSD/OpenSSL lines or sidecars such as "
            "file.iso.sha256. Name checksum files, folders holding them, or the files themselves. "
            "Exit status: 0 when every file checked is OK, 1 when any is not (or none was "
            "checked), 2 for bad usage."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        default=["."],
        help="a checksum file, a folder holding checksum files, or a file to check (default: .)",
    )
    parser.add_argument(
        "--checksum",
        metavar="ALGO:HEX",
        help="check every PATH against this digest instead of looking for checksum files",
    )
    parser.add_argument("-j", "--jobs", type=_positive, metavar="N", help="files hashed at once")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the files that are not OK")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def printable(text: str) -> str:
    """``text`` safe for one terminal line: control characters and undecodable bytes escaped."""
    out: list[str] = []
    for char in text:
        if 0xDC80 <= ord(char) <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif unicodedata.category(char) in ("Cc", "Cs"):
            out.append(char.encode("unicode_escape").decode("ascii"))
        else:
            out.append(char)
    return "".join(out)


def _size(count: float) -> str:
    from wherry.core.sizes import human_size

    return human_size(count)


class StatusLine:
    """A redrawn progress line on a terminal's stderr; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._shown = False
        self._last = 0.0
        self._lock = threading.Lock()

    def show(self, text: str, force: bool = False) -> None:
        if not self.enabled:
            return
        with self._lock:
            now = time.monotonic()
            if not force and now - self._last < 0.2:
                return
            self._last = now
            self.stream.write("\r\x1b[2K" + text)
            self.stream.flush()
            self._shown = True

    def clear(self) -> None:
        with self._lock:
            if self._shown:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
                self._shown = False


def run(args: argparse.Namespace) -> int:
    from wherry.core.errors import InputError
    from wherry.core.jobs import ChecksumSpec
    from wherry.verify.batch import FileStatus, VerifyItem, VerifyPlan, plan_verification, verify_items
    from wherry.verify.hashing import HashingCancelled

    out, err = sys.stdout, sys.stderr
    status = StatusLine(err)

    def warn(text: str) -> None:
        status.clear()
        print(f"wherry verify: {text}", file=err, flush=True)

    if args.checksum is not None:
        try:
            spec = ChecksumSpec.parse(args.checksum)
        except InputError as exc:
            warn(exc.message)
            return EXIT_USAGE
        plan = VerifyPlan(items=[VerifyItem(Path(p), spec.algorithm, spec.hexdigest) for p in args.paths])
    else:
        plan = plan_verification(args.paths)

    for problem in plan.problems:
        warn(printable(problem))
    for warning in plan.warnings:
        warn(f"{printable(str(warning.source))}: {warning.message}")

    def progress(done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        status.show(f"verifying: {percent}%  {_size(done)} of {_size(total)}")

    counts = dict.fromkeys(FileStatus, 0)
    try:
        for result in verify_items(
            plan.items, workers=args.jobs, progress=progress if status.enabled else None
        ):
            counts[result.status] += 1
            if args.quiet and result.ok:
                continue
            status.clear()
            print(_line(result), file=out, flush=True)
    except (KeyboardInterrupt, HashingCancelled):
        status.clear()
        warn("stopped before every file was checked.")
        return EXIT_INTERRUPTED
    status.clear()

    checked = sum(counts.values())
    failures = checked - counts[FileStatus.OK]
    if failures:
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        warn(f"{failures} of {checked} files did not verify ({summary}).")
    elif not checked:
        warn("no file was checked.")
    if failures or plan.problems or not checked:
        return EXIT_FAILED
    return EXIT_OK


def _line(result: FileResult) -> str:
    from wherry.verify.batch import FileStatus

    name = printable(str(result.item.path))
    if result.status is FileStatus.OK:
        return f"{name}: OK"
    if result.status is FileStatus.MISMATCH:
        item = result.item
        return f"{name}: MISMATCH {item.algorithm} expected {item.expected} got {result.actual}"
    if result.status is FileStatus.MISSING:
        return f"{name}: MISSING"
    return f"{name}: UNREADABLE ({printable(result.message or '')})"
