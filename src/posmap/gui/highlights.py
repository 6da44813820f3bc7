"""Where a document's codings lie, in the viewer's terms: layers, lanes and tint segments.

A *layer* is one passage seen through one issue: the passage's span (code points and Qt
positions) in that issue's colour, with the codings behind it. A passage coded on two issues
gives two layers. Overlapping layers get different *lanes*, so each can draw its own underline
without hiding another. *Segments* cut the text where the set of covering layers changes; each
gets one background tint, deeper where layers overlap.

Plain Python, no widgets: built in milliseconds from the cheap ``(coding id, passage id, start, end,
issue id)`` rows of :meth:`CodingRepository.spans`, and queried by
Qt position when the viewer paints, shows a tooltip or handles a click.

When a few codings change (the user codes, edits or deletes one), :meth:`HighlightIndex.update`
brings the index up to date without rebuilding it: it inserts or removes the layers concerned,
gives new lanes only to the layers whose lane a fresh build would change, and cuts the segments
again only over the stretch of text those layers touch. The result equals a fresh build from the
same rows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from operator import attrgetter

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

LayerKey = tuple[int, int]
"""``(passage id, issue id)``: what makes a layer."""


def _order(layer: Layer) -> tuple[int, int, int, int]:
    """The layers' order: by start, longer first where two start together (so the inner one gets the
    higher lane), then by passage and issue."""
    return layer.qt_start, -layer.qt_end, layer.passage_id, layer.issue_id


def _key(layer: Layer) -> LayerKey:
    return layer.passage_id, layer.issue_id


def _first_free(busy: Mapping[int, int]) -> int:
    lane = 0
    while lane in busy:
        lane += 1
    return lane


def _release(busy: dict[int, int], qt_position: int) -> None:
    """Forget the lanes whose layer ends at or before ``qt_position``."""
    for lane in [lane for lane, end in busy.items() if end <= qt_position]:
        del busy[lane]


def _cut(layers: list[Layer]) -> list[Segment]:
    """``layers`` cut where the covering layers change; each piece lists their colours by lane."""
    events: list[tuple[int, int, int]] = []  # (position, 0 = end / 1 = start, index into ``layers``)
    for number, layer in enumerate(layers):
        events.append((layer.qt_start, 1, number))
        events.append((layer.qt_end, 0, number))
    events.sort()
    active: dict[int, Layer] = {}
    segments: list[Segment] = []
    previous = 0
    for position, starts, number in events:
        if active and position > previous:
            covering = sorted(active.values(), key=attrgetter("lane"))
            segments.append(Segment(previous, position, tuple(layer.colour for layer in covering)))
        previous = position
        if starts:
            active[number] = layers[number]
        else:
            del active[number]
    return segments


class HighlightIndex:
    """The highlights of one document, searchable by Qt position."""

    def __init__(self, spans: Iterable[CodingSpan], issue_colours: Mapping[int, str], offsets: OffsetMap) -> None:
        self._colours = issue_colours
        self._offsets = offsets
        grouped: dict[LayerKey, list[int]] = {}
        bounds: dict[LayerKey, tuple[int, int]] = {}
        self._coding_layers: dict[int, LayerKey] = {}  # coding id -> its layer
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
            self._coding_layers[coding_id] = key
        self.coding_count = len(self._coding_layers)
        placed = []  # sorted as ``_order`` sorts layers: (Qt start, -Qt end, (passage id, issue id))
        for key, (start, end) in bounds.items():
            qt_start, qt_end = offsets.span_to_qt(start, end)
            placed.append((qt_start, -qt_end, key))
        placed.sort()
        self.layers: list[Layer] = []
        self._layers_by_key: dict[LayerKey, Layer] = {}
        lane_ends: list[int] = []  # per lane: where its last layer ends (Qt position)
        for qt_start, minus_qt_end, key in placed:
            qt_end = -minus_qt_end
            for lane, lane_end in enumerate(lane_ends):
                if lane_end <= qt_start:
                    lane_ends[lane] = qt_end
                    break
            else:
                lane = len(lane_ends)
                lane_ends.append(qt_end)
            start, end = bounds[key]
            group = grouped[key]
            layer = Layer(key[0], start, end, qt_start, qt_end, key[1], issue_colours.get(key[1], DEFAULT_COLOUR),
                          tuple(sorted(group) if len(group) > 1 else group), lane)
            self.layers.append(layer)
            self._layers_by_key[key] = layer
        self.lane_count = len(lane_ends)
        self._starts = [layer.qt_start for layer in self.layers]
        self._longest = max((layer.qt_end - layer.qt_start for layer in self.layers), default=0)
        self.segments: list[Segment] = _cut(self.layers)
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

    # -- incremental updates ---------------------------------------------------------------------

    def update(self, coding_ids: Collection[int], spans: Iterable[CodingSpan]) -> tuple[int, int] | None:
        """Bring the codings ``coding_ids`` up to date: ``spans`` are their rows now (a coding without
        a row was deleted, one the index lacks was added, one with a new passage or issue moved).

        Afterwards the index is what a fresh build from the document's rows would be. Returns the
        Qt range [start, end) whose painting changed, or None when nothing drawn changed (e.g. one
        more coding on a passage and issue that already had a layer).
        """
        members: dict[LayerKey, list[int]] = {}  # the layers touched: their codings from now on

        def members_of(key: LayerKey) -> list[int]:
            group = members.get(key)
            if group is None:
                layer = self._layers_by_key.get(key)
                group = members[key] = list(layer.coding_ids) if layer is not None else []
            return group

        for coding_id in coding_ids:
            key = self._coding_layers.pop(coding_id, None)
            if key is not None:
                members_of(key).remove(coding_id)
        bounds: dict[LayerKey, tuple[int, int]] = {}
        for coding_id, passage_id, start, end, issue_id in spans:
            if not 0 <= start < end <= self._offsets.length:
                continue  # skipped as a fresh build skips it
            key = (passage_id, issue_id)
            if coding_id in self._coding_layers:  # a row for a coding not named in ``coding_ids``
                members_of(self._coding_layers[coding_id]).remove(coding_id)
            insort(members_of(key), coding_id)
            self._coding_layers[coding_id] = key
            bounds.setdefault(key, (start, end))
        self.coding_count = len(self._coding_layers)

        removed: list[Layer] = []
        inserted: list[Layer] = []
        for key, group in members.items():
            layer = self._layers_by_key.get(key)
            if layer is None:
                if group:
                    inserted.append(self._new_layer(key, *bounds[key], group))
            elif not group:
                removed.append(layer)
            elif tuple(group) != layer.coding_ids:
                self._put(replace(layer, coding_ids=tuple(group)))
        if not removed and not inserted:
            return None
        return self._reshape(removed, inserted)

    def _new_layer(self, key: LayerKey, start: int, end: int, coding_ids: Iterable[int]) -> Layer:
        """A layer without its lane yet."""
        qt_start, qt_end = self._offsets.span_to_qt(start, end)
        return Layer(key[0], start, end, qt_start, qt_end, key[1], self._colours.get(key[1], DEFAULT_COLOUR),
                     tuple(coding_ids), -1)

    def _position(self, layer: Layer) -> int:
        """Where ``layer`` is, or belongs, in :attr:`layers`."""
        return bisect_left(self.layers, _order(layer), key=_order)

    def _put(self, layer: Layer, number: int | None = None) -> None:
        """Replace the layer with the same key as ``layer`` (at ``number`` when known)."""
        self.layers[self._position(layer) if number is None else number] = layer
        self._layers_by_key[_key(layer)] = layer

    def _reshape(self, removed: list[Layer], inserted: list[Layer]) -> tuple[int, int]:
        """Take ``removed`` out and put ``inserted`` in, then mend lanes and segments around them."""
        for layer in removed:
            number = self._position(layer)
            del self.layers[number]
            del self._starts[number]
            del self._layers_by_key[_key(layer)]
        for layer in inserted:
            number = self._position(layer)
            self.layers.insert(number, layer)
            self._starts.insert(number, layer.qt_start)
            self._layers_by_key[_key(layer)] = layer
        lengths = [layer.qt_end - layer.qt_start for layer in inserted]
        if any(layer.qt_end - layer.qt_start == self._longest for layer in removed):
            self._longest = max((layer.qt_end - layer.qt_start for layer in self.layers), default=0)
        else:
            self._longest = max([self._longest, *lengths])
        relaned = self._relane(sorted(removed, key=_order), {_key(layer) for layer in inserted},
                               min(map(_order, removed + inserted)), max(map(_order, removed + inserted)))
        self.lane_count = max((layer.lane for layer in self.layers), default=-1) + 1
        changed = removed + relaned
        return self._recut(min(layer.qt_start for layer in changed), max(layer.qt_end for layer in changed))

    def _relane(self, removed: list[Layer], inserted: set[LayerKey], first: tuple, last: tuple) -> list[Layer]:
        """Give lanes again from the first changed layer on, as the greedy pass of a fresh build would.

        Walks the layers in order beside the lanes they had before the change (``removed`` still
        in them, the inserted ones not) and stops once, past the last changed layer, the lanes
        in use are the same in both: from there on every layer keeps its lane. Returns the layers
        whose lane is new (the inserted ones included).
        """
        layers = self.layers
        number = bisect_left(layers, first, key=_order)
        begin = first[0]
        # The lanes in use where the walk begins: the earlier layers (unchanged) that reach past it.
        busy = {layer.lane: layer.qt_end
                for layer in layers[bisect_left(self._starts, begin - self._longest):number]
                if layer.qt_end > begin}
        before, after = busy, dict(busy)
        relaned: list[Layer] = []
        gone = 0
        while True:
            if gone < len(removed) and (number == len(layers) or _order(removed[gone]) < _order(layers[number])):
                layer, was_removed = removed[gone], True
            elif number < len(layers):
                layer, was_removed = layers[number], False
            else:
                break
            _release(before, layer.qt_start)
            _release(after, layer.qt_start)
            if _order(layer) > last and before == after:
                break
            if was_removed:
                before[layer.lane] = layer.qt_end
                gone += 1
                continue
            new = _key(layer) in inserted
            if not new:
                before[layer.lane] = layer.qt_end
            lane = _first_free(after)
            after[lane] = layer.qt_end
            if new or lane != layer.lane:
                layer = replace(layer, lane=lane)
                self._put(layer, number)
                relaned.append(layer)
            number += 1
        return relaned

    def _recut(self, qt_start: int, qt_end: int) -> tuple[int, int]:
        """Cut the segments again over [qt_start, qt_end), widened until no layer crosses its ends."""
        while True:
            covering = self.layers_between(qt_start, qt_end)
            low = min([qt_start, *(layer.qt_start for layer in covering)])
            high = max([qt_end, *(layer.qt_end for layer in covering)])
            if (low, high) == (qt_start, qt_end):
                break
            qt_start, qt_end = low, high
        # Neither end lies inside a layer, before or after the change, so no segment crosses them.
        first = bisect_left(self._segment_starts, qt_start)
        stop = bisect_left(self._segment_starts, qt_end)
        segments = _cut(covering)
        self.segments[first:stop] = segments
        self._segment_starts[first:stop] = [segment.qt_start for segment in segments]
        return qt_start, qt_end
