"""The cell statistics' faster paths give what their plain definitions give.

Per-document means add each document's run of values up at once when the codings come in document
order (as the store gives them) and the values are whole numbers; the latest coding is found date
first. Both are compared with the straightforward code on arbitrary cells.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posmap.analysis import matrix
from posmap.analysis.catalogue import Catalogue, DocumentDates, DocumentRef
from posmap.model import CodingPoint, CodingRecord

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _means_reference(document_ids, values):
    per_document: dict[int, list] = {}
    for document_id, value in zip(document_ids, values, strict=True):
        found = per_document.setdefault(document_id, [0, 0])
        found[0] += value
        found[1] += 1
    means = tuple(sorted((d, total / count) for d, (total, count) in per_document.items()))
    spread = max(m for _, m in means) - min(m for _, m in means)
    return means, spread


CELLS = st.lists(st.tuples(st.integers(1, 6), st.integers(-3, 30)), min_size=1, max_size=40)


@PROPERTY
@given(CELLS, st.booleans())
def test_document_means_match_the_definition(cell: list[tuple[int, int]], in_document_order: bool) -> None:
    if in_document_order:
        cell = sorted(cell, key=lambda pair: pair[0])
    document_ids = [d for d, _ in cell]
    values = [v for _, v in cell]
    assert matrix._document_means(document_ids, values, exact=True) == _means_reference(document_ids, values)
    floats = [v / 7 for v in values]
    means, spread = matrix._document_means(document_ids, floats, exact=False)
    reference_means, reference_spread = _means_reference(document_ids, floats)
    assert means == reference_means and spread == reference_spread


def _record(cid: int, date: str | None, created: str) -> CodingRecord:
    return CodingRecord(
        id=cid, document_id=1, document_title="t", document_author="", document_date=date, passage_id=cid,
        start=0, end=1, quote="q", page=None, actor_id=1, actor="a", issue_id=1, issue="i", position=0,
        position_label="", kind="position", attribution="own_words", confidence=1.0, note="", coder="",
        created_at=created, updated_at=created,
    )


DATES = st.sampled_from([None, "", "2024-01-01", "2024-06-30", "2025-01-01"])
CREATED = st.sampled_from(["2024-01-01T00:00:00", "2024-01-01T00:00:01", "2025-03-01T12:00:00"])


@PROPERTY
@given(st.lists(st.tuples(DATES, CREATED, st.integers(1, 50)), min_size=1, max_size=30))
def test_latest_is_the_greatest_date_then_time_then_id(rows: list) -> None:
    members = [_record(cid, date, created) for date, created, cid in rows]
    expected = max(members, key=lambda r: (r.document_date or "", r.created_at, r.id))
    assert matrix._latest(members, [r.document_date for r in members]) is expected


def test_document_dates_come_from_the_catalogue_and_else_from_the_row() -> None:
    catalogue = Catalogue(documents=(DocumentRef(id=1, title="Known", date="2024-05-01"),
                                     DocumentRef(id=2, title="Undated")))
    known, undated, unknown = (_record(n, "1999-01-01", "2024-01-01T00:00:00") for n in (1, 2, 3))
    undated.document_id, unknown.document_id = 2, 3
    dates = DocumentDates(catalogue)
    rows = [known, undated, unknown]
    # The catalogue's date wins; a document it lacks keeps the date its record carries.
    assert dates.of(rows, [r.document_id for r in rows]) == ["2024-05-01", None, "1999-01-01"]
    assert [dates.one(r) for r in rows] == ["2024-05-01", None, "1999-01-01"]
    point = CodingPoint(7, 3, 1, 1, 0, "position", "own_words", "2024-01-01T00:00:00")
    assert dates.of([point], [3]) == [None] and dates.one(point) is None  # a point carries no date
