"""CodingsPane: the codings of the shown document, or of the whole project, as a sortable, filterable table.

Wiring for the main window::

    pane = CodingsPane(session)
    viewer.documentShown.connect(pane.set_document)          # int or None
    viewer.codingsActivated.connect(pane.select_codings)     # a clicked highlight selects its rows
    pane.passageActivated.connect(viewer.open_passage)       # (document_id, start, end), code points

Signals
    ``passageActivated(int, int, int)`` — double-click or Enter on a row: show this passage.
    ``codingsSelected(list[int])`` — the selected codings changed (their ids).

Methods
    ``set_document(document_id | None)``, ``set_whole_project(bool)`` (the "This document / All
    documents" toggle), ``select_codings(ids)``, ``selected_coding_ids()``, ``edit_selected()``
    (opens the coding popup), ``delete_selected()`` (undoable), ``refresh()``; ``table`` (the
    QTableView), ``model`` (:class:`CodingTableModel`, which also sorts) and ``proxy`` (the filter model).

Keys: Enter jumps to the passage, Delete deletes the selected codings (undoable), F2 edits.
The pane follows the session's change signals at most once per burst of signals, and only while
it is visible: codings that commands added, edited or deleted (the session's
``changed_coding_ids``) become inserted, changed or removed rows; any wider change (codebook,
documents, another program writing to the file) reloads every row from the store.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from posmap.gui.coding_popup import colour_swatch
from posmap.gui.coding_text import attribution_label, kind_label, one_line, position_text, source_text
from posmap.gui.empty_hint import EmptyHint
from posmap.gui.session import ProjectSession
from posmap.gui.sorted_rows import SortedRowsModel
from posmap.gui.timers import single_shot
from posmap.model import CodingRecord
from posmap.store import CodingFilter, ProjectError

COLUMNS = ("Quote", "Actor", "Issue", "Position", "Kind", "Attribution", "Document", "Page", "Coder", "Note")
QUOTE, ACTOR, ISSUE, POSITION, KIND, ATTRIBUTION, DOCUMENT, PAGE, CODER, NOTE = range(len(COLUMNS))
ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
# More changed codings than this since the last look and the pane reloads every row instead: each
# changed row costs a pass over the rows (to find rows again), a reload one read of every record.
MAX_CODINGS_UPDATED = 50


class _Descending:
    """A sort key that orders the other way round, for a descending sort with an ascending tie-break."""

    __slots__ = ("key",)

    def __init__(self, key) -> None:
        self.key = key

    def __lt__(self, other: _Descending) -> bool:
        return other.key < self.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.key == other.key


def _reading_order(record: CodingRecord) -> tuple[int, int, int, int]:
    """The order the store lists codings in, and the tie-break of every sort."""
    return record.document_id, record.start, record.end, record.id


def _haystack(record: CodingRecord) -> str:
    """What the filter searches in a row: every column's text, case-folded."""
    return " ".join((record.quote, record.actor, record.issue, record.position_label, kind_label(record.kind),
                     attribution_label(record.attribution), record.document_title, record.coder,
                     record.note)).casefold()


