"""Ideal points, red lines, acceptable ranges and the zone of possible agreement, computed by hand."""

from __future__ import annotations

import itertools

import pytest

from posmap.analysis.bargaining import (
    AcceptableRange,
    RedLine,
    choose_red_line,
    issue_bargaining,
    nearest_point,
    zone_of_possible_agreement,
)
from posmap.model import CodingRecord, Scale

AGREEMENT = Scale.agreement()  # -2 … +2
TERRITORY = Scale.from_labels("full restoration;ceasefire line;recognition of annexations;further cessions")  # 0 … 3
_ids = itertools.count(1)


def record(actor_id: int, position: int, kind: str = "position", *, date: str | None = "2025-01-01",
           issue_id: int = 1, coding_id: int | None = None) -> CodingRecord:
    cid = coding_id if coding_id is not None else next(_ids)
    return CodingRecord(
        id=cid, document_id=1, document_title="Doc", document_author="", document_date=date, passage_id=cid,
        start=0, end=1, quote="x", page=None, actor_id=actor_id, actor=f"actor {actor_id}", issue_id=issue_id,
        issue="issue", position=position, position_label="", kind=kind, attribution="own_words", confidence=1.0,
        note="", coder="", created_at="", updated_at="",
    )


def a_range(actor_id: int, ideal: float, red: int) -> AcceptableRange:
    return AcceptableRange(actor_id=actor_id, issue_id=1, ideal=ideal,
                           red_line=RedLine(position=red, coding_id=actor_id, document_date=None, candidates=1))


# -- nearest scale point ------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (1.4, 1), (1.6, 2), (-0.2, 0), (-1.5, -1), (1.5, 1), (0.5, 0), (-2.0, -2), (2.0, 2),
])
def test_nearest_point_rounds_ties_towards_the_centre(value: float, expected: int) -> None:
    assert nearest_point(value, AGREEMENT) == expected


def test_nearest_point_on_an_uneven_scale() -> None:
    scale = Scale.from_labels("none=0;some=1;most=5;all=10")
    assert nearest_point(3.2, scale) == 5   # |3.2-5| = 1.8 < |3.2-1| = 2.2
    assert nearest_point(3.0, scale) == 5   # tie 2 / 2: 5 is nearer the centre 5.0
    assert nearest_point(8.0, scale) == 10


# -- red lines -----------------------------------------------------------------------------------------


def test_no_red_line_without_red_line_codings() -> None:
    assert choose_red_line([record(1, 2), record(1, 1, "demand")]) is None


def test_most_recent_red_line_wins() -> None:
    older = record(1, -1, "red_line", date="2024-05-01")
    newer = record(1, 0, "red_line", date="2025-02-01")
    chosen = choose_red_line([newer, older], ideal=2)
    assert chosen == RedLine(position=0, coding_id=newer.id, document_date="2025-02-01", candidates=2)
    assert chosen.contested


def test_undated_red_lines_count_as_oldest() -> None:
    undated = record(1, 1, "red_line", date=None)
    dated = record(1, -2, "red_line", date="2020-01-01")
    assert choose_red_line([undated, dated]).position == -2


def test_equally_recent_red_lines_pick_the_one_closest_to_the_ideal_point() -> None:
    strict = record(1, 1, "red_line", date="2025-03-01")
    loose = record(1, -1, "red_line", date="2025-03-01")
    assert choose_red_line([loose, strict], ideal=2).position == 1
    # Without an ideal point the later coding decides.
    assert choose_red_line([strict, loose]).coding_id == max(strict.id, loose.id)


# -- acceptable ranges -------------------------------------------------------------------------------


def test_acceptable_range_runs_from_ideal_point_to_red_line_in_either_direction() -> None:
    assert (a_range(1, 1.5, -1).low, a_range(1, 1.5, -1).high) == (-1, 1.5)
    assert (a_range(2, -2.0, 0).low, a_range(2, -2.0, 0).high) == (-2.0, 0)
    assert a_range(1, 1.5, -1).contains(0) and not a_range(1, 1.5, -1).contains(2)


# -- ZOPA ----------------------------------------------------------------------------------------------


