"""The position matrix and its filters, on a small corpus whose every number is worked out by hand below."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posmap.analysis import (
    Axis,
    Catalogue,
    DocumentRef,
    RecordFilter,
    Stat,
    filter_records,
    format_value,
    position_matrix,
)
from posmap.model import Actor, CodingRecord, Issue, Scale

AGREE = Scale.agreement()  # -2 … +2, step 1, width 4
WIDE = Scale.from_labels("none=0;some=10;most=20;all=30")  # step 10, width 30
SEVEN = Scale.from_labels("a;b;c;d;e;f;g")  # 0 … 6, step 1, width 6

AURELIA, MINISTER, BOREA, CETRA, DELTA = 1, 2, 3, 4, 5
CEASEFIRE, TIMING, TERRITORY, BORDER = 10, 11, 20, 21
STUDY, STATEMENT, INTERVIEW = 100, 101, 102

CATALOGUE = Catalogue(
    actors=(
        Actor(id=AURELIA, name="Aurelia"),
        Actor(id=MINISTER, name="Aurelian minister", parent_id=AURELIA),
        Actor(id=BOREA, name="Borea"),
        Actor(id=CETRA, name="Cetra"),  # never coded: an empty row
        Actor(id=DELTA, name="Delta"),
    ),
    issues=(
        Issue(id=CEASEFIRE, name="Ceasefire", scale=AGREE),
        Issue(id=TIMING, name="Ceasefire timing", parent_id=CEASEFIRE, scale=AGREE),
        Issue(id=TERRITORY, name="Territory", scale=WIDE),
        Issue(id=BORDER, name="Border line", parent_id=TERRITORY, scale=SEVEN),
    ),
    documents=(
        DocumentRef(id=STUDY, title="Options study", author="Lena Farrow", date="2024-01-10", kind="study"),
        DocumentRef(id=STATEMENT, title="Ministry statement", author="Pavel Lunin", date="2024-03-01",
                    kind="statement"),
        DocumentRef(id=INTERVIEW, title="Interview", author="lena farrow ", date=None, kind="interview"),
    ),
)
_DOCS = {d.id: d for d in CATALOGUE.documents}
_ACTORS = {a.id: a.name for a in CATALOGUE.actors}
_ISSUES = {i.id: i for i in CATALOGUE.issues}


def coding(cid: int, actor: int, issue: int, position: int, document: int, *, created: str = "2024-05-01T10:00:00",
           kind: str = "position", attribution: str = "own_words", coder: str = "ann") -> CodingRecord:
    doc = _DOCS[document]
    return CodingRecord(
        id=cid, document_id=document, document_title=doc.title, document_author=doc.author,
        document_date=doc.date, passage_id=cid, start=0, end=5, quote="quote", page=None, actor_id=actor,
        actor=_ACTORS[actor], issue_id=issue, issue=_ISSUES[issue].name, position=position,
        position_label=_ISSUES[issue].scale.label_for(position) or "", kind=kind, attribution=attribution,
        confidence=1.0, note="", coder=coder, created_at=created, updated_at=created,
    )


RECORDS = [
    # Aurelia on Ceasefire: 2 (study), -1 and 1 (statement, the 1 coded later), 0 (undated, coded last of all).
    coding(1, AURELIA, CEASEFIRE, 2, STUDY),
    coding(2, AURELIA, CEASEFIRE, -1, STATEMENT, attribution="reported"),
    coding(3, AURELIA, CEASEFIRE, 1, STATEMENT, created="2024-05-02T10:00:00", kind="red_line"),
    coding(4, AURELIA, CEASEFIRE, 0, INTERVIEW, created="2024-12-31T23:59:59"),
    # The minister (nested in Aurelia): one coding on the nested issue, one on its parent.
    coding(5, MINISTER, TIMING, -2, STUDY),
    coding(6, MINISTER, CEASEFIRE, 2, STUDY),
    # Borea on Territory (0, 10, 20, 30): 0 and 10 in the study, 30 in the statement; 6 on the border line.
    coding(7, BOREA, TERRITORY, 0, STUDY, coder="bob"),
    coding(8, BOREA, TERRITORY, 10, STUDY),
    coding(9, BOREA, TERRITORY, 30, STATEMENT, attribution="assessment"),
    coding(10, BOREA, BORDER, 6, INTERVIEW),
    coding(11, AURELIA, TERRITORY, 20, STATEMENT),
    coding(12, BOREA, CEASEFIRE, 1, STUDY),
    # Delta: one document disagrees with itself (not contested); two sources one step apart (not contested).
    coding(13, DELTA, CEASEFIRE, -2, STUDY),
    coding(14, DELTA, CEASEFIRE, 2, STUDY),
    coding(15, DELTA, TERRITORY, 10, STUDY),
    coding(16, DELTA, TERRITORY, 20, STATEMENT),
]


def at(matrix, row_id: int, column_id: int):
    i = next(n for n, e in enumerate(matrix.rows) if e.id == row_id)
    j = next(n for n, e in enumerate(matrix.columns) if e.id == column_id)
    return matrix.cell(i, j), i, j


# -- statistics ---------------------------------------------------------------------------------------


def test_every_statistic_of_a_cell() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE)
    cell, i, j = at(matrix, AURELIA, CEASEFIRE)
    assert cell.count == 4
    assert cell.documents == 3
    assert cell.mean == pytest.approx(0.5)  # (2 - 1 + 1 + 0) / 4
    assert cell.median == pytest.approx(0.5)  # sorted -1, 0, 1, 2 → (0 + 1) / 2
    assert (cell.min, cell.max, cell.spread) == (-1, 2, 3)
    # Latest: the statement (2024-03-01) is the newest dated document; of its two codings #3 was coded later.
    # The interview coding #4 was coded last of all but its document is undated, so it counts as oldest.
    assert (cell.latest, cell.latest_coding_id) == (1, 3)
    assert cell.coding_ids == (1, 2, 3, 4)
    assert cell.normalised is False
    assert matrix.label(i, j, Stat.LATEST) == "supports"
    assert matrix.label(i, j, Stat.MEAN) is None  # 0.5 is no point of the scale
    assert matrix.label(i, j, Stat.COUNT) is None
    assert [cell.value(s) for s in Stat] == [4, 0.5, 0.5, -1, 2, 1, 3]


def test_a_single_coding() -> None:
    cell, *_ = at(position_matrix(RECORDS, CATALOGUE), MINISTER, TIMING)
    assert (cell.count, cell.documents, cell.mean, cell.median, cell.min, cell.max, cell.latest, cell.spread) == (
        1, 1, -2.0, -2.0, -2, -2, -2, 0)
    assert (cell.document_spread, cell.contested, cell.coding_ids) == (0.0, False, (5,))


def test_a_custom_scale_keeps_its_own_values() -> None:
    cell, *_ = at(position_matrix(RECORDS, CATALOGUE), BOREA, TERRITORY)
    assert cell.mean == pytest.approx(40 / 3)
    assert (cell.median, cell.min, cell.max, cell.spread, cell.latest) == (10, 0, 30, 30, 30)
    assert cell.document_means == ((STUDY, 5.0), (STATEMENT, 30.0))


def test_latest_ties_on_date_and_time_go_to_the_higher_id() -> None:
    same = [coding(1, AURELIA, CEASEFIRE, -2, STUDY), coding(2, AURELIA, CEASEFIRE, 2, STUDY),
            coding(3, AURELIA, CEASEFIRE, 0, STUDY)]
    cell, *_ = at(position_matrix(same[::-1], CATALOGUE), AURELIA, CEASEFIRE)
    assert (cell.latest, cell.latest_coding_id) == (0, 3)


def test_latest_among_undated_documents_uses_coding_time() -> None:
    undated = [coding(1, AURELIA, CEASEFIRE, 2, INTERVIEW, created="2024-02-01T00:00:00"),
               coding(2, AURELIA, CEASEFIRE, -2, INTERVIEW, created="2024-01-01T00:00:00")]
    cell, *_ = at(position_matrix(undated, CATALOGUE), AURELIA, CEASEFIRE)
    assert (cell.latest, cell.latest_coding_id) == (2, 1)


def test_empty_cells_and_rows_are_none_and_blank() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE)
    cetra = [e.id for e in matrix.rows].index(CETRA)
    assert matrix.cells[cetra] == (None,) * matrix.column_count
    assert matrix.value(cetra, 0, Stat.MEAN) is None
    assert matrix.display(cetra, 0, Stat.MEAN) == ""
    assert matrix.label(cetra, 0, Stat.LATEST) is None
    cell, *_ = at(matrix, AURELIA, BORDER)
    assert cell is None


def test_no_codings_gives_an_all_empty_matrix() -> None:
    matrix = position_matrix([], CATALOGUE)
    assert (matrix.row_count, matrix.column_count) == (5, 4)
    assert matrix.non_empty() == []
    assert position_matrix([], CATALOGUE, drop_empty=True).rows == ()


def test_rows_and_columns_follow_the_codebook_tree() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE)
    assert [(e.label, e.depth) for e in matrix.rows] == [
        ("Aurelia", 0), ("Aurelian minister", 1), ("Borea", 0), ("Cetra", 0), ("Delta", 0)]
    assert [(e.label, e.depth) for e in matrix.columns] == [
        ("Ceasefire", 0), ("Ceasefire timing", 1), ("Territory", 0), ("Border line", 1)]


def test_drop_empty_leaves_out_rows_without_codings() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE, drop_empty=True)
    assert CETRA not in [e.id for e in matrix.rows]
    assert len(matrix.bases) == matrix.column_count == 4


def test_issues_as_rows_is_the_transpose() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE)
    flipped = position_matrix(RECORDS, CATALOGUE, rows="issues", columns="actors")
    for i in range(matrix.row_count):
        for j in range(matrix.column_count):
            assert matrix.cell(i, j) == flipped.cell(j, i)
            assert matrix.basis(i, j) == flipped.basis(j, i)


# -- roll-up ------------------------------------------------------------------------------------------


def test_without_rollup_a_parent_holds_only_its_own_codings() -> None:
    cell, *_ = at(position_matrix(RECORDS, CATALOGUE), AURELIA, CEASEFIRE)
    assert cell.coding_ids == (1, 2, 3, 4)


def test_rollup_adds_nested_actors_and_issues_and_keeps_their_rows() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE, rollup=True)
    cell, *_ = at(matrix, AURELIA, CEASEFIRE)
    # Aurelia's own 1-4, the minister's #5 (on the nested issue) and #6: values 2, -1, 1, 0, -2, 2.
    assert cell.coding_ids == (1, 2, 3, 4, 5, 6)
    assert cell.mean == pytest.approx(2 / 6)
    assert cell.median == pytest.approx(0.5)  # sorted -2, -1, 0, 1, 2, 2
    assert (cell.min, cell.max, cell.spread, cell.latest) == (-2, 2, 4, 1)
    assert cell.normalised is False  # Ceasefire and its child share the agreement scale
    minister, *_ = at(matrix, MINISTER, CEASEFIRE)
    assert minister.coding_ids == (5, 6)  # the child row still appears, rolled up over issues only
    assert at(matrix, AURELIA, TIMING)[0].coding_ids == (5,)


def test_rollup_over_issues_with_different_scales_normalises() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE, rollup=True)
    cell, i, j = at(matrix, BOREA, TERRITORY)
    # Territory 0, 10, 30 on 0…30 → -1, -1/3, +1; the border line's 6 on 0…6 → +1.
    assert cell.normalised is True
    assert cell.mean == pytest.approx((-1 - 1 / 3 + 1 + 1) / 4)
    assert cell.median == pytest.approx((-1 / 3 + 1) / 2)
    assert (cell.min, cell.max, cell.spread) == (pytest.approx(-1), pytest.approx(1), pytest.approx(2))
    assert matrix.basis(i, j).scale is None
    assert matrix.basis(i, j).step == pytest.approx(1 / 3)  # the border line's step 1 of width 6, normalised
    assert matrix.label(i, j, Stat.MIN) is None  # normalised values carry no labels
    assert matrix.display(i, j, Stat.MIN) == "-1.00"
    assert matrix.normalised is True
    # The nested issue's own column keeps its own scale.
    child, ci, cj = at(matrix, BOREA, BORDER)
    assert (child.normalised, child.mean, matrix.label(ci, cj, Stat.LATEST)) == (False, 6.0, "g")


def test_rollup_of_one_axis_only() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE, rollup=[Axis.ACTORS])
    assert at(matrix, AURELIA, CEASEFIRE)[0].coding_ids == (1, 2, 3, 4, 6)
    assert matrix.rollup == frozenset({Axis.ACTORS})


# -- axes mixing issues ---------------------------------------------------------------------------------


def test_documents_by_actors_normalises_when_issue_scales_differ() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE, rows="documents", columns="actors")
    assert [e.id for e in matrix.rows] == [STUDY, STATEMENT, INTERVIEW]  # by date, undated last
    cell, i, j = at(matrix, STUDY, BOREA)
    # Study × Borea: Territory 0 → -1, 10 → -1/3; Ceasefire 1 on -2…2 → 0.5.
    assert cell.normalised and matrix.normalised
    assert cell.mean == pytest.approx((-1 - 1 / 3 + 0.5) / 3)
    assert cell.coding_ids == (7, 8, 12)
    assert matrix.display(i, j, Stat.MIN) == "-1.00"
    assert matrix.display(i, j, Stat.COUNT) == "3"


def test_documents_by_actors_keeps_raw_values_when_all_issues_share_a_scale() -> None:
    agreement_only = Catalogue(CATALOGUE.actors, CATALOGUE.issues[:2], CATALOGUE.documents)
    records = [r for r in RECORDS if r.issue_id in (CEASEFIRE, TIMING)]
    matrix = position_matrix(records, agreement_only, rows="documents", columns="actors")
    cell, i, j = at(matrix, STUDY, DELTA)
    assert (cell.normalised, cell.min, cell.max, cell.mean) == (False, -2, 2, 0.0)
    assert matrix.basis(i, j).scale == AGREE
    assert not matrix.normalised


def test_a_document_row_is_never_contested() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE, rows="documents", columns="issues")
    assert all(not cell.contested for _, _, cell in matrix.non_empty())


# -- contested flag and errors ---------------------------------------------------------------------------


def test_contested_needs_two_steps_between_documents() -> None:
    matrix = position_matrix(RECORDS, CATALOGUE)
    assert at(matrix, AURELIA, CEASEFIRE)[0].contested  # document means 2, 0, 0 → 2 steps
    assert at(matrix, AURELIA, CEASEFIRE)[0].document_spread == 2
    assert at(matrix, BOREA, TERRITORY)[0].contested  # 5 vs 30 → 25 ≥ 2 × 10
    delta_ceasefire = at(matrix, DELTA, CEASEFIRE)[0]
    assert delta_ceasefire.spread == 4 and not delta_ceasefire.contested  # one document disagreeing with itself
    delta_territory = at(matrix, DELTA, TERRITORY)[0]
    assert delta_territory.document_spread == 10 and not delta_territory.contested  # one step only


def test_rows_and_columns_must_differ() -> None:
    with pytest.raises(ValueError, match="different"):
        position_matrix(RECORDS, CATALOGUE, rows="actors", columns="actors")


def test_codings_outside_the_catalogue_are_refused_or_filled_in() -> None:
    stranger = coding(99, AURELIA, CEASEFIRE, 0, STUDY)
    stranger = CodingRecord(**{**{f: getattr(stranger, f) for f in stranger.__slots__}, "actor_id": 77})
    with pytest.raises(ValueError, match="actor 77"):
        position_matrix([stranger], CATALOGUE)
    filled = position_matrix([stranger], CATALOGUE.with_records([stranger]))
    assert at(filled, 77, CEASEFIRE)[0].count == 1


def test_format_value() -> None:
    assert format_value(None, "mean") == ""
    assert format_value(0.5, "mean") == "0.50"
    assert format_value(2.0, "median") == "2.00"
    assert format_value(-1, "min") == "-1"
    assert format_value(-1.0, "min", normalised=True) == "-1.00"
    assert format_value(4, "count") == "4"
    assert format_value(3, "spread") == "3"


# -- filters --------------------------------------------------------------------------------------------


def ids(where: RecordFilter) -> list[int]:
    return [r.id for r in filter_records(RECORDS, where, CATALOGUE)]


def test_an_empty_filter_keeps_everything() -> None:
    assert ids(RecordFilter()) == list(range(1, 17))
    assert RecordFilter().is_empty


def test_filter_by_document_id_kind_and_author() -> None:
    in_statement = [2, 3, 9, 11, 16]
    assert ids(RecordFilter(document_ids=(STATEMENT,))) == in_statement
    assert ids(RecordFilter(document_kinds=("Statement ",))) == in_statement
    # Author matches case-insensitively and ignoring surrounding spaces: the study and the interview.
    assert ids(RecordFilter(document_authors=("LENA FARROW",))) == [1, 4, 5, 6, 7, 8, 10, 12, 13, 14, 15]
    assert ids(RecordFilter(document_ids=(STUDY, STATEMENT), document_kinds=("interview",))) == []


def test_filter_by_date_range_leaves_out_undated_documents() -> None:
    assert ids(RecordFilter(since=dt.date(2024, 2, 1))) == [2, 3, 9, 11, 16]
    assert ids(RecordFilter(until=dt.date(2024, 2, 1))) == [1, 5, 6, 7, 8, 12, 13, 14, 15]
    assert ids(RecordFilter(since=dt.date(2024, 1, 10), until=dt.date(2024, 1, 10))) == [1, 5, 6, 7, 8, 12, 13, 14, 15]
    assert ids(RecordFilter(since=dt.date(2025, 1, 1))) == []


def test_a_backwards_date_range_is_refused() -> None:
    with pytest.raises(ValueError, match="after it ends"):
        RecordFilter(since=dt.date(2024, 2, 1), until=dt.date(2024, 1, 1))


def test_filter_by_attribution_kind_and_coder() -> None:
    assert ids(RecordFilter(attributions=("reported", "assessment"))) == [2, 9]
    assert ids(RecordFilter(kinds=("red_line",))) == [3]
    assert ids(RecordFilter(coders=("bob",))) == [7]
    assert ids(RecordFilter(coders=("bob",), kinds=("red_line",))) == []


def test_filter_by_actor_and_issue_with_and_without_descendants() -> None:
    assert ids(RecordFilter(actor_ids=(AURELIA,))) == [1, 2, 3, 4, 11]
    assert ids(RecordFilter(actor_ids=(AURELIA,), include_descendants=True)) == [1, 2, 3, 4, 5, 6, 11]
    assert ids(RecordFilter(issue_ids=(TERRITORY,))) == [7, 8, 9, 11, 15, 16]
    assert ids(RecordFilter(issue_ids=(TERRITORY,), include_descendants=True)) == [7, 8, 9, 10, 11, 15, 16]


def test_document_filter_accepts_documents_the_same_way() -> None:
    where = RecordFilter(document_authors=("lena farrow",), since=dt.date(2024, 1, 1))
    assert [d.id for d in CATALOGUE.documents if where.accepts_document(d)] == [STUDY]
    assert where.describe() == ["document author: lena farrow", "since 2024-01-01"]


def test_a_filtered_matrix() -> None:
    matrix = position_matrix(filter_records(RECORDS, RecordFilter(since=dt.date(2024, 2, 1)), CATALOGUE), CATALOGUE)
    cell, *_ = at(matrix, AURELIA, CEASEFIRE)
    assert (cell.coding_ids, cell.mean, cell.documents, cell.contested) == ((2, 3), 0.0, 1, False)


# -- property: the statistics agree with a plain reference computation ------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([AURELIA, BOREA, DELTA]), st.sampled_from([CEASEFIRE, TERRITORY]),
                          st.sampled_from([STUDY, STATEMENT, INTERVIEW]), st.integers(0, 3)), max_size=40))
def test_statistics_match_a_reference(draws) -> None:
    records = []
    for n, (actor, issue, document, k) in enumerate(draws, start=1):
        points = _ISSUES[issue].scale.points
        records.append(coding(n, actor, issue, points[k % len(points)].value, document))
    matrix = position_matrix(records, CATALOGUE)
    assert sum(c.count for _, _, c in matrix.non_empty()) == len(records)
    for i, j, cell in matrix.non_empty():
        members = [r for r in records if r.actor_id == matrix.rows[i].id and r.issue_id == matrix.columns[j].id]
        values = [r.position for r in members]
        assert cell.coding_ids == tuple(r.id for r in members)
        assert cell.mean == pytest.approx(statistics.fmean(values))
        assert cell.median == pytest.approx(statistics.median(values))
        assert (cell.min, cell.max, cell.spread) == (min(values), max(values), max(values) - min(values))
        newest = max(members, key=lambda r: (r.document_date is not None, r.document_date or "", r.created_at, r.id))
        assert cell.latest == newest.position
        assert cell.documents == len({r.document_id for r in members})
