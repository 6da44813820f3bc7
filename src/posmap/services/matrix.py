"""Build a position matrix from a project and write it as CSV, XLSX or JSON (shared by the GUI and CLI).

The GUI holds on to the :class:`~posmap.analysis.MatrixReport` of :func:`build_matrix` for its heat
map and reads the full records of a cell's codings when it shows them; exports build the report with
its evidence (``evidence=True``) and hand it to :func:`write_matrix_report`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from posmap.analysis import (
    Axis,
    Catalogue,
    DocumentRef,
    MatrixReport,
    RecordFilter,
    Stat,
    matrix_report,
)
from posmap.analysis.catalogue import descendants_map
from posmap.model import CodingPoint, CodingRecord
from posmap.services.progress import ProgressCallback, no_progress
from posmap.store import CodingFilter, Project, ProjectError


class MatrixFormatError(ProjectError):
    """An output file whose suffix names no matrix format."""


@dataclass(frozen=True)
class MatrixOptions:
    """What matrix to build: axes, statistic for single-matrix outputs, roll-up, CSV layout, filter."""

    rows: Axis = Axis.ACTORS
    columns: Axis = Axis.ISSUES
    statistic: Stat = Stat.MEAN
    rollup: bool = False
    long: bool = False
    """CSV only: tidy rows (one per cell, every statistic) instead of the matrix of one statistic."""
    filter: RecordFilter = field(default_factory=RecordFilter)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", Axis(self.rows))
        object.__setattr__(self, "columns", Axis(self.columns))
        object.__setattr__(self, "statistic", Stat(self.statistic))
        if self.rows is self.columns:
            raise ValueError(f"rows and columns must differ (both are {self.rows.value})")


def _write_csv(report: MatrixReport, path: Path, long: bool) -> Path:
    from posmap.export.matrix_csv import write_matrix_csv

    return write_matrix_csv(report, path, long=long)


def _write_xlsx(report: MatrixReport, path: Path, long: bool) -> Path:
    from posmap.export.matrix_xlsx import write_matrix_xlsx

    return write_matrix_xlsx(report, path)


def _write_json(report: MatrixReport, path: Path, long: bool) -> Path:
    from posmap.export.matrix_json import write_matrix_json

    return write_matrix_json(report, path)


# Writers are imported when used, so a CSV export never loads openpyxl.
WRITERS: dict[str, Callable[[MatrixReport, Path, bool], Path]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".json": _write_json,
}


def check_matrix_path(path: str | Path) -> str:
    """The format suffix of ``path`` (``.csv``, ``.xlsx`` or ``.json``); MatrixFormatError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in WRITERS:
        shown = f"{suffix!r}" if suffix else "no suffix"
        raise MatrixFormatError(
            f"{Path(path).name}: a matrix can be written as .csv, .xlsx or .json, not {shown}"
        )
    return suffix


def catalogue_of(project: Project) -> Catalogue:
    """The project's actors, issues (with scales) and documents, as the analysis needs them."""
    documents = tuple(DocumentRef(*row) for row in project.documents.metadata())
    return Catalogue(tuple(project.actors.all()), tuple(project.issues.all()), documents)


def record_filter_from(
    where: CodingFilter,
    *,
    document_ids: Sequence[int] | None = None,
    document_kinds: Sequence[str] = (),
    document_authors: Sequence[str] = (),
) -> RecordFilter:
    """The analysis filter equal to a store filter (what ``posmap matrix`` and ``posmap brief`` parse).

    A caller that resolved document kinds or authors to ids for the store can pass the original
    conditions instead (``document_ids`` then replaces the store filter's ids), so the filter is
    described as the user gave it; the selection is the same.
    """
    return RecordFilter(
        document_ids=tuple(where.document_ids if document_ids is None else document_ids),
        document_kinds=tuple(document_kinds), document_authors=tuple(document_authors),
        since=where.since, until=where.until, attributions=tuple(where.attributions), kinds=tuple(where.kinds),
        coders=tuple(where.coders), actor_ids=tuple(where.actor_ids), issue_ids=tuple(where.issue_ids),
    )


