"""The item models behind the matrix view: the heat map over a PositionMatrix, and the evidence list.

Colours (what the heat map shows, so a reader can trust it):

- **Position statistics** (mean, median, min, max, latest) use a diverging red–pale–blue palette
  (ColorBrewer RdBu). Each cell's value is first placed on −1…+1 by its own scale — the low end of
  the issue's scale (e.g. "strongly opposes", or the first outcome of a custom scale) is −1 and red,
  the high end (+1) blue, the middle pale — so issues with different scales compare at a glance.
  Cells the analysis already normalised (they mix scales) are on −1…+1 to begin with.
- **count** uses a sequential purple palette relative to the fullest cell (square root, so a few
  very full cells do not wash out the rest); **spread** a sequential orange palette, as a share of
  the cell's scale width (0 = every source agrees, 1 = from one end of the scale to the other).
- Text is black or white, whichever contrasts more with the cell (WCAG relative luminance).

Nothing here reads the project: the view hands in a :class:`PositionMatrix`, the
:class:`Catalogue` it was built from and the coding rows behind it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QPainter,
    QPalette,
    QPen,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from posmap.analysis import Axis, Catalogue, CellStats, PositionMatrix, ScaleBasis, Stat
from posmap.analysis.bargaining import nearest_point
from posmap.gui.coding_text import attribution_label, kind_label, one_line, position_text, source_text
from posmap.model import CodingRecord, CodingRow, Scale

# ColorBrewer RdBu (9 classes), low end of the scale (red) to high end (blue).
DIVERGING = ("#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac")
# ColorBrewer Purples and Oranges for the statistics that are amounts, not positions.
COUNT_PALETTE = ("#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d")
SPREAD_PALETTE = ("#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#8c2d04")

CONTESTED_MARK = "⚑"

CELL_ROLE = Qt.ItemDataRole.UserRole  # CellStats or None
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the shown statistic's value, or None
CONTESTED_ROLE = Qt.ItemDataRole.UserRole + 2  # bool
LINES_ROLE = Qt.ItemDataRole.UserRole + 3  # (main line, detail line) the delegate paints
ID_ROLE = Qt.ItemDataRole.UserRole + 4  # evidence: the coding id
RECORD_ROLE = Qt.ItemDataRole.UserRole + 5  # evidence: the CodingRecord

STAT_LABELS: dict[Stat, str] = {
    Stat.COUNT: "Count",
    Stat.MEAN: "Mean position",
    Stat.MEDIAN: "Median position",
    Stat.MIN: "Lowest position",
    Stat.MAX: "Highest position",
    Stat.LATEST: "Latest position",
    Stat.SPREAD: "Spread",
}

STAT_TIPS: dict[Stat, str] = {
    Stat.COUNT: "How many codings each cell holds",
    Stat.MEAN: "The average of the cell's positions",
    Stat.MEDIAN: "The middle of the cell's positions",
    Stat.MIN: "The lowest position any source gives",
    Stat.MAX: "The highest position any source gives",
    Stat.LATEST: "The position from the most recent document",
    Stat.SPREAD: "Highest minus lowest position: how far the sources lie apart",
}

AXIS_LABELS: dict[Axis, str] = {Axis.ACTORS: "Actors", Axis.ISSUES: "Issues", Axis.DOCUMENTS: "Documents"}


# -- colours -------------------------------------------------------------------------------------------


def blend(palette: Sequence[str], t: float) -> QColor:
    """The colour at ``t`` (0…1, clamped) along ``palette``, interpolated linearly between its stops."""
    t = min(1.0, max(0.0, t)) if not math.isnan(t) else 0.5
    scaled = t * (len(palette) - 1)
    low = min(int(scaled), len(palette) - 2)
    fraction = scaled - low
    a, b = QColor(palette[low]), QColor(palette[low + 1])
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * fraction,
        a.greenF() + (b.greenF() - a.greenF()) * fraction,
        a.blueF() + (b.blueF() - a.blueF()) * fraction,
    )


def scale_position(value: float, basis: ScaleBasis) -> float:
    """``value`` placed on −1…+1 by its scale (already normalised cells keep their value)."""
    if basis.width <= 0:
        return 0.0
    return (value - basis.low) / basis.width * 2 - 1


def position_colour(value: float, basis: ScaleBasis) -> QColor:
    """Red for the low end of the cell's scale, pale for the middle, blue for the high end."""
    return blend(DIVERGING, (scale_position(value, basis) + 1) / 2)


