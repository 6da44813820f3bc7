"""Pure functions over coding rows: position matrices, filters, agreement, contested cells.

Nothing here touches SQL, files or Qt; everything takes coding rows — full
:class:`~posmap.model.CodingRecord` rows, or for matrices the lighter :class:`~posmap.model.CodingPoint`
tuples — and a :class:`Catalogue` of actors, issues and documents, and returns frozen dataclasses.
"""

from posmap.analysis.agreement import AgreementCell, AgreementMatrix, agreement_from_matrix, agreement_matrix
from posmap.analysis.catalogue import (
    Axis,
    AxisEntry,
    Catalogue,
    DocumentRef,
    normalise,
    same_scale,
    scale_step,
)
from posmap.analysis.contested import ContestedCell, contested_cells
from posmap.analysis.filters import RecordFilter, filter_records
from posmap.analysis.matrix import (
    CONTESTED_STEPS,
    CellStats,
    PositionMatrix,
    ScaleBasis,
    Stat,
    format_value,
    position_matrix,
)
from posmap.analysis.report import MatrixReport, matrix_report

__all__ = [
    "CONTESTED_STEPS",
    "AgreementCell",
    "AgreementMatrix",
    "Axis",
    "AxisEntry",
    "Catalogue",
    "CellStats",
    "ContestedCell",
    "DocumentRef",
    "MatrixReport",
    "PositionMatrix",
    "RecordFilter",
    "ScaleBasis",
    "Stat",
    "agreement_from_matrix",
    "agreement_matrix",
    "contested_cells",
    "filter_records",
    "format_value",
    "matrix_report",
    "normalise",
    "position_matrix",
    "same_scale",
    "scale_step",
]
