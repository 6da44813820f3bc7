"""SearchPane: full-text search over every document, with keyword-in-context hits to open or code.

Wiring for the main window::

    pane = SearchPane(session)
    pane.passageActivated.connect(viewer.open_passage)     # (document_id, start, end), code points

Signals
    ``passageActivated(int, int, int)`` — a hit was clicked or chosen with the arrow keys/Enter.
    ``searchFinished(int)`` — a search completed with this many hits (0 when nothing matched).

Methods
    ``search(query=None)`` (runs what is typed, or ``query``), ``focus_field()``, ``hits()``,
    ``current_hit()``, ``code_current_hit()`` (opens the coding popup for the hit's span),
    ``field``, ``table``, ``code_button``.

Typing then Enter searches (words match as prefixes, ignoring case and Latin diacritics; "quoted
words" as a phrase). The search runs on a worker thread with its own read-only connection,
so a huge corpus never freezes the window; at most :data:`MAX_HITS` hits are listed. The result
table shows document, page, left context (right-aligned), the match in bold and right context.
"Code this hit" (button, C or Ctrl+Return in the table) opens the coding popup for the hit.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from posmap.gui.empty_hint import EmptyHint
from posmap.gui.session import ProjectSession
from posmap.services.search import SearchHit, search_corpus
from posmap.store import Project, ProjectError

MAX_HITS = 500
PER_DOCUMENT = 100
CONTEXT_CHARS = 70
HIT_COLUMNS = ("Document", "Page", "Before", "Match", "After")
DOCUMENT, PAGE, BEFORE, MATCH, AFTER = range(len(HIT_COLUMNS))


class SearchHitModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.hits: list[SearchHit] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(HIT_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HIT_COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (hit.document_title, str(hit.page) if hit.page is not None else "", hit.before, hit.match,
                    hit.after)[column]
        if role == Qt.ItemDataRole.FontRole and column == MATCH:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (BEFORE, PAGE):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == MATCH:
                return int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column in (BEFORE, MATCH, AFTER):
            return f"…{hit.before} {hit.match} {hit.after}…"
        return None


class _LeftElideDelegate(QStyledItemDelegate):
    """Cuts the left context at its start, so the words next to the match stay visible."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


class _HitTable(QTableView):
    codeRequested = Signal()
    openRequested = Signal()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if modifiers & Qt.KeyboardModifier.ControlModifier:
                self.codeRequested.emit()
            else:
                self.openRequested.emit()
            return
        if key == Qt.Key.Key_C and modifiers == Qt.KeyboardModifier.NoModifier:
            self.codeRequested.emit()
            return
        super().keyPressEvent(event)


class _SearchRelay(QObject):
    """Carries a worker thread's result to the GUI thread (queued signal delivery)."""

    finished = Signal(int, object, str)  # generation, hits, error message