def count_colour(count: float, largest: float) -> QColor:
    """Pale for few codings, deep purple for the fullest cell; never as pale as an empty cell."""
    share = math.sqrt(count / largest) if largest > 0 else 0.0
    return blend(COUNT_PALETTE, 0.12 + 0.88 * share)


def spread_colour(spread: float, basis: ScaleBasis) -> QColor:
    """Pale when the sources agree, deep orange when they span the whole scale."""
    share = spread / basis.width if basis.width > 0 else 0.0
    return blend(SPREAD_PALETTE, 0.08 + 0.92 * share)


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0 black … 1 white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2 contrast ratio (1 … 21)."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


_BLACK, _WHITE = QColor("#000000"), QColor("#ffffff")


def readable_text_colour(background: QColor) -> QColor:
    """Black or white, whichever is easier to read on ``background``."""
    return _BLACK if contrast_ratio(background, _BLACK) >= contrast_ratio(background, _WHITE) else _WHITE


# -- words for values ------------------------------------------------------------------------------------


def nearest_label(scale: Scale, value: float) -> str:
    """The label of the scale point closest to ``value``; a tie goes to the point nearer the scale's
    centre, as in the briefing (:func:`~posmap.analysis.bargaining.nearest_point`)."""
    return scale.label_for(nearest_point(value, scale)) or ""


def number_text(value: float, basis: ScaleBasis, *, whole: bool = False) -> str:
    """A value as a number: signed when the scale has negative points (as ``Scale.describe`` shows them)."""
    signed = basis.scale is None or basis.scale.minimum < 0
    if whole and float(value).is_integer():
        text = f"{int(value):+d}" if signed else str(int(value))
    else:
        text = f"{value:+.2f}" if signed else f"{value:.2f}"
    return text.replace("-", "−")


def position_words(value: float, basis: ScaleBasis) -> str:
    """A position as words: the scale label when it is a point, "≈ label" between points, a number
    for normalised cells (which have no labels)."""
    if basis.scale is None:
        return number_text(value, basis)
    if float(value).is_integer() and (label := basis.scale.label_for(int(value))) is not None:
        return label
    return f"≈ {nearest_label(basis.scale, value)}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def cell_lines(stats: CellStats, basis: ScaleBasis, stat: Stat) -> tuple[str, str]:
    """The two lines a heat-map cell shows: the statistic in words, and how much evidence lies behind it."""
    if stat is Stat.COUNT:
        main = _plural(stats.count, "coding")
        detail = _plural(stats.documents, "document")
    elif stat is Stat.SPREAD:
        main = f"spread {number_text(stats.spread, basis, whole=True).lstrip('+')}"
        detail = _plural(stats.count, "coding")
    else:
        main = position_words(stats.value(stat), basis)
        detail = _plural(stats.count, "coding")
    if stats.contested:
        detail = f"{CONTESTED_MARK} {detail}"
    return main, detail


def cell_text(stats: CellStats, basis: ScaleBasis, stat: Stat) -> str:
    """The cell on one line, e.g. ``supports · 3`` (``⚑`` marks a contested cell)."""
    main, _ = cell_lines(stats, basis, stat)
    text = main if stat is Stat.COUNT else f"{main} · {stats.count}"
    return f"{text} {CONTESTED_MARK}" if stats.contested else text


# -- the heat map ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Look:
    text: str
    lines: tuple[str, str]
    background: QColor
    foreground: QColor
    value: float


