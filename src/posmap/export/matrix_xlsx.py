"""Write a position matrix as an Excel workbook (openpyxl).

Sheets, in order:

- one per statistic (Mean, Median, Min, Max, Latest, Spread, Count), the requested one active: the
  matrix with the row labels in column A and column labels in row 1, both frozen, and a
  colour-scale heat map. Position statistics get a diverging red–white–blue scale anchored at
  each issue's scale minimum, midpoint and maximum (−1, 0, +1 for normalised cells), so colours
  compare across issues with different scales; count and spread get a sequential white–blue scale.
- **Evidence**: every coding behind the matrix with its quote and citation, with an autofilter.
- **Contested**: the contested actor–issue cells.
- **Agreement**: actors × actors agreement, then the same grid of shared-issue counts.
- **Codebook**: the actors (parent, kind, aliases) and the issues (parent, proposition, scale).
- **About**: what the workbook was built from (project, axes, roll-up, filters, how values are measured).

Text from documents is written as text, never as a formula, and characters Excel cannot store
are dropped.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from posmap.analysis import Axis, MatrixReport, PositionMatrix, Stat
from posmap.export.matrix_tables import (
    EVIDENCE_COLUMNS,
    EVIDENCE_HEADINGS,
    STAT_TITLES,
    codebook_lines,
    corner_label,
    evidence_records,
    evidence_row,
    scale_note,
)

SHEET_ORDER = (Stat.MEAN, Stat.MEDIAN, Stat.MIN, Stat.MAX, Stat.LATEST, Stat.SPREAD, Stat.COUNT)
LOW_COLOUR, MID_COLOUR, HIGH_COLOUR = "F8696B", "FFFFFF", "5A8AC6"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", start_color="EEEEEE")
_MAX_CELL_TEXT = 32_767  # Excel's limit on one cell


def write_matrix_xlsx(report: MatrixReport, path: str | Path) -> Path:
    """Write the workbook described in the module docstring to ``path``; returns the path."""
    path = Path(path)
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for stat in SHEET_ORDER:
        sheet = workbook.create_sheet(STAT_TITLES[stat])
        _matrix_sheet(sheet, report.matrix, stat)
    workbook.active = SHEET_ORDER.index(report.statistic)
    _evidence_sheet(workbook.create_sheet("Evidence"), report)
    _contested_sheet(workbook.create_sheet("Contested"), report)
    _agreement_sheet(workbook.create_sheet("Agreement"), report)
    _codebook_sheet(workbook.create_sheet("Codebook"), report)
    _about_sheet(workbook.create_sheet("About"), report)
    workbook.save(path)
    return path


def _text(value: object) -> object:
    """A value safe for a cell: strings lose characters Excel refuses and are cut to Excel's limit."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_CELL_TEXT]
    return value


