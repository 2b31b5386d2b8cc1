"""Segments of a file and how connections share them. Pure: no I/O, no clock.

Segments are kept sorted by start and always tile the file exactly: each ends where the next
begins, the last ends at the file size. A connection that runs out of work takes the second half
of the largest remaining piece (aria2's and KGet's approach), so the tail of a download never
waits on one slow connection.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from wherry.core.jobs import Segment

__all__ = [
    "ALIGN",
    "carve",
    "claimable",
    "contiguous_prefix",
    "range_done",
    "reopen",
    "split_evenly",
    "split_largest",
    "tiles",
]

# Split points on 4 KiB boundaries keep writes aligned with pages and disk blocks.
ALIGN = 4096


def contiguous_prefix(segments: Sequence[Segment]) -> int:
    """How many bytes from offset 0 are on disk without a hole."""
    end = 0
    for segment in segments:
        if segment.start != end:
            break
        end = segment.position
        if not segment.complete:
            break
    return end


def claimable(segments: Sequence[Segment], busy: Collection[int]) -> int | None:
    """Index of the first unfinished segment nobody is fetching, if any."""
    for index, segment in enumerate(segments):
        if not segment.complete and id(segment) not in busy:
            return index
    return None


def split_largest(
    segments: list[Segment], min_split: int, eligible: Callable[[Segment], bool] = lambda segment: True
) -> int | None:
    """Split the segment with the most bytes left; return the new segment's index, or None.

    The victim keeps its first half (its connection goes on undisturbed); the new segment starts
    at an aligned offset in the middle of what remains. Pieces smaller than ``min_split`` are
    not split.
    """
    best, best_left = None, 0
    for index, segment in enumerate(segments):
        left = segment.remaining
        if left is not None and left > best_left and eligible(segment):
            best, best_left = index, left
    if best is None or best_left < 2 * min_split:
        return None
    victim = segments[best]
    assert victim.end is not None
    at = victim.position + best_left // 2
    at -= at % ALIGN
    if at - victim.position < min_split or victim.end - at < min_split:
        return None
    new = Segment(at, victim.end, 0)
    victim.end = at
    segments.insert(best + 1, new)
    return best + 1


def split_evenly(segments: list[Segment], index: int, count: int, min_split: int) -> int:
    """Cut what ``segments[index]`` still lacks into up to ``count`` even pieces; return how many
    new segments were added after it.

    Used once, when the first answer shows the size: every connection then has a piece of its
    own, and nobody's request is cut short until the tail, when pieces are stolen.
    """
    segment = segments[index]
    left = segment.remaining
    if left is None or count < 2:
        return 0
    pieces = min(count, left // max(min_split, 1))
    if pieces < 2:
        return 0
    assert segment.end is not None
    size = left / pieces
    bounds = [segment.position + round(size * i) for i in range(1, pieces)]
    bounds = sorted({b - b % ALIGN for b in bounds if segment.position < b - b % ALIGN < segment.end})
    ends = [*bounds[1:], segment.end]
    new = [Segment(start, end, 0) for start, end in zip(bounds, ends, strict=True)]
    if not new:
        return 0
    segment.end = bounds[0]
    segments[index + 1 : index + 1] = new
    return len(new)


def carve(segments: list[Segment], index: int, piece: int, min_split: int) -> bool:
    """Shorten ``segments[index]`` to ``piece`` bytes from where it stands; the rest becomes a new
    unclaimed segment after it. Not done when the rest would be smaller than ``min_split``.

    Taking pieces in file order keeps the finished part of the file contiguous, so its digest
    can be computed while the download runs.
    """
    segment = segments[index]
    left = segment.remaining
    if left is None or left < piece + min_split:
        return False
    assert segment.end is not None
    at = segment.position + piece
    at -= at % ALIGN
    if at <= segment.position:
        return False
    segments.insert(index + 1, Segment(at, segment.end, 0))
    segment.end = at
    return True


def range_done(segments: Sequence[Segment], start: int, end: int) -> bool:
    """Are all bytes of [start, end) written?"""
    for segment in segments:
        seg_end = segment.end if segment.end is not None else segment.position
        if segment.start < end and seg_end > start and segment.position < min(end, seg_end):
            return False
    return True


def reopen(segments: list[Segment], start: int, end: int) -> None:
    """Mark [start, end) as not written (a piece that failed its check), keeping every other byte.

    Segments are cut at ``start`` and ``end``; the part inside becomes one segment with nothing
    done, which a connection will claim. A connection writing in a cut segment stops at its new
    end, since connections read their segment's end on every chunk.
    """
    for cut in (start, end):
        for index, segment in enumerate(segments):
            seg_end = segment.end
            if seg_end is not None and segment.start < cut < seg_end:
                left_done = min(segment.done, cut - segment.start)
                right = Segment(cut, seg_end, max(0, segment.done - (cut - segment.start)))
                segment.end, segment.done = cut, left_done
                segments.insert(index + 1, right)
                break
    for segment in segments:
        if start <= segment.start and segment.end is not None and segment.end <= end:
            segment.done = 0


def tiles(segments: Sequence[Segment], total: int) -> bool:
    """True when the segments cover [0, total) exactly, in order, each within its bounds."""
    position = 0
    for segment in segments:
        if segment.start != position or segment.end is None or segment.end < segment.start:
            return False
        if not 0 <= segment.done <= segment.end - segment.start:
            return False
        position = segment.end
    return position == total