def test_overlapping_ranges_give_a_zopa_with_the_scale_points_inside() -> None:
    # A wants +2 and accepts down to -1: [-1, 2]. B wants -2 and accepts up to +1: [-2, 1].
    zopa = zone_of_possible_agreement([a_range(1, 2, -1), a_range(2, -2, 1)], AGREEMENT)
    assert (zopa.low, zopa.high) == (-1, 1)
    assert zopa.points == (-1, 0, 1)
    assert zopa.actor_ids == (1, 2)


def test_three_ranges_intersect_to_a_single_point() -> None:
    # [0, 2] ∩ [-2, 0] ∩ [-0.5, 1.5] = [0, 0]
    zopa = zone_of_possible_agreement([a_range(1, 2, 0), a_range(2, -2, 0), a_range(3, 1.5, -1)], AGREEMENT)
    assert zopa is not None and (zopa.low, zopa.high) == (0, 0)
    assert zopa.points == (0,)


def test_disjoint_ranges_have_no_zopa() -> None:
    # [1, 2] and [-2, 0] do not meet.
    assert zone_of_possible_agreement([a_range(1, 2, 1), a_range(2, -2, 0)], AGREEMENT) is None


def test_zopa_between_scale_points_has_no_labelled_outcome() -> None:
    # A: ideal 0.4, red line +2 → [0.4, 2]; B: ideal 0.8, red line -2 → [-2, 0.8].
    # The overlap [0.4, 0.8] is real but contains no point of the scale.
    zopa = zone_of_possible_agreement([a_range(1, 0.4, 2), a_range(2, 0.8, -2)], AGREEMENT)
    assert zopa is not None and (zopa.low, zopa.high) == (0.4, 0.8)
    assert zopa.points == ()


def test_one_range_is_not_a_zopa() -> None:
    assert zone_of_possible_agreement([a_range(1, 2, -1)], AGREEMENT) is None


# -- one issue, end to end ------------------------------------------------------------------------------


def test_issue_bargaining_on_a_custom_scale() -> None:
    # Ukraine (1): stated positions 0, 0, 1 → ideal 1/3; red line 1 (ceasefire line) → range [1/3, 1].
    # Russia (2): stated 3, 2 → ideal 2.5; red lines 2 (older) and 1 (newer) → 1 → range [1, 2.5].
    # United States (3): stated 2 only, no red line → unconstrained.
    # EU (4): a red line but no stated position → cannot be oriented.
    records = [
        record(1, 0), record(1, 0, "demand"), record(1, 1, "proposal"), record(1, 1, "red_line"),
        record(2, 3), record(2, 2, "demand"),
        record(2, 2, "red_line", date="2024-01-01"), record(2, 1, "red_line", date="2025-06-01"),
        record(3, 2), record(4, 0, "red_line"),
        record(1, 3, "red_line", issue_id=2),  # another issue: ignored
    ]
    ideals = {1: 1 / 3, 2: 2.5, 3: 2.0}
    result = issue_bargaining(records, 1, TERRITORY, ideals)
    assert [(r.actor_id, r.low, r.high) for r in result.ranges] == [(1, pytest.approx(1 / 3), 1), (2, 1, 2.5)]
    assert result.red_lines[2].position == 1 and result.red_lines[2].candidates == 2
    assert result.without_red_line == (3,)
    assert result.without_position == (4,)
    assert result.zopa is not None and (result.zopa.low, result.zopa.high) == (1, 1)
    assert result.zopa.points == (1,)


def test_issue_bargaining_limits_to_the_chosen_actors() -> None:
    records = [record(1, -2, "red_line"), record(2, 2, "red_line"), record(3, 0, "red_line")]
    ideals = {1: 2.0, 2: -2.0, 3: 1.0}
    everyone = issue_bargaining(records, 1, AGREEMENT, ideals)
    # [-2, 2] ∩ [-2, 2] ∩ [0, 1] = [0, 1]
    assert (everyone.zopa.low, everyone.zopa.high) == (0, 1)
    two = issue_bargaining(records, 1, AGREEMENT, ideals, actor_ids=[2, 1])
    assert [r.actor_id for r in two.ranges] == [2, 1]
    assert (two.zopa.low, two.zopa.high) == (-2, 2)
    assert two.zopa.points == (-2, -1, 0, 1, 2)
