"""How close actors stand to each other, issue by issue: the agreement matrix.

Definition. Each actor's position on an issue is a statistic (the mean by default) of its codings
on that issue, on the issue's own scale. For two actors A and B, the **shared issues** are the
issues on which both have at least one coding. Their **agreement** is the average over the shared
issues of ``1 − |position_A − position_B| / width``, where ``width`` is the issue's scale width
(max − min). It runs from 0 (opposite ends on every shared issue) to 1 (same position on every
one); with no shared issue it is undefined (None) and the shared count is 0. Issues are taken
one by one, never rolled up, so a parent issue does not count its children twice. An actor
compared with itself agrees 1.0 over the issues it has positions on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from posmap.analysis.catalogue import Axis, AxisEntry, Catalogue
from posmap.analysis.matrix import PositionMatrix, Stat, position_matrix
from posmap.model import CodingRow


@dataclass(frozen=True, slots=True)
class AgreementCell:
    """Agreement of two actors (None without shared issues) and the issues it rests on."""

    agreement: float | None
    shared_issues: int
    issue_ids: tuple[int, ...]


@dataclass(frozen=True)
class AgreementMatrix:
    """Actors × actors, symmetric; ``cells[i][j]`` compares ``actors[i]`` with ``actors[j]``."""

    actors: tuple[AxisEntry, ...]
    cells: tuple[tuple[AgreementCell, ...], ...]
    position: Stat
    rollup: bool

    def cell(self, row: int, column: int) -> AgreementCell:
        return self.cells[row][column]


def agreement_matrix(
    records: Sequence[CodingRow],
    catalogue: Catalogue,
    *,
    position: Stat | str = Stat.MEAN,
    rollup: bool = False,
) -> AgreementMatrix:
    """The agreement of every pair of the catalogue's actors (see the module docstring).

    ``position`` is the statistic taken as an actor's position on an issue: mean, median, min, max
    or latest. With ``rollup`` an actor's positions include the codings of the actors nested below it.
    """
    matrix = position_matrix(
        records, catalogue, rows=Axis.ACTORS, columns=Axis.ISSUES, rollup=[Axis.ACTORS] if rollup else []
    )
    return agreement_from_matrix(matrix, position=position)


def agreement_from_matrix(matrix: PositionMatrix, *, position: Stat | str = Stat.MEAN) -> AgreementMatrix:
    """The agreement matrix over an actors × issues (or issues × actors) position matrix.

    A normalised cell (an issue rolled up over differing scales) counts with the normalised width 2.
    """
    position = Stat(position)
    if not position.is_position:
        raise ValueError(f"an actor's position on an issue cannot be its {position.value}")
    if {matrix.row_axis, matrix.column_axis} != {Axis.ACTORS, Axis.ISSUES}:
        raise ValueError("agreement needs a matrix of actors and issues")
    actors_are_rows = matrix.row_axis is Axis.ACTORS
    actors = matrix.rows if actors_are_rows else matrix.columns
    issues = matrix.columns if actors_are_rows else matrix.rows

    # Per actor: issue index → position in "fraction of the scale width" units.
    placed: list[dict[int, float]] = []
    for a in range(len(actors)):
        positions: dict[int, float] = {}
        for k in range(len(issues)):
            row, column = (a, k) if actors_are_rows else (k, a)
            value = matrix.value(row, column, position)
            if value is not None:
                positions[k] = value / matrix.basis(row, column).width
        placed.append(positions)

    grid: list[list[AgreementCell]] = [[_NO_SHARED] * len(actors) for _ in actors]
    for a, own in enumerate(placed):
        for b in range(a, len(actors)):
            other = placed[b]
            shared = sorted(own.keys() & other.keys())
            if not shared:
                continue
            closeness = sum(1 - abs(own[k] - other[k]) for k in shared) / len(shared)
            found = AgreementCell(
                agreement=closeness, shared_issues=len(shared), issue_ids=tuple(issues[k].id for k in shared)
            )
            grid[a][b] = grid[b][a] = found
    return AgreementMatrix(
        actors=actors,
        cells=tuple(tuple(line) for line in grid),
        position=position,
        rollup=Axis.ACTORS in matrix.rollup,
    )


_NO_SHARED = AgreementCell(agreement=None, shared_issues=0, issue_ids=())
