"""Write a position matrix as CSV: the wide matrix of one statistic, or tidy long rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from posmap.analysis import MatrixReport, Stat
from posmap.export.matrix_tables import LONG_COLUMNS, long_rows, matrix_table


def matrix_csv_text(report: MatrixReport, *, long: bool = False, stat: Stat | str | None = None) -> str:
    """The CSV text (UTF-8 when written, comma-separated, ``\\n`` line ends, RFC 4180 quoting).

    Wide (default): the matrix of ``stat`` (default: the report's statistic) — a header row with the
    corner label (``actors \\ issues``) and the column labels, then one line per row entry, each cell
    as the printed table shows it (mean and median to two decimals, empty cells blank).
    Long: one line per non-empty cell with every statistic, columns :data:`LONG_COLUMNS`.
    """
    buffer = io.StringIO()
    if long:
        writer = csv.DictWriter(buffer, fieldnames=list(LONG_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(long_rows(report.matrix))
    else:
        csv.writer(buffer, lineterminator="\n").writerows(matrix_table(report.matrix, stat or report.statistic))
    return buffer.getvalue()


def write_matrix_csv(report: MatrixReport, path: str | Path, *, long: bool = False) -> Path:
    """Write :func:`matrix_csv_text` to ``path`` (UTF-8 with a byte-order mark, so spreadsheet programs
    read non-Latin labels correctly); returns the path."""
    path = Path(path)
    path.write_text(matrix_csv_text(report, long=long), encoding="utf-8-sig", newline="")
    return path