class CodingTableModel(SortedRowsModel):
    """CodingRecords as table rows; ``ID_ROLE`` gives a row's coding id, ``SORT_ROLE`` a sortable key.

    The rows stay sorted (:class:`SortedRowsModel`; unsorted means reading order): :meth:`set_records`
    sorts the store's rows by the sort column. :meth:`update_records` inserts, moves, changes and
    removes single rows, so that a new coding costs one row, not a reset of thousands; a new row goes
    among its ties in reading order.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(len(COLUMNS), parent)
        self._rows: dict[int, int] | None = {}  # coding id -> row; None until asked for after a change
        self._haystacks: dict[int, str] = {}  # coding id -> filter text, made when a filter first reads it
        self._actor_colours: dict[int, QIcon] = {}
        self._issue_colours: dict[int, QIcon] = {}
        self._unsigned: set[int] = set()

    def set_records(self, records: list[CodingRecord], actor_colours: dict[int, str],
                    issue_colours: dict[int, str], unsigned_issues: Collection[int] = ()) -> None:
        """Show ``records``; ``unsigned_issues`` have scales from 0 up, so their values show without a sign."""
        self.beginResetModel()
        self._unsigned = set(unsigned_issues)
        self._items = self._sorted(sorted(records, key=_reading_order))
        self._rows = None
        self._haystacks = {}
        self._actor_colours = {key: colour_swatch(value) for key, value in actor_colours.items()}
        self._issue_colours = {key: colour_swatch(value) for key, value in issue_colours.items()}
        self.endResetModel()

    def update_records(self, coding_ids: Collection[int], records: list[CodingRecord]) -> None:
        """Bring the rows of ``coding_ids`` up to date: ``records`` are those of them to list now.

        A coding without a record leaves the table, a record without a row joins it where the sort
        puts it, and the others change in place (moving when their sort key changed). Selections
        and other persistent indexes follow their rows.
        """
        current = {record.id: record for record in records}
        for coding_id in sorted(coding_ids):
            self._haystacks.pop(coding_id, None)
            row = self.row_of(coding_id)
            record = current.get(coding_id)
            if record is None:
                if row is not None:
                    self._remove(row)
            elif row is None:
                self._insert(record)
            else:
                self._replace(row, record)

    def _item_id(self, item: CodingRecord) -> int:
        return item.id

    def _unsorted_key(self, item: CodingRecord) -> tuple[int, int, int, int]:
        return _reading_order(item)

    def _rows_moved(self) -> None:
        self._rows = None

    def record(self, row: int) -> CodingRecord:
        return self._items[row]

    def records(self) -> list[CodingRecord]:
        return list(self._items)

    def row_of(self, coding_id: int) -> int | None:
        if self._rows is None:
            self._rows = {record.id: row for row, record in enumerate(self._items)}
        return self._rows.get(coding_id)

    def haystack(self, row: int) -> str:
        record = self._items[row]
        text = self._haystacks.get(record.id)
        if text is None:
            text = self._haystacks[record.id] = _haystack(record)
        return text

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        record = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == POSITION:
                return position_text(record.position_label, record.position,
                                     signed=record.issue_id not in self._unsigned)
            return self._display(record, column)
        if role == SORT_ROLE:
            return self._sort_key(record, column)
        if role == ID_ROLE:
            return record.id
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == QUOTE:
                return f"“{record.quote[:1500]}”\n— {source_text(record)}"
            if column == NOTE and record.note:
                return record.note[:1500]
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if column == ACTOR:
                return self._actor_colours.get(record.actor_id)
            if column == ISSUE:
                return self._issue_colours.get(record.issue_id)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == PAGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(record: CodingRecord, column: int) -> str:
        match column:
            case 0:
                return one_line(record.quote, 300)
            case 1:
                return record.actor
            case 2:
                return record.issue
            case 3:
                return position_text(record.position_label, record.position)
            case 4:
                return kind_label(record.kind)
            case 5:
                return attribution_label(record.attribution)
            case 6:
                return record.document_title
            case 7:
                return str(record.page) if record.page is not None else ""
            case 8:
                return record.coder
            case 9:
                return one_line(record.note, 200)
        return ""

    @staticmethod
    def _sort_key(record: CodingRecord, column: int):
        if column == POSITION:
            return record.position
        if column == PAGE:
            return record.page if record.page is not None else -1
        if column == QUOTE:
            # Reading order, which is what "sort by quote" is most useful for.
            return f"{record.document_id:09d}:{record.start:012d}"
        return CodingTableModel._display(record, column).casefold()

    # -- keeping the rows sorted -------------------------------------------------------------------

    def _sort_value(self, record: CodingRecord):
        return self._sort_key(record, self._sort_column) if self.sorting else _reading_order(record)

    def _place_key(self, record: CodingRecord):
        """Where ``record`` goes: by the sort column's key, ties in reading order (as after a reload)."""
        value = self._sort_value(record)
        if not self.sorting:
            return value
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            value = _Descending(value)
        return value, _reading_order(record)

    def _place(self, record: CodingRecord) -> int:
        return bisect_left(self._items, self._place_key(record), key=self._place_key)

    def _insert(self, record: CodingRecord) -> None:
        row = self._place(record)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.insert(row, record)
        self._rows = None
        self.endInsertRows()

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self._rows = None
        self.endRemoveRows()

    def _replace(self, row: int, record: CodingRecord) -> None:
        target = row
        if self._sort_value(record) != self._sort_value(self._items[row]):
            old = self._items.pop(row)
            target = self._place(record)  # among the other rows
            self._items.insert(row, old)
        if target != row:
            # Qt names the destination as the row to move in front of, counted with the moving row.
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target if target < row else target + 1)
            del self._items[row]
            self._items.insert(target, record)
            self._rows = None
            self.endMoveRows()
        else:
            self._items[row] = record
        self.dataChanged.emit(self.index(target, 0), self.index(target, len(COLUMNS) - 1))


