"""The position matrix: codings grouped into cells of rows × columns, with statistics per cell.

Definitions (these are what every export and view shows):

- A cell holds every coding whose row entry and column entry match. The entries are actors,
  issues or documents. With **roll-up**, the cell of an actor or issue also holds the codings of
  every actor or issue nested below it; the nested entries still have their own rows or columns.
  Without roll-up a parent's cell holds only the codings made on the parent itself.
- **Values.** Positions live on each issue's own scale. A cell whose codings can only come from
  issues sharing one scale (same values and labels) — one issue; an issue rolled up over children
  with that same scale; or, when no axis is issues, a project whose issues all share one scale —
  keeps the raw values of that scale. Otherwise the cell is **normalised**: every position is
  mapped to −1…+1 as ``(value − min) / (max − min) · 2 − 1`` of its own issue's scale before any
  statistic is taken, and the cell says so (``normalised``), so no scale label is shown for it.
  Which cells are normalised depends on the codebook only, never on which codings a filter keeps.
- **count**: number of codings. **documents**: number of distinct documents behind them.
- **mean**: arithmetic mean. **median**: middle value of the sorted values (mean of the two middle
  ones for an even count). **min**, **max**: extremes. **spread**: max − min.
- **latest**: the value of the coding from the most recent document date (as the catalogue gives
  it); undated documents count as older than any dated one; ties go to the later ``created_at``,
  then the higher id.
- **document_spread**: each document's mean value in the cell, then the largest minus the
  smallest of those means (0 with one document).
- **contested**: at least two documents and ``document_spread ≥ 2 steps``, where a step is the
  smallest gap between consecutive values of the cell's scale (for a normalised cell, the
  smallest such gap among its issues, measured in normalised units). So on the default −2…+2
  scale, one source saying "opposes" (−1) and another "supports" (+1) is contested.
- **coding_ids**: the codings behind the cell, in the order they were given (the store gives
  them by document and position in the text) — the evidence list.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate
from operator import attrgetter, itemgetter, le, sub, truediv

from posmap.analysis.catalogue import (
    Axis,
    AxisEntry,
    Catalogue,
    DocumentDates,
    ancestors_map,
    descendants_map,
    same_scale,
    scale_step,
)
from posmap.model import CodingRow, Scale

CONTESTED_STEPS = 2
"""How many scale steps apart the sources' positions must be for a cell to count as contested."""

_EPSILON = 1e-9


class Stat(StrEnum):
    """A statistic a matrix can show per cell."""

    COUNT = "count"
    MEAN = "mean"
    MEDIAN = "median"
    MIN = "min"
    MAX = "max"
    LATEST = "latest"
    SPREAD = "spread"

    @property
    def is_position(self) -> bool:
        """True for statistics that are a point on the scale (mean, median, min, max, latest)."""
        return self not in (Stat.COUNT, Stat.SPREAD)


@dataclass(frozen=True, slots=True)
class ScaleBasis:
    """What a cell's values are measured in.

    ``scale`` is the shared scale of the raw values, or None when the values are normalised to
    −1…+1. ``step`` is the smallest distance between two scale points in those units.
    """

    scale: Scale | None
    step: float

    @property
    def normalised(self) -> bool:
        return self.scale is None

    @property
    def low(self) -> float:
        return -1.0 if self.scale is None else self.scale.minimum

    @property
    def high(self) -> float:
        return 1.0 if self.scale is None else self.scale.maximum

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True, slots=True)
class CellStats:
    """The statistics of one non-empty cell (see the module docstring for their definitions).

    Raw cells have whole-number ``min``, ``max``, ``latest`` and ``spread``; ``mean`` and ``median``
    are always floats.
    """

    count: int
    documents: int
    mean: float
    median: float
    min: float
    max: float
    latest: float
    spread: float
    document_spread: float
    contested: bool
    normalised: bool
    latest_coding_id: int
    coding_ids: tuple[int, ...]
    document_means: tuple[tuple[int, float], ...]
    """Each document's mean value in this cell as ``(document id, mean)``, by document id."""

    def value(self, stat: Stat | str) -> float:
        return getattr(self, Stat(stat).value)


