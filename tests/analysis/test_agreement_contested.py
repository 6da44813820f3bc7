"""The agreement matrix, contested cells and the whole matrix report, worked out by hand."""

from __future__ import annotations

import pytest

from posmap.analysis import (
    Axis,
    Catalogue,
    DocumentRef,
    RecordFilter,
    Stat,
    agreement_matrix,
    contested_cells,
    matrix_report,
    position_matrix,
)
from posmap.model import Actor, CodingRecord, Issue, Scale

AGREE = Scale.agreement()  # width 4, step 1
WIDE = Scale.from_labels("none=0;some=10;most=20;all=30")  # width 30, step 10
SEVEN = Scale.from_labels("a;b;c;d;e;f;g")  # width 6, step 1

A, A_CHILD, B, C, D = 1, 2, 3, 4, 5
CEASEFIRE, TIMING, TERRITORY, BORDER = 10, 11, 20, 21
OLD, NEW, UNDATED = 100, 101, 102

CATALOGUE = Catalogue(
    actors=(Actor(id=A, name="A"), Actor(id=A_CHILD, name="A child", parent_id=A), Actor(id=B, name="B"),
            Actor(id=C, name="C"), Actor(id=D, name="D")),
    issues=(Issue(id=CEASEFIRE, name="Ceasefire", scale=AGREE),
            Issue(id=TIMING, name="Timing", parent_id=CEASEFIRE, scale=AGREE),
            Issue(id=TERRITORY, name="Territory", scale=WIDE),
            Issue(id=BORDER, name="Border", parent_id=TERRITORY, scale=SEVEN)),
    documents=(DocumentRef(id=OLD, title="Old", date="2023-01-01"), DocumentRef(id=NEW, title="New", date="2024-01-01"),
               DocumentRef(id=UNDATED, title="Undated")),
)


def coding(cid: int, actor: int, issue: int, position: int, document: int) -> CodingRecord:
    doc = CATALOGUE.document(document)
    return CodingRecord(
        id=cid, document_id=document, document_title=doc.title, document_author="", document_date=doc.date,
        passage_id=cid, start=0, end=1, quote="q", page=None, actor_id=actor, actor=CATALOGUE.actor(actor).name,
        issue_id=issue, issue=CATALOGUE.issue(issue).name, position=position, position_label="", kind="position",
        attribution="own_words", confidence=1.0, note="", coder="", created_at="2024-06-01T00:00:00",
        updated_at="2024-06-01T00:00:00",
    )


RECORDS = [
    coding(1, A, CEASEFIRE, 2, OLD),
    coding(2, A, CEASEFIRE, -1, NEW),  # A's Ceasefire mean: 0.5
    coding(3, A, TERRITORY, 20, NEW),  # A's Territory: 20
    coding(4, A_CHILD, CEASEFIRE, 2, OLD),  # the child: Ceasefire 2
    coding(5, A_CHILD, TIMING, -2, OLD),  # … and Timing -2
    coding(6, B, CEASEFIRE, 1, OLD),  # B: Ceasefire 1
    coding(7, B, TERRITORY, 0, OLD),
    coding(8, B, TERRITORY, 10, OLD),
    coding(9, B, TERRITORY, 30, NEW),  # B's Territory mean: 40 / 3
    coding(10, B, BORDER, 6, UNDATED),
    coding(11, D, BORDER, 0, OLD),  # D shares no issue with A
]


def agreement_at(matrix, first: int, second: int):
    order = [e.id for e in matrix.actors]
    return matrix.cell(order.index(first), order.index(second))


# -- agreement -------------------------------------------------------------------------------------------


def test_agreement_over_shared_issues_on_different_scales() -> None:
    matrix = agreement_matrix(RECORDS, CATALOGUE)
    cell = agreement_at(matrix, A, B)
    # Ceasefire: 1 - |0.5 - 1| / 4 = 0.875; Territory: 1 - |20 - 40/3| / 30 = 7/9.
    assert cell.agreement == pytest.approx((0.875 + 7 / 9) / 2)
    assert (cell.shared_issues, cell.issue_ids) == (2, (CEASEFIRE, TERRITORY))
    assert agreement_at(matrix, B, A) == cell  # symmetric


def test_agreement_on_one_shared_issue() -> None:
    matrix = agreement_matrix(RECORDS, CATALOGUE)
    assert agreement_at(matrix, A, A_CHILD).agreement == pytest.approx(1 - 1.5 / 4)  # 0.5 vs 2
    assert agreement_at(matrix, A_CHILD, B).agreement == pytest.approx(0.75)  # 2 vs 1
    assert agreement_at(matrix, B, D).agreement == pytest.approx(0.0)  # Border 6 vs 0: opposite ends
    assert agreement_at(matrix, B, D).shared_issues == 1


def test_actors_without_shared_issues_have_no_agreement() -> None:
    matrix = agreement_matrix(RECORDS, CATALOGUE)
    for other in (A, A_CHILD, B, D):
        cell = agreement_at(matrix, C, other)  # C has no codings at all
        assert (cell.agreement, cell.shared_issues, cell.issue_ids) == (None, 0, ())
    assert agreement_at(matrix, A, D).agreement is None  # both coded, but on different issues
    assert agreement_at(matrix, C, C).agreement is None


