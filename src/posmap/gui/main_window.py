"""The main window: menus, toolbar, docks, status bar, and the project and import workflows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from posmap.gui.codebook_pane import CodebookPane
from posmap.gui.codings_pane import CodingsPane
from posmap.gui.commands.codebook import ImportCodebookCommand
from posmap.gui.commands.documents import ImportedDocumentsCommand
from posmap.gui.dialogs import show_error
from posmap.gui.dialogs.about import show_about
from posmap.gui.dialogs.briefing_dialog import BriefingDialog
from posmap.gui.dialogs.import_progress import ImportProgressDialog, ImportSummaryDialog, summary_text
from posmap.gui.dialogs.shortcuts import ShortcutsDialog, shortcut_rows
from posmap.gui.documents_pane import DocumentsPane
from posmap.gui.matrix_view import MatrixView
from posmap.gui.search_pane import SearchPane
from posmap.gui.session import ProjectSession
from posmap.gui.settings import AppSettings
from posmap.gui.timers import single_shot
from posmap.gui.viewer import DocumentViewer
from posmap.gui.workers import ImportJob
from posmap.ingest import SUPPORTED_SUFFIXES
from posmap.services.codebook import codebook_json, export_codebook, read_codebook_file
from posmap.services.importing import ImportReport
from posmap.store import PROJECT_SUFFIX, ProjectError

IMPORT_FILTER = "Documents (*.txt *.md *.markdown *.html *.htm *.docx *.pdf);;All files (*)"
PROJECT_FILTER = f"posmap projects (*{PROJECT_SUFFIX});;All files (*)"
CODEBOOK_FILTER = "posmap codebooks (*.json);;All files (*)"


def _theme_icon(name: str, fallback: QStyle.StandardPixmap) -> QIcon:
    icon = QIcon.fromTheme(name)
    if icon.isNull():
        icon = QApplication.style().standardIcon(fallback)
    return icon


def importable_files(paths: Iterable[Path]) -> list[Path]:
    """Files to import from dropped or chosen paths: folders contribute the supported files inside them."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            found.append(path)
    return found


