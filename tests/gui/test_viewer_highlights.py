"""HighlightIndex: layers, lanes and tint segments computed from coding spans (no widgets involved)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from posmap.gui.highlights import HighlightIndex
from posmap.gui.offsets import OffsetMap

TEXT = "ab😀cdefghij🇺🇦klmnopqrstuvwxyz" * 2
OFFSETS = OffsetMap(TEXT)
COLOURS = {1: "#111111", 2: "#222222", 3: "#333333"}


@st.composite
def spans(draw):
    rows = []
    for coding_id in range(1, draw(st.integers(0, 12)) + 1):
        start = draw(st.integers(0, len(TEXT) - 1))
        end = draw(st.integers(start + 1, len(TEXT)))
        passage_id = draw(st.integers(1, 6))
        # One span per passage id: start * 100 + end stays below 10_000 for TEXT, so ids never collide.
        rows.append((coding_id, passage_id * 10_000 + start * 100 + end, start, end, draw(st.integers(1, 3))))
    return rows


@given(spans())
def test_segments_cover_exactly_the_coded_positions(rows) -> None:
    index = HighlightIndex(rows, COLOURS, OFFSETS)
    covered: dict[int, int] = {}
    for layer in index.layers:
        for position in range(layer.qt_start, layer.qt_end):
            covered[position] = covered.get(position, 0) + 1
    painted: dict[int, int] = {}
    previous_end = -1
    for segment in index.segments:
        assert segment.qt_start >= previous_end and segment.qt_end > segment.qt_start
        previous_end = segment.qt_end
        for position in range(segment.qt_start, segment.qt_end):
            painted[position] = len(segment.colours)
    assert painted == covered


@given(spans())
def test_overlapping_layers_never_share_a_lane(rows) -> None:
    index = HighlightIndex(rows, COLOURS, OFFSETS)
    for first in index.layers:
        for second in index.layers:
            if first is not second and first.qt_start < second.qt_end and second.qt_start < first.qt_end:
                assert first.lane != second.lane


@given(spans(), st.integers(0, OFFSETS.qt_length))
def test_lookups_agree_with_a_scan(rows, position) -> None:
    index = HighlightIndex(rows, COLOURS, OFFSETS)
    expected = sorted({cid for layer in index.layers if layer.qt_start <= position < layer.qt_end
                       for cid in layer.coding_ids})
    assert index.coding_ids_at(position) == expected
    window = [layer for layer in index.layers if layer.qt_start < position + 5 and layer.qt_end > position]
    assert index.layers_between(position, position + 5) == window


def test_damaged_spans_are_skipped_and_codings_on_one_passage_share_a_layer() -> None:
    rows = [(1, 7, 2, 5, 1), (2, 7, 2, 5, 1), (3, 7, 2, 5, 2), (4, 8, 0, 10_000, 1)]
    index = HighlightIndex(rows, COLOURS, OFFSETS)
    assert index.coding_count == 3
    assert [(layer.coding_ids, layer.issue_id) for layer in index.layers] == [((1, 2), 1), ((3,), 2)]
    assert (index.layers[0].start, index.layers[0].qt_start) == (2, 2)
    assert index.layers[0].qt_end == 6  # "😀" took two UTF-16 units


def assert_same_index(index: HighlightIndex, rows: list[tuple[int, int, int, int, int]]) -> None:
    """``index`` holds exactly what a fresh build from ``rows`` holds."""
    fresh = HighlightIndex(rows, COLOURS, OFFSETS)
    assert index.layers == fresh.layers
    assert index.segments == fresh.segments
    assert (index.lane_count, index.coding_count) == (fresh.lane_count, fresh.coding_count)
    for position in range(0, OFFSETS.qt_length + 1, 3):
        assert index.coding_ids_at(position) == fresh.coding_ids_at(position)
        assert index.layers_between(position, position + 7) == fresh.layers_between(position, position + 7)
        assert index.segments_between(position, position + 7) == fresh.segments_between(position, position + 7)


def in_store_order(rows):
    return sorted(rows, key=lambda row: (row[2], row[3], row[0]))


@st.composite
def edits(draw):
    """Rows before, and the codings an edit touches with their rows after (added, moved, deleted)."""
    before = draw(spans())
    touched = draw(st.sets(st.integers(1, 16), max_size=4))
    after = {row[0]: row for row in before if row[0] not in touched}
    changed = []
    for coding_id in sorted(touched):
        if draw(st.booleans()):
            # The new row may reuse a passage and issue of another coding (one more coding on a layer).
            if after and draw(st.booleans()):
                _cid, passage_id, start, end, issue_id = draw(st.sampled_from(sorted(after.values())))
            else:
                start = draw(st.integers(0, len(TEXT) - 1))
                end = draw(st.integers(start + 1, len(TEXT)))
                passage_id, issue_id = 90_000 + start * 100 + end, draw(st.integers(1, 3))
            row = (coding_id, passage_id, start, end, issue_id)
            after[coding_id] = row
            changed.append(row)
    return before, touched, changed, in_store_order(after.values())


@given(edits())
def test_an_update_equals_a_fresh_build(edit) -> None:
    before, touched, changed, after = edit
    index = HighlightIndex(in_store_order(before), COLOURS, OFFSETS)
    painted = index.update(touched, changed)
    assert_same_index(index, after)
    old = HighlightIndex(in_store_order(before), COLOURS, OFFSETS)
    if painted is None:
        assert (old.segments, [(layer.lane, layer.qt_start, layer.qt_end) for layer in old.layers]) == (
            index.segments, [(layer.lane, layer.qt_start, layer.qt_end) for layer in index.layers])
    else:
        # Outside the range reported for repainting, the segments are the ones painted before.
        low, high = painted
        outside = [s for s in index.segments if s.qt_end <= low or s.qt_start >= high]
        assert outside == [s for s in old.segments if s.qt_end <= low or s.qt_start >= high]


@given(spans(), st.data())
def test_updates_one_coding_at_a_time_then_back(rows, data) -> None:
    rows = in_store_order(rows)
    index = HighlightIndex([], COLOURS, OFFSETS)
    for number, row in enumerate(rows):
        index.update([row[0]], [row])
        assert_same_index(index, in_store_order(rows[:number + 1]))
    order = data.draw(st.permutations(rows))
    for number, row in enumerate(order):
        index.update([row[0]], [])
        assert_same_index(index, in_store_order(order[number + 1:]))


def test_an_update_moves_the_lanes_of_later_layers_only_where_needed() -> None:
    # Three nested passages, then a separate one further on.
    rows = [(1, 1, 0, 30, 1), (2, 2, 5, 20, 2), (3, 3, 8, 12, 3), (4, 4, 40, 50, 1)]
    index = HighlightIndex(rows, COLOURS, OFFSETS)
    assert [layer.lane for layer in index.layers] == [0, 1, 2, 0]
    painted = index.update([5], [(5, 5, 0, 35, 2)])  # a longer outer passage pushes the others up a lane
    assert [layer.lane for layer in index.layers] == [0, 1, 2, 3, 0]
    assert painted is not None and painted[1] <= OFFSETS.to_qt(40)
    assert_same_index(index, in_store_order([*rows, (5, 5, 0, 35, 2)]))
    assert index.update([6], [(6, 1, 0, 30, 1)]) is None  # one more coding on a layer: nothing to repaint
    assert index.layers[1].coding_ids == (1, 6)
    index.update([5, 6], [])
    assert_same_index(index, rows)
