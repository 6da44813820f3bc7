"""MatrixView: the position matrix as a heat map, with filters, the evidence behind a cell, and export.

Wiring for the main window::

    view = MatrixView(session)
    view.passageActivated.connect(viewer.open_passage)     # (document_id, start, end), code points
    view.statusMessage.connect(status_bar.showMessage)

Signals
    ``passageActivated(int, int, int)`` — double-click or Enter on an evidence row: show this passage.
    ``matrixReady()`` — the heat map shows a newly computed matrix (after a reload or a new choice).
    ``exportFinished(str, str)`` — an export ended: the file written, and an error ("" on success).
    ``statusMessage(str)`` — a short note for the status bar (e.g. "Matrix written to …").

Methods and attributes
    ``reload()`` (read the project again, on a worker thread), ``recompute()`` (recompute from the
    codings already read), ``set_axes(rows, columns)``, ``set_statistic(stat)``, ``set_rollup(bool)``,
    ``set_filter(RecordFilter)``, ``clear_filters()``, ``record_filter()`` (None when the filters
    select nothing; ``filter_problem()`` says why), ``active_filter_count()``, ``options()`` (the
    :class:`MatrixOptions` an export uses), ``select_cell(row, column)``,
    ``select_cell_of(row_id, column_id)``, ``evidence_records()``, ``choose_export(suffix)`` (file
    dialog, then export), ``export_to(path)``; ``loading`` (a read is running), ``report`` (the shown
    :class:`~posmap.analysis.MatrixReport`), ``table`` and ``model`` (the heat map),
    ``evidence_list`` (evidence cards) and ``evidence_model``, and the controls ``rows_combo``,
    ``columns_combo``, ``statistic_combo``, ``rollup_check``, ``filters_button`` (shows the filter
    row), ``filters`` (the :class:`~posmap.gui.matrix_controls.FilterControls`), ``export_button``
    with ``export_actions`` (suffix → QAction).

How it stays current: the view reads every coding once (on a worker thread with its own
read-only connection, so a large project never freezes the window) and recomputes the matrix in
memory when the axes, statistic, roll-up or filters change — the analysis applies a filter the
same way the store would. When the session reports changed codings, codebook or documents it
reads again, at most once per burst of signals (:data:`REFRESH_DELAY_MS`), and only while it is
visible; a hidden view catches up when it is shown. Exports run
:func:`posmap.services.matrix.write_matrix` on a worker thread with the view's current options.
"""

from __future__ import annotations

import contextlib
import html
import re
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, QRect, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from posmap.analysis import Axis, Catalogue, CellStats, MatrixReport, RecordFilter, Stat, matrix_report
from posmap.gui.dialogs import show_error
from posmap.gui.empty_hint import EmptyHint
from posmap.gui.matrix_controls import ColourLegend, FilterControls
from posmap.gui.matrix_model import (
    AXIS_LABELS,
    CONTESTED_MARK,
    LINES_ROLE,
    STAT_LABELS,
    STAT_TIPS,
    EvidenceDelegate,
    EvidenceModel,
    HeatCellDelegate,
    MatrixTableModel,
)
from posmap.gui.session import ProjectSession
from posmap.gui.timers import single_shot
from posmap.model import CodingPoint, CodingRecord
from posmap.services.matrix import MatrixOptions, catalogue_of, load_points, write_matrix
from posmap.store import CodingFilter, Project, ProjectError

REFRESH_DELAY_MS = 150
"""How long the view waits after a change signal (or a filter edit) before it reads or recomputes."""

EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    ".csv": ("CSV", "CSV files (*.csv)"),
    ".xlsx": ("Excel workbook", "Excel workbooks (*.xlsx)"),
    ".json": ("JSON", "JSON files (*.json)"),
}

ROW_AXES = (Axis.ACTORS, Axis.ISSUES, Axis.DOCUMENTS)
COLUMN_AXES = (Axis.ISSUES, Axis.ACTORS)

_UNSAFE_FILE_CHARACTERS = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def export_file_name(title: str, suffix: str) -> str:
    """A file name for an export from the project title, e.g. ``Peace talks matrix.xlsx``."""
    stem = " ".join(_UNSAFE_FILE_CHARACTERS.sub(" ", title).split()).strip(" .") or "posmap"
    return f"{stem[:80]} matrix{suffix}"