@dataclass(frozen=True)
class PositionMatrix:
    """Rows × columns of :class:`CellStats` (None for an empty cell), built by :func:`position_matrix`.

    Indexing is by position (``row``, ``column``) so a table view can use it directly.
    """

    row_axis: Axis
    column_axis: Axis
    rows: tuple[AxisEntry, ...]
    columns: tuple[AxisEntry, ...]
    cells: tuple[tuple[CellStats | None, ...], ...]
    bases: tuple[ScaleBasis, ...]
    """One basis per entry of the issues axis, in its order; a single basis when no axis is issues."""
    rollup: frozenset[Axis]

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def column_count(self) -> int:
        return len(self.columns)

    @property
    def normalised(self) -> bool:
        """True when any cell's values are normalised to −1…+1 rather than on an issue's scale."""
        return any(b.normalised for b in self.bases)

    def cell(self, row: int, column: int) -> CellStats | None:
        return self.cells[row][column]

    def basis(self, row: int, column: int) -> ScaleBasis:
        """The scale (or normalisation) the cell at ``row``, ``column`` is measured in."""
        if self.row_axis is Axis.ISSUES:
            return self.bases[row]
        if self.column_axis is Axis.ISSUES:
            return self.bases[column]
        return self.bases[0]

    def value(self, row: int, column: int, stat: Stat | str) -> float | None:
        found = self.cells[row][column]
        return None if found is None else found.value(stat)

    def values(self, stat: Stat | str) -> list[list[float | None]]:
        """The whole grid of one statistic, None for empty cells."""
        stat = Stat(stat)
        return [[None if c is None else c.value(stat) for c in line] for line in self.cells]

    def label(self, row: int, column: int, stat: Stat | str) -> str | None:
        """The scale label of a position statistic when it falls exactly on a point of a raw scale."""
        stat = Stat(stat)
        value = self.value(row, column, stat)
        scale = self.basis(row, column).scale
        if value is None or scale is None or not stat.is_position or not float(value).is_integer():
            return None
        return scale.label_for(int(value))

    def display(self, row: int, column: int, stat: Stat | str) -> str:
        """The cell as text: see :func:`format_value`."""
        found = self.cells[row][column]
        if found is None:
            return ""
        return format_value(found.value(stat), stat, normalised=found.normalised)

    def non_empty(self) -> list[tuple[int, int, CellStats]]:
        """Every filled cell as ``(row, column, stats)``, row by row."""
        return [(i, j, c) for i, line in enumerate(self.cells) for j, c in enumerate(line) if c is not None]


def format_value(value: float | None, stat: Stat | str, *, normalised: bool = False) -> str:
    """A statistic as the text a table shows: blank when empty; counts as whole numbers; mean and
    median (and every position of a normalised cell) rounded to two decimals; other raw positions
    and spreads as whole numbers."""
    if value is None:
        return ""
    stat = Stat(stat)
    if stat is Stat.COUNT:
        return str(int(value))
    if stat in (Stat.MEAN, Stat.MEDIAN) or normalised or not float(value).is_integer():
        return f"{value:.2f}"
    return str(int(value))


_FIELD_OF = {Axis.ACTORS: "actor_id", Axis.ISSUES: "issue_id", Axis.DOCUMENTS: "document_id"}


def position_matrix(
    records: Sequence[CodingRow],
    catalogue: Catalogue,
    *,
    rows: Axis | str = Axis.ACTORS,
    columns: Axis | str = Axis.ISSUES,
    rollup: bool | Collection[Axis | str] = False,
    drop_empty: bool = False,
) -> PositionMatrix:
    """Group ``records`` into a ``rows`` × ``columns`` matrix with statistics per cell.

    ``rows`` and ``columns`` are two different axes. The entries come from the ``catalogue`` in its
    display order (:meth:`Catalogue.entries`), so entries without codings are empty rows or
    columns — unless ``drop_empty``, which leaves out rows and columns that have no coding at all.
    ``rollup=True`` rolls up actors and issues, whichever of them are axes (documents do not nest);
    a collection of axes rolls up only those. Filter the records first
    (:func:`~posmap.analysis.filters.filter_records`).

    Every coding must refer to an actor, issue and document the catalogue knows
    (:meth:`Catalogue.with_records` fills gaps); otherwise ValueError.
    """
    rows, columns = Axis(rows), Axis(columns)
    if rows is columns:
        raise ValueError(f"rows and columns must be different axes (both are {rows.value})")
    if rollup is True:
        rolled = frozenset({Axis.ACTORS, Axis.ISSUES})
    elif rollup is False:
        rolled = frozenset()
    else:
        rolled = frozenset(Axis(a) for a in rollup)
    rolled &= {rows, columns} - {Axis.DOCUMENTS}  # only the nesting axes shown roll up

    row_entries, column_entries = catalogue.entries(rows), catalogue.entries(columns)
    groups = _group(records, _FIELD_OF[rows], _FIELD_OF[columns],
                    _chains(catalogue, rows, rolled), _chains(catalogue, columns, rolled))

    # The scale basis of each issue entry (or of the whole matrix when no axis is issues).
    if Axis.ISSUES in (rows, columns):
        issue_entries = row_entries if rows is Axis.ISSUES else column_entries
        below = descendants_map(catalogue.parents(Axis.ISSUES)) if Axis.ISSUES in rolled else {}
        bases = tuple(_basis(catalogue, below.get(e.id, frozenset({e.id}))) for e in issue_entries)
        basis_by_issue = {e.id: b for e, b in zip(issue_entries, bases, strict=True)}

        def basis_of(row_id: int, column_id: int) -> ScaleBasis:
            return basis_by_issue[row_id if rows is Axis.ISSUES else column_id]
    else:
        common = _basis(catalogue, [i.id for i in catalogue.issues])
        bases = (common,)

        def basis_of(row_id: int, column_id: int) -> ScaleBasis:
            return common

    # Issue id → {position: normalised position}; positions off the scale are normalised all the same.
    spans = {i.id: _NormalisedPositions(i.scale.minimum, i.scale.width) for i in catalogue.issues}

    one_document = Axis.DOCUMENTS in (rows, columns)
    dates = DocumentDates(catalogue)
    row_index = {e.id: n for n, e in enumerate(row_entries)}
    column_index = {e.id: n for n, e in enumerate(column_entries)}
    _check_known(groups, row_index, column_index, records, catalogue, rows, columns)
    grid: list[list[CellStats | None]] = [[None] * len(column_entries) for _ in row_entries]
    for (row_id, column_id), members in groups.items():
        grid[row_index[row_id]][column_index[column_id]] = _cell_stats(
            members, basis_of(row_id, column_id), spans, one_document, dates)

    if drop_empty:
        keep_rows = [i for i, line in enumerate(grid) if any(c is not None for c in line)]
        keep_columns = [j for j in range(len(column_entries)) if any(line[j] is not None for line in grid)]
        grid = [[grid[i][j] for j in keep_columns] for i in keep_rows]
        row_entries = tuple(row_entries[i] for i in keep_rows)
        column_entries = tuple(column_entries[j] for j in keep_columns)
        if rows is Axis.ISSUES:
            bases = tuple(bases[i] for i in keep_rows)
        elif columns is Axis.ISSUES:
            bases = tuple(bases[j] for j in keep_columns)

    return PositionMatrix(
        row_axis=rows,
        column_axis=columns,
        rows=row_entries,
        columns=column_entries,
        cells=tuple(tuple(line) for line in grid),
        bases=bases,
        rollup=rolled,
    )