def test_an_actor_agrees_fully_with_itself() -> None:
    matrix = agreement_matrix(RECORDS, CATALOGUE)
    assert agreement_at(matrix, B, B).agreement == pytest.approx(1.0)
    assert agreement_at(matrix, B, B).shared_issues == 3


def test_agreement_with_rollup_counts_nested_actors() -> None:
    matrix = agreement_matrix(RECORDS, CATALOGUE, rollup=True)
    # A now holds its child's codings: Ceasefire 2, -1, 2 → mean 1; Timing -2 (B has none there).
    cell = agreement_at(matrix, A, B)
    assert cell.agreement == pytest.approx((1.0 + 7 / 9) / 2)
    assert cell.shared_issues == 2
    assert matrix.rollup is True


def test_agreement_by_another_statistic() -> None:
    matrix = agreement_matrix(RECORDS, CATALOGUE, position=Stat.LATEST)
    # Latest: A's Ceasefire -1 (new) vs B's 1 → 0.5; A's Territory 20 vs B's latest 30 → 1 - 10/30.
    assert agreement_at(matrix, A, B).agreement == pytest.approx((0.5 + 2 / 3) / 2)
    with pytest.raises(ValueError):
        agreement_matrix(RECORDS, CATALOGUE, position=Stat.COUNT)


# -- contested cells ---------------------------------------------------------------------------------------


def test_contested_cells_most_contested_first() -> None:
    found = contested_cells(position_matrix(RECORDS, CATALOGUE))
    assert [(c.actor.label, c.issue.label) for c in found] == [("A", "Ceasefire"), ("B", "Territory")]
    ceasefire, territory = found
    assert ceasefire.steps == pytest.approx(3.0)  # document means 2 (old) and -1 (new), step 1
    assert territory.steps == pytest.approx(2.5)  # document means 5 and 30, step 10
    assert territory.basis.step == 10
    assert territory.stats.document_means == ((OLD, 5.0), (NEW, 30.0))
    assert territory.stats.coding_ids == (7, 8, 9)


def test_less_than_two_steps_between_sources_is_not_contested() -> None:
    records = [coding(1, A, TERRITORY, 0, OLD), coding(2, A, TERRITORY, 30, OLD), coding(3, A, TERRITORY, 10, NEW)]
    # Document means 15 and 10: 0.5 steps apart, though the codings span the whole scale.
    assert contested_cells(position_matrix(records, CATALOGUE)) == ()
    records.append(coding(4, A, TERRITORY, 30, UNDATED))  # 30 vs 10: exactly 2 steps
    (found,) = contested_cells(position_matrix(records, CATALOGUE))
    assert found.steps == pytest.approx(2.0)


def test_contested_in_a_normalised_rolled_up_cell() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE, rollup=True)
    found = {(c.actor.label, c.issue.label): c for c in contested_cells(matrix)}
    territory = found[("B", "Territory")]
    # Normalised: old (0, 10 of 0…30) → mean -2/3; new (30) → 1; undated (Border 6 of 0…6) → 1.
    # The step is the Border's 1 of width 6 → 1/3 normalised, so the spread 5/3 is 5 steps.
    assert territory.basis.normalised
    assert territory.stats.document_spread == pytest.approx(5 / 3)
    assert territory.steps == pytest.approx(5.0)


def test_contested_cells_of_issues_by_actors_and_refusal_for_documents() -> None:
    flipped = contested_cells(position_matrix(RECORDS, CATALOGUE, rows="issues", columns="actors"))
    assert [(c.actor.label, c.issue.label) for c in flipped] == [("A", "Ceasefire"), ("B", "Territory")]
    with pytest.raises(ValueError):
        contested_cells(position_matrix(RECORDS, CATALOGUE, rows="documents", columns="actors"))


# -- the report ------------------------------------------------------------------------------------------------


def test_matrix_report_filters_and_bundles_everything() -> None:
    report = matrix_report(RECORDS, CATALOGUE, rows="documents", columns="issues", statistic="count",
                           where=RecordFilter(document_ids=(OLD, NEW)), title="T")
    assert report.statistic is Stat.COUNT
    assert [r.id for r in report.records] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    assert (report.matrix.row_axis, report.matrix.column_axis) == (Axis.DOCUMENTS, Axis.ISSUES)
    # Agreement and contested cells are always about actors and issues, whatever the matrix shows.
    assert [(c.actor.label, c.issue.label) for c in report.contested] == [("A", "Ceasefire"), ("B", "Territory")]
    assert agreement_at(report.agreement, A, B).shared_issues == 2


def test_matrix_report_agreement_never_rolls_up_issues() -> None:
    report = matrix_report(RECORDS, CATALOGUE, rollup=True)
    # Rolled-up actors, single issues: A (with its child) and B share Ceasefire and Territory only.
    assert agreement_at(report.agreement, A, B).issue_ids == (CEASEFIRE, TERRITORY)
    assert report.agreement.rollup is True
