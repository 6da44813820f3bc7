"""The documents of the project as a sortable, filterable table."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from operator import attrgetter

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from posmap.gui.commands.documents import DeleteDocumentsCommand, EditDocumentMetadataCommand
from posmap.gui.dialogs import confirm, show_error
from posmap.gui.dialogs.metadata import DocumentMetadataDialog
from posmap.gui.session import ProjectSession
from posmap.gui.sorted_rows import SortedRowsModel
from posmap.gui.timers import single_shot
from posmap.model import DocumentMetadata
from posmap.store import DocumentSummary, ProjectError

DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class DocumentTableModel(SortedRowsModel):
    """One row per :class:`DocumentSummary`; read-only, refreshed from the store.

    The rows stay sorted (:class:`SortedRowsModel`; unsorted means by id): :meth:`set_documents`
    sorts the store's list by the sort column.
    """

    COLUMNS = ("Title", "Author", "Date", "Kind", "Codings")
    TITLE, AUTHOR, DATE, KIND, CODINGS = range(5)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(len(self.COLUMNS), parent)

    def set_documents(self, rows: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self._items = self._sorted(sorted(rows, key=attrgetter("id")))
        self.endResetModel()

    def update_documents(self, rows: list[DocumentSummary]) -> bool:
        """Change the rows in place when ``rows`` are the same documents as listed (e.g. only coding
        counts or details changed), keeping selections; False, changing nothing, when they are not."""
        current = {summary.id: summary for summary in rows}
        if len(current) != len(self._items) or any(summary.id not in current for summary in self._items):
            return False
        self._replace(current, [row for row, summary in enumerate(self._items) if current[summary.id] != summary])
        return True

    def update_some_documents(self, document_ids: Collection[int], rows: list[DocumentSummary]) -> bool:
        """Change the rows of ``document_ids`` in place to ``rows``, their summaries as the store gives
        them (a document it no longer holds has none), keeping selections; False, changing nothing, when
        the model lists other documents than that (a document came or went)."""
        current = {summary.id: summary for summary in rows}
        listed = {summary.id: row for row, summary in enumerate(self._items)}
        if any((document_id in current) != (document_id in listed) for document_id in {*document_ids, *current}):
            return False
        self._replace(current, [listed[document_id] for document_id, summary in current.items()
                                if summary != self._items[listed[document_id]]])
        return True

    def _replace(self, current: Mapping[int, DocumentSummary], changed: list[int]) -> None:
        """Put ``current``'s summaries in the ``changed`` rows and sort again if their sort keys moved."""
        if not changed:
            return
        resort = self.sorting and any(
            self._sort_key(current[self._items[row].id], self._sort_column)
            != self._sort_key(self._items[row], self._sort_column) for row in changed)
        for row in changed:
            self._items[row] = current[self._items[row].id]
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
        if resort:
            self.sort(self._sort_column, self._sort_order)

    def _item_id(self, item: DocumentSummary) -> int:
        return item.id

    def _unsorted_key(self, item: DocumentSummary) -> int:
        return item.id

    def document(self, row: int) -> DocumentSummary:
        return self._items[row]

    def text(self, row: int, column: int) -> str:
        """What the cell shows, as text."""
        return str(self._display(self._items[row], column))

    def row_of(self, document_id: int) -> int | None:
        for row, summary in enumerate(self._items):
            if summary.id == document_id:
                return row
        return None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        summary = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(summary, column)
        if role == SORT_ROLE:
            return self._sort_key(summary, column)
        if role == DOCUMENT_ID_ROLE:
            return summary.id
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TITLE:
            pages = f", {summary.page_count} pages" if summary.page_count else ""
            return f"{summary.title}\n{summary.character_count:,} characters{pages}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.CODINGS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(summary: DocumentSummary, column: int) -> str | int:
        return (summary.title, summary.author, summary.date or "", summary.kind, summary.coding_count)[column]

    @classmethod
    def _sort_key(cls, summary: DocumentSummary, column: int) -> str | int:
        if column == cls.CODINGS:
            return summary.coding_count
        return cls._display(summary, column).casefold()