def _check_known(
    groups: dict[tuple[int, int], list[CodingRow]], row_index: dict[int, int], column_index: dict[int, int],
    records: Sequence[CodingRow], catalogue: Catalogue, rows: Axis, columns: Axis,
) -> None:
    """Raise ValueError when a coding names an entry the catalogue lacks (its row, column or scale)."""
    row_ids = {key[0] for key in groups} - row_index.keys()
    column_ids = {key[1] for key in groups} - column_index.keys()
    for axis, missing in ((rows, row_ids), (columns, column_ids)):
        if missing:
            raise ValueError(f"codings refer to {axis.value[:-1]} {min(missing)}, which the catalogue does not hold")
    if Axis.ISSUES not in (rows, columns):
        missing = {i for i in {r.issue_id for r in records} if catalogue.issue(i) is None}
        if missing:
            raise ValueError(f"codings refer to issue {min(missing)}, which the catalogue does not hold")


def _chains(catalogue: Catalogue, axis: Axis, rolled: frozenset[Axis]) -> dict[int, tuple[int, ...]] | None:
    """Entry id → the entries a coding on it counts for (itself and, rolled up, its ancestors)."""
    if axis not in rolled:
        return None
    return ancestors_map(catalogue.parents(axis))


def _group(records, row_field, column_field, row_chains, column_chains) -> dict[tuple[int, int], list[CodingRow]]:
    groups: dict[tuple[int, int], list[CodingRow]] = defaultdict(list)
    keys = map(attrgetter(row_field, column_field), records)  # (row id, column id), made in C
    if row_chains is None and column_chains is None:
        for key, r in zip(keys, records, strict=True):
            groups[key].append(r)
        return groups
    for (row_id, column_id), r in zip(keys, records, strict=True):
        for a in row_chains.get(row_id, (row_id,)) if row_chains else (row_id,):
            for b in column_chains.get(column_id, (column_id,)) if column_chains else (column_id,):
                members = groups.get((a, b))
                if members is None:
                    groups[(a, b)] = [r]
                else:
                    members.append(r)
    return groups


def _basis(catalogue: Catalogue, issue_ids: Collection[int]) -> ScaleBasis:
    scales = [catalogue.scale(i) for i in issue_ids if catalogue.issue(i) is not None]
    shared = same_scale(scales)
    if shared is not None:
        return ScaleBasis(scale=shared, step=scale_step(shared))
    if not scales:
        return ScaleBasis(scale=None, step=2 / 4)  # no issues: the default scale's step, normalised
    return ScaleBasis(scale=None, step=min(2 * scale_step(s) / s.width for s in scales))


_CREATED_AND_ID = attrgetter("created_at", "id")


