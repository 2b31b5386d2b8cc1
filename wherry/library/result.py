"""What a finished download gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Result"]


@dataclass(frozen=True)
class Result:
    """A complete (and, when a checksum was given, verified) file.

    ``digests`` maps an algorithm name to the hex digest computed over the file; a SHA-256 is
    always there unless the checksum given used another algorithm. ``bytes_reused`` counts the
    bytes that came from earlier, interrupted runs (or the whole size when the file was already
    complete); ``sources`` lists the URLs that supplied bytes in this run, primary first.

    A Result is path-like, so ``open(result)`` and ``os.fspath(result)`` work.
    """

    path: Path
    size: int
    digests: dict[str, str] = field(default_factory=dict)
    bytes_reused: int = 0
    sources: tuple[str, ...] = ()
    job_id: str = ""

    def __fspath__(self) -> str:
        return str(self.path)
