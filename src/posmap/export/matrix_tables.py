"""The tables every matrix writer shares: the matrix as text, tidy rows, evidence and codebook rows.

Writers differ in format only; what a table holds is decided here once.
"""

from __future__ import annotations

from dataclasses import dataclass

from posmap.analysis import Axis, MatrixReport, PositionMatrix, Stat
from posmap.model import CodingRecord

LONG_COLUMNS = (
    "row_id", "row", "column_id", "column", "count", "documents", "mean", "median", "min", "max", "latest",
    "latest_label", "spread", "document_spread", "contested", "normalised",
)
"""Columns of the tidy (long) layout: one line per non-empty cell."""

EVIDENCE_COLUMNS = (
    "actor", "issue", "position_label", "position", "kind", "attribution", "quote", "document", "author", "date",
    "page", "coding_id",
)

EVIDENCE_HEADINGS = (
    "Actor", "Issue", "Position", "Value", "Kind", "Attribution", "Quote", "Document", "Author", "Date", "Page",
    "Coding id",
)

STAT_TITLES = {
    Stat.COUNT: "Count", Stat.MEAN: "Mean", Stat.MEDIAN: "Median", Stat.MIN: "Min", Stat.MAX: "Max",
    Stat.LATEST: "Latest", Stat.SPREAD: "Spread",
}


def corner_label(matrix: PositionMatrix) -> str:
    """The top-left cell of a matrix table, naming both axes, e.g. ``actors \\ issues``."""
    return f"{matrix.row_axis.value} \\ {matrix.column_axis.value}"


def matrix_table(matrix: PositionMatrix, stat: Stat | str) -> list[list[str]]:
    """The matrix of one statistic as text: a header row (corner, column labels), then one line per row
    entry (its label, then each cell as :meth:`PositionMatrix.display` shows it; empty cells blank)."""
    stat = Stat(stat)
    table = [[corner_label(matrix), *(c.label for c in matrix.columns)]]
    for i, entry in enumerate(matrix.rows):
        table.append([entry.label, *(matrix.display(i, j, stat) for j in range(matrix.column_count))])
    return table


def long_rows(matrix: PositionMatrix, *, digits: int = 4) -> list[dict[str, object]]:
    """One dict per non-empty cell with every statistic (floats rounded to ``digits``), keys :data:`LONG_COLUMNS`."""
    rows: list[dict[str, object]] = []
    for i, j, cell in matrix.non_empty():
        row: dict[str, object] = {
            "row_id": matrix.rows[i].id, "row": matrix.rows[i].label,
            "column_id": matrix.columns[j].id, "column": matrix.columns[j].label,
            "count": cell.count, "documents": cell.documents,
        }
        for stat in (Stat.MEAN, Stat.MEDIAN, Stat.MIN, Stat.MAX, Stat.LATEST):
            row[stat.value] = _number(cell.value(stat), digits)
        row["latest_label"] = matrix.label(i, j, Stat.LATEST) or ""
        row["spread"] = _number(cell.spread, digits)
        row["document_spread"] = _number(cell.document_spread, digits)
        row["contested"] = cell.contested
        row["normalised"] = cell.normalised
        rows.append(row)
    return rows


def _number(value: float, digits: int) -> float | int:
    if isinstance(value, int):
        return value
    rounded = round(value, digits)
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


def evidence_records(report: MatrixReport) -> list[CodingRecord]:
    """The codings behind the matrix, by actor and issue in codebook order, then document date
    (undated first), then coding id."""
    actor_order = {e.id: n for n, e in enumerate(report.catalogue.entries(Axis.ACTORS))}
    issue_order = {e.id: n for n, e in enumerate(report.catalogue.entries(Axis.ISSUES))}
    return sorted(
        report.records,
        key=lambda r: (actor_order.get(r.actor_id, len(actor_order)), r.actor, issue_order.get(r.issue_id, 0),
                       r.document_date or "", r.id),
    )


def evidence_row(record: CodingRecord) -> dict[str, object]:
    """One evidence line, keys :data:`EVIDENCE_COLUMNS`."""
    return {
        "actor": record.actor, "issue": record.issue, "position_label": record.position_label,
        "position": record.position, "kind": record.kind, "attribution": record.attribution,
        "quote": record.quote, "document": record.document_title, "author": record.document_author,
        "date": record.document_date or "", "page": record.page, "coding_id": record.id,
    }


@dataclass(frozen=True)
class CodebookLine:
    """One actor or issue as the codebook sheet lists it."""

    name: str
    parent: str
    depth: int
    detail: str
    """Actors: kind; issues: proposition."""
    extra: str
    """Actors: aliases; issues: the scale, lowest point first."""


def codebook_lines(report: MatrixReport) -> tuple[list[CodebookLine], list[CodebookLine]]:
    """Actors and issues of the catalogue in tree order, ready for a table."""
    catalogue = report.catalogue
    actor_names = {a.id: a.name for a in catalogue.actors}
    issue_names = {i.id: i.name for i in catalogue.issues}
    actors = []
    for entry in catalogue.entries(Axis.ACTORS):
        actor = catalogue.actor(entry.id)
        assert actor is not None
        actors.append(CodebookLine(actor.name, actor_names.get(actor.parent_id, ""), entry.depth, actor.kind.value,
                                   "; ".join(actor.aliases)))
    issues = []
    for entry in catalogue.entries(Axis.ISSUES):
        issue = catalogue.issue(entry.id)
        assert issue is not None
        issues.append(CodebookLine(issue.name, issue_names.get(issue.parent_id, ""), entry.depth, issue.proposition,
                                   issue.scale.describe()))
    return actors, issues


def scale_note(matrix: PositionMatrix) -> str:
    """A sentence saying how positions are measured, for the notes of an export."""
    if matrix.normalised:
        return ("Some cells mix issues with different scales: their positions are normalised to −1…+1 "
                "((value − min) / (max − min) · 2 − 1 of each issue's scale), so no scale labels apply to them.")
    return "Positions are values on each issue's own scale."


__all__ = [
    "EVIDENCE_COLUMNS",
    "EVIDENCE_HEADINGS",
    "LONG_COLUMNS",
    "STAT_TITLES",
    "CodebookLine",
    "codebook_lines",
    "corner_label",
    "evidence_records",
    "evidence_row",
    "long_rows",
    "matrix_table",
    "scale_note",
]