def _latest(members: Sequence[CodingRow], dates: Sequence[str | None]) -> CodingRow:
    """The member with the greatest ``(document date, created_at, id)``, without building that key for
    every member: the latest date first, then the latest ``created_at`` and id among its few codings.
    ``dates`` are the members' document dates; an undated document ("" or None) counts as the oldest."""
    newest = max(filter(None, dates), default=None)
    if newest is None:
        candidates = members
    elif dates.count(newest) == 1:
        return members[dates.index(newest)]
    else:
        candidates = [r for r, date in zip(members, dates, strict=True) if date == newest]
    return candidates[0] if len(candidates) == 1 else max(candidates, key=_CREATED_AND_ID)


class _NormalisedPositions(dict):
    """position → ``(position − min) / width · 2 − 1``, computed once per position and issue."""

    def __init__(self, low: int, width: int) -> None:
        super().__init__()
        self.low, self.width = low, width

    def __missing__(self, position: int) -> float:
        value = self[position] = (position - self.low) / self.width * 2 - 1
        return value


def _cell_stats(
    members: list[CodingRow], basis: ScaleBasis, spans: dict[int, _NormalisedPositions], one_document: bool,
    dates: DocumentDates,
) -> CellStats:
    normalised = basis.scale is None
    n = len(members)
    if n == 1:  # the commonest cell in sparse matrices such as documents × actors
        r = members[0]
        v = spans[r.issue_id][r.position] if normalised else r.position
        return CellStats(
            count=1, documents=1, mean=float(v), median=float(v), min=v, max=v, latest=v, spread=v - v,
            document_spread=0.0, contested=False, normalised=normalised, latest_coding_id=r.id,
            coding_ids=(r.id,), document_means=((r.document_id, float(v)),),
        )
    # List comprehensions: Python 3.11 reads fields in them faster than through attrgetter or zip.
    ids = [r.id for r in members]
    document_ids = [r.document_id for r in members]
    if normalised:
        values: Sequence[float] = [spans[r.issue_id][r.position] for r in members]
    else:
        values = [r.position for r in members]
    mean = math.fsum(values) / n if normalised else sum(values) / n
    ordered = sorted(values)
    middle = n // 2
    median = float(ordered[middle]) if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    latest = _latest(members, dates.of(members, document_ids))

    document_means, document_spread = (
        (((document_ids[0], mean),), 0.0) if one_document  # a document axis: one document per cell
        else _document_means(document_ids, values, exact=not normalised)
    )
    return CellStats(
        count=n,
        documents=len(document_means),
        mean=mean,
        median=median,
        min=ordered[0],
        max=ordered[-1],
        latest=spans[latest.issue_id][latest.position] if normalised else latest.position,
        spread=ordered[-1] - ordered[0],
        document_spread=document_spread,
        contested=len(document_means) >= 2 and document_spread >= CONTESTED_STEPS * basis.step - _EPSILON,
        normalised=normalised,
        latest_coding_id=latest.id,
        coding_ids=tuple(ids),
        document_means=document_means,
    )


def _document_means(
    document_ids: Sequence[int], values: Sequence[float], *, exact: bool
) -> tuple[tuple[tuple[int, float], ...], float]:
    """Each document's mean value, by document id, and the largest minus the smallest of them.

    ``exact`` values (whole numbers) may be added up in any order; others are added one by one in
    the order given, so every Python version rounds them alike.
    """
    if exact and all(map(le, document_ids, document_ids[1:])):
        # The store gives codings by document, so a cell's are in runs: add each run up at C speed.
        counts = Counter(document_ids)
        if len(counts) == 1:
            return ((document_ids[0], sum(values) / len(values)),), 0.0
        if len(counts) == len(values):  # one coding per document, common in large projects
            return tuple(zip(document_ids, map(float, values), strict=True)), float(max(values) - min(values))
        # Running totals read at each run's end give the runs' sums without a Python loop.
        totals = list(accumulate(values, initial=0))
        at_ends = itemgetter(*accumulate(counts.values()))(totals)
        means = list(map(truediv, map(sub, at_ends, (0, *at_ends[:-1])), counts.values()))
        return tuple(zip(counts, means, strict=True)), max(means) - min(means)
    per_document: dict[int, list[float]] = {}
    get = per_document.get
    for document_id, v in zip(document_ids, values, strict=True):
        found = get(document_id)
        if found is None:
            per_document[document_id] = [v, 1]
        else:
            found[0] += v
            found[1] += 1
    if len(per_document) == 1:
        ((document_id, (total, count)),) = per_document.items()
        return ((document_id, total / count),), 0.0
    # Document ids are unique, so sorting the items sorts by id alone.
    document_means = tuple([(d, total / count) for d, (total, count) in sorted(per_document.items())])
    means = [m for _, m in document_means]
    return document_means, max(means) - min(means)