def _put(sheet: Worksheet, row: int, column: int, value: object, *, number_format: str | None = None):
    cell = sheet.cell(row=row, column=column)
    cell.value = _text(value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # a quote starting with "=" is text, not a formula
    if number_format:
        cell.number_format = number_format
    return cell


def _header(sheet: Worksheet, row: int, values: list[object] | tuple[object, ...], column: int = 1) -> None:
    for offset, value in enumerate(values):
        cell = _put(sheet, row, column + offset, value)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet: Worksheet, widths: dict[int, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def _label_width(labels: list[str], *, floor: float = 10, cap: float = 40) -> float:
    return min(cap, max([floor, *(len(label) + 2 for label in labels)]))


def _matrix_sheet(sheet: Worksheet, matrix: PositionMatrix, stat: Stat) -> None:
    _header(sheet, 1, [corner_label(matrix), *(c.label for c in matrix.columns)])
    for i, entry in enumerate(matrix.rows, start=2):
        label = _put(sheet, i, 1, entry.label)
        label.font = _HEADER_FONT
        label.alignment = Alignment(indent=entry.depth)  # nesting shows as indentation, not in the text
    for i, line in enumerate(matrix.cells):
        for j, cell in enumerate(line):
            if cell is None:
                continue
            value = cell.value(stat)
            decimals = stat in (Stat.MEAN, Stat.MEDIAN) or cell.normalised or not float(value).is_integer()
            _put(sheet, i + 2, j + 2, value, number_format="0.00" if decimals and stat is not Stat.COUNT else "0")
    sheet.freeze_panes = "B2"
    _widths(sheet, {1: _label_width([r.label for r in matrix.rows])})
    for j, column in enumerate(matrix.columns, start=2):
        _widths(sheet, {j: _label_width([column.label], floor=9, cap=24)})
    sheet.row_dimensions[1].height = 30
    _heat_map(sheet, matrix, stat)
    if matrix.row_count and matrix.column_count:
        note = _put(sheet, matrix.row_count + 3, 1, scale_note(matrix))
        note.font = Font(italic=True)


def _heat_map(sheet: Worksheet, matrix: PositionMatrix, stat: Stat) -> None:
    """Colour-scale conditional formats: per issue line for positions and spreads, one for counts."""
    if not matrix.row_count or not matrix.column_count:
        return
    last_row, last_column = matrix.row_count + 1, matrix.column_count + 1
    if stat is Stat.COUNT:
        area = f"B2:{get_column_letter(last_column)}{last_row}"
        sheet.conditional_formatting.add(area, ColorScaleRule(
            start_type="num", start_value=0, start_color=MID_COLOUR,
            end_type="max", end_color=HIGH_COLOUR))
        return
    # One range per line of the issues axis (or the whole grid when no axis is issues).
    if matrix.row_axis is Axis.ISSUES:
        areas = [(f"B{i + 2}:{get_column_letter(last_column)}{i + 2}", matrix.bases[i])
                 for i in range(matrix.row_count)]
    elif matrix.column_axis is Axis.ISSUES:
        areas = [(f"{get_column_letter(j + 2)}2:{get_column_letter(j + 2)}{last_row}", matrix.bases[j])
                 for j in range(matrix.column_count)]
    else:
        areas = [(f"B2:{get_column_letter(last_column)}{last_row}", matrix.bases[0])]
    for area, basis in areas:
        if stat is Stat.SPREAD:
            rule = ColorScaleRule(start_type="num", start_value=0, start_color=MID_COLOUR,
                                  end_type="num", end_value=basis.width, end_color=HIGH_COLOUR)
        else:
            rule = ColorScaleRule(
                start_type="num", start_value=basis.low, start_color=LOW_COLOUR,
                mid_type="num", mid_value=(basis.low + basis.high) / 2, mid_color=MID_COLOUR,
                end_type="num", end_value=basis.high, end_color=HIGH_COLOUR,
            )
        sheet.conditional_formatting.add(area, rule)


def _evidence_sheet(sheet: Worksheet, report: MatrixReport) -> None:
    _header(sheet, 1, EVIDENCE_HEADINGS)
    records = evidence_records(report)
    for n, record in enumerate(records, start=2):
        row = evidence_row(record)
        for column, key in enumerate(EVIDENCE_COLUMNS, start=1):
            cell = _put(sheet, n, column, row[key])
            if key == "quote":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EVIDENCE_COLUMNS))}{max(1, len(records) + 1)}"
    widths = {"actor": 20, "issue": 22, "position_label": 22, "position": 7, "kind": 12, "attribution": 13,
              "quote": 70, "document": 36, "author": 20, "date": 11, "page": 6, "coding_id": 9}
    _widths(sheet, {n: widths[key] for n, key in enumerate(EVIDENCE_COLUMNS, start=1)})


def _contested_sheet(sheet: Worksheet, report: MatrixReport) -> None:
    headings = ["Actor", "Issue", "Documents", "Lowest document mean", "Highest document mean", "Spread",
                "Steps", "Normalised", "Coding ids"]
    _header(sheet, 1, headings)
    for n, found in enumerate(report.contested, start=2):
        means = [m for _, m in found.stats.document_means]
        values = [found.actor.label, found.issue.label, found.stats.documents, min(means), max(means),
                  found.stats.document_spread, found.steps, "yes" if found.basis.normalised else "no",
                  ", ".join(str(i) for i in found.stats.coding_ids)]
        for column, value in enumerate(values, start=1):
            _put(sheet, n, column, value, number_format="0.00" if isinstance(value, float) else None)
    if not report.contested:
        _put(sheet, 2, 1, "No contested cells: no actor–issue cell has sources 2 or more scale steps apart.")
    sheet.freeze_panes = "A2"
    _widths(sheet, {1: 22, 2: 24, 3: 11, 4: 12, 5: 12, 6: 9, 7: 8, 8: 11, 9: 40})