class DocumentFilterModel(QSortFilterProxyModel):
    """Keeps rows where any column contains the filter text; sorting is the source model's."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)


class DocumentsPane(QWidget):
    """Lists the documents; selecting one asks the window to show it.

    Editing details and deleting run here as undoable commands; importing is the window's
    job (it needs a worker thread and a progress dialog), so the pane only asks for it.
    """

    documentSelected = Signal(int)  # a document id, or -1 when nothing is selected
    importRequested = Signal()

    FITTED_COLUMNS = (DocumentTableModel.DATE, DocumentTableModel.CODINGS)

    EMPTY_TEXT = (
        "No documents yet.\n\nImport text, Markdown, HTML, Word (.docx) and PDF files to start, "
        "or drag them onto the window."
    )

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = DocumentTableModel(self)
        self.proxy = DocumentFilterModel(self)
        self.proxy.setSourceModel(self.model)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by title, author, date or kind")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Show only documents whose title, author, date or kind contains this text")
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DocumentTableModel.TITLE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DocumentTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (DocumentTableModel.AUTHOR, DocumentTableModel.KIND):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        for column in self.FITTED_COLUMNS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)  # see _fit_columns
        header.resizeSection(DocumentTableModel.AUTHOR, 85)
        header.resizeSection(DocumentTableModel.KIND, 68)
        header.setMinimumSectionSize(36)
        header.setHighlightSections(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _index: self.edit_metadata())
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.setToolTip("Select a document to read it; double-click to edit its details")

        self.empty_label = QLabel(self.EMPTY_TEXT)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)  # the palette's disabled text: readable, clearly a hint
        self.empty_import_button = QPushButton("Import documents…")
        self.empty_import_button.setToolTip("Choose files to import into the project (Ctrl+I)")
        self.empty_import_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.empty_box = QWidget()
        empty_layout = QVBoxLayout(self.empty_box)
        empty_layout.setContentsMargins(12, 12, 12, 12)
        empty_layout.setSpacing(12)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(self.empty_import_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(1)

        self.import_action = QAction("&Import Files…", self)
        self.import_action.setToolTip("Import documents (txt, md, html, docx, pdf) into the project")
        self.import_action.triggered.connect(self.importRequested)
        self.empty_import_button.clicked.connect(self.import_action.trigger)
        self.edit_action = QAction("Edit Document &Details…", self)
        self.edit_action.setToolTip("Edit the title, author, outlet, date, kind, language and URL")
        self.edit_action.triggered.connect(self.edit_metadata)
        self.delete_action = QAction("&Delete Document…", self)
        self.delete_action.setToolTip("Delete the selected documents with their codings")
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.addAction(self.delete_action)

        # Short labels on the pane's own buttons (tool buttons show iconText); menus keep the long ones.
        self.import_action.setIconText("Import…")
        self.edit_action.setIconText("Details…")
        self.delete_action.setIconText("Delete")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.filter_edit, 1)
        for action in (self.import_action, self.edit_action, self.delete_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setAutoRaise(True)
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_box, 1)

        session.projectOpened.connect(self.refresh)
        session.projectClosed.connect(self.refresh)
        session.documentsChanged.connect(self.refresh)
        # Coding counts change with every coding: catch up once per burst, after the command is done,
        # reading just the documents the session named (all of them after a change that names none).
        self._recount: set[int] = set()
        self._reload = False
        self._counts_timer = single_shot(self, self._catch_up)
        session.codingsChanged.connect(self._on_codings_changed)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the list from the store, keeping the selection and the sort order."""
        self._forget_pending()
        project = self.session.project
        summaries = project.documents.summaries() if project else []
        reset = not self.model.update_documents(summaries)
        if reset:
            selected = self.selected_document_ids()
            current = self.current_document_id()
            self.table.selectionModel().blockSignals(True)
            self.model.set_documents(summaries)
            self._select_ids(selected, current)
            self.table.selectionModel().blockSignals(False)
        self._fit_columns()
        has_documents = self.model.rowCount() > 0
        self.table.setVisible(has_documents)
        self.empty_box.setVisible(not has_documents)
        self.empty_import_button.setVisible(project is not None)
        self.empty_label.setText(self.EMPTY_TEXT if project is not None else "No project is open.")
        self.filter_edit.setEnabled(has_documents)
        self.import_action.setEnabled(project is not None)
        self._update_actions()
        if reset and current is not None and current not in self.selected_document_ids():
            self.documentSelected.emit(self.current_document_id() or -1)

    def _forget_pending(self) -> None:
        self._counts_timer.stop()
        self._recount = set()
        self._reload = False

    def _on_codings_changed(self, document_ids: list) -> None:
        if document_ids:
            self._recount.update(document_ids)
        else:
            self._reload = True
        self._counts_timer.start()

    def _catch_up(self) -> None:
        """Show the coding counts of the documents named since the last look, changed in place."""
        project = self.session.project
        document_ids = self._recount
        if self._reload or project is None:
            self.refresh()
            return
        self._forget_pending()
        if not self.model.update_some_documents(document_ids, project.documents.summaries(document_ids=document_ids)):
            self.refresh()  # the list is behind: a document came or went
            return
        self._fit_columns((DocumentTableModel.CODINGS,))

    def _fit_columns(self, columns: tuple[int, ...] = FITTED_COLUMNS) -> None:
        """Size the Date and Codings columns (or just ``columns``) to their widest text or their header,
        as ResizeToContents would; Qt would ask the model for every role of up to a thousand rows at
        each change."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        for column in columns:
            width = header.sectionSizeHint(column)
            texts = {self.model.text(row, column) for row in range(self.model.rowCount())}
            if texts:
                probe = self.proxy.index(0, column)
                if not probe.isValid():
                    continue  # the filter hides every row: keep the width until it shows one
                # The delegate's margins, from one shown cell; the widest text needs the same.
                shown = self.model.text(self.proxy.mapToSource(probe).row(), column)
                margins = self.table.sizeHintForIndex(probe).width() - metrics.horizontalAdvance(shown)
                grid = 1 if self.table.showGrid() else 0
                width = max(width, max(map(metrics.horizontalAdvance, texts)) + margins + grid)
            header.resizeSection(column, max(header.minimumSectionSize(), min(width, header.maximumSectionSize())))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (event.Type.FontChange, event.Type.StyleChange):
            self._fit_columns()

    def current_document_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isSelected(index):
            ids = self.selected_document_ids()
            return ids[0] if ids else None
        return index.data(DOCUMENT_ID_ROLE)

    def selected_document_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return [index.data(DOCUMENT_ID_ROLE) for index in rows]

    def select_document(self, document_id: int) -> bool:
        """Select and scroll to a document (clearing the filter if it hides it); True when found."""
        row = self.model.row_of(document_id)
        if row is None:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():
            self.filter_edit.clear()
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            proxy_index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(proxy_index)
        return True

    def _select_ids(self, ids: list[int], current: int | None) -> None:
        selection = self.table.selectionModel()
        selection.clear()
        for document_id in ids:
            row = self.model.row_of(document_id)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            if document_id == current:
                selection.setCurrentIndex(index, flags)
            else:
                selection.select(index, flags)

    def _on_selection_changed(self, *_: object) -> None:
        self._update_actions()
        current = self.current_document_id()
        self.documentSelected.emit(current if current is not None else -1)

    def _update_actions(self) -> None:
        count = len(self.selected_document_ids())
        self.edit_action.setEnabled(count == 1)
        self.delete_action.setEnabled(count >= 1)
        self.delete_action.setText("&Delete Documents…" if count > 1 else "&Delete Document…")
        self.delete_action.setIconText("Delete")

    def _context_menu(self, position) -> None:
        menu = QMenu(self)
        menu.addAction(self.edit_action)
        menu.addAction(self.delete_action)
        menu.addSeparator()
        menu.addAction(self.import_action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # -- editing -----------------------------------------------------------------------------------

    def edit_metadata(self, document_id: int | None = None) -> DocumentMetadataDialog | None:
        """Open the details dialog for a document; on OK, push an undoable edit."""
        project = self.session.project
        document_id = document_id if document_id is not None else self.current_document_id()
        if project is None or document_id is None:
            return None
        try:
            document = project.documents.get(document_id, with_text=False)
        except ProjectError as exc:
            show_error(self, str(exc))
            return None
        before = DocumentMetadata(**document.model_dump(include=set(DocumentMetadata.model_fields)))
        dialog = DocumentMetadataDialog(before, self)
        dialog.accepted.connect(lambda: self._apply_metadata(document_id, before, dialog.metadata()))
        dialog.open()
        return dialog

    def _apply_metadata(self, document_id: int, before: DocumentMetadata, after: DocumentMetadata | None) -> None:
        if after is None or after == before:
            return
        self.session.push(EditDocumentMetadataCommand(self.session, document_id, before, after))

    def delete_selected(self) -> bool:
        """Delete the selected documents after confirmation; True when they were deleted."""
        project = self.session.project
        ids = self.selected_document_ids()
        if project is None or not ids:
            return False
        summaries = {s.id: s for s in (self.model.document(r) for r in range(self.model.rowCount()))}
        codings = sum(summaries[i].coding_count for i in ids if i in summaries)
        question = f"Delete “{summaries[ids[0]].title}”?" if len(ids) == 1 else f"Delete {len(ids)} documents?"
        detail = (f"{codings} coding{'s' if codings != 1 else ''} on {'it' if len(ids) == 1 else 'them'} "
                  "will be deleted too. You can undo this with Edit ▸ Undo.")
        if not confirm(self, "Delete documents", question, informative=detail):
            return False
        return self.session.push(DeleteDocumentsCommand(self.session, ids))