class MatrixTableModel(QAbstractTableModel):
    """A :class:`PositionMatrix` as a table: one cell per matrix cell, coloured by one statistic.

    Roles: Display (one line, e.g. ``supports · 3 ⚑``), Background/Foreground (heat colour and a
    readable text colour), ToolTip (every statistic, and which sources disagree), ``CELL_ROLE``
    (the :class:`CellStats`), ``VALUE_ROLE``, ``CONTESTED_ROLE``, ``LINES_ROLE`` (what the
    delegate paints). Row headers are indented by nesting depth; parents are bold.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._matrix: PositionMatrix | None = None
        self._catalogue = Catalogue()
        self._points: Mapping[int, CodingRow] = {}
        self._stat = Stat.MEAN
        self._looks: dict[tuple[int, int], _Look | None] = {}
        self._largest_count = 0
        self._row_parents: frozenset[int] = frozenset()
        self._column_parents: frozenset[int] = frozenset()
        self._bold = QFont()
        self._bold.setBold(True)

    # -- what it shows ----------------------------------------------------------------------------

    @property
    def matrix(self) -> PositionMatrix | None:
        return self._matrix

    @property
    def statistic(self) -> Stat:
        return self._stat

    @property
    def largest_count(self) -> int:
        return self._largest_count

    def set_matrix(self, matrix: PositionMatrix | None, catalogue: Catalogue | None = None,
                   points: Mapping[int, CodingRow] | None = None) -> None:
        """Show ``matrix``; the catalogue and the codings by id name its documents in tooltips."""
        self.beginResetModel()
        self._matrix = matrix
        self._catalogue = catalogue or Catalogue()
        self._points = points or {}
        self._looks.clear()
        cells = matrix.non_empty() if matrix is not None else []
        self._largest_count = max((stats.count for _, _, stats in cells), default=0)
        self._row_parents = self._parents(matrix.rows) if matrix is not None else frozenset()
        self._column_parents = self._parents(matrix.columns) if matrix is not None else frozenset()
        self.endResetModel()

    def set_statistic(self, stat: Stat | str) -> None:
        stat = Stat(stat)
        if stat is self._stat:
            return
        self._stat = stat
        self._looks.clear()
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def cell(self, row: int, column: int) -> CellStats | None:
        return self._matrix.cell(row, column) if self._matrix is not None else None

    def entry_ids(self, row: int, column: int) -> tuple[int, int] | None:
        """The ids of the row and column entries (actor, issue or document) of a cell."""
        if self._matrix is None or not (0 <= row < self._matrix.row_count and 0 <= column < self._matrix.column_count):
            return None
        return self._matrix.rows[row].id, self._matrix.columns[column].id

    def index_of(self, row_id: int, column_id: int) -> QModelIndex:
        """The cell of these row and column entries (invalid when the matrix lacks either)."""
        if self._matrix is None:
            return QModelIndex()
        row = next((n for n, e in enumerate(self._matrix.rows) if e.id == row_id), None)
        column = next((n for n, e in enumerate(self._matrix.columns) if e.id == column_id), None)
        return QModelIndex() if row is None or column is None else self.index(row, column)

    def cell_title(self, row: int, column: int) -> str:
        """``Actor × Issue``: the entries of a cell, in the order of the axes."""
        if self._matrix is None:
            return ""
        return f"{self._matrix.rows[row].label} × {self._matrix.columns[column].label}"

    # -- Qt model API -----------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self._matrix is None else self._matrix.row_count

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self._matrix is None else self._matrix.column_count

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self._matrix is None:
            return None
        row, column = index.row(), index.column()
        if role == CELL_ROLE:
            return self._matrix.cell(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        look = self._look(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return look.text if look else ""
        if look is None:
            return False if role == CONTESTED_ROLE else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return look.background
        if role == Qt.ItemDataRole.ForegroundRole:
            return look.foreground
        if role == LINES_ROLE:
            return look.lines
        if role == VALUE_ROLE:
            return look.value
        if role == CONTESTED_ROLE:
            return self._matrix.cell(row, column).contested
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if self._matrix is None:
            return None
        horizontal = orientation == Qt.Orientation.Horizontal
        entries = self._matrix.columns if horizontal else self._matrix.rows
        if not 0 <= section < len(entries):
            return None
        entry = entries[section]
        parents = self._column_parents if horizontal else self._row_parents
        if role == Qt.ItemDataRole.DisplayRole:
            if horizontal:
                return f"↳\u00a0{entry.label}" if entry.depth else entry.label
            # Indent nested rows so they read as a tree.
            return "\u2003" * (2 * entry.depth) + entry.label
        if role == Qt.ItemDataRole.FontRole and entry.id in parents:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and not horizontal:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tooltip(entry, entries, self._matrix.column_axis if horizontal
                                        else self._matrix.row_axis, entry.id in parents)
        return None

    # -- internals --------------------------------------------------------------------------------

    @staticmethod
    def _parents(entries) -> frozenset[int]:
        return frozenset(e.parent_id for e in entries if e.parent_id is not None)

    def _look(self, row: int, column: int) -> _Look | None:
        key = (row, column)
        if key in self._looks:
            return self._looks[key]
        stats = self._matrix.cell(row, column)
        look = None
        if stats is not None:
            basis = self._matrix.basis(row, column)
            value = stats.value(self._stat)
            if self._stat is Stat.COUNT:
                background = count_colour(stats.count, self._largest_count)
            elif self._stat is Stat.SPREAD:
                background = spread_colour(stats.spread, basis)
            else:
                background = position_colour(value, basis)
            look = _Look(cell_text(stats, basis, self._stat), cell_lines(stats, basis, self._stat), background,
                         readable_text_colour(background), value)
        self._looks[key] = look
        return look

    def _header_tooltip(self, entry, entries, axis: Axis, is_parent: bool) -> str:
        parts = [entry.label]
        if entry.parent_id is not None:
            parent = next((e for e in entries if e.id == entry.parent_id), None)
            if parent is not None:
                parts.append(f"nested in {parent.label}")
        if is_parent:
            parts.append("includes the codings of everything nested below it" if axis in self._matrix.rollup
                         else "its own codings only (tick “Roll up nested” to include those nested below it)")
        if axis is Axis.DOCUMENTS and (document := self._catalogue.document(entry.id)) is not None:
            details = [d for d in (document.author, document.date or "", document.kind) if d]
            if details:
                parts.append(", ".join(details))
        return "\n".join(parts)

    def _tooltip(self, row: int, column: int) -> str | None:
        stats = self._matrix.cell(row, column)
        title = html.escape(self.cell_title(row, column))
        if stats is None:
            return f"<b>{title}</b><br>No codings"
        basis = self._matrix.basis(row, column)

        def position(value: float) -> str:
            words = position_words(value, basis)
            number = number_text(value, basis, whole=True)
            return html.escape(number if words == number else f"{words} ({number})")

        rows = [
            (Stat.COUNT, "Codings", f"{stats.count} in {_plural(stats.documents, 'document')}"),
            (Stat.MEAN, "Mean", position(stats.mean)),
            (Stat.MEDIAN, "Median", position(stats.median)),
            (Stat.MIN, "Lowest", position(stats.min)),
            (Stat.MAX, "Highest", position(stats.max)),
            (Stat.LATEST, "Latest", position(stats.latest) + self._latest_source(stats)),
            (Stat.SPREAD, "Spread", html.escape(number_text(stats.spread, basis, whole=True).lstrip("+"))),
        ]
        cells = "".join(
            f"<tr><td>{'<b>' if stat is self._stat else ''}{name}{'</b>' if stat is self._stat else ''}</td>"
            f"<td style='padding-left:10px'>{'<b>' if stat is self._stat else ''}{value}"
            f"{'</b>' if stat is self._stat else ''}</td></tr>"
            for stat, name, value in rows
        )
        text = f"<b>{title}</b><table cellspacing='0'>{cells}</table>"
        if stats.contested:
            text += f"<p><b>{CONTESTED_MARK} Sources disagree:</b><br>{self._disagreement(stats, basis)}</p>"
        if basis.scale is None:
            text += ("<p><i>Values normalised to −1 … +1: this cell combines issues with different scales.</i></p>")
        else:
            low, high = basis.scale.points[0], basis.scale.points[-1]
            text += (f"<p style='font-size:small'>Scale: {html.escape(number_text(low.value, basis, whole=True))} "
                     f"{html.escape(low.label)} … {html.escape(number_text(high.value, basis, whole=True))} "
                     f"{html.escape(high.label)}</p>")
        return f"<div style='max-width:460px'>{text}<p style='font-size:small'>Click to list the evidence.</p></div>"

    def _latest_source(self, stats: CellStats) -> str:
        point = self._points.get(stats.latest_coding_id)
        document = self._catalogue.document(point.document_id) if point is not None else None
        if document is None:
            return ""
        when = f", {document.date}" if document.date else ""
        return f" <span style='font-size:small'>— {html.escape(document.title)}{html.escape(when)}</span>"

    def _disagreement(self, stats: CellStats, basis: ScaleBasis) -> str:
        """Each document's position in a contested cell, one per line, highest first."""
        parts = []
        for document_id, mean in sorted(stats.document_means, key=lambda item: -item[1]):
            document = self._catalogue.document(document_id)
            name = one_line(document.title, 60) if document is not None else f"document {document_id}"
            if document is not None and document.date:
                name += f" ({document.date})"
            words = position_words(mean, basis)
            number = number_text(mean, basis, whole=True)
            shown = number if words == number else f"{words} ({number})"
            parts.append(f"• {html.escape(name)}: <b>{html.escape(shown)}</b>")
        return "<br>".join(parts)


