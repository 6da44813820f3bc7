"""Write a position matrix as JSON: everything the workbook holds, machine-readable.

The document is described by :class:`MatrixDocument` (pydantic); :func:`matrix_document` builds it
and ``MatrixDocument.model_validate_json(text)`` reads it back, so consumers and tests can check
the format. ``format`` is ``"posmap-matrix"`` and ``version`` 1.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from posmap.analysis import Axis, AxisEntry, MatrixReport, PositionMatrix, ScaleBasis, Stat
from posmap.export.matrix_tables import evidence_records
from posmap.model import Codebook, CodebookActor, CodebookIssue, Scale

MATRIX_FORMAT = "posmap-matrix"
MATRIX_VERSION = 1


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AxisEntryOut(_Out):
    """A row or column. Issue entries say which scale their cells use (``scale``), or that their cells
    are normalised to −1…+1 (``normalised``, with ``scale`` null)."""

    id: int
    label: str
    depth: int = Field(ge=0)
    parent_id: int | None
    scale: Scale | None = None
    normalised: bool = False


class DocumentMeanOut(_Out):
    document_id: int
    mean: float


class CellOut(_Out):
    """A non-empty cell; ``row`` and ``column`` are indexes into ``rows`` and ``columns``."""

    row: int = Field(ge=0)
    column: int = Field(ge=0)
    row_id: int
    column_id: int
    count: int = Field(ge=1)
    documents: int = Field(ge=1)
    mean: float
    median: float
    min: float
    max: float
    latest: float
    latest_label: str | None
    latest_coding_id: int
    spread: float = Field(ge=0)
    document_spread: float = Field(ge=0)
    contested: bool
    normalised: bool
    coding_ids: list[int]
    document_means: list[DocumentMeanOut]


class AgreementOut(_Out):
    """Actors × actors: ``agreement[i][j]`` (null without shared issues) and ``shared_issues[i][j]``."""

    position: Stat
    rollup: bool
    actors: list[AxisEntryOut]
    agreement: list[list[float | None]]
    shared_issues: list[list[int]]


class ContestedOut(_Out):
    actor_id: int
    actor: str
    issue_id: int
    issue: str
    documents: int = Field(ge=2)
    document_spread: float
    steps: float
    step: float
    normalised: bool
    document_means: list[DocumentMeanOut]
    coding_ids: list[int]


class EvidenceOut(_Out):
    coding_id: int
    actor_id: int
    actor: str
    issue_id: int
    issue: str
    position: int
    position_label: str
    kind: str
    attribution: str
    confidence: float
    note: str
    coder: str
    quote: str
    document_id: int
    document_title: str
    document_author: str
    document_date: dt.date | None
    page: int | None
    start: int
    end: int


class FilterOut(_Out):
    document_ids: list[int] = []
    document_kinds: list[str] = []
    document_authors: list[str] = []
    since: dt.date | None = None
    until: dt.date | None = None
    attributions: list[str] = []
    kinds: list[str] = []
    coders: list[str] = []
    actor_ids: list[int] = []
    issue_ids: list[int] = []
    include_descendants: bool = False


class MatrixDocument(_Out):
    """A whole matrix export. ``values`` is the grid of ``statistic`` (null for empty cells);
    ``scale`` is the scale of every cell when no axis is issues and the issues share one (else null)."""

    format: Literal["posmap-matrix"] = MATRIX_FORMAT
    version: Literal[1] = MATRIX_VERSION
    title: str
    rows_axis: Axis
    columns_axis: Axis
    statistic: Stat
    rollup: list[Axis]
    normalised: bool
    scale: Scale | None
    filter: FilterOut
    rows: list[AxisEntryOut]
    columns: list[AxisEntryOut]
    values: list[list[float | None]]
    cells: list[CellOut]
    agreement: AgreementOut
    contested: list[ContestedOut]
    evidence: list[EvidenceOut]
    codebook: Codebook


def matrix_document(report: MatrixReport) -> MatrixDocument:
    """The report as a :class:`MatrixDocument`."""
    matrix = report.matrix
    rows = _entries(matrix, matrix.rows, matrix.row_axis)
    columns = _entries(matrix, matrix.columns, matrix.column_axis)
    cells = [
        CellOut(
            row=i, column=j, row_id=matrix.rows[i].id, column_id=matrix.columns[j].id, count=c.count,
            documents=c.documents, mean=c.mean, median=c.median, min=c.min, max=c.max, latest=c.latest,
            latest_label=matrix.label(i, j, Stat.LATEST), latest_coding_id=c.latest_coding_id, spread=c.spread,
            document_spread=c.document_spread, contested=c.contested, normalised=c.normalised,
            coding_ids=list(c.coding_ids),
            document_means=[DocumentMeanOut(document_id=d, mean=m) for d, m in c.document_means],
        )
        for i, j, c in matrix.non_empty()
    ]
    agreement = report.agreement
    where = report.filter
    common = matrix.bases[0] if Axis.ISSUES not in (matrix.row_axis, matrix.column_axis) else None
    return MatrixDocument(
        title=report.title,
        rows_axis=matrix.row_axis,
        columns_axis=matrix.column_axis,
        statistic=report.statistic,
        rollup=sorted(matrix.rollup),
        normalised=matrix.normalised,
        scale=common.scale if common else None,
        filter=FilterOut(
            document_ids=list(where.document_ids), document_kinds=list(where.document_kinds),
            document_authors=list(where.document_authors), since=where.since, until=where.until,
            attributions=list(where.attributions), kinds=list(where.kinds), coders=list(where.coders),
            actor_ids=list(where.actor_ids), issue_ids=list(where.issue_ids),
            include_descendants=where.include_descendants,
        ),
        rows=rows,
        columns=columns,
        values=matrix.values(report.statistic),
        cells=cells,
        agreement=AgreementOut(
            position=agreement.position,
            rollup=agreement.rollup,
            actors=[_entry(a) for a in agreement.actors],
            agreement=[[c.agreement for c in line] for line in agreement.cells],
            shared_issues=[[c.shared_issues for c in line] for line in agreement.cells],
        ),
        contested=[
            ContestedOut(
                actor_id=c.actor.id, actor=c.actor.label, issue_id=c.issue.id, issue=c.issue.label,
                documents=c.stats.documents, document_spread=c.stats.document_spread, steps=c.steps,
                step=c.basis.step, normalised=c.basis.normalised,
                document_means=[DocumentMeanOut(document_id=d, mean=m) for d, m in c.stats.document_means],
                coding_ids=list(c.stats.coding_ids),
            )
            for c in report.contested
        ],
        evidence=[
            EvidenceOut(
                coding_id=r.id, actor_id=r.actor_id, actor=r.actor, issue_id=r.issue_id, issue=r.issue,
                position=r.position, position_label=r.position_label, kind=r.kind, attribution=r.attribution,
                confidence=r.confidence, note=r.note, coder=r.coder, quote=r.quote, document_id=r.document_id,
                document_title=r.document_title, document_author=r.document_author,
                document_date=_date(r.document_date), page=r.page, start=r.start, end=r.end,
            )
            for r in evidence_records(report)
        ],
        codebook=_codebook(report),
    )


def matrix_json_text(report: MatrixReport) -> str:
    """The JSON text of :func:`matrix_document` (UTF-8, non-ASCII kept, indented)."""
    return json.dumps(matrix_document(report).model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def write_matrix_json(report: MatrixReport, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(matrix_json_text(report), encoding="utf-8")
    return path


def _entries(matrix: PositionMatrix, entries: tuple[AxisEntry, ...], axis: Axis) -> list[AxisEntryOut]:
    if axis is not Axis.ISSUES:
        return [_entry(e) for e in entries]
    return [_entry(e, basis) for e, basis in zip(entries, matrix.bases, strict=True)]


def _entry(entry: AxisEntry, basis: ScaleBasis | None = None) -> AxisEntryOut:
    return AxisEntryOut(
        id=entry.id, label=entry.label, depth=entry.depth, parent_id=entry.parent_id,
        scale=basis.scale if basis else None, normalised=bool(basis and basis.normalised),
    )


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _codebook(report: MatrixReport) -> Codebook:
    catalogue = report.catalogue
    actor_names = {a.id: a.name for a in catalogue.actors}
    issue_names = {i.id: i.name for i in catalogue.issues}
    actors = [catalogue.actor(e.id) for e in catalogue.entries(Axis.ACTORS)]
    issues = [catalogue.issue(e.id) for e in catalogue.entries(Axis.ISSUES)]
    return Codebook(
        actors=[
            CodebookActor(name=a.name, parent=actor_names.get(a.parent_id), kind=a.kind, color=a.color,
                          aliases=a.aliases)
            for a in actors if a is not None
        ],
        issues=[
            CodebookIssue(name=i.name, parent=issue_names.get(i.parent_id), proposition=i.proposition,
                          color=i.color, scale=i.scale)
            for i in issues if i is not None
        ],
    )
