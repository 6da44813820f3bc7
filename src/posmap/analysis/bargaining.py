"""Bargaining ranges: ideal points, red lines, acceptable ranges and the zone of possible agreement.

Pure functions over coding rows and scales, following the usual negotiation-analysis reading:

- An actor's **ideal point** on an issue is where its stated positions lie: the mean of its
  ``position``, ``demand`` and ``proposal`` codings (the same mean the position matrix shows for
  those kinds). Concessions and red lines are not part of it.
- Its **red line** is taken from its ``red_line`` codings. When sources give several, the one from
  the most recent document wins (a bottom line that has moved is the newer one); undated documents
  count as older than every dated one. Between equally recent red lines the one *closest to the
  ideal point* wins — the stricter reading, so the analysis never overstates the room for agreement.
- Its **acceptable range** runs from the ideal point to the red line (both ends included). An actor
  without a coded red line has no known range; one with a red line but no stated position cannot be
  oriented and has none either.
- The **zone of possible agreement** (ZOPA) is the intersection of the acceptable ranges of every
  actor that has one (at least two are needed): a settlement must be acceptable to every party at
  the table, and the analyst chooses the table by choosing the actors. Actors without a range are
  reported as unconstrained rather than silently treated as flexible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from posmap.model import CodingKind, CodingRecord, Scale

STATED_POSITION_KINDS = frozenset({CodingKind.POSITION.value, CodingKind.DEMAND.value, CodingKind.PROPOSAL.value})
"""Coding kinds whose positions make up an actor's ideal point."""

RED_LINE_KIND = CodingKind.RED_LINE.value


@dataclass(frozen=True)
class RedLine:
    """The red line chosen for an actor on an issue, and how many red-line codings there were."""

    position: int
    coding_id: int
    document_date: str | None
    candidates: int

    @property
    def contested(self) -> bool:
        """True when sources gave more than one red line (the choice is explained in the method note)."""
        return self.candidates > 1


@dataclass(frozen=True)
class AcceptableRange:
    """The stretch of an issue's scale an actor can accept: from its ideal point to its red line."""

    actor_id: int
    issue_id: int
    ideal: float
    red_line: RedLine

    @property
    def low(self) -> float:
        return min(self.ideal, self.red_line.position)

    @property
    def high(self) -> float:
        return max(self.ideal, self.red_line.position)

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Zopa:
    """Where the acceptable ranges of ``actor_ids`` overlap; ``points`` are the scale values inside it."""

    low: float
    high: float
    actor_ids: tuple[int, ...]
    points: tuple[int, ...]


@dataclass(frozen=True)
class IssueBargaining:
    """Everything the bargaining analysis says about one issue."""

    issue_id: int
    ideal_points: Mapping[int, float]
    red_lines: Mapping[int, RedLine]
    ranges: tuple[AcceptableRange, ...]
    zopa: Zopa | None

    @property
    def without_red_line(self) -> tuple[int, ...]:
        """Actors with a stated position but no red line: their range, and so the ZOPA's limit, is unknown."""
        return tuple(actor_id for actor_id in self.ideal_points if actor_id not in self.red_lines)

    @property
    def without_position(self) -> tuple[int, ...]:
        """Actors with a red line but no stated position: their range cannot be oriented."""
        return tuple(actor_id for actor_id in self.red_lines if actor_id not in self.ideal_points)


def nearest_point(value: float, scale: Scale) -> int:
    """The scale value closest to ``value``; an exact tie goes to the point nearer the scale's centre."""
    centre = (scale.minimum + scale.maximum) / 2
    return min((p.value for p in scale.points), key=lambda v: (abs(v - value), abs(v - centre), v))


def choose_red_line(records: Iterable[CodingRecord], ideal: float | None = None) -> RedLine | None:
    """The red line among ``records`` (only ``red_line`` codings count), or None without any.

    The most recent document wins; undated documents are older than dated ones. Ties go to the
    red line closest to ``ideal`` (the stricter one) when it is known, otherwise to the latest
    coding id.
    """
    candidates = [r for r in records if r.kind == RED_LINE_KIND]
    if not candidates:
        return None

    def rank(record: CodingRecord) -> tuple:
        dated = record.document_date is not None and record.document_date != ""
        closeness = -abs(record.position - ideal) if ideal is not None else 0.0
        return (dated, (record.document_date or "")[:10], closeness, record.id)

    chosen = max(candidates, key=rank)
    return RedLine(
        position=chosen.position, coding_id=chosen.id, document_date=chosen.document_date,
        candidates=len(candidates),
    )


def zone_of_possible_agreement(ranges: Sequence[AcceptableRange], scale: Scale) -> Zopa | None:
    """The intersection of ``ranges``; None when fewer than two ranges are known or they do not overlap."""
    if len(ranges) < 2:
        return None
    low = max(r.low for r in ranges)
    high = min(r.high for r in ranges)
    if low > high:
        return None
    points = tuple(p.value for p in scale.points if low <= p.value <= high)
    return Zopa(low=low, high=high, actor_ids=tuple(r.actor_id for r in ranges), points=points)


def issue_bargaining(
    records: Iterable[CodingRecord], issue_id: int, scale: Scale, ideal_points: Mapping[int, float],
    actor_ids: Sequence[int] | None = None,
) -> IssueBargaining:
    """Red lines, acceptable ranges and ZOPA on one issue.

    ``ideal_points`` maps actor id to the mean of its stated positions on the issue (take it from
    the position matrix over :data:`STATED_POSITION_KINDS`). ``actor_ids`` limits and orders the
    actors considered (default: every actor with an ideal point or a red line, by id).
    """
    red_line_records: dict[int, list[CodingRecord]] = {}
    for record in records:
        if record.issue_id == issue_id and record.kind == RED_LINE_KIND:
            red_line_records.setdefault(record.actor_id, []).append(record)
    if actor_ids is None:
        actor_ids = sorted(set(ideal_points) | set(red_line_records))
    wanted = list(dict.fromkeys(actor_ids))
    ideals = {a: float(ideal_points[a]) for a in wanted if a in ideal_points}
    red_lines: dict[int, RedLine] = {}
    for actor_id in wanted:
        chosen = choose_red_line(red_line_records.get(actor_id, ()), ideals.get(actor_id))
        if chosen is not None:
            red_lines[actor_id] = chosen
    ranges = tuple(
        AcceptableRange(actor_id=a, issue_id=issue_id, ideal=ideals[a], red_line=red_lines[a])
        for a in wanted if a in ideals and a in red_lines
    )
    return IssueBargaining(
        issue_id=issue_id, ideal_points=ideals, red_lines=red_lines, ranges=ranges,
        zopa=zone_of_possible_agreement(ranges, scale),
    )
