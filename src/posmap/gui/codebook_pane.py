"""The codebook: actors and issues as two trees with colours and coding counts.

The trees are views of the store. Every edit (add, rename in place, recolour, nest by
drag-and-drop, merge, delete, edit an issue's scale) is an undoable command; the trees
rebuild from the store when the session says the codebook changed. Each entry's count is of
the codings coded to it (not to the entries nested in it). When codings are added, edited or
deleted, the counts of just the actors and issues the session names are read again and
changed in place; any other change of codings rebuilds the trees.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from posmap.gui.commands.codebook import (
    AddEntryCommand,
    DeleteEntryCommand,
    MergeEntriesCommand,
    Noun,
    UpdateEntryCommand,
    nest_command,
    recolour_command,
    rename_command,
    repository,
)
from posmap.gui.dialogs import confirm, show_error
from posmap.gui.dialogs.colour import pick_colour, swatch_icon
from posmap.gui.dialogs.entry_editor import ACTOR_KIND_LABELS, ActorDialog, IssueDialog
from posmap.gui.dialogs.merge import MergeDialog
from posmap.gui.session import ProjectSession
from posmap.gui.timers import single_shot
from posmap.model import Actor, Issue
from posmap.services.codebook import next_colour
from posmap.store import CodingFilter, ProjectError

ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
MIME_TYPE = "application/x-posmap-codebook-entry"
# More entries to re-count than this (a large delete, say) and every count is read in one query.
MAX_ENTRIES_RECOUNTED = 20


class CodebookTreeModel(QStandardItemModel):
    """Actors or issues nested as in the store, with a swatch and a coding count.

    Edits made in the view are not written here: renaming in place and dropping an entry on
    another emit ``renameRequested`` / ``reparentRequested`` and the pane turns them into
    undoable commands; the model is rebuilt from the store afterwards.
    """

    renameRequested = Signal(int, str)
    reparentRequested = Signal(int, object)  # entry id, new parent id or None for the top level

    def __init__(self, noun: Noun, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.noun = noun
        self.entries: dict[int, Actor | Issue] = {}
        self._items: dict[int, list[QStandardItem]] = {}  # entry id -> its name and count items
        self.setHorizontalHeaderLabels(["Actors" if noun == "actor" else "Issues", "Codings"])

    def load(self, entries: list[Actor | Issue], counts: dict[int, int]) -> None:
        self.removeRows(0, self.rowCount())
        self.entries = {entry.id: entry for entry in entries}
        items: dict[int, list[QStandardItem]] = {}
        for entry in entries:
            name = QStandardItem(swatch_icon(entry.color), entry.name)
            name.setData(entry.id, ENTRY_ID_ROLE)
            name.setToolTip(self._tooltip(entry, counts.get(entry.id, 0)))
            name.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
                | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
            )
            count = QStandardItem(str(counts.get(entry.id, 0)))
            count.setData(entry.id, ENTRY_ID_ROLE)
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                | Qt.ItemFlag.ItemIsDropEnabled
            )
            items[entry.id] = [name, count]
        for entry in entries:  # entries come sorted by name, so siblings stay sorted
            row = items[entry.id]
            parent_row = items.get(entry.parent_id) if entry.parent_id is not None else None
            (parent_row[0] if parent_row else self.invisibleRootItem()).appendRow(row)
        self._items = items

    def set_counts(self, counts: Mapping[int, int]) -> None:
        """Show these coding counts (entry id -> count) in place; ids the tree does not list are skipped."""
        for entry_id, count in counts.items():
            row = self._items.get(entry_id)
            if row is None or row[1].text() == str(count):
                continue
            name, count_item = row
            count_item.setText(str(count))
            name.setToolTip(self._tooltip(self.entries[entry_id], count))

    def _tooltip(self, entry: Actor | Issue, count: int) -> str:
        lines = [entry.name]
        if isinstance(entry, Actor):
            lines.append(ACTOR_KIND_LABELS[entry.kind])
            if entry.aliases:
                lines.append("Also called: " + ", ".join(entry.aliases))
        else:
            if entry.proposition:
                lines.append(f"Proposition: {entry.proposition}")
            lines.append("Scale: " + entry.scale.describe())
        lines.append(f"{count} coding{'s' if count != 1 else ''}")
        return "\n".join(lines)

    # -- lookups --------------------------------------------------------------------------------

    def entry_at(self, index: QModelIndex | QPersistentModelIndex) -> Actor | Issue | None:
        if not index.isValid():
            return None
        return self.entries.get(index.data(ENTRY_ID_ROLE))

    def index_of(self, entry_id: int) -> QModelIndex:
        matches = self.match(self.index(0, 0), ENTRY_ID_ROLE, entry_id, 1,
                             Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return matches[0] if matches else QModelIndex()

    # -- in-place rename --------------------------------------------------------------------------

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.EditRole and index.column() == 0:
            entry = self.entry_at(index)
            name = str(value).strip()
            if entry is not None and name and name != entry.name:
                self.renameRequested.emit(entry.id, name)
            return False
        return super().setData(index, value, role)

    # -- drag and drop ------------------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes) -> QMimeData:
        ids = sorted({index.data(ENTRY_ID_ROLE) for index in indexes if index.isValid()})
        data = QMimeData()
        data.setData(MIME_TYPE, QByteArray(f"{self.noun}:{','.join(map(str, ids))}".encode()))
        return data

    def dragged_ids(self, data: QMimeData) -> list[int]:
        if not data.hasFormat(MIME_TYPE):
            return []
        noun, _, ids = bytes(data.data(MIME_TYPE).data()).decode().partition(":")
        if noun != self.noun:
            return []
        return [int(part) for part in ids.split(",") if part.isdigit()]

    def canDropMimeData(self, data: QMimeData, action, row: int, column: int, parent) -> bool:
        return bool(self.dragged_ids(data))

    def dropMimeData(self, data: QMimeData, action, row: int, column: int, parent) -> bool:
        """Ask for the dragged entry to be nested under the entry dropped on (top level on empty space).

        Returns False so the view never moves rows itself; the store decides, and the tree
        is rebuilt from it.
        """
        ids = self.dragged_ids(data)
        if not ids:
            return False
        target = self.entry_at(parent.siblingAtColumn(0)) if parent.isValid() else None
        for entry_id in ids:
            self.reparentRequested.emit(entry_id, target.id if target is not None else None)
        return False


class EntryTree(QTreeView):
    def __init__(self, model: CodebookTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setHeaderHidden(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)


class EntrySection(QWidget):
    """One tree (actors or issues) with its buttons, context menu and commands."""

    entrySelected = Signal(str, int)  # noun, entry id (-1 when nothing is selected)

    def __init__(self, session: ProjectSession, noun: Noun, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.noun = noun
        self.plural = "Actors" if noun == "actor" else "Issues"
        self.model = CodebookTreeModel(noun, self)
        self.tree = EntryTree(self.model)
        self.tree.setToolTip(
            f"Drag an {noun} onto another to nest it; drop it on empty space to move it to the top level. "
            "Press F2 to rename."
            if noun == "issue" else
            f"Drag an {noun} onto another to nest it (a minister inside a state); drop it on empty space to "
            "move it to the top level. Press F2 to rename."
        )
        self.model.renameRequested.connect(self.rename, Qt.ConnectionType.QueuedConnection)
        # Queued: the drop finishes in the view before the tree is rebuilt.
        self.model.reparentRequested.connect(self.reparent, Qt.ConnectionType.QueuedConnection)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.doubleClicked.connect(self._on_double_click)
        self.tree.selectionModel().currentChanged.connect(self._on_current_changed)
        self._loaded_once = False

        self.add_action = QAction(f"New {noun.capitalize()}…", self)
        self.add_action.setToolTip(f"Add an {noun} to the codebook")
        self.add_action.triggered.connect(lambda: self.add_entry())
        self.add_child_action = QAction(f"New Nested {noun.capitalize()}…", self)
        self.add_child_action.triggered.connect(lambda: self.add_entry(parent_id=self.current_id()))
        self.edit_action = QAction("&Edit…", self)
        self.edit_action.setToolTip(
            "Edit name, kind, colour and aliases" if noun == "actor" else "Edit name, proposition and scale"
        )
        self.edit_action.triggered.connect(lambda: self.edit_entry())
        self.rename_action = QAction("&Rename", self)
        self.rename_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.rename_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.rename_action.triggered.connect(self._rename_in_place)
        self.colour_action = QAction("&Colour…", self)
        self.colour_action.setToolTip("Choose the colour of its highlights")
        self.colour_action.triggered.connect(lambda: self.recolour())
        self.top_level_action = QAction("Move to &Top Level", self)
        self.top_level_action.triggered.connect(lambda: self.reparent(self.current_id(), None))
        self.merge_action = QAction("&Merge Into…", self)
        self.merge_action.setToolTip(f"Move this {noun}'s codings to another {noun} and remove it")
        self.merge_action.triggered.connect(lambda: self.merge_entry())
        self.delete_action = QAction("&Delete…", self)
        self.delete_action.setToolTip(f"Delete this {noun} and its codings")
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(lambda: self.delete_entry())
        for action in (self.rename_action, self.delete_action):
            self.tree.addAction(action)

        # The tree's own header names the list ("Actor", "Issue"), so the buttons need no title.
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(2)
        for action, text in ((self.add_action, "Add…"), (self.edit_action, "Edit…"),
                             (self.merge_action, "Merge…"), (self.delete_action, "Delete")):
            action.setIconText(text)  # what the tool button shows; menus show the full text
            button = QToolButton()
            button.setDefaultAction(action)
            button.setAutoRaise(True)
            header.addWidget(button)
        header.addStretch(1)

        self.empty_text = (
            "No actors yet. Add the parties whose positions you map: states, organisations, people."
            if noun == "actor" else
            "No issues yet. Add the questions under negotiation, each with a scale of positions."
        )
        self.empty_label = QLabel(self.empty_text)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(header)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.tree, 1)
        self._update_actions()

    # -- reading ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        project = self.session.project
        current = self.current_id()
        expanded = self._expanded_ids()
        if project is None:
            self.model.load([], {})
        else:
            repo = repository(project, self.noun)
            self.model.load(repo.all(), repo.coding_counts())
        if not self._loaded_once and self.model.rowCount():
            self.tree.expandAll()
            self._loaded_once = True
        else:
            for entry_id in expanded:
                self.tree.setExpanded(self.model.index_of(entry_id), True)
        if current is not None:
            index = self.model.index_of(current)
            if index.isValid():
                self.tree.setCurrentIndex(index)
        has_entries = self.model.rowCount() > 0
        self.empty_label.setVisible(not has_entries)
        self.tree.setVisible(project is not None)
        self.empty_label.setText(self.empty_text if project is not None else "No project is open.")
        self.add_action.setEnabled(project is not None)
        self._update_actions()

    def reset(self) -> None:
        self._loaded_once = False
        self.refresh()

    def update_counts(self, entry_ids: Collection[int]) -> None:
        """Read the coding counts of these entries again and show them in place: the tree, its
        selection and what is expanded stay as they are."""
        project = self.session.project
        listed = [entry_id for entry_id in entry_ids if entry_id in self.model.entries]
        if project is None or not listed:
            return
        repo = repository(project, self.noun)
        if len(listed) > MAX_ENTRIES_RECOUNTED:
            counts = repo.coding_counts()
            self.model.set_counts({entry_id: counts.get(entry_id, 0) for entry_id in listed})
        else:
            self.model.set_counts({entry_id: repo.coding_count(entry_id) for entry_id in listed})

    def current_id(self) -> int | None:
        entry = self.model.entry_at(self.tree.currentIndex())
        return entry.id if entry is not None else None

    def current_entry(self) -> Actor | Issue | None:
        return self.model.entry_at(self.tree.currentIndex())

    def select(self, entry_id: int) -> None:
        index = self.model.index_of(entry_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    def _expanded_ids(self) -> list[int]:
        ids = []
        for entry_id in self.model.entries:
            index = self.model.index_of(entry_id)
            if index.isValid() and self.tree.isExpanded(index):
                ids.append(entry_id)
        return ids

    def _on_current_changed(self, *_: object) -> None:
        self._update_actions()
        current = self.current_id()
        self.entrySelected.emit(self.noun, current if current is not None else -1)

    def _update_actions(self) -> None:
        entry = self.current_entry()
        for action in (self.add_child_action, self.edit_action, self.rename_action, self.colour_action,
                       self.merge_action, self.delete_action):
            action.setEnabled(entry is not None)
        self.top_level_action.setEnabled(entry is not None and entry.parent_id is not None)
        self.merge_action.setEnabled(entry is not None and len(self.model.entries) > 1)

    def _context_menu(self, position) -> None:
        menu = QMenu(self)
        menu.addAction(self.add_action)
        menu.addAction(self.add_child_action)
        menu.addSeparator()
        for action in (self.edit_action, self.rename_action, self.colour_action, self.top_level_action,
                       self.merge_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.exec(self.tree.viewport().mapToGlobal(position))

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.column() != 0:
            self.edit_entry()

    def _rename_in_place(self) -> None:
        index = self.tree.currentIndex()
        if index.isValid():
            self.tree.edit(index.siblingAtColumn(0))

    # -- editing ------------------------------------------------------------------------------------

    def _parents_for(self, entry_id: int | None) -> list[Actor | Issue]:
        """Entries that ``entry_id`` may be nested in: all but itself and its descendants."""
        project = self.session.require()
        repo = repository(project, self.noun)
        excluded = set(repo.ids_with_descendants(entry_id)) if entry_id is not None else set()
        return [entry for entry in repo.all() if entry.id not in excluded]

    def add_entry(self, parent_id: int | None = None) -> QDialog | None:
        if self.session.project is None:
            return None
        colour = next_colour(len(self.model.entries), offset=0 if self.noun == "actor" else 1)
        if self.noun == "actor":
            dialog = ActorDialog(Actor(name="New actor", color=colour, parent_id=parent_id),
                                 self._parents_for(None), self)
        else:
            dialog = IssueDialog(Issue(name="New issue", color=colour, parent_id=parent_id),
                                 self._parents_for(None), parent=self)
        dialog.name_edit.selectAll()

        def added() -> None:
            entry = dialog.result_entry()
            if entry is None:
                return
            command = AddEntryCommand(self.session, entry)
            if self.session.push(command) and command.entry_id is not None:
                self.select(command.entry_id)

        dialog.accepted.connect(added)
        dialog.open()
        return dialog

    def edit_entry(self, entry_id: int | None = None) -> QDialog | None:
        entry_id = entry_id if entry_id is not None else self.current_id()
        project = self.session.project
        if project is None or entry_id is None:
            return None
        repo = repository(project, self.noun)
        try:
            entry = repo.get(entry_id)
        except ProjectError as exc:
            show_error(self, str(exc))
            return None
        if isinstance(entry, Actor):
            dialog = ActorDialog(entry, self._parents_for(entry_id), self)
        else:
            used: dict[int, int] = {}
            for record in project.codings.records(CodingFilter(issue_ids=[entry_id])):
                used[record.position] = used.get(record.position, 0) + 1
            dialog = IssueDialog(entry, self._parents_for(entry_id), used, self)

        def edited() -> None:
            after = dialog.result_entry()
            if after is not None and after != entry:
                self.session.push(UpdateEntryCommand(self.session, entry, after))

        dialog.accepted.connect(edited)
        dialog.open()
        return dialog

    def rename(self, entry_id: int, name: str) -> bool:
        entry = self.model.entries.get(entry_id)
        if entry is None or self.session.project is None:
            return False
        return self.session.push(rename_command(self.session, entry, name))

    def recolour(self, entry_id: int | None = None, colour: str | None = None) -> bool:
        entry_id = entry_id if entry_id is not None else self.current_id()
        entry = self.model.entries.get(entry_id) if entry_id is not None else None
        if entry is None:
            return False
        colour = colour or pick_colour(self, entry.color, f"Colour of “{entry.name}”")
        if colour is None or colour.upper() == entry.color.upper():
            return False
        return self.session.push(recolour_command(self.session, entry, colour))

    def reparent(self, entry_id: int | None, parent_id: int | None) -> bool:
        """Nest an entry under another (None: top level); refuses cycles with a message."""
        project = self.session.project
        if project is None or entry_id is None:
            return False
        entry = self.model.entries.get(entry_id)
        if entry is None or entry.parent_id == parent_id:
            return False
        repo = repository(project, self.noun)
        parent = self.model.entries.get(parent_id) if parent_id is not None else None
        if parent_id is not None and parent_id in repo.ids_with_descendants(entry_id):
            show_error(self, f"“{entry.name}” cannot be nested inside itself or one of its own nested "
                             f"{self.plural.lower()}")
            return False
        return self.session.push(nest_command(self.session, entry, parent))

    def merge_entry(self, entry_id: int | None = None) -> MergeDialog | None:
        project = self.session.project
        entry_id = entry_id if entry_id is not None else self.current_id()
        if project is None or entry_id is None:
            return None
        repo = repository(project, self.noun)
        source = repo.get(entry_id)
        excluded = set(repo.ids_with_descendants(entry_id))
        candidates = [entry for entry in repo.all() if entry.id not in excluded]
        if not candidates:
            show_error(self, f"there is no other {self.noun} to merge “{source.name}” into")
            return None
        dialog = MergeDialog(source, candidates, repo.coding_count(entry_id), self)

        def merged() -> None:
            target_id = dialog.target_id()
            if target_id is None:
                return
            target = repo.get(target_id)
            if self.session.push(MergeEntriesCommand(self.session, source, target)):
                self.select(target_id)

        dialog.accepted.connect(merged)
        dialog.open()
        return dialog

    def delete_entry(self, entry_id: int | None = None) -> bool:
        project = self.session.project
        entry_id = entry_id if entry_id is not None else self.current_id()
        if project is None or entry_id is None:
            return False
        repo = repository(project, self.noun)
        entry = repo.get(entry_id)
        count = repo.coding_count(entry_id)
        children = [e for e in self.model.entries.values() if e.parent_id == entry_id]
        detail = f"{count} coding{'s' if count != 1 else ''} of “{entry.name}” will be deleted too."
        if children:
            detail += (f" Its {len(children)} nested {self.noun}{'s' if len(children) != 1 else ''} "
                       "move up one level.")
        detail += " You can undo this with Edit ▸ Undo."
        if not confirm(self, f"Delete {self.noun}", f"Delete the {self.noun} “{entry.name}”?", informative=detail):
            return False
        return self.session.push(DeleteEntryCommand(self.session, entry))


class CodebookPane(QWidget):
    """Actors above, issues below."""

    entrySelected = Signal(str, int)

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.actors = EntrySection(session, "actor")
        self.issues = EntrySection(session, "issue")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.actors)
        self.splitter.addWidget(self.issues)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        for section in (self.actors, self.issues):
            section.entrySelected.connect(self.entrySelected)
        session.projectOpened.connect(self._reset)
        session.projectClosed.connect(self._reset)
        session.codebookChanged.connect(self.refresh)
        # Coding counts change with every coding: catch up once per burst, after the command is done,
        # re-counting the entries the session named or, when it named none, rebuilding the trees.
        self._recount: dict[Noun, set[int]] = {"actor": set(), "issue": set()}
        self._reload = False
        self._counts_timer = single_shot(self, self._catch_up)
        session.codingsChanged.connect(self._on_codings_changed)
        self._reset()

    def section(self, noun: Noun) -> EntrySection:
        return self.actors if noun == "actor" else self.issues

    def refresh(self) -> None:
        self._forget_pending()
        self.actors.refresh()
        self.issues.refresh()

    def _reset(self) -> None:
        self._forget_pending()
        self.actors.reset()
        self.issues.reset()

    def _forget_pending(self) -> None:
        self._counts_timer.stop()
        self._reload = False
        self._recount = {"actor": set(), "issue": set()}

    def _on_codings_changed(self, _document_ids: list) -> None:
        actor_ids, issue_ids = self.session.changed_actor_ids, self.session.changed_issue_ids
        if actor_ids is None or issue_ids is None:
            self._reload = True
        else:
            self._recount["actor"].update(actor_ids)
            self._recount["issue"].update(issue_ids)
        self._counts_timer.start()

    def _catch_up(self) -> None:
        if self._reload:
            self.refresh()
            return
        recount = self._recount
        self._forget_pending()
        self.actors.update_counts(recount["actor"])
        self.issues.update_counts(recount["issue"])