class _HeatTable(QTableView):
    """The heat map; Enter on a cell moves to its evidence."""

    cellEntered = Signal()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.cellEntered.emit()
            return
        super().keyPressEvent(event)


class _EvidenceList(QListView):
    """The evidence list; Enter shows the current passage."""

    rowActivated = Signal(QModelIndex)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.rowActivated.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class _Relay(QObject):
    """Carries a worker thread's result to the GUI thread (queued signal delivery)."""

    loaded = Signal(int, object, str)  # generation, (catalogue, points, points by id, title) or None, error
    exported = Signal(str, str)  # path, error


class MatrixView(QWidget):
    """See the module docstring."""

    passageActivated = Signal(int, int, int)
    matrixReady = Signal()
    exportFinished = Signal(str, str)
    statusMessage = Signal(str)

    EVIDENCE_WIDTH = 420  # pixels the evidence list needs beside the heat map

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._catalogue: Catalogue | None = None
        self._points: list[CodingPoint] = []
        self._points_by_id: dict[int, CodingPoint] = {}
        self._title = ""
        self._report: MatrixReport | None = None
        self._generation = 0
        self._loading = False
        self._stale = True
        self._exporting = False
        self._relay = _Relay(self)
        self._relay.loaded.connect(self._on_loaded)
        self._relay.exported.connect(self._on_exported)
        self._reload_timer = single_shot(self, self.reload, REFRESH_DELAY_MS)
        self._recompute_timer = single_shot(self, self.recompute, REFRESH_DELAY_MS)

        self._build_controls()
        self._build_filter_row()
        self._build_tables()
        self._build_layout()
        self._connect()
        self._show_evidence_for(QModelIndex())

    # == construction =====================================================================================

    def _build_controls(self) -> None:
        self.rows_combo = QComboBox(self)
        for axis in ROW_AXES:
            self.rows_combo.addItem(AXIS_LABELS[axis], axis.value)
        self.rows_combo.setToolTip("What the rows of the matrix are")
        self.columns_combo = QComboBox(self)
        for axis in COLUMN_AXES:
            self.columns_combo.addItem(AXIS_LABELS[axis], axis.value)
        self.columns_combo.setToolTip("What the columns of the matrix are")
        self.statistic_combo = QComboBox(self)
        for stat in Stat:
            self.statistic_combo.addItem(STAT_LABELS[stat], stat.value)
            self.statistic_combo.setItemData(self.statistic_combo.count() - 1, STAT_TIPS[stat],
                                             Qt.ItemDataRole.ToolTipRole)
        self.statistic_combo.setCurrentIndex(self.statistic_combo.findData(Stat.MEAN.value))
        self.statistic_combo.setToolTip("Which statistic each cell shows and is coloured by")
        self.rollup_check = QCheckBox("Roll up nested", self)
        self.rollup_check.setToolTip(
            "Count the codings of nested actors and issues (a minister inside a state, a sub-issue) in their "
            "parents' cells too")
        self.filters_button = QToolButton(self)
        self.filters_button.setText("Filters")
        self.filters_button.setCheckable(True)
        self.filters_button.setChecked(True)
        self.filters_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.filters_button.setToolTip("Show or hide the filters (documents, dates, attribution, kind)")

        self.export_button = QPushButton("Export", self)
        self.export_button.setToolTip("Write this matrix, as filtered, to a file")
        menu = QMenu(self.export_button)
        self.export_actions: dict[str, QAction] = {}
        tips = {
            ".csv": "The matrix of the shown statistic as comma-separated values",
            ".xlsx": "One sheet per statistic, plus agreement, contested cells and every quote with its citation",
            ".json": "Every cell with all its statistics and the codings behind it",
        }
        for suffix, (name, _pattern) in EXPORT_FORMATS.items():
            action = menu.addAction(f"{name} ({suffix})…")
            action.setToolTip(tips[suffix])
            action.setStatusTip(tips[suffix])
            action.triggered.connect(lambda _checked=False, s=suffix: self.choose_export(s))
            self.export_actions[suffix] = action
        menu.setToolTipsVisible(True)
        self.export_button.setMenu(menu)

    def _build_filter_row(self) -> None:
        clear = QToolButton(self)
        clear.setText("Clear")
        self.filters = FilterControls(self, clear)
        controls = self.filters
        # Toolbars, so controls that do not fit a narrow dock move into an overflow menu (»).
        self.filter_row = self._toolbar("Matrix filters")
        for widget in (controls.documents_button, None, controls.since_check, controls.since_edit,
                       controls.until_check, controls.until_edit, None, controls.attribution_button,
                       controls.kind_button, controls.clear_button):
            self._add_to(self.filter_row, widget)

    def _build_tables(self) -> None:
        self.model = MatrixTableModel(self)
        self.table = _HeatTable(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(HeatCellDelegate(self.table))
        self.empty_hint = EmptyHint(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        metrics = self.table.fontMetrics()
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(int(metrics.height() * 2.1) + 12)
        vertical.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Long document titles are elided (their tooltip has them whole), so the heat map keeps its room.
        vertical.setMaximumWidth(metrics.averageCharWidth() * 42)
        vertical.setTextElideMode(Qt.TextElideMode.ElideRight)
        horizontal = self.table.horizontalHeader()
        horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        horizontal.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        horizontal.setTextElideMode(Qt.TextElideMode.ElideNone)
        horizontal.setHighlightSections(True)
        vertical.setHighlightSections(True)

        self.evidence_title = QLabel(self)
        self.evidence_title.setWordWrap(True)
        self.evidence_title.setTextFormat(Qt.TextFormat.RichText)
        self.evidence_title.setContentsMargins(6, 4, 6, 2)
        self.evidence_model = EvidenceModel(self)
        self.evidence_list = _EvidenceList(self)
        self.evidence_list.setModel(self.evidence_model)
        self.evidence_delegate = EvidenceDelegate(self.evidence_list)
        self.evidence_list.setItemDelegate(self.evidence_delegate)
        self.evidence_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.evidence_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.evidence_list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.evidence_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.evidence_list.setResizeMode(QListView.ResizeMode.Adjust)
        # Thousands of entries are laid out in batches, so a huge cell never freezes the window.
        self.evidence_list.setLayoutMode(QListView.LayoutMode.Batched)
        self.evidence_list.setBatchSize(100)
        self.evidence_model.modelReset.connect(self.evidence_delegate.forget_sizes)

    def _toolbar(self, title: str) -> QToolBar:
        bar = QToolBar(title, self)
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setStyleSheet("QToolBar { border: none; spacing: 6px; padding: 1px 4px; }")
        return bar

    @staticmethod
    def _add_to(bar: QToolBar, widget: QWidget | None) -> None:
        if widget is None:
            bar.addSeparator()
        else:
            bar.addWidget(widget)

    def _build_layout(self) -> None:
        self.controls_bar = self._toolbar("Matrix")
        for widget in (QLabel("Rows ", self), self.rows_combo, QLabel(" × ", self), self.columns_combo, None,
                       QLabel("Show ", self), self.statistic_combo, self.rollup_check, None, self.filters_button,
                       self.export_button):
            self._add_to(self.controls_bar, widget)
        self.status_label = QLabel(self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setContentsMargins(6, 0, 6, 0)

        self.legend = ColourLegend(self)
        heat = QWidget(self)
        heat_layout = QVBoxLayout(heat)
        heat_layout.setContentsMargins(0, 0, 0, 0)
        heat_layout.setSpacing(2)
        heat_layout.addWidget(self.table, 1)
        footer = QHBoxLayout()
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addWidget(self.legend, 1)
        footer.addWidget(self.status_label)
        heat_layout.addLayout(footer)
        evidence = QWidget(self)
        evidence_layout = QVBoxLayout(evidence)
        evidence_layout.setContentsMargins(0, 0, 0, 0)
        evidence_layout.setSpacing(0)
        evidence_layout.addWidget(self.evidence_title)
        evidence_layout.addWidget(self.evidence_list, 1)
        # Side by side until the view knows its size (it is the layout with the smaller minimum height).
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        # Small minimums let the view sit in a short dock (and the window shrink) without overlapping.
        self.table.setMinimumHeight(60)
        self.evidence_list.setMinimumHeight(40)
        self.splitter.addWidget(heat)
        self.splitter.addWidget(evidence)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._user_sized = False
        self.splitter.splitterMoved.connect(lambda _pos, _index: setattr(self, "_user_sized", True))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.controls_bar)
        layout.addWidget(self.filter_row)
        layout.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        self.rows_combo.currentIndexChanged.connect(lambda _i: self._on_axis_chosen(self.rows_combo))
        self.columns_combo.currentIndexChanged.connect(lambda _i: self._on_axis_chosen(self.columns_combo))
        self.statistic_combo.currentIndexChanged.connect(lambda _i: self._on_statistic_chosen())
        self.rollup_check.toggled.connect(lambda _on: self.recompute())
        self.filters_button.toggled.connect(self.filter_row.setVisible)
        self.filters.changed.connect(self._recompute_timer.start)
        self.table.selectionModel().currentChanged.connect(lambda current, _previous: self._show_evidence_for(current))
        self.table.cellEntered.connect(self._enter_evidence)
        self.evidence_list.doubleClicked.connect(self._activate_evidence)
        self.evidence_list.rowActivated.connect(self._activate_evidence)
        session = self.session
        session.codingsChanged.connect(lambda _ids: self._schedule_reload())
        session.codebookChanged.connect(self._schedule_reload)
        session.documentsChanged.connect(self._schedule_reload)
        session.projectOpened.connect(self._on_project_opened)
        session.projectClosed.connect(self._on_project_closed)

    # == public API =======================================================================================

    @property
    def report(self) -> MatrixReport | None:
        """What the heat map shows (None before the first read or when the filters select nothing)."""
        return self._report

    @property
    def loading(self) -> bool:
        """True while the project is being read on the worker thread."""
        return self._loading

    @property
    def rows(self) -> Axis:
        return Axis(self.rows_combo.currentData())

    @property
    def columns(self) -> Axis:
        return Axis(self.columns_combo.currentData())

    @property
    def statistic(self) -> Stat:
        return Stat(self.statistic_combo.currentData())

    def set_axes(self, rows: Axis | str, columns: Axis | str) -> None:
        rows, columns = Axis(rows), Axis(columns)
        if rows is columns or columns not in COLUMN_AXES:
            raise ValueError(f"cannot show {rows.value} × {columns.value}")
        for combo in (self.rows_combo, self.columns_combo):
            combo.blockSignals(True)
        self.rows_combo.setCurrentIndex(self.rows_combo.findData(rows.value))
        self.columns_combo.setCurrentIndex(self.columns_combo.findData(columns.value))
        for combo in (self.rows_combo, self.columns_combo):
            combo.blockSignals(False)
        self.recompute()

    def set_statistic(self, stat: Stat | str) -> None:
        self.statistic_combo.setCurrentIndex(self.statistic_combo.findData(Stat(stat).value))

    def set_rollup(self, rollup: bool) -> None:
        self.rollup_check.setChecked(bool(rollup))

    def record_filter(self) -> RecordFilter | None:
        """The filter the controls describe; None when they leave nothing to show (see :meth:`filter_problem`)."""
        return None if self.filters.problem() else self.filters.record_filter()

    def filter_problem(self) -> str:
        """Why the filters select nothing at all ("" when they can select something)."""
        return self.filters.problem()

    def set_filter(self, where: RecordFilter) -> None:
        """Set the filter controls to ``where`` (documents, dates, attributions and coding kinds)."""
        self.filters.set_filter(where)
        self.recompute()

    def active_filter_count(self) -> int:
        """How many filter controls restrict the matrix (documents, since, until, attribution, kind)."""
        return self.filters.active_count()

    def clear_filters(self) -> None:
        self.set_filter(RecordFilter())

    def options(self) -> MatrixOptions | None:
        """The matrix options an export writes (None when the filters select nothing)."""
        where = self.record_filter()
        if where is None:
            return None
        return MatrixOptions(rows=self.rows, columns=self.columns, statistic=self.statistic,
                             rollup=self.rollup_check.isChecked(), filter=where)

    def reload(self) -> None:
        """Read the project's codebook, documents and codings again on a worker thread, then recompute."""
        self._reload_timer.stop()
        self._stale = False
        self._generation += 1
        path = self.session.path
        if path is None:
            self._loading = False
            self._clear()
            return
        self._loading = True
        self.status_label.setText("Reading codings…")
        thread = threading.Thread(target=self._load, args=(self._generation, Path(path)),
                                  name="posmap-matrix", daemon=True)
        thread.start()

    def recompute(self) -> None:
        """Recompute the matrix from the codings read last, with the current axes and filters."""
        self._recompute_timer.stop()
        if self._catalogue is None:
            return
        current = self.table.currentIndex()
        keep = self.model.entry_ids(current.row(), current.column()) if current.isValid() else None
        keep_axes = (self.model.matrix.row_axis, self.model.matrix.column_axis) if self.model.matrix else None
        where = self.record_filter()
        if where is None:
            self._report = None
            self.model.set_matrix(None)
            self.status_label.setText(self.filter_problem())
        else:
            self._report = matrix_report(
                self._points, self._catalogue, rows=self.rows, columns=self.columns, statistic=self.statistic,
                rollup=self.rollup_check.isChecked(), where=where, title=self._title)
            self.model.set_statistic(self.statistic)
            self.model.set_matrix(self._report.matrix, self._report.catalogue, self._points_by_id)
            self.status_label.setText(self._summary())
        self._fit_columns()
        self._update_legend()
        self._arrange()
        active = self.active_filter_count()
        self.filters_button.setText(f"Filters ({active})" if active else "Filters")
        for action in self.export_actions.values():
            action.setEnabled(self._report is not None and not self._exporting)
        if keep is not None and keep_axes == (self.rows, self.columns):
            self.select_cell_of(*keep)
        else:
            self._show_evidence_for(QModelIndex())
        self.empty_hint.show_text(self.empty_text())
        self.matrixReady.emit()

    def select_cell(self, row: int, column: int) -> None:
        """Make a cell current (as a click does) and list its evidence."""
        index = self.model.index(row, column)
        self.table.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.scrollTo(index)
        self._show_evidence_for(index)

    def select_cell_of(self, row_id: int, column_id: int) -> bool:
        """Make the cell of these row and column entries current; False when the matrix lacks them."""
        index = self.model.index_of(row_id, column_id)
        if not index.isValid():
            self._show_evidence_for(QModelIndex())
            return False
        self.select_cell(index.row(), index.column())
        return True

    def evidence_records(self) -> list[CodingRecord]:
        """The codings listed in the evidence list, in their shown order."""
        return self.evidence_model.records()

    def choose_export(self, suffix: str) -> bool:
        """Ask where to write the matrix in the format of ``suffix`` (.csv, .xlsx, .json), then write it."""
        project = self.session.project
        if project is None or self._report is None:
            return False
        name, pattern = EXPORT_FORMATS[suffix]
        suggestion = project.path.with_name(export_file_name(project.title or project.path.stem, suffix))
        chosen, _ = QFileDialog.getSaveFileName(self, f"Export matrix as {name}", str(suggestion),
                                                f"{pattern};;All files (*)")
        if not chosen:
            return False
        path = Path(chosen)
        if path.suffix.lower() not in EXPORT_FORMATS:
            path = path.with_name(path.name + suffix)
        return self.export_to(path)

    def export_to(self, path: str | Path) -> bool:
        """Write the shown matrix to ``path`` on a worker thread; ``exportFinished`` reports the outcome."""
        options = self.options()
        project_path = self.session.path
        if options is None or project_path is None:
            show_error(self, self.filter_problem() or "open a project first")
            return False
        if self._exporting:
            show_error(self, "an export is still being written; wait for it to finish")
            return False
        path = Path(path)
        self._exporting = True
        for action in self.export_actions.values():
            action.setEnabled(False)
        self.export_button.setEnabled(False)
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.status_label.setText(f"Writing {path.name}…")
        thread = threading.Thread(target=self._export, args=(Path(project_path), options, path),
                                  name="posmap-matrix-export", daemon=True)
        thread.start()
        return True

    # == worker threads (their own connection; never a widget) ===========================================

    def _load(self, generation: int, path: Path) -> None:
        try:
            with Project.open(path, read_only=True) as project:
                catalogue = catalogue_of(project)
                points = load_points(project, RecordFilter(), catalogue)
                title = project.title
        except ProjectError as exc:
            self._send(self._relay.loaded, generation, None, str(exc))
        except Exception as exc:  # noqa: BLE001 - a worker must always report back
            self._send(self._relay.loaded, generation, None, f"the matrix could not be read ({exc})")
        else:
            # The lookup by id (for tooltips) is built here, off the GUI thread.
            self._send(self._relay.loaded, generation, (catalogue, points, {p.id: p for p in points}, title), "")

    def _export(self, project_path: Path, options: MatrixOptions, target: Path) -> None:
        try:
            with Project.open(project_path, read_only=True) as project:
                write_matrix(project, options, target)
        except ProjectError as exc:
            error = str(exc)
        except OSError as exc:
            error = f"{target.name} could not be written: {exc.strerror or exc}"
        except Exception as exc:  # noqa: BLE001 - a worker must always report back
            error = f"the export failed ({exc})"
        else:
            error = ""
        self._send(self._relay.exported, str(target), error)

    @staticmethod
    def _send(signal, *args) -> None:
        with contextlib.suppress(RuntimeError):  # the view was closed while the worker ran
            signal.emit(*args)

    # == internals ==========================================================================================

    def _on_loaded(self, generation: int, payload, error: str) -> None:
        if generation != self._generation:
            return  # a newer read replaced this one
        self._loading = False
        if error:
            self.status_label.setText(f"Could not read the project: {error}")
            self.statusMessage.emit(f"The matrix could not be read: {error}")
            return
        self._catalogue, self._points, self._points_by_id, self._title = payload
        self._fill_documents()
        self.recompute()

    def _on_exported(self, path: str, error: str) -> None:
        self._exporting = False
        self.export_button.setEnabled(True)
        for action in self.export_actions.values():
            action.setEnabled(self._report is not None)
        self.unsetCursor()
        self.status_label.setText(self._summary() if self._report is not None else self.filter_problem())
        if error:
            show_error(self, error)
        else:
            self.statusMessage.emit(f"Matrix written to {path}")
        self.exportFinished.emit(path, error)

    def _schedule_reload(self) -> None:
        if self.session.project is None:
            return
        if self.isVisible():
            self._reload_timer.start()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self.session.project is not None:
            self.reload()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _heat_map_width(self) -> int:
        """The width the heat map needs to show every column without scrolling."""
        header = self.table.horizontalHeader()
        return (self.table.verticalHeader().sizeHint().width() + header.length()
                + self.table.verticalScrollBar().sizeHint().width() + 2 * self.table.frameWidth() + 4)

    def _arrange(self) -> None:
        """Evidence beside the heat map when there is room for both (or too little height to stack
        them), below it otherwise."""
        needed = self._heat_map_width()
        beside = self.height() < 460 or self.width() - needed >= self.EVIDENCE_WIDTH
        orientation = Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical
        if self.splitter.orientation() == orientation and self._user_sized:
            return  # keep what the user dragged
        if self.splitter.orientation() != orientation:
            self._user_sized = False
            self.splitter.setOrientation(orientation)
        if beside:
            heat = max(min(needed, self.width() - self.EVIDENCE_WIDTH), self.width() // 2)
            self.splitter.setSizes([heat, self.width() - heat])
        else:
            self.splitter.setSizes([int(self.height() * 0.65), int(self.height() * 0.35)])

    def _on_project_opened(self) -> None:
        self._clear()
        self.filters.documents_button.set_items(())
        self.clear_filters()
        self._stale = True
        if self.isVisible():
            self.reload()

    def _on_project_closed(self) -> None:
        self._generation += 1
        self._loading = False
        self._clear()

    def _clear(self) -> None:
        self._catalogue, self._points, self._points_by_id, self._title = None, [], {}, ""
        self._report = None
        self.model.set_matrix(None)
        self._show_evidence_for(QModelIndex())
        self.status_label.setText("")
        for action in self.export_actions.values():
            action.setEnabled(False)
        self.empty_hint.show_text(self.empty_text())

    def empty_text(self) -> str:
        """The hint shown instead of the heat map when it has nothing to show ("" when it has)."""
        if self.session.project is None:
            return "No project is open."
        if self._catalogue is None:
            return ""  # still reading
        if not self._points:
            return "The matrix fills in as you code passages: each cell shows an actor's position on an issue."
        if self._report is None or not self._report.records:
            return "No coding matches the filters."
        return ""

    def _fill_documents(self) -> None:
        catalogue = self._catalogue
        self.filters.set_documents(catalogue.document(entry.id) for entry in catalogue.entries(Axis.DOCUMENTS))

    def _summary(self) -> str:
        if self._report is None:
            return ""
        shown, total = len(self._report.records), len(self._points)
        matrix = self._report.matrix
        size = f"{matrix.row_count} × {matrix.column_count}"
        codings = f"{total:,} codings" if shown == total else f"{shown:,} of {total:,} codings"
        contested = sum(1 for _, _, stats in matrix.non_empty() if stats.contested)
        text = f"{size} · {codings}"
        if contested:
            text += f" · {contested} contested"
        return text

    def _on_axis_chosen(self, combo: QComboBox) -> None:
        rows, columns = self.rows, self.columns
        if rows is columns:
            # Choosing the other combo's axis swaps them, so the matrix never shows one axis twice.
            other = self.columns_combo if combo is self.rows_combo else self.rows_combo
            replacement = next(a for a in (COLUMN_AXES if other is self.columns_combo else ROW_AXES)
                               if a is not rows)
            other.blockSignals(True)
            other.setCurrentIndex(other.findData(replacement.value))
            other.blockSignals(False)
        self.recompute()

    def _on_statistic_chosen(self) -> None:
        stat = self.statistic
        self.model.set_statistic(stat)
        if self._report is not None:
            self._report = replace(self._report, statistic=stat)
        self._fit_columns()
        self._update_legend()
        self.table.viewport().update()

    def _update_legend(self) -> None:
        matrix = self.model.matrix
        self.legend.set_statistic(self.statistic, self.model.largest_count,
                                  normalised=matrix is not None and matrix.normalised)

    def _fit_columns(self) -> None:
        """Column widths that fit the words of most cells and headers (long scale labels are elided)."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        minimum, maximum = metrics.averageCharWidth() * 12, metrics.averageCharWidth() * 26
        tallest = 1
        for column in range(self.model.columnCount()):
            lines = [self.model.index(row, column).data(LINES_ROLE) or ("", "")
                     for row in range(min(self.model.rowCount(), 200))]
            # The detail line is drawn smaller (see HeatCellDelegate).
            widest_cell = max((max(metrics.horizontalAdvance(main), int(metrics.horizontalAdvance(detail) * 0.9))
                               for main, detail in lines), default=0) + 18
            label = self.model.headerData(column, Qt.Orientation.Horizontal) or ""
            longest_word = max((metrics.horizontalAdvance(w) for w in label.split(" ")), default=0) + 14
            width = int(min(maximum, max(minimum, widest_cell, longest_word)))
            header.resizeSection(column, width)
            tallest = max(tallest, min(self._wrapped_lines(label, width - 10), 3))
        header.setFixedHeight(metrics.height() * tallest + 12)

    def _wrapped_lines(self, text: str, width: int) -> int:
        metrics = self.table.fontMetrics()
        rect = metrics.boundingRect(QRect(0, 0, max(1, width), 10_000),
                                    int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)
        return max(1, round(rect.height() / metrics.height()))

    def _show_evidence_for(self, index: QModelIndex) -> None:
        stats = self.model.cell(index.row(), index.column()) if index.isValid() else None
        if stats is None:
            self.evidence_model.set_records([])
            if index.isValid():
                self.evidence_title.setText(f"<b>{html.escape(self.model.cell_title(index.row(), index.column()))}</b>"
                                            " — no codings")
            elif self._report is not None and self.model.rowCount():
                self.evidence_title.setText("Click a cell to list the passages behind it.")
            else:
                self.evidence_title.setText("")
            return
        catalogue = self._report.catalogue if self._report is not None else None
        self.evidence_model.set_records(self._evidence_of(stats), catalogue)
        documents = f"{stats.documents} document{'s' if stats.documents != 1 else ''}"
        title = (f"<b>{html.escape(self.model.cell_title(index.row(), index.column()))}</b> — "
                 f"{stats.count} coding{'s' if stats.count != 1 else ''} from {documents}")
        if stats.contested:
            title += f" · <b>{CONTESTED_MARK} sources disagree</b>"
        hint = self.palette().placeholderText().color().name()
        title += f" · <span style='color:{hint}'>double-click a quote to read it in place</span>"
        self.evidence_title.setText(title)

    def _evidence_of(self, stats: CellStats) -> list[CodingRecord]:
        """The full records (quotes, citations) of a cell's codings, read when the cell is opened.

        The matrix itself is computed from the codings' points; a coding changed or deleted since
        they were read (the view reloads soon after) is simply not listed.
        """
        project = self.session.project
        if project is None or not stats.coding_ids:
            return []
        try:
            return project.codings.records(CodingFilter(coding_ids=stats.coding_ids))
        except (ProjectError, sqlite3.Error) as exc:
            self.statusMessage.emit(f"The passages of this cell could not be read: {exc}")
            return []

    def _enter_evidence(self) -> None:
        if self.evidence_model.rowCount():
            self.evidence_list.setFocus()
            self.evidence_list.setCurrentIndex(self.evidence_model.index(0))

    def _activate_evidence(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        record = self.evidence_model.record(index.row())
        self.passageActivated.emit(record.document_id, record.start, record.end)

