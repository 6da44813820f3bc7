"""Where a document's codings lie, in the viewer's terms: layers, lanes and tint segments.

A *layer* is one passage seen through one issue: the passage's span (code points and Qt
positions) in that issue's colour, with the codings behind it. A passage coded on two issues
gives two layers. Overlapping layers get different *lanes*, so each can draw its own underline
without hiding another. *Segments* cut the text where the set of covering layers changes; each
gets one background tint, deeper where layers overlap.

Plain Python, no widgets: built in milliseconds from the cheap ``(coding id, passage id, start, end,
issue id)`` rows of :meth:`CodingRepository.spans`, and queried by
Qt position when the viewer paints, shows a tooltip or handles a click.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from posmap.gui.offsets import OffsetMap

DEFAULT_COLOUR = "#DD8452"


@dataclass(frozen=True, slots=True)
class Layer:
    passage_id: int
    start: int
    end: int
    qt_start: int
    qt_end: int
    issue_id: int
    colour: str
    coding_ids: tuple[int, ...]
    lane: int


@dataclass(frozen=True, slots=True)
class Segment:
    qt_start: int
    qt_end: int
    colours: tuple[str, ...]


CodingSpan = tuple[int, int, int, int, int]
"""``(coding id, passage id, start, end, issue id)``, as :meth:`CodingRepository.spans` reads them."""


class HighlightIndex:
    """The highlights of one document, searchable by Qt position."""

    def __init__(self, spans: Iterable[CodingSpan], issue_colours: Mapping[int, str], offsets: OffsetMap) -> None:
        grouped: dict[tuple[int, int], list[int]] = {}
        bounds: dict[tuple[int, int], tuple[int, int]] = {}
        self.coding_count = 0
        for coding_id, passage_id, start, end, issue_id in spans:
            if not 0 <= start < end <= offsets.length:
                continue  # a damaged passage (``posmap check`` reports it); never crash the reader
            key = (passage_id, issue_id)
            group = grouped.get(key)
            if group is None:
                grouped[key] = [coding_id]
                bounds[key] = (start, end)
            else:
                group.append(coding_id)
            self.coding_count += 1
        # Longer passages first where two start together, so the inner one gets the higher lane.
        keys = sorted(grouped, key=lambda key: (bounds[key][0], -bounds[key][1], key))
        self.layers: list[Layer] = []
        lane_ends: list[int] = []  # per lane: where its last layer ends (Qt position)
        for key in keys:
            start, end = bounds[key]
            qt_start, qt_end = offsets.span_to_qt(start, end)
            for lane, lane_end in enumerate(lane_ends):
                if lane_end <= qt_start:
                    lane_ends[lane] = qt_end
                    break
            else:
                lane = len(lane_ends)
                lane_ends.append(qt_end)
            self.layers.append(Layer(key[0], start, end, qt_start, qt_end, key[1],
                                     issue_colours.get(key[1], DEFAULT_COLOUR), tuple(grouped[key]), lane))
        self.lane_count = len(lane_ends)
        self._starts = [layer.qt_start for layer in self.layers]
        self._longest = max((layer.qt_end - layer.qt_start for layer in self.layers), default=0)
        self.segments: list[Segment] = self._cut_segments()
        self._segment_starts = [segment.qt_start for segment in self.segments]

    def __len__(self) -> int:
        return len(self.layers)

    def layers_between(self, qt_start: int, qt_end: int) -> list[Layer]:
        """Layers that overlap the Qt range [qt_start, qt_end)."""
        low = bisect_left(self._starts, qt_start - self._longest)
        high = bisect_left(self._starts, qt_end)
        return [layer for layer in self.layers[low:high] if layer.qt_end > qt_start]

    def layers_at(self, qt_position: int) -> list[Layer]:
        """Layers covering the character that starts at Qt ``qt_position``."""
        low = bisect_left(self._starts, qt_position - self._longest)
        high = bisect_right(self._starts, qt_position)
        return [layer for layer in self.layers[low:high] if layer.qt_end > qt_position]

    def coding_ids_at(self, qt_position: int) -> list[int]:
        ids: list[int] = []
        for layer in self.layers_at(qt_position):
            ids.extend(layer.coding_ids)
        return sorted(set(ids))

    def segments_between(self, qt_start: int, qt_end: int) -> list[Segment]:
        """Segments that overlap the Qt range [qt_start, qt_end) (segments never overlap each other)."""
        low = max(0, bisect_right(self._segment_starts, qt_start) - 1)
        high = bisect_left(self._segment_starts, qt_end)
        return [segment for segment in self.segments[low:high] if segment.qt_end > qt_start]

    def _cut_segments(self) -> list[Segment]:
        """The text cut where the covering layers change; each piece lists their colours by lane."""
        events: list[tuple[int, int, int]] = []  # (position, 0 = end / 1 = start, layer index)
        for number, layer in enumerate(self.layers):
            events.append((layer.qt_start, 1, number))
            events.append((layer.qt_end, 0, number))
        events.sort()
        active: dict[int, Layer] = {}
        segments: list[Segment] = []
        previous = 0
        for position, starts, number in events:
            if active and position > previous:
                covering = sorted(active.values(), key=lambda layer: layer.lane)
                segments.append(Segment(previous, position, tuple(layer.colour for layer in covering)))
            previous = position
            if starts:
                active[number] = self.layers[number]
            else:
                del active[number]
        return segments