class SearchPane(QWidget):
    """See the module docstring."""

    passageActivated = Signal(int, int, int)
    searchFinished = Signal(int)

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._generation = 0
        self._query = ""
        self._relay = _SearchRelay(self)
        self._relay.finished.connect(self._on_finished)

        self.field = QLineEdit(self)
        self.field.setPlaceholderText("Search all documents — words, or \"a phrase\" — then Enter")
        self.field.setClearButtonEnabled(True)
        self.search_button = QPushButton("Search", self)
        self.code_button = QPushButton("Code this hit…", self)
        self.code_button.setToolTip("Open the coding popup for the selected hit (C or Ctrl+Enter in the list)")
        self.code_button.setEnabled(False)
        self.status_label = QLabel(self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.setContentsMargins(6, 4, 6, 0)
        top.addWidget(self.field, 1)
        top.addWidget(self.search_button)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(6, 0, 6, 4)
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.code_button)

        self.model = SearchHitModel(self)
        self.table = _HitTable(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setItemDelegateForColumn(BEFORE, _LeftElideDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(DOCUMENT, 170)
        header.setSectionResizeMode(PAGE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BEFORE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MATCH, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AFTER, QHeaderView.ResizeMode.Stretch)
        self.empty_hint = EmptyHint(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.field.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.code_button.clicked.connect(self.code_current_hit)
        self.table.codeRequested.connect(self.code_current_hit)
        self.table.openRequested.connect(self._open_current)
        self.table.doubleClicked.connect(lambda _index: self._open_current())
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        session.projectOpened.connect(self._clear)
        session.projectClosed.connect(self._clear)
        session.documentsChanged.connect(self._on_documents_changed)
        self._show_start_hint()

    # -- public API ---------------------------------------------------------------------------

    def focus_field(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def hits(self) -> list[SearchHit]:
        return list(self.model.hits)

    def current_hit(self) -> SearchHit | None:
        index = self.table.currentIndex()
        return self.model.hits[index.row()] if index.isValid() else None

    def search(self, query: str | None = None) -> None:
        """Search for ``query`` (default: what is typed) on a worker thread; results replace the list."""
        if query is not None:
            self.field.setText(query)
        query = self.field.text().strip()
        path = self.session.path
        self._generation += 1
        self._query = query
        if not query or path is None:
            self.model.set_hits([])
            self.status_label.setText("")
            self.code_button.setEnabled(False)
            self._show_start_hint()
            self.searchFinished.emit(0)
            return
        self.status_label.setText(f"Searching for “{query}”…")
        self.empty_hint.show_text("")
        generation = self._generation
        thread = threading.Thread(
            target=self._run, args=(generation, Path(path), query), name="posmap-search", daemon=True
        )
        thread.start()

    def code_current_hit(self) -> None:
        """Open the coding popup for the selected hit (and show the hit in the viewer first)."""
        hit = self.current_hit()
        if hit is None or self.session.project is None:
            return
        self.passageActivated.emit(hit.document_id, hit.start, hit.end)
        from posmap.gui.coding_popup import open_coding_popup

        index = self.table.currentIndex()
        rect = self.table.visualRect(index)
        anchor = rect.translated(self.table.viewport().mapToGlobal(rect.topLeft()) - rect.topLeft())
        open_coding_popup(self.session, hit.document_id, hit.start, hit.end, parent=self, anchor=anchor)

    # -- the worker -------------------------------------------------------------------------------

    def _run(self, generation: int, path: Path, query: str) -> None:
        """On the worker thread: its own read-only connection, never a widget."""
        try:
            with Project.open(path, read_only=True) as project:
                hits = search_corpus(project, query, limit=MAX_HITS, context=CONTEXT_CHARS,
                                     per_document=PER_DOCUMENT)
        except ProjectError as exc:
            self._report(generation, [], str(exc))
        except Exception as exc:  # noqa: BLE001 - a worker must always report back
            self._report(generation, [], f"the search failed ({exc})")
        else:
            self._report(generation, hits, "")

    def _report(self, generation: int, hits: list[SearchHit], error: str) -> None:
        with contextlib.suppress(RuntimeError):  # the pane was closed while the search ran
            self._relay.finished.emit(generation, hits, error)

    def _on_finished(self, generation: int, hits: list[SearchHit], error: str) -> None:
        if generation != self._generation:
            return  # a newer search replaced this one
        if error:
            self.model.set_hits([])
            self.status_label.setText(f"Search failed: {error}")
            self.empty_hint.show_text("The search failed; see the message below.")
            self.session.errorOccurred.emit(error)
            self.searchFinished.emit(0)
            return
        self.model.set_hits(hits)
        documents = len({hit.document_id for hit in hits})
        if not hits:
            status = f"No hits for “{self._query}”."
        else:
            status = (f"{len(hits)} hit{'s' if len(hits) != 1 else ''} in {documents} "
                      f"document{'s' if documents != 1 else ''}")
            if len(hits) >= MAX_HITS:
                status += f" (the first {MAX_HITS}; add words to narrow the search)"
        self.status_label.setText(status)
        self.empty_hint.show_text("" if hits else f"Nothing found for “{self._query}”.")
        self.code_button.setEnabled(False)
        self.searchFinished.emit(len(hits))

    # -- internals --------------------------------------------------------------------------------

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.code_button.setEnabled(current.isValid())
        if current.isValid():
            hit = self.model.hits[current.row()]
            self.passageActivated.emit(hit.document_id, hit.start, hit.end)

    def _open_current(self) -> None:
        hit = self.current_hit()
        if hit is not None:
            self.passageActivated.emit(hit.document_id, hit.start, hit.end)

    def _on_documents_changed(self) -> None:
        if self._query:
            self.search(self._query)  # documents came or went: the hits (or "nothing found") may be stale

    def _clear(self) -> None:
        self._generation += 1
        self._query = ""
        self.model.set_hits([])
        self.status_label.setText("")
        self.code_button.setEnabled(False)
        self._show_start_hint()

    def _show_start_hint(self) -> None:
        """The hint before any search (or after the field was emptied)."""
        self.empty_hint.show_text("Type words to search all documents; put a phrase in quotes."
                                  if self.session.project is not None else "No project is open.")