def coding_filter_for(where: RecordFilter, catalogue: Catalogue) -> CodingFilter | None:
    """The store filter selecting exactly what ``where`` selects, or None when it can select nothing.

    Document kinds and authors become document ids (the store filters by id); actors and issues
    with ``include_descendants`` become the ids of their whole subtrees.
    """
    document_ids: tuple[int, ...] = where.document_ids
    if where.document_kinds or where.document_authors:
        by_document = RecordFilter(document_ids=where.document_ids, document_kinds=where.document_kinds,
                                   document_authors=where.document_authors)
        document_ids = tuple(d.id for d in catalogue.documents if by_document.accepts_document(d))
        if not document_ids:
            return None
    actor_ids, issue_ids = where.actor_ids, where.issue_ids
    if where.include_descendants:
        actor_ids = _subtrees(actor_ids, catalogue, Axis.ACTORS)
        issue_ids = _subtrees(issue_ids, catalogue, Axis.ISSUES)
    return CodingFilter(
        document_ids=document_ids, actor_ids=actor_ids, issue_ids=issue_ids, since=where.since, until=where.until,
        attributions=where.attributions, kinds=where.kinds, coders=where.coders,
    )


def _subtrees(ids: tuple[int, ...], catalogue: Catalogue, axis: Axis) -> tuple[int, ...]:
    if not ids:
        return ()
    below = descendants_map(catalogue.parents(axis))
    return tuple(sorted({member for i in ids for member in below.get(i, frozenset({i}))}))


def load_records(project: Project, where: RecordFilter, catalogue: Catalogue) -> list[CodingRecord]:
    """The codings ``where`` selects as full records (quotes, names, pages), read with one query."""
    store_filter = coding_filter_for(where, catalogue)
    if store_filter is None:
        return []
    return project.codings.records(store_filter)


def load_points(project: Project, where: RecordFilter, catalogue: Catalogue) -> list[CodingPoint]:
    """The codings ``where`` selects as points: all a matrix and a filter need, read much faster."""
    store_filter = coding_filter_for(where, catalogue)
    if store_filter is None:
        return []
    return project.codings.points(store_filter)


def build_matrix(
    project: Project, options: MatrixOptions | None = None, *, evidence: bool = False,
    progress: ProgressCallback = no_progress,
) -> MatrixReport:
    """Read the project's codings through ``options.filter`` and compute the matrix report.

    The report's ``records`` are :class:`~posmap.model.CodingPoint` rows, which every statistic,
    the agreement and the contested cells need; with ``evidence`` they are full
    :class:`~posmap.model.CodingRecord` rows with quotes and citations, as exports print them.
    """
    options = options or MatrixOptions()
    progress(0, 2, "Reading codings")
    catalogue = catalogue_of(project)
    records = (load_records if evidence else load_points)(project, options.filter, catalogue)
    progress(1, 2, "Computing the matrix")
    # The store applied the filter (coding_filter_for selects what filter_records would keep, which
    # the tests check), so the report takes the records as selected.
    report = matrix_report(
        records, catalogue, rows=options.rows, columns=options.columns, statistic=options.statistic,
        rollup=options.rollup, where=options.filter, title=project.title, selected=True,
    )
    progress(2, 2, "Matrix ready")
    return report


def write_matrix_report(report: MatrixReport, path: str | Path, *, long: bool = False) -> Path:
    """Write a built report to ``path`` in the format its suffix names (.csv, .xlsx, .json).

    The file appears complete or not at all: it is written beside the target and then moved into place.
    """
    path = Path(path)
    writer = WRITERS[check_matrix_path(path)]
    if not report.has_evidence:
        raise ValueError("a matrix is written with its evidence: build the report with evidence=True")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        writer(report, temporary, long)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_matrix(
    project: Project, options: MatrixOptions | None, path: str | Path, *, progress: ProgressCallback = no_progress
) -> Path:
    """Build the matrix of ``options`` and write it to ``path``; the suffix picks the format.

    Raises :class:`MatrixFormatError` for an unknown suffix and :class:`ProjectError` for a missing
    folder or a path that is the project file itself, before any work is done.
    """
    check_matrix_path(path)
    path = Path(path)
    if not path.parent.is_dir():
        raise ProjectError(f"the folder {path.parent} does not exist")
    if path.exists() and path.resolve() == Path(project.path).resolve():
        raise ProjectError("the matrix would overwrite the project file; choose another output file")
    options = options or MatrixOptions()
    report = build_matrix(project, options, evidence=True,
                          progress=lambda done, total, message: progress(done, total + 1, message))
    progress(2, 3, f"Writing {Path(path).name}")
    written = write_matrix_report(report, path, long=options.long)
    progress(3, 3, f"Wrote {Path(path).name}")
    return written