class CodingFilterProxy(QSortFilterProxyModel):
    """Keeps rows whose text contains every word typed in the filter field (any column, any case).

    Sorting is the source model's (:meth:`CodingTableModel.sort`): :meth:`sort` passes the column on
    and the proxy keeps the source's order.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def set_filter_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9 and later
            self.beginFilterChange()
            self._words = text.casefold().split()
            self.endFilterChange()
        else:
            self._words = text.casefold().split()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        if not self._words:
            return True
        haystack = self.sourceModel().haystack(source_row)
        return all(word in haystack for word in self._words)


class _CodingTable(QTableView):
    activatedRow = Signal(QModelIndex)
    deleteRequested = Signal()
    editRequested = Signal()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activatedRow.emit(self.currentIndex())
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.deleteRequested.emit()
            return
        if key == Qt.Key.Key_F2:
            self.editRequested.emit()
            return
        super().keyPressEvent(event)


class CodingsPane(QWidget):
    """See the module docstring."""

    passageActivated = Signal(int, int, int)
    codingsSelected = Signal(list)

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._document_id: int | None = None
        self._whole_project = False
        self._dirty = True  # reload when shown
        self._reload = False  # reload when the timer fires
        self._changed_codings: set[int] = set()  # update these rows when the timer fires
        self._refresh_timer = single_shot(self, self._catch_up)

        self.document_button = QToolButton(self)
        self.document_button.setText("This document")
        self.project_button = QToolButton(self)
        self.project_button.setText("All documents")
        scope = QButtonGroup(self)
        for button in (self.document_button, self.project_button):
            button.setCheckable(True)
            button.setAutoRaise(True)
            scope.addButton(button)
        self.document_button.setChecked(True)
        self.document_button.setToolTip("Show the codings of the document being read")
        self.project_button.setToolTip("Show the codings of every document")
        self.filter_field = QLineEdit(self)
        self.filter_field.setPlaceholderText("Filter codings (any column)")
        self.filter_field.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.document_button)
        bar.addWidget(self.project_button)
        bar.addWidget(self.filter_field, 1)
        bar.addWidget(self.count_label)

        self.model = CodingTableModel(self)
        self.proxy = CodingFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = _CodingTable(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(QUOTE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(QUOTE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((ACTOR, 120), (ISSUE, 130), (POSITION, 150), (KIND, 90), (ATTRIBUTION, 95),
                              (DOCUMENT, 160), (PAGE, 44), (CODER, 80), (NOTE, 140)):
            header.resizeSection(column, width)
        self.table.setColumnHidden(DOCUMENT, True)
        self.empty_hint = EmptyHint(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self.edit_action = QAction("Edit coding…", self)
        self.edit_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.edit_action.triggered.connect(self.edit_selected)
        self.delete_action = QAction("Delete", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.triggered.connect(self.delete_selected)

        self.project_button.toggled.connect(self.set_whole_project)
        self.filter_field.textChanged.connect(self._on_filter)
        self.table.doubleClicked.connect(self._activate)
        self.table.activatedRow.connect(self._activate)
        self.table.deleteRequested.connect(self.delete_selected)
        self.table.editRequested.connect(self.edit_selected)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        session.codingsChanged.connect(self._on_codings_changed)
        session.codebookChanged.connect(self._schedule_refresh)
        session.documentsChanged.connect(self._schedule_refresh)
        session.projectOpened.connect(self._on_project_changed)
        session.projectClosed.connect(self._on_project_changed)
        self._schedule_refresh()

    # -- public API ---------------------------------------------------------------------------

    @property
    def document_id(self) -> int | None:
        return self._document_id

    @property
    def whole_project(self) -> bool:
        return self._whole_project

    def set_document(self, document_id: int | None) -> None:
        """Follow the document being read (what "This document" shows)."""
        if document_id == self._document_id:
            return
        self._document_id = document_id
        if not self._whole_project:
            self.refresh()

    def set_whole_project(self, whole: bool) -> None:
        """Show every document's codings (True) or only the current document's (False)."""
        whole = bool(whole)
        if self.project_button.isChecked() != whole:
            (self.project_button if whole else self.document_button).setChecked(True)
        if whole == self._whole_project:
            return
        self._whole_project = whole
        self.table.setColumnHidden(DOCUMENT, not whole)
        self.refresh()

    def select_codings(self, coding_ids: list[int]) -> None:
        """Select the rows of these codings (clearing the filter if it hides them) and show the first."""
        rows = [self.model.row_of(i) for i in coding_ids]
        rows = [row for row in rows if row is not None]
        if not rows:
            return
        if any(not self.proxy.filterAcceptsRow(row, QModelIndex()) for row in rows):
            self.filter_field.clear()
        selection = QItemSelection()
        for row in rows:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            selection.select(index, index.siblingAtColumn(len(COLUMNS) - 1))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        selection_model = self.table.selectionModel()
        selection_model.select(selection, flags)
        first = self.proxy.mapFromSource(self.model.index(rows[0], 0))
        selection_model.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.table.scrollTo(first, QAbstractItemView.ScrollHint.PositionAtCenter)

    def selected_coding_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.proxy.data(self.proxy.index(row, 0), ID_ROLE) for row in rows]

    def selected_records(self) -> list[CodingRecord]:
        return [self.model.record(self.model.row_of(i)) for i in self.selected_coding_ids()]

    def delete_selected(self) -> None:
        """Delete the selected codings with one undoable command."""
        ids = self.selected_coding_ids()
        if not ids or self.session.project is None:
            return
        from posmap.gui.commands.codings import DeleteCodingsCommand

        try:
            command = DeleteCodingsCommand(self.session, ids)
        except ProjectError as exc:
            self.session.errorOccurred.emit(str(exc))
            return
        self.session.push(command)

    def edit_selected(self) -> None:
        """Open the coding popup for the current coding."""
        index = self.table.currentIndex()
        if not index.isValid():
            return
        from posmap.gui.coding_popup import open_edit_popup

        rect = self.table.visualRect(index)
        anchor = rect.translated(self.table.viewport().mapToGlobal(rect.topLeft()) - rect.topLeft())
        open_edit_popup(self.session, self.proxy.data(index, ID_ROLE), parent=self, anchor=anchor)

    def refresh(self) -> None:
        """Reload the rows from the store, keeping the selection, the current row and the scroll position."""
        self._refresh_timer.stop()
        self._dirty = self._reload = False
        self._changed_codings.clear()
        project = self.session.project
        selected = set(self.selected_coding_ids())
        current = self.table.currentIndex()
        current_id = self.proxy.data(current, ID_ROLE) if current.isValid() else None
        scroll = self.table.verticalScrollBar().value()
        if project is None or (not self._whole_project and self._document_id is None):
            self.model.set_records([], {}, {})
        else:
            try:
                where = CodingFilter() if self._whole_project else CodingFilter(document_ids=[self._document_id])
                records = project.codings.records(where)
                actor_colours = {a.id: a.color for a in project.actors.all()}
                issues = project.issues.all()
                issue_colours = {i.id: i.color for i in issues}
                unsigned = {i.id for i in issues if i.scale.minimum >= 0}
            except ProjectError as exc:
                self.session.errorOccurred.emit(str(exc))
                return
            self.model.set_records(records, actor_colours, issue_colours, unsigned)
        if selected:
            self._reselect(selected, current_id)
        self.table.verticalScrollBar().setValue(scroll)
        self._update_count()

    # -- internals -------------------------------------------------------------------------------

    def _reselect(self, ids: set[int], current_id: int | None) -> None:
        selection = QItemSelection()
        for coding_id in ids:
            row = self.model.row_of(coding_id)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                selection.select(index, index.siblingAtColumn(len(COLUMNS) - 1))
        self.table.selectionModel().select(
            selection, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        if current_id is not None and (row := self.model.row_of(current_id)) is not None:
            self.table.selectionModel().setCurrentIndex(
                self.proxy.mapFromSource(self.model.index(row, 0)), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    def _schedule_refresh(self) -> None:
        """Reload every row soon."""
        self._reload = True
        self._schedule()

    def _schedule(self) -> None:
        if self.isVisible():
            self._refresh_timer.start()
        else:
            self._dirty = True

    def _catch_up(self) -> None:
        if self._reload or len(self._changed_codings) > MAX_CODINGS_UPDATED:
            self.refresh()
        else:
            self._update_rows()

    def _update_rows(self) -> None:
        """Bring the rows of the codings changed since the last look up to date (insert, change, remove)."""
        coding_ids, self._changed_codings = self._changed_codings, set()
        project = self.session.project
        if not coding_ids or project is None:
            return
        try:
            records = project.codings.records(CodingFilter(coding_ids=sorted(coding_ids)))
        except ProjectError as exc:
            self.session.errorOccurred.emit(str(exc))
            return
        if not self._whole_project:
            records = [record for record in records if record.document_id == self._document_id]
        self.model.update_records(coding_ids, records)
        self._update_count()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def _on_codings_changed(self, document_ids: list) -> None:
        if not (self._whole_project or not document_ids or self._document_id in document_ids):
            return
        coding_ids = self.session.changed_coding_ids
        if coding_ids is None or not self.isVisible():
            self._schedule_refresh()
        else:
            self._changed_codings.update(coding_ids)
            self._schedule()

    def _on_project_changed(self) -> None:
        self._document_id = None
        self.filter_field.clear()
        self.refresh()

    def _on_filter(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_count()

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        noun = "coding" if total == 1 else "codings"
        self.count_label.setText(f"{shown} of {total} {noun}" if shown != total else f"{total} {noun}")
        self.empty_hint.show_text(self.empty_text())

    def empty_text(self) -> str:
        """The hint shown over the table when it lists nothing ("" when it lists something)."""
        if self.proxy.rowCount() > 0:
            return ""
        if self.session.project is None:
            return "No project is open."
        if self.model.rowCount() > 0:
            return "No coding matches the filter."
        if self._whole_project:
            return "No codings in the project yet."
        if self._document_id is None:
            return "Select a document to see its codings."
        return "No codings in this document yet. Select text in the viewer and press Enter to code it."

    def _activate(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.isValid():
            return
        record = self.model.record(self.proxy.mapToSource(self.proxy.index(index.row(), 0)).row())
        self.passageActivated.emit(record.document_id, record.start, record.end)

    def _on_selection_changed(self, *_args) -> None:
        self.codingsSelected.emit(self.selected_coding_ids())

    def _context_menu(self, point) -> None:
        records = self.selected_records()
        if not records:
            return
        menu = QMenu(self)
        show = menu.addAction("Show in document")
        show.triggered.connect(lambda: self._activate(self.table.currentIndex()))
        self.edit_action.setEnabled(len(records) == 1)
        menu.addAction(self.edit_action)
        copy = menu.addAction("Copy quote with source" if len(records) == 1 else "Copy quotes with sources")
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(
            "\n\n".join(f"“{r.quote}” ({source_text(r)})" for r in records)))
        menu.addSeparator()
        self.delete_action.setText("Delete coding" if len(records) == 1 else f"Delete {len(records)} codings")
        menu.addAction(self.delete_action)
        menu.exec(self.table.viewport().mapToGlobal(point))
        menu.deleteLater()