def _agreement_sheet(sheet: Worksheet, report: MatrixReport) -> None:
    agreement = report.agreement
    labels = [a.label for a in agreement.actors]
    size = len(labels)
    _header(sheet, 1, ["Agreement (0–1)", *labels])
    second = size + 3  # a blank line, then the shared-issue counts
    _header(sheet, second, ["Shared issues", *labels])
    for i, label in enumerate(labels):
        _put(sheet, i + 2, 1, label).font = _HEADER_FONT
        _put(sheet, second + 1 + i, 1, label).font = _HEADER_FONT
        for j in range(size):
            cell = agreement.cells[i][j]
            if cell.agreement is not None:
                _put(sheet, i + 2, j + 2, cell.agreement, number_format="0.00")
            _put(sheet, second + 1 + i, j + 2, cell.shared_issues, number_format="0")
    if size:
        last = get_column_letter(size + 1)
        sheet.conditional_formatting.add(f"B2:{last}{size + 1}", ColorScaleRule(
            start_type="num", start_value=0, start_color=LOW_COLOUR,
            mid_type="num", mid_value=0.5, mid_color=MID_COLOUR,
            end_type="num", end_value=1, end_color=HIGH_COLOUR))
    note = _put(sheet, second + size + 2, 1,
                "Agreement: over the issues both actors have positions on, the mean of 1 − |difference| / scale "
                "width of their mean positions. Blank where they share no issue.")
    note.font = Font(italic=True)
    sheet.freeze_panes = "B2"
    _widths(sheet, {1: _label_width(labels, floor=16)})
    for j, label in enumerate(labels, start=2):
        _widths(sheet, {j: _label_width([label], floor=9, cap=20)})


def _codebook_sheet(sheet: Worksheet, report: MatrixReport) -> None:
    actors, issues = codebook_lines(report)
    _header(sheet, 1, ["Actor", "Parent", "Kind", "Aliases"])
    row = 2
    for line in actors:
        for column, value in enumerate([line.name, line.parent, line.detail, line.extra], 1):
            _put(sheet, row, column, value)
        sheet.cell(row=row, column=1).alignment = Alignment(indent=line.depth)
        row += 1
    row += 1
    _header(sheet, row, ["Issue", "Parent", "Proposition", "Scale (value label; lowest first)"])
    row += 1
    for line in issues:
        for column, value in enumerate([line.name, line.parent, line.detail, line.extra], 1):
            _put(sheet, row, column, value).alignment = Alignment(wrap_text=True, vertical="top",
                                                                  indent=line.depth if column == 1 else 0)
        row += 1
    _widths(sheet, {1: 28, 2: 22, 3: 50, 4: 60})


def _about_sheet(sheet: Worksheet, report: MatrixReport) -> None:
    matrix = report.matrix
    lines = [
        ("Project", report.title),
        ("Rows", matrix.row_axis.value),
        ("Columns", matrix.column_axis.value),
        ("Statistic", report.statistic.value),
        ("Roll-up", ", ".join(sorted(a.value for a in matrix.rollup)) or "none"),
        ("Filters", "; ".join(report.filter.describe()) or "none"),
        ("Codings", len(report.records)),
        ("Values", scale_note(matrix)),
        ("Latest", "the position from the most recent document date (undated documents count as oldest)"),
        ("Contested", "an actor–issue cell whose documents' mean positions lie 2 or more scale steps apart"),
    ]
    for n, (key, value) in enumerate(lines, start=1):
        _put(sheet, n, 1, key).font = _HEADER_FONT
        _put(sheet, n, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
    _widths(sheet, {1: 14, 2: 90})
