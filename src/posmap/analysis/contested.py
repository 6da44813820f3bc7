"""Contested cells: actor–issue cells whose sources disagree.

Definition. For one actor on one issue, take each document's mean position (the mean of that
document's codings of the actor on the issue). The cell is **contested** when at least two
documents speak to it and the highest and lowest of those document means lie at least
:data:`~posmap.analysis.matrix.CONTESTED_STEPS` (2) scale steps apart. A step is the smallest gap
between consecutive values of the issue's scale (1 on the default −2…+2 scale, 10 on a scale
0, 10, 20); for a normalised rolled-up cell it is the smallest step among its issues in normalised
units. Disagreement inside one document (a study quoting both sides) does not make a cell
contested; disagreement between sources does.
"""

from __future__ import annotations

from dataclasses import dataclass

from posmap.analysis.catalogue import Axis, AxisEntry
from posmap.analysis.matrix import CellStats, PositionMatrix, ScaleBasis


@dataclass(frozen=True, slots=True)
class ContestedCell:
    """One contested actor–issue cell; ``steps`` is the document spread in scale steps."""

    actor: AxisEntry
    issue: AxisEntry
    stats: CellStats
    basis: ScaleBasis
    steps: float


def contested_cells(matrix: PositionMatrix) -> tuple[ContestedCell, ...]:
    """The contested cells of an actors × issues (or issues × actors) matrix, most contested first
    (ties in the matrix's row, then column order)."""
    if {matrix.row_axis, matrix.column_axis} != {Axis.ACTORS, Axis.ISSUES}:
        raise ValueError("contested cells are defined on a matrix of actors and issues")
    found: list[tuple[float, int, int, ContestedCell]] = []
    for row, column, stats in matrix.non_empty():
        if not stats.contested:
            continue
        basis = matrix.basis(row, column)
        actor, issue = (
            (matrix.rows[row], matrix.columns[column]) if matrix.row_axis is Axis.ACTORS
            else (matrix.columns[column], matrix.rows[row])
        )
        steps = stats.document_spread / basis.step
        found.append((-steps, row, column, ContestedCell(actor, issue, stats, basis, steps)))
    found.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in found)
