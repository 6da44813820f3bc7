"""Everything a matrix export holds, computed in one pass: the matrix, agreement, contested cells, evidence."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from posmap.analysis.agreement import AgreementMatrix, agreement_from_matrix
from posmap.analysis.catalogue import Axis, Catalogue
from posmap.analysis.contested import ContestedCell, contested_cells
from posmap.analysis.filters import RecordFilter, filter_records
from posmap.analysis.matrix import PositionMatrix, Stat, position_matrix
from posmap.model import CodingRecord, CodingRow


@dataclass(frozen=True)
class MatrixReport:
    """A position matrix with what the exports show beside it.

    - ``matrix``: the requested rows × columns;
    - ``statistic``: the statistic a single-matrix view (CSV, the printed table) shows;
    - ``agreement``: actors × actors over single issues, mean positions, with the same actor roll-up;
    - ``contested``: contested actor–issue cells with the same roll-up as the matrix;
    - ``records``: every coding behind the matrix (the evidence), in the store's order: full records
      or, for a matrix that only shows statistics, the codings' points;
    - ``catalogue``, ``filter``, ``title``: what it was built from, for headers and the codebook.
    """

    matrix: PositionMatrix
    statistic: Stat
    agreement: AgreementMatrix
    contested: tuple[ContestedCell, ...]
    records: tuple[CodingRow, ...]
    catalogue: Catalogue
    filter: RecordFilter
    title: str = ""

    @property
    def has_evidence(self) -> bool:
        """True when ``records`` are full :class:`CodingRecord` rows (quotes, names, pages) rather than
        :class:`~posmap.model.CodingPoint` rows; an export that prints evidence needs them."""
        return all(isinstance(r, CodingRecord) for r in self.records)


def matrix_report(
    records: Sequence[CodingRow],
    catalogue: Catalogue,
    *,
    rows: Axis | str = Axis.ACTORS,
    columns: Axis | str = Axis.ISSUES,
    statistic: Stat | str = Stat.MEAN,
    rollup: bool | Collection[Axis | str] = False,
    where: RecordFilter | None = None,
    title: str = "",
    selected: bool = False,
) -> MatrixReport:
    """Filter ``records`` with ``where`` (when given) and compute a :class:`MatrixReport`.

    A document row is offered only for documents the filter's document conditions accept; actor and
    issue rows are the whole codebook, empty where the filter left no coding. With ``selected`` the
    records are already those ``where`` selects (the store applied the same filter when it read
    them), and ``where`` only describes them.
    """
    where = where or RecordFilter()
    selected_records = list(records) if selected else filter_records(records, where, catalogue)
    if where.restricts_documents:
        # Documents the filter leaves out are not offered as (empty) rows.
        catalogue = Catalogue(catalogue.actors, catalogue.issues,
                              tuple(d for d in catalogue.documents if where.accepts_document(d)))
    matrix = position_matrix(selected_records, catalogue, rows=rows, columns=columns, rollup=rollup)
    if {matrix.row_axis, matrix.column_axis} == {Axis.ACTORS, Axis.ISSUES}:
        actor_issue = matrix
    else:
        actor_issue = position_matrix(selected_records, catalogue, rows=Axis.ACTORS, columns=Axis.ISSUES,
                                      rollup=rollup)
    actor_rollup = [Axis.ACTORS] if Axis.ACTORS in actor_issue.rollup else []
    if Axis.ISSUES in actor_issue.rollup:
        single_issues = position_matrix(selected_records, catalogue, rows=Axis.ACTORS, columns=Axis.ISSUES,
                                        rollup=actor_rollup)
    else:
        single_issues = actor_issue
    return MatrixReport(
        matrix=matrix,
        statistic=Stat(statistic),
        agreement=agreement_from_matrix(single_issues),
        contested=contested_cells(actor_issue),
        records=tuple(selected_records),
        catalogue=catalogue,
        filter=where,
        title=title,
    )