class WelcomePage(QWidget):
    """What the window shows with no project open: how to start, and the recent projects."""

    newRequested = Signal()
    openRequested = Signal()
    demoRequested = Signal()
    recentChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h1>posmap</h1>")
        intro = QLabel(
            "Map who holds which position on which issue, with the evidence.<br>"
            "Create a project, import documents, then highlight passages and code them to actors, "
            "issues and positions. Every change is saved at once."
        )
        intro.setWordWrap(True)
        self.new_button = QPushButton("&New Project…")
        self.new_button.setToolTip("Create an empty project file (Ctrl+N)")
        self.open_button = QPushButton("&Open Project…")
        self.open_button.setToolTip("Open an existing project file (Ctrl+O)")
        self.demo_button = QPushButton("Try the &Demo Project")
        self.demo_button.setToolTip("Open a sample project with documents and codings already in it")
        self.new_button.clicked.connect(self.newRequested)
        self.open_button.clicked.connect(self.openRequested)
        self.demo_button.clicked.connect(self.demoRequested)
        buttons = QVBoxLayout()
        for button in (self.new_button, self.open_button, self.demo_button):
            button.setMinimumWidth(200)
            buttons.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self.recent_label = QLabel("<b>Recent projects</b>")
        self.recent_list = QListWidget()
        self.recent_list.setToolTip("Double-click or press Enter to open")
        self.recent_list.itemActivated.connect(lambda item: self.recentChosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        column = QVBoxLayout()
        column.addSpacing(48)
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(12)
        column.addLayout(buttons)
        column.addSpacing(18)
        column.addWidget(self.recent_label)
        column.addWidget(self.recent_list, 3)
        column.addStretch(1)
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(720)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 4)
        outer.addStretch(1)

    def set_recent(self, paths: Sequence[Path]) -> None:
        self.recent_list.clear()
        for path in paths:
            item = QListWidgetItem(f"{path.name}  —  {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.recent_list.addItem(item)
        self.recent_label.setVisible(bool(paths))
        self.recent_list.setVisible(bool(paths))


class MainWindow(QMainWindow):
    """The posmap application window around one :class:`ProjectSession`."""

    STATUS_TIMEOUT_MS = 6000

    # An import job is about to start (connected before its thread runs, e.g. to watch it).
    importStarting = Signal(object)

    def __init__(
        self, session: ProjectSession | None = None, settings: AppSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.session = session if session is not None else ProjectSession(self)
        self.settings = settings if settings is not None else AppSettings()
        self.import_job: ImportJob | None = None
        self.import_dialog: ImportProgressDialog | None = None
        self.last_import_summary: ImportSummaryDialog | None = None
        self.last_import_report: ImportReport | None = None
        self.briefing_dialog: BriefingDialog | None = None
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        # The side panes run the full height; the bottom panes sit under the document only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect_session()
        self._restore_layout()
        self._on_project_changed()

    # == construction ====================================================================================

    def _build_central(self) -> None:
        self.welcome = WelcomePage()
        self.welcome.newRequested.connect(lambda: self.new_project())
        self.welcome.openRequested.connect(lambda: self.open_project())
        self.welcome.demoRequested.connect(self.open_demo_project)
        self.welcome.recentChosen.connect(lambda path: self.open_project(Path(path)))
        self.no_document_label = QLabel(
            "Select a document in the Documents pane to read and code it.\n\n"
            "No documents yet? Import files with File ▸ Import Files… (Ctrl+I) or drag them onto this window."
        )
        self.no_document_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_document_label.setWordWrap(True)
        self.no_document_label.setEnabled(False)
        self.viewer = DocumentViewer(self.session)
        self.viewer.documentShown.connect(self._on_document_shown)
        self.viewer.statusMessage.connect(self._show_status)
        self.central_stack = QStackedWidget()
        self.central_stack.addWidget(self.welcome)
        self.central_stack.addWidget(self.no_document_label)
        self.central_stack.addWidget(self.viewer)
        self.setCentralWidget(self.central_stack)

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, self.STATUS_TIMEOUT_MS)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.documents_pane = DocumentsPane(self.session)
        self.documents_pane.documentSelected.connect(self.show_document)
        self.documents_pane.importRequested.connect(lambda: self.choose_files_to_import())
        self.documents_dock = self._dock("Documents", "documentsDock", self.documents_pane,
                                         Qt.DockWidgetArea.LeftDockWidgetArea)
        self.codebook_pane = CodebookPane(self.session)
        self.codebook_dock = self._dock("Codebook", "codebookDock", self.codebook_pane,
                                        Qt.DockWidgetArea.RightDockWidgetArea)
        self.codings_pane = CodingsPane(self.session)
        self.codings_pane.passageActivated.connect(self.open_passage)
        self.viewer.documentShown.connect(self.codings_pane.set_document)
        self.viewer.codingsActivated.connect(self._show_codings)
        self.codings_dock = self._dock("Codings", "codingsDock", self.codings_pane,
                                       Qt.DockWidgetArea.BottomDockWidgetArea)
        self.search_pane = SearchPane(self.session)
        self.search_pane.passageActivated.connect(self.open_passage)
        self.search_dock = self._dock("Search", "searchDock", self.search_pane,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.codings_dock, self.search_dock)
        self.codings_dock.raise_()
        self.matrix_view = MatrixView(self.session)
        self.matrix_view.passageActivated.connect(self.open_passage)
        self.matrix_view.statusMessage.connect(self._show_status)
        self.matrix_dock = self._dock("Position Matrix", "matrixDock", self.matrix_view,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self.matrix_dock.hide()  # shown from View ▸ Position Matrix; it reads the project only when shown
        self.docks = [self.documents_dock, self.codebook_dock, self.codings_dock, self.search_dock,
                      self.matrix_dock]

    def open_passage(self, document_id: int, start: int, end: int) -> None:
        """Show a passage in the viewer (from a coding, a search hit or a matrix cell)."""
        self.viewer.open_passage(document_id, start, end)

    def _show_codings(self, coding_ids: list[int]) -> None:
        """A highlight was clicked: bring its codings forward in the Codings pane."""
        self.codings_pane.select_codings(coding_ids)
        if coding_ids and not self.codings_dock.isHidden():
            self.codings_dock.raise_()

    def show_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search_pane.focus_field()

    def show_matrix(self) -> None:
        self.matrix_dock.show()
        self.matrix_dock.raise_()

    def _action(
        self, text: str, slot, *, shortcut: QKeySequence | str | QKeySequence.StandardKey | None = None,
        tip: str = "", icon: QIcon | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if icon is not None:
            action.setIcon(icon)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.new_action = self._action(
            "&New Project…", self.new_project, shortcut=QKeySequence.StandardKey.New,
            tip="Create a new, empty project file", icon=_theme_icon("document-new", sp.SP_FileIcon))
        self.open_action = self._action(
            "&Open Project…", self.open_project, shortcut=QKeySequence.StandardKey.Open,
            tip="Open a project file", icon=_theme_icon("document-open", sp.SP_DialogOpenButton))
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.import_action = self._action(
            "&Import Files…", self.choose_files_to_import, shortcut="Ctrl+I",
            tip="Import documents (txt, md, html, docx, pdf); you can also drag files onto the window",
            icon=QIcon.fromTheme("document-import"))
        self.import_codebook_action = self._action(
            "Import &Codebook…", self.choose_codebook_to_import,
            tip="Add the actors and issues of a codebook file to this project")
        self.export_codebook_action = self._action(
            "E&xport Codebook…", self.choose_codebook_export,
            tip="Write this project's actors, issues and scales to a file colleagues can import")
        self.save_copy_action = self._action(
            "Save a &Copy As…", self.save_copy, shortcut="Ctrl+Shift+S",
            tip="Write a consistent single-file copy of the project, e.g. to hand to a colleague",
            icon=_theme_icon("document-save-as", sp.SP_DialogSaveButton))
        self.close_action = self._action(
            "&Close Project", self.close_project, shortcut="Ctrl+W",
            tip="Close the project (everything is already saved)")
        self.quit_action = self._action("&Quit", self.close, shortcut="Ctrl+Q",
                                        tip="Quit posmap (everything is already saved)")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        stack = self.session.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        self.undo_action.setIcon(_theme_icon("edit-undo", sp.SP_ArrowBack))
        self.undo_action.setToolTip("Undo the last change")
        self.redo_action = stack.createRedoAction(self, "&Redo")
        redo_keys = [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
        redo_keys += [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo) if k not in redo_keys]
        self.redo_action.setShortcuts(redo_keys)
        self.redo_action.setIcon(_theme_icon("edit-redo", sp.SP_ArrowForward))
        self.redo_action.setToolTip("Redo the change you undid")

        self.new_actor_action = self._action(
            "New &Actor…", lambda: self.codebook_pane.actors.add_entry(), shortcut="Ctrl+Shift+A",
            tip="Add an actor: a state, organisation, person or group")
        self.new_issue_action = self._action(
            "New I&ssue…", lambda: self.codebook_pane.issues.add_entry(), shortcut="Ctrl+Shift+I",
            tip="Add a negotiation issue with a scale of positions")
        self.edit_coding_action = self._action(
            "&Edit Selected Coding…", lambda: self.codings_pane.edit_selected(),
            tip="Change the actor, issue, position or note of the coding selected in the Codings pane")
        self.delete_coding_action = self._action(
            "&Delete Selected Codings", lambda: self.codings_pane.delete_selected(),
            tip="Delete the codings selected in the Codings pane (undoable)")
        self.search_action = self._action(
            "&Search All Documents…", self.show_search, shortcut="Ctrl+Shift+F",
            tip="Full-text search over every document, with the words around each hit",
            icon=QIcon.fromTheme("edit-find"))
        self.matrix_action = self._action(
            "Position &Matrix", self.show_matrix, shortcut="Ctrl+M",
            tip="Actors × issues as a heat map, with the evidence behind each cell")
        self.export_matrix_menu = QMenu("Export &Matrix", self)
        for action in self.matrix_view.export_actions.values():
            self.export_matrix_menu.addAction(action)
        self.export_briefing_action = self._action(
            "Export &Briefing…", self.export_briefing, shortcut="Ctrl+Shift+B",
            tip="Write a PDF briefing paper: each issue with the actors' positions, quotes and sources",
            icon=QIcon.fromTheme("document-export"))

        self.shortcuts_action = self._action(
            "&Keyboard Shortcuts", self.show_shortcuts, shortcut=QKeySequence.StandardKey.HelpContents,
            tip="List every keyboard shortcut")
        self.about_action = self._action("&About posmap", lambda: show_about(self))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_qt_action = self._action("About &Qt", QApplication.aboutQt)
        self.about_qt_action.setMenuRole(QAction.MenuRole.AboutQtRole)
        self.reset_layout_action = self._action("&Reset Layout", self.reset_layout,
                                                tip="Put every pane back where it started")
        self._project_actions = [
            self.import_action, self.import_codebook_action, self.export_codebook_action, self.save_copy_action,
            self.close_action, self.new_actor_action, self.new_issue_action, self.search_action,
            self.matrix_action, self.edit_coding_action, self.delete_coding_action, self.export_briefing_action,
        ]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        for item in (self.new_action, self.open_action, self.recent_menu, None, self.import_action, None,
                     self.import_codebook_action, self.export_codebook_action, self.export_matrix_menu,
                     self.export_briefing_action, None,
                     self.save_copy_action, self.close_action, None, self.quit_action):
            self._add(self.file_menu, item)

        self.edit_menu = bar.addMenu("&Edit")
        for item in (self.undo_action, self.redo_action, None, self.viewer.find_action, self.search_action, None,
                     self.documents_pane.edit_action, self.documents_pane.delete_action):
            self._add(self.edit_menu, item)

        self.view_menu = bar.addMenu("&View")
        self.code_menu = bar.addMenu("&Code")
        for item in (self.viewer.code_action, self.edit_coding_action, self.delete_coding_action, None,
                     self.new_actor_action, self.new_issue_action):
            self._add(self.code_menu, item)

        self.help_menu = bar.addMenu("&Help")
        for item in (self.shortcuts_action, None, self.about_action, self.about_qt_action):
            self._add(self.help_menu, item)

    def _fill_view_menu(self) -> None:
        self.view_menu.clear()
        for index, dock in enumerate(self.docks, start=1):
            toggle = dock.toggleViewAction()
            toggle.setShortcut(QKeySequence(f"Ctrl+{index}"))
            toggle.setToolTip(f"Show or hide the {dock.windowTitle()} pane")
            self.view_menu.addAction(toggle)
        self.view_menu.addAction(self.matrix_action)
        self.view_menu.addAction(self.toolbar.toggleViewAction())
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.reset_layout_action)

    @staticmethod
    def _add(menu: QMenu, item: QAction | QMenu | None) -> None:
        if item is None:
            menu.addSeparator()
        elif isinstance(item, QMenu):
            menu.addMenu(item)
        else:
            menu.addAction(item)

    def _build_toolbar(self) -> None:
        # Toolbar buttons show the short iconText; menus keep the full names.
        for action, short in ((self.new_action, "New"), (self.open_action, "Open"), (self.import_action, "Import"),
                              (self.search_action, "Search"), (self.matrix_action, "Matrix")):
            action.setIconText(short)
        self.toolbar = QToolBar("Main toolbar", self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setMovable(False)
        for item in (self.new_action, self.open_action, None, self.import_action, None, self.undo_action,
                     self.redo_action, None, self.new_actor_action, self.new_issue_action, None, self.search_action,
                     self.matrix_action):
            if item is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(item)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self._fill_view_menu()

    def _build_status_bar(self) -> None:
        self.counts_label = QLabel()
        self.counts_label.setToolTip("What the open project holds")
        self.statusBar().addPermanentWidget(self.counts_label)

    def _connect_session(self) -> None:
        session = self.session
        session.projectOpened.connect(self._on_project_changed)
        session.projectClosed.connect(self._on_project_changed)
        # One count after a burst of changes (a command often reports several at once).
        self._counts_timer = single_shot(self, self.update_counts)
        session.documentsChanged.connect(self._counts_timer.start)
        session.codebookChanged.connect(self._counts_timer.start)
        session.codingsChanged.connect(lambda _ids: self._counts_timer.start())
        session.errorOccurred.connect(lambda message: show_error(self, message))
        session.externalChange.connect(
            lambda: self.statusBar().showMessage("The project was changed by another program; views refreshed.",
                                                 self.STATUS_TIMEOUT_MS))

    def _restore_layout(self) -> None:
        self._default_state = self.saveState()
        geometry = self.settings.window_geometry()
        state = self.settings.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            screen = QGuiApplication.primaryScreen()
            available = screen.availableGeometry() if screen else None
            if available is not None:
                self.resize(min(1400, int(available.width() * 0.9)), min(900, int(available.height() * 0.9)))
            else:
                self.resize(1400, 900)
        if state is None or not self.restoreState(state):
            self._default_dock_sizes()

    def _default_dock_sizes(self) -> None:
        self.resizeDocks([self.documents_dock, self.codebook_dock], [440, 310], Qt.Orientation.Horizontal)
        self.resizeDocks([self.codings_dock, self.matrix_dock], [230, 340], Qt.Orientation.Vertical)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state)
        for dock in self.docks:
            dock.setFloating(False)
            dock.setVisible(dock is not self.matrix_dock)
        self.codings_dock.raise_()
        self.toolbar.show()
        self._default_dock_sizes()

    # == project state ====================================================================================

    def _on_project_changed(self) -> None:
        project = self.session.project
        is_open = project is not None
        for action in self._project_actions:
            action.setEnabled(is_open)
        if is_open:
            self.setWindowTitle(f"{project.title} — {project.path.name}")
            self.setWindowFilePath(str(project.path))
        else:
            self.setWindowTitle("posmap")
            self.setWindowFilePath("")
            self.welcome.set_recent(self.settings.recent_projects())
        self.show_document(self.documents_pane.current_document_id() if is_open else None)
        self.update_counts()

    def update_counts(self) -> None:
        project = self.session.project
        if project is None:
            self.counts_label.setText("No project open")
            return
        try:
            documents = project.documents.count()
            codings = project.codings.count()
            actors = project.actors.count()
            issues = project.issues.count()
        except ProjectError:
            return
        self.counts_label.setText(
            f"{_plural(documents, 'document')} · {_plural(codings, 'coding')} · "
            f"{_plural(actors, 'actor')} · {_plural(issues, 'issue')}"
        )

    def show_document(self, document_id: int | None) -> None:
        """Show a document in the reading pane (None or -1: show the guidance instead)."""
        if document_id is not None and document_id < 0:
            document_id = None
        if self.session.project is None:
            self.central_stack.setCurrentWidget(self.welcome)
            self.viewer.show_document(None)
            return
        self.viewer.show_document(document_id)
        self._on_document_shown(self.viewer.document_id)

    def _on_document_shown(self, document_id: int | None) -> None:
        if self.session.project is None:
            self.central_stack.setCurrentWidget(self.welcome)
            return
        self.central_stack.setCurrentWidget(self.viewer if document_id is not None else self.no_document_label)
        # Keep the list in step when the viewer jumps to a passage in another document, without
        # collapsing a selection of several documents that includes it.
        if document_id is not None and document_id not in self.documents_pane.selected_document_ids():
            self.documents_pane.select_document(document_id)

    # == File menu ========================================================================================

    def _start_folder(self) -> str:
        if self.session.path is not None:
            return str(self.session.path.parent)
        return self.settings.last_folder()

    def new_project(self, path: str | Path | None = None, title: str = "") -> bool:
        if not self._import_idle():
            return False
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "New project", str(Path(self._start_folder()) / f"untitled{PROJECT_SUFFIX}"),
                PROJECT_FILTER, options=QFileDialog.Option.DontConfirmOverwrite,
            )
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(PROJECT_SUFFIX)
        try:
            self.session.create(path, title=title)
        except ProjectError as exc:
            show_error(self, str(exc))
            return False
        self._remember(path)
        self.statusBar().showMessage(f"Created {path.name}. Import documents to begin.", self.STATUS_TIMEOUT_MS)
        return True

    def open_project(self, path: str | Path | None = None) -> bool:
        if not self._import_idle():
            return False
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Open project", self._start_folder(), PROJECT_FILTER)
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        try:
            self.session.open(path)
        except ProjectError as exc:
            if not path.exists():
                self.settings.remove_recent_project(path)
                self.welcome.set_recent(self.settings.recent_projects())
            show_error(self, str(exc))
            return False
        self._remember(path)
        message = f"Opened {path.name}."
        backup_error = self.session.require().backup_error
        if backup_error:
            # The project is usable; the user should still know that no safety copy exists.
            message += f" Warning: {backup_error}."
        self.statusBar().showMessage(message, self.STATUS_TIMEOUT_MS)
        return True

    def open_demo_project(self) -> bool:
        from posmap.services.demo import build_demo_project

        folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)) / "demo"
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            demo = build_demo_project(folder)
        except (ProjectError, OSError) as exc:
            show_error(self, f"the demo project could not be built: {exc}")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        return self.open_project(demo.path)

    def close_project(self) -> None:
        if not self._import_idle():
            return
        self.session.close()

    def save_copy(self, target: str | Path | None = None) -> bool:
        project = self.session.project
        if project is None:
            return False
        if target is None:
            suggestion = project.path.with_name(f"{project.path.stem} copy{PROJECT_SUFFIX}")
            chosen, _ = QFileDialog.getSaveFileName(self, "Save a copy of the project", str(suggestion),
                                                    PROJECT_FILTER)
            if not chosen:
                return False
            target = chosen
        target = Path(target)
        if not target.suffix:
            target = target.with_suffix(PROJECT_SUFFIX)
        if target.resolve() == project.path.resolve():
            show_error(self, "choose another file name: a copy cannot replace the project that is open")
            return False
        # The file dialog already asked before replacing a file, so an existing target is
        # replaced whole: the copy is written beside it and moved over it at the end.
        partial = target.with_name(target.name + ".partial")
        try:
            partial.unlink(missing_ok=True)
            project.save_copy(partial)
            partial.replace(target)
        except (ProjectError, OSError) as exc:
            partial.unlink(missing_ok=True)
            show_error(self, f"the copy could not be written: {exc}")
            return False
        self.statusBar().showMessage(f"Saved a copy as {target}.", self.STATUS_TIMEOUT_MS)
        return True

    def _remember(self, path: Path) -> None:
        self.settings.add_recent_project(path)
        self.settings.set_last_folder(path.resolve().parent)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_projects()
        for number, path in enumerate(recent, start=1):
            name = path.name.replace("&", "&&")  # a literal "&" in a menu is written "&&"
            action = self.recent_menu.addAction(f"&{number} {name}" if number < 10 else f"{number} {name}")
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_project(p))
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("&Clear List")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(self._clear_recent)

    def _clear_recent(self) -> None:
        self.settings.clear_recent_projects()
        self.welcome.set_recent([])

    # == importing ========================================================================================

    def choose_files_to_import(self) -> ImportJob | None:
        if self.session.project is None:
            return None
        chosen, _ = QFileDialog.getOpenFileNames(self, "Import documents", self.settings.last_folder(),
                                                 IMPORT_FILTER)
        if not chosen:
            return None
        self.settings.set_last_folder(Path(chosen[0]).parent)
        return self.import_paths([Path(p) for p in chosen])

    def _import_idle(self) -> bool:
        if self.import_job is not None:
            show_error(self, "an import is still running; wait for it to finish or cancel it")
            return False
        return True

    def import_paths(self, paths: Sequence[Path]) -> ImportJob | None:
        """Import files on a worker thread with a progress dialog; returns the running job."""
        if self.session.path is None:
            show_error(self, "open or create a project first, then import documents into it")
            return None
        if not self._import_idle():
            return None
        files = importable_files(paths)
        if not files:
            show_error(self, "there is nothing to import there (posmap reads .txt, .md, .html, .docx and .pdf files)")
            return None
        job = ImportJob(self.session.path, files, parent=self)
        dialog = ImportProgressDialog(len(files), self)
        job.progress.connect(dialog.report)
        dialog.canceled.connect(job.cancel)
        dialog.canceled.connect(dialog.cancelling)
        job.succeeded.connect(self._import_succeeded)
        job.failed.connect(lambda message: show_error(self, message))
        job.cancelled.connect(self._import_cancelled)
        job.finished.connect(self._import_finished)
        self.import_job, self.import_dialog = job, dialog
        self.statusBar().showMessage(f"Importing {len(files)} files…")
        self.importStarting.emit(job)
        job.start()
        return job

    def _import_succeeded(self, report: ImportReport) -> None:
        self.last_import_report = report
        # The worker's connection wrote the documents: accept that change as known here.
        self.session.mark_seen()
        ids = [item.document_id for item in report.imported]
        if ids:
            self.session.push(ImportedDocumentsCommand(self.session, ids))
        self.session.documentsChanged.emit()
        if ids:
            self.documents_pane.select_document(ids[0])
        self.statusBar().showMessage(summary_text(report), self.STATUS_TIMEOUT_MS)
        if report.failures or report.duplicates:
            self.last_import_summary = ImportSummaryDialog(report, self)
            self.last_import_summary.open()

    def _import_cancelled(self, message: str) -> None:
        self.statusBar().showMessage("Import cancelled; nothing was imported.", self.STATUS_TIMEOUT_MS)

    def _import_finished(self) -> None:
        if self.import_dialog is not None:
            self.import_dialog.reset()
            self.import_dialog.hide()
            self.import_dialog.deleteLater()
        if self.import_job is not None:
            self.import_job.deleteLater()
        self.import_job = None
        self.import_dialog = None

    # -- drag and drop ---------------------------------------------------------------------------------------

    @staticmethod
    def _dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        urls: list[QUrl] = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event)
        if not paths:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        # Opening or importing shows dialogs: leave the drop handler first.
        if len(paths) == 1 and paths[0].suffix.lower() == PROJECT_SUFFIX:
            QTimer.singleShot(0, lambda: self.open_project(paths[0]))
        else:
            QTimer.singleShot(0, lambda: self.import_paths(paths))

    # == codebook files ===================================================================================

    def choose_codebook_to_import(self) -> bool:
        if self.session.project is None:
            return False
        chosen, _ = QFileDialog.getOpenFileName(self, "Import codebook", self._start_folder(), CODEBOOK_FILTER)
        return self.import_codebook(Path(chosen)) if chosen else False

    def import_codebook(self, path: Path) -> bool:
        try:
            codebook = read_codebook_file(path)
        except ProjectError as exc:
            show_error(self, str(exc))
            return False
        command = ImportCodebookCommand(self.session, codebook, path.name)
        if not self.session.push(command):
            return False
        report = command.report
        self.statusBar().showMessage(
            f"Codebook imported: {report.actors_added} actors and {report.issues_added} issues added, "
            f"{report.actors_updated + report.issues_updated} updated.", self.STATUS_TIMEOUT_MS)
        return True

    def choose_codebook_export(self) -> bool:
        project = self.session.project
        if project is None:
            return False
        suggestion = project.path.with_name(f"{project.path.stem} codebook.json")
        chosen, _ = QFileDialog.getSaveFileName(self, "Export codebook", str(suggestion), CODEBOOK_FILTER)
        return self.export_codebook(Path(chosen)) if chosen else False

    def export_codebook(self, path: Path) -> bool:
        try:
            path.write_text(codebook_json(export_codebook(self.session.require())), encoding="utf-8")
        except OSError as exc:
            show_error(self, f"cannot write {path}: {exc.strerror or exc}")
            return False
        self.statusBar().showMessage(f"Codebook written to {path}.", self.STATUS_TIMEOUT_MS)
        return True

    # == briefing =========================================================================================

    def export_briefing(self) -> BriefingDialog | None:
        """File ▸ Export Briefing…: the options dialog, which then writes the PDF on a worker thread.

        The filters start as set in the position matrix (when it has been read), so a briefing covers
        what the analyst was just looking at; the dialog shows them and they can be cleared there.
        """
        if self.session.project is None:
            return None
        where = self.matrix_view.record_filter() if self.matrix_view.report is not None else None
        dialog = BriefingDialog(self.session, self, where=where)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.statusMessage.connect(self._show_status)
        dialog.destroyed.connect(lambda _obj=None: setattr(self, "briefing_dialog", None))
        self.briefing_dialog = dialog
        dialog.open()
        return dialog

    # == help =============================================================================================

    def extra_shortcut_rows(self) -> list[tuple[str, str, str]]:
        """Shortcuts that live outside the menus."""
        return [
            ("Codebook", "Rename the selected actor or issue", "F2"),
            ("Codebook and documents", "Delete the selected entry", QKeySequence(QKeySequence.StandardKey.Delete)
             .toString(QKeySequence.SequenceFormat.NativeText)),
        ]

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(shortcut_rows(self.menuBar(), self.extra_shortcut_rows()), self)
        dialog.open()
        return dialog

    # == closing ==========================================================================================

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.import_job is not None:
            answer = QMessageBox.question(
                self, "Import running", "An import is still running. Cancel it and quit?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.import_job.cancel()
            self.import_job.wait()
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.session.close()
        super().closeEvent(event)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'s' if count != 1 else ''}"