class HeatCellDelegate(QStyledItemDelegate):
    """Paints a heat-map cell: its colour with a thin gap to its neighbours, the statistic in words
    on the first line and the evidence count on the second, a dashed border on contested cells and
    a thick border in the highlight colour on the current cell (so the heat colour stays visible)."""

    PADDING = 6

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        rect = option.rect.adjusted(1, 1, -1, -1)
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        if background is not None:
            painter.fillRect(rect, background)
        text_colour = foreground if foreground is not None else option.palette.text().color()
        lines = index.data(LINES_ROLE)
        if lines:
            self._paint_lines(painter, option, rect, lines, text_colour)
        if index.data(CONTESTED_ROLE):
            pen = QPen(text_colour, 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(rect.adjusted(2, 2, -3, -3))
        if option.state & QStyle.StateFlag.State_Selected:
            pen = QPen(option.palette.highlight().color(), 3)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
        painter.restore()

    def _paint_lines(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect,
                     lines: tuple[str, str], colour: QColor) -> None:
        main, detail = lines
        width = rect.width() - 2 * self.PADDING
        main_font = QFont(option.font)
        detail_font = QFont(option.font)
        detail_font.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.85))
        main_metrics, detail_metrics = QFontMetrics(main_font), QFontMetrics(detail_font)
        height = main_metrics.height() + detail_metrics.height()
        top = rect.top() + max(0, (rect.height() - height) // 2)
        painter.setPen(colour)
        painter.setFont(main_font)
        painter.drawText(QRect(rect.left() + self.PADDING, top, width, main_metrics.height()),
                         int(Qt.AlignmentFlag.AlignCenter),
                         main_metrics.elidedText(main, Qt.TextElideMode.ElideRight, width))
        painter.setFont(detail_font)
        painter.drawText(QRect(rect.left() + self.PADDING, top + main_metrics.height(), width,
                               detail_metrics.height()), int(Qt.AlignmentFlag.AlignCenter),
                         detail_metrics.elidedText(detail, Qt.TextElideMode.ElideRight, width))

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        lines = index.data(LINES_ROLE) or ("", "")
        width = max(metrics.horizontalAdvance(line) for line in lines) + 2 * self.PADDING + 4
        return QSize(width, int(metrics.height() * 2.1) + 2 * self.PADDING)


# -- the evidence list ---------------------------------------------------------------------------------

QUOTE_LIMIT = 700
"""Characters of a quote an evidence entry shows (its tooltip shows more, the viewer all of it)."""


class EvidenceModel(QAbstractListModel):
    """The codings behind one matrix cell, oldest document first, as a list of evidence entries.

    Roles: Display (one line: position, quote, source), ToolTip, ``ID_ROLE`` (the coding id),
    ``RECORD_ROLE`` (the :class:`CodingRecord`), Decoration (the position's heat colour).
    ``show_actor`` and ``show_issue`` say whether entries name their actor and issue (when the
    cell rolls up several).
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._records: list[CodingRecord] = []
        self._catalogue = Catalogue()
        self.show_actor = False
        self.show_issue = False

    def set_records(self, records: Sequence[CodingRecord], catalogue: Catalogue | None = None) -> None:
        self.beginResetModel()
        # Oldest source first (undated ones last), then reading order within a document.
        self._records = sorted(records, key=lambda r: (r.document_date is None, r.document_date or "",
                                                      r.document_id, r.start, r.id))
        self._catalogue = catalogue or Catalogue()
        self.show_actor = len({r.actor_id for r in self._records}) > 1
        self.show_issue = len({r.issue_id for r in self._records}) > 1
        self.endResetModel()

    def record(self, row: int) -> CodingRecord:
        return self._records[row]

    def records(self) -> list[CodingRecord]:
        return list(self._records)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._records)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        record = self._records[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{position_text(record.position_label, record.position)}: “{one_line(record.quote, 200)}” "
                    f"— {source_text(record)}")
        if role == RECORD_ROLE:
            return record
        if role == ID_ROLE:
            return record.id
        if role == Qt.ItemDataRole.DecorationRole:
            return self.position_colour(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"<div style='max-width:460px'>“{html.escape(record.quote[:1500])}”<br>"
                    f"<span style='font-size:small'>— {html.escape(source_text(record))}</span><br>"
                    "<span style='font-size:small'><i>Double-click or press Enter to show it in the "
                    "document.</i></span></div>")
        return None

    def position_colour(self, record: CodingRecord) -> QColor | None:
        issue = self._catalogue.issue(record.issue_id)
        if issue is None:
            return None
        return position_colour(record.position, ScaleBasis(scale=issue.scale, step=1))


class EvidenceDelegate(QStyledItemDelegate):
    """Paints an evidence entry as a small card, wrapped to the list's width, with a stripe in the
    position's heat colour down its left edge::

        ▌ supports (+1) · Actor · Issue
        ▌ “The quote, wrapped over as many lines as it needs …”
        ▌ Document title — Author, 2024-03-02, p. 7 · Own words · Demand
    """

    MARGIN = 8
    STRIPE = 5

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._heights: dict[tuple[int, int], int] = {}

    def forget_sizes(self) -> None:
        self._heights.clear()

    def card_html(self, index: QModelIndex, palette: QPalette, selected: bool = False) -> str:
        record: CodingRecord = index.data(RECORD_ROLE)
        model = index.model()
        head = [f"<b>{html.escape(position_text(record.position_label, record.position))}</b>"]
        if getattr(model, "show_actor", False):
            head.append(html.escape(record.actor))
        if getattr(model, "show_issue", False):
            head.append(html.escape(record.issue))
        quote = one_line(record.quote, QUOTE_LIMIT)
        faint = (palette.highlightedText() if selected else palette.placeholderText()).color().name()
        meta = " · ".join((source_text(record), attribution_label(record.attribution), kind_label(record.kind)))
        return (f"<div>{' · '.join(head)}</div><div style='margin-top:2px'>“{html.escape(quote)}”</div>"
                f"<div style='margin-top:2px; color:{faint}; font-size:small'>{html.escape(meta)}</div>")

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex, width: int,
                  selected: bool = False) -> QTextDocument:
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(option.font)
        document.setHtml(self.card_html(index, option.palette, selected))
        document.setTextWidth(max(80, width))
        return document

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        return self._view.viewport().width() - 2 * self.MARGIN - self.STRIPE

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        item.icon = QIcon()
        item.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        style = item.widget.style() if item.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(colour, QColor):
            stripe = QRect(option.rect.left() + 2, option.rect.top() + 3, self.STRIPE, option.rect.height() - 6)
            painter.fillRect(stripe, colour)
            painter.save()
            painter.setPen(option.palette.color(QPalette.ColorRole.Mid))  # keeps a pale "neutral" visible
            painter.drawRect(stripe.adjusted(0, 0, -1, -1))
            painter.restore()
        document = self._document(option, index, option.rect.width() - 2 * self.MARGIN - self.STRIPE, selected)
        painter.save()
        painter.translate(option.rect.left() + self.MARGIN + self.STRIPE, option.rect.top() + self.MARGIN // 2 + 1)
        context = QAbstractTextDocumentLayout.PaintContext()
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        document.documentLayout().draw(painter, context)
        painter.restore()
        painter.save()
        painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        width = self._text_width(option)
        key = (index.row(), width)
        height = self._heights.get(key)
        if height is None:
            height = int(self._document(option, index, width).size().height()) + self.MARGIN + 2
            self._heights[key] = height
        return QSize(width + 2 * self.MARGIN + self.STRIPE, height)
