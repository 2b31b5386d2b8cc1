from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wherry.core.jobs import Segment
from wherry.engine.planner import (
    ALIGN,
    carve,
    claimable,
    contiguous_prefix,
    range_done,
    reopen,
    split_evenly,
    split_largest,
    tiles,
)

MIB = 1024 * 1024


def test_split_gives_the_second_half_of_the_largest_remaining_piece():
    segments = [Segment(0, 10 * MIB, 2 * MIB)]
    index = split_largest(segments, MIB)
    assert index == 1
    assert segments[0].end == segments[1].start == 6 * MIB
    assert segments[1].end == 10 * MIB
    assert tiles(segments, 10 * MIB)


def test_pieces_below_twice_the_minimum_are_left_alone():
    segments = [Segment(0, 3 * MIB, 2 * MIB)]
    assert split_largest(segments, MIB) is None
    assert segments == [Segment(0, 3 * MIB, 2 * MIB)]


def test_claimable_skips_busy_and_finished_segments():
    a, b, c = Segment(0, 10, 10), Segment(10, 20, 3), Segment(20, 30, 0)
    assert claimable([a, b, c], busy={id(b)}) == 2
    assert claimable([a, b, c], busy={id(b), id(c)}) is None


def test_contiguous_prefix_stops_at_the_first_hole():
    segments = [Segment(0, 100, 100), Segment(100, 200, 50), Segment(200, 300, 100)]
    assert contiguous_prefix(segments) == 150
    segments[1].done = 100
    assert contiguous_prefix(segments) == 300


@st.composite
def downloads(draw):
    total = draw(st.integers(min_value=0, max_value=512 * MIB))
    min_split = draw(st.sampled_from([ALIGN, 64 * 1024, MIB]))
    steps = draw(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 1000)), max_size=40))
    return total, min_split, steps


@given(downloads())
def test_splitting_and_progress_never_overlap_leave_holes_or_lose_bytes(case):
    total, min_split, steps = case
    segments = [Segment(0, total, 0)]
    for fraction, pick in steps:
        # Some connection makes progress on some segment, then another one asks for work.
        segment = segments[pick % len(segments)]
        left = segment.remaining or 0
        segment.done += int(left * fraction)
        before = sum(s.done for s in segments)
        index = split_largest(segments, min_split)
        assert tiles(segments, total)
        assert sum(s.done for s in segments) == before  # no byte forgotten or invented
        if index is not None:
            new = segments[index]
            assert new.done == 0
            assert new.start % ALIGN == 0
            assert new.end - new.start >= min_split
            assert segments[index - 1].remaining >= min_split
    assert 0 <= contiguous_prefix(segments) <= total


def test_split_evenly_gives_each_connection_a_piece():
    segments = [Segment(0, 8 * MIB, 64 * 1024)]
    assert split_evenly(segments, 0, 4, MIB) == 3
    assert tiles(segments, 8 * MIB)
    sizes = [s.end - s.start for s in segments]
    assert max(sizes) - min(sizes) <= ALIGN + 64 * 1024
    assert segments[0].done == 64 * 1024


def test_split_evenly_respects_the_minimum():
    segments = [Segment(0, 3 * MIB, 0)]
    assert split_evenly(segments, 0, 8, MIB) == 2
    assert len(segments) == 3
    assert split_evenly([Segment(0, MIB, 0)], 0, 8, MIB) == 0


@given(
    st.integers(min_value=0, max_value=64 * MIB),
    st.integers(min_value=0, max_value=MIB),
    st.integers(min_value=1, max_value=32),
    st.sampled_from([ALIGN, 64 * 1024, MIB]),
)
def test_split_evenly_always_tiles(total, done, count, min_split):
    segments = [Segment(0, total, min(done, total))]
    before = segments[0].done
    added = split_evenly(segments, 0, count, min_split)
    assert tiles(segments, total)
    assert len(segments) == added + 1 <= max(count, 1)
    assert sum(s.done for s in segments) == before


def test_carve_takes_a_piece_from_where_the_segment_stands():
    segments = [Segment(0, 20 * MIB, MIB)]
    assert carve(segments, 0, 4 * MIB, MIB)
    assert segments == [Segment(0, 5 * MIB, MIB), Segment(5 * MIB, 20 * MIB, 0)]
    assert not carve([Segment(0, 5 * MIB, 0)], 0, 4 * MIB, 2 * MIB)  # the rest would be too small


@given(st.integers(0, 64 * MIB), st.lists(st.integers(0, 3), max_size=30))
def test_carving_in_order_keeps_the_file_tiled(total, picks):
    segments = [Segment(0, total, 0)]
    for pick in picks:
        index = claimable(segments, busy=set())
        if index is None:
            break
        carve(segments, index, 4 * MIB, MIB)
        segments[index].done = segments[index].end - segments[index].start if pick else 0
        assert tiles(segments, total)


def test_reopen_cuts_out_a_bad_piece_and_keeps_the_rest():
    segments = [Segment(0, 8 * MIB, 8 * MIB), Segment(8 * MIB, 16 * MIB, 3 * MIB)]
    reopen(segments, 2 * MIB, 4 * MIB)
    assert tiles(segments, 16 * MIB)
    assert segments[:3] == [
        Segment(0, 2 * MIB, 2 * MIB),
        Segment(2 * MIB, 4 * MIB, 0),
        Segment(4 * MIB, 8 * MIB, 4 * MIB),
    ]
    assert not range_done(segments, 2 * MIB, 4 * MIB)
    assert range_done(segments, 0, 2 * MIB)
    assert range_done(segments, 4 * MIB, 11 * MIB)
    assert not range_done(segments, 4 * MIB, 12 * MIB)


@given(
    st.integers(1, 64),
    st.integers(0, 63),
    st.integers(1, 16),
    st.lists(st.integers(0, 100), min_size=1, max_size=6),
)
def test_reopen_always_tiles_and_only_forgets_the_piece(pieces, which, width, fills):
    total = pieces * 4096
    segments = [Segment(0, total, 0)]
    for _ in fills:
        index = split_largest(segments, 4096)
        if index is None:
            break
    for segment, fill in zip(segments, fills * len(segments), strict=False):
        segment.done = (segment.end - segment.start) * fill // 100
    start = min(which, pieces - 1) * 4096
    end = min(start + width * 4096, total)
    before = {offset for s in segments for offset in range(s.start, s.position, 4096)}
    reopen(segments, start, end)
    assert tiles(segments, total)
    after = {offset for s in segments for offset in range(s.start, s.position, 4096)}
    assert after == {o for o in before if not start <= o < end} | {o for o in after if start <= o < end}
    assert all(not start <= o < end for o in after)
