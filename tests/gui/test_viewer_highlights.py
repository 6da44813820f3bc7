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
        rows.append((coding_id, passage_id * 1000 + start * 100 + end, start, end, draw(st.integers(1, 3))))
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
