"""File ▸ Export Briefing…: the options of a PDF briefing paper, then the export with progress and Cancel.

The dialog reads the codebook and document list through the session's connection (quick, on
the GUI thread); the briefing itself is written by :class:`~posmap.gui.briefing_worker.BriefingJob`
on a worker thread with its own connection. The dialog stays open when the export fails or is
cancelled, so the user can correct the options and try again; it closes when the file is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import ValidationError
from PySide6.QtCore import QSettings, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from posmap.analysis import RecordFilter
from posmap.analysis.catalogue import DocumentRef
from posmap.gui.briefing_worker import BriefingJob
from posmap.gui.dialogs import confirm, show_error
from posmap.gui.matrix_controls import FilterControls
from posmap.gui.session import ProjectSession
from posmap.model import Actor, Issue, describe_validation_error
from posmap.services.briefing import DEFAULT_MAX_QUOTES, BriefingOptions
from posmap.store import CodingFilter

MARKINGS = ("None", "RESTRICTED", "CONFIDENTIAL", "INTERNAL", "SENSITIVE", "OFFICIAL-SENSITIVE",
            "FOR OFFICIAL USE ONLY", "DRAFT")
"""Suggestions for the protective marking; the combo box is editable, and "None" means no marking."""

PAPERS = (("a4", "A4"), ("letter", "Letter"))
PDF_FILTER = "PDF files (*.pdf);;All files (*)"
MAX_QUOTES_LIMIT = 100

_AUTHOR = "briefing/author"
_OPEN_WHEN_DONE = "briefing/open_when_done"
_PAPER = "briefing/paper"
_FOLDER = "briefing/folder"

_UNSAFE_FILE_CHARACTERS = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def briefing_file_name(title: str) -> str:
    """A file name for a briefing from a title, e.g. ``Peace talks spring summer.pdf``."""
    stem = " ".join(_UNSAFE_FILE_CHARACTERS.sub(" ", title).split()).strip(" .") or "posmap briefing"
    return f"{stem[:80]}.pdf"


def default_folder() -> Path:
    """Where a briefing goes unless the user chose another folder before: the documents folder (or home)."""
    remembered = QSettings().value(_FOLDER, "", type=str)
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def _tree_order(entries: Sequence[Actor | Issue]) -> list[tuple[Actor | Issue, int]]:
    """Entries with their depth, each parent followed by its children (both by name)."""
    ids = {entry.id for entry in entries}
    children: dict[int | None, list[Actor | Issue]] = {}
    for entry in entries:
        parent = entry.parent_id if entry.parent_id in ids else None
        children.setdefault(parent, []).append(entry)
    ordered: list[tuple[Actor | Issue, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for entry in sorted(children.get(parent, []), key=lambda e: e.name.casefold()):
            if entry.id not in seen:
                seen.add(entry.id)
                ordered.append((entry, depth))
                walk(entry.id, depth + 1)

    walk(None, 0)
    # Entries whose parents form a loop (a damaged file) are never reached from the top: list them anyway.
    ordered.extend((entry, 0) for entry in entries if entry.id not in seen)
    return ordered


class EntryChecklist(QGroupBox):
    """A titled list of checkable names (issues or actors) with All and None buttons.

    Every name checked means "all of them" (:meth:`names` gives ``()``), which the briefing reads as
    every one that has a coding in scope.
    """

    changed = Signal()

    def __init__(self, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._noun = noun
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        self.list.setMinimumHeight(110)
        self.all_button = QPushButton("All", self)
        self.none_button = QPushButton("None", self)
        for button in (self.all_button, self.none_button):
            button.setAutoDefault(False)
        self.all_button.setToolTip(f"Tick every {noun.lower().rstrip('s')}")
        self.none_button.setToolTip(f"Untick every {noun.lower().rstrip('s')}")
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.all_button.clicked.connect(lambda: self.set_all_checked(True))
        self.none_button.clicked.connect(lambda: self.set_all_checked(False))
        self.list.itemChanged.connect(lambda _item: self._on_changed())
        self._update_title()

    def set_entries(self, entries: Sequence[Actor | Issue]) -> None:
        """List ``entries`` (nested ones indented below their parents), all checked."""
        self.list.blockSignals(True)
        self.list.clear()
        for entry, depth in _tree_order(entries):
            item = QListWidgetItem("    " * depth + entry.name)
            item.setData(Qt.ItemDataRole.UserRole, entry.name)
            tip = getattr(entry, "proposition", "") or getattr(entry, "description", "") or entry.name
            item.setToolTip(tip)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._on_changed()

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(row) for row in range(self.list.count())]

    def checked_names(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self._items()
                if item.checkState() == Qt.CheckState.Checked]

    def names(self) -> tuple[str, ...]:
        """``()`` when every name is checked (no restriction), else the checked names."""
        checked = self.checked_names()
        return () if len(checked) == self.list.count() else tuple(checked)

    def nothing_checked(self) -> bool:
        return self.list.count() > 0 and not self.checked_names()

    def set_checked(self, names: Iterable[str]) -> None:
        """Check exactly ``names`` (compared case-insensitively)."""
        wanted = {name.casefold() for name in names}
        self._apply(lambda name: name.casefold() in wanted)

    def set_all_checked(self, checked: bool) -> None:
        self._apply(lambda _name: checked)

    def _apply(self, keep) -> None:
        self.list.blockSignals(True)
        for item in self._items():
            state = Qt.CheckState.Checked if keep(item.data(Qt.ItemDataRole.UserRole)) else Qt.CheckState.Unchecked
            item.setCheckState(state)
        self.list.blockSignals(False)
        self._on_changed()

    def _on_changed(self) -> None:
        self._update_title()
        self.changed.emit()

    def _update_title(self) -> None:
        total, checked = self.list.count(), len(self.checked_names())
        shown = "all" if checked == total else f"{checked} of {total}"
        self.setTitle(f"{self._noun} ({shown})")


class BriefingDialog(QDialog):
    """The options of a briefing and, on Export, the export itself (see the module docstring).

    Signals: ``statusMessage(str)`` — a note for the main window's status bar; ``briefingWritten(str)``
    — the path of a briefing just written.
    """

    statusMessage = Signal(str)
    briefingWritten = Signal(str)

    def __init__(
        self, session: ProjectSession, parent: QWidget | None = None, *, where: RecordFilter | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("briefingDialog")
        self.setWindowTitle("Export Briefing")
        self.session = session
        self.job: BriefingJob | None = None
        self.progress_dialog: QProgressDialog | None = None
        self._confirmed_output: Path | None = None  # replacing this file was confirmed in the file dialog
        self._output_follows_title = True
        self._settings = QSettings()
        project = session.require()
        self._project_title = project.title

        self._build_fields()
        self._build_layout()
        self._fill(project)
        if where is not None:
            self.set_filter(where)
        self._connect()
        self._validate()

    # == construction =====================================================================================

    def _build_fields(self) -> None:
        self.title_edit = QLineEdit(self)
        self.title_edit.setMaxLength(300)
        self.title_edit.setPlaceholderText(self._project_title or "the project's title")
        self.title_edit.setToolTip("The title on the title page, in the running head and in the PDF's properties")
        self.subtitle_edit = QLineEdit(self)
        self.subtitle_edit.setMaxLength(300)
        self.subtitle_edit.setPlaceholderText("optional, e.g. Where the parties stand before the spring round")
        self.author_edit = QLineEdit(self._settings.value(_AUTHOR, "", type=str), self)
        self.author_edit.setMaxLength(300)
        self.author_edit.setPlaceholderText("e.g. Analysis Unit, Department of Mediation")
        self.author_edit.setToolTip("Named on the title page and in every page's footer; remembered for next time")
        self.marking_combo = QComboBox(self)
        self.marking_combo.setEditable(True)
        self.marking_combo.addItems(MARKINGS)
        self.marking_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.marking_combo.lineEdit().setMaxLength(80)
        self.marking_combo.lineEdit().setPlaceholderText("no marking")
        self.marking_combo.setToolTip("A protective marking printed at the top and bottom of every page "
                                      "(choose one or type your own; None prints nothing)")

        self.issues_box = EntryChecklist("Issues", self)
        self.issues_box.setToolTip("The issues the briefing has a section for")
        self.actors_box = EntryChecklist("Actors", self)
        self.actors_box.setToolTip("The actors whose positions the briefing shows")

        clear = QPushButton("Clear Filters", self)
        clear.setAutoDefault(False)
        self.filters = FilterControls(self, clear)

        self.max_quotes_spin = QSpinBox(self)
        self.max_quotes_spin.setRange(1, MAX_QUOTES_LIMIT)
        self.max_quotes_spin.setValue(DEFAULT_MAX_QUOTES)
        self.max_quotes_spin.setToolTip("At most this many quotes for each actor on each issue")
        self.paper_combo = QComboBox(self)
        for value, label in PAPERS:
            self.paper_combo.addItem(label, value)
        remembered_paper = self._settings.value(_PAPER, "a4", type=str)
        self.paper_combo.setCurrentIndex(max(0, self.paper_combo.findData(remembered_paper)))
        self.output_edit = QLineEdit(self)
        self.output_edit.setToolTip("The PDF file to write")
        self.output_edit.setMinimumWidth(360)
        self.browse_button = QPushButton("&Browse…", self)
        self.browse_button.setAutoDefault(False)
        self.open_check = QCheckBox("&Open the briefing when it is written", self)
        self.open_check.setChecked(self._settings.value(_OPEN_WHEN_DONE, True, type=bool))

        self.problem_label = QLabel(self)
        self.problem_label.setWordWrap(True)
        self.problem_label.setObjectName("problemLabel")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.buttons.addButton("&Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)

    def _build_layout(self) -> None:
        labels: list[QLabel] = []

        def label(text: str, buddy: QWidget) -> QLabel:
            widget = QLabel(text, self)
            widget.setBuddy(buddy)
            labels.append(widget)
            return widget

        text = QFormLayout()
        text.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        text.addRow(label("&Title:", self.title_edit), self.title_edit)
        text.addRow(label("S&ubtitle:", self.subtitle_edit), self.subtitle_edit)
        text.addRow(label("&Author or unit:", self.author_edit), self.author_edit)
        text.addRow(label("&Marking:", self.marking_combo), self.marking_combo)

        lists = QHBoxLayout()
        lists.addWidget(self.issues_box, 1)
        lists.addWidget(self.actors_box, 1)

        self.filters_box = QGroupBox("Filters", self)
        filters = QGridLayout(self.filters_box)
        controls = self.filters
        filters.addWidget(controls.documents_button, 0, 0, 1, 2)
        filters.addWidget(controls.attribution_button, 0, 2, 1, 2)
        filters.addWidget(controls.kind_button, 0, 4)
        filters.addWidget(controls.since_check, 1, 0)
        filters.addWidget(controls.since_edit, 1, 1)
        filters.addWidget(controls.until_check, 1, 2)
        filters.addWidget(controls.until_edit, 1, 3)
        filters.addWidget(controls.clear_button, 1, 4)
        filters.setColumnStretch(5, 1)
        for button in (controls.documents_button, controls.attribution_button, controls.kind_button):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        output_row = QHBoxLayout()
        output_row.addWidget(self.output_edit, 1)
        output_row.addWidget(self.browse_button)
        quotes_row = QHBoxLayout()
        quotes_row.addWidget(self.max_quotes_spin)
        quotes_row.addWidget(QLabel("per actor and issue", self))
        quotes_row.addSpacing(24)
        paper_label = QLabel("&Paper:", self)
        paper_label.setBuddy(self.paper_combo)
        quotes_row.addWidget(paper_label)
        quotes_row.addWidget(self.paper_combo)
        quotes_row.addStretch(1)
        output = QFormLayout()
        output.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        output.addRow(label("&Quotes at most:", self.max_quotes_spin), quotes_row)
        output.addRow(label("&Save as:", self.output_edit), output_row)
        output.addRow("", self.open_check)
        # The two forms sit above and below the lists: one label width lines their fields up.
        widest = max(widget.sizeHint().width() for widget in labels)
        for widget in labels:
            widget.setMinimumWidth(widest)

        layout = QVBoxLayout(self)
        layout.addLayout(text)
        layout.addLayout(lists, 1)
        layout.addWidget(self.filters_box)
        layout.addLayout(output)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(760, 640)

    def _fill(self, project) -> None:
        self.title_edit.setText(self._project_title)
        self.issues_box.set_entries(project.issues.all())
        self.actors_box.set_entries(project.actors.all())
        self.filters.set_documents(DocumentRef(*row) for row in project.documents.metadata())
        self._set_output(default_folder() / briefing_file_name(self._project_title))

    def _connect(self) -> None:
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.browse_button.clicked.connect(lambda: self.browse())
        self.title_edit.textChanged.connect(self._on_title_changed)
        self.output_edit.textEdited.connect(self._on_output_edited)
        self.output_edit.textChanged.connect(lambda _text: self._validate())
        for box in (self.issues_box, self.actors_box):
            box.changed.connect(self._validate)
        self.filters.changed.connect(self._validate)

    # == public API =======================================================================================

    @property
    def marking(self) -> str:
        text = " ".join(self.marking_combo.currentText().split())
        return "" if text.casefold() == "none" else text

    def output_path(self) -> Path | None:
        """The file to write, with ``.pdf`` added when the name lacks it (None while the field is empty)."""
        text = self.output_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        if not path.name or text.endswith(("/", "\\")):
            return None  # a folder, not yet a file name
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    def set_output(self, path: str | Path) -> None:
        """Write the briefing to ``path`` (as if typed; the title no longer changes the file name)."""
        self._output_follows_title = False
        self._set_output(Path(path))

    def set_filter(self, where: RecordFilter) -> None:
        """Set the filter controls to ``where`` (documents, dates, attributions and coding kinds)."""
        self.filters.set_filter(where)

    def coding_filter(self) -> CodingFilter:
        """The store filter the filter controls describe."""
        where = self.filters.record_filter()
        return CodingFilter(document_ids=where.document_ids, since=where.since, until=where.until,
                            attributions=where.attributions, kinds=where.kinds)

    def problem(self) -> str:
        """Why the options cannot be exported as they stand ("" when they can)."""
        for box, noun in ((self.issues_box, "issue"), (self.actors_box, "actor")):
            if box.nothing_checked():
                return f"Tick at least one {noun}."
        if filter_problem := self.filters.problem():
            return filter_problem
        if self.output_path() is None:
            return "Choose the file to write."
        return ""

    def options(self) -> BriefingOptions:
        """The options as entered; raises ValueError with a one-line reason when they are not valid."""
        problem = self.problem()
        if problem:
            raise ValueError(problem)
        try:
            return BriefingOptions(
                output=self.output_path(),
                title=self.title_edit.text(),
                subtitle=self.subtitle_edit.text(),
                author=self.author_edit.text(),
                marking=self.marking,
                issues=self.issues_box.names(),
                actors=self.actors_box.names(),
                coding_filter=self.coding_filter(),
                max_quotes=self.max_quotes_spin.value(),
                paper=self.paper_combo.currentData(),
            )
        except ValidationError as exc:
            raise ValueError(describe_validation_error(exc)) from None

    def browse(self) -> bool:
        """Choose the output file with a file dialog; False when the user cancelled it."""
        current = self.output_path() or default_folder() / briefing_file_name(self._project_title)
        chosen, _ = QFileDialog.getSaveFileName(self, "Export briefing as", str(current), PDF_FILTER)
        if not chosen:
            return False
        self.set_output(chosen)
        # The file dialog has already asked before replacing an existing file.
        self._confirmed_output = self.output_path()
        return True

    def accept(self) -> None:
        """Export (the dialog closes once the briefing is written)."""
        self.export()

    def reject(self) -> None:
        if self.job is not None:  # Escape while the progress dialog is up: cancel the export, keep the dialog
            self._cancel()
            return
        super().reject()

    def export(self) -> BriefingJob | None:
        """Start writing the briefing on a worker thread with a progress dialog; returns the running job."""
        if self.job is not None:
            return None
        project_path = self.session.path
        if project_path is None:
            show_error(self, "open a project first")
            return None
        try:
            options = self.options()
        except ValueError as exc:
            show_error(self, str(exc))
            return None
        output = options.output
        if not output.parent.is_dir():
            show_error(self, f"the folder {output.parent} does not exist; choose another with Browse…")
            return None
        if output.exists() and output != self._confirmed_output:
            if output.is_dir():
                show_error(self, f"{output} is a folder; give the briefing a file name ending in .pdf")
                return None
            if not confirm(self, "Replace file", f"{output.name} already exists in {output.parent}. Replace it?"):
                return None
        self._remember(options)
        job = BriefingJob(project_path, options, parent=self)
        progress = QProgressDialog("Preparing the briefing…", "Cancel", 0, 100, self)
        progress.setObjectName("briefingProgress")
        progress.setWindowTitle("Writing the briefing")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(200)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setMinimumWidth(420)
        progress.setValue(0)
        job.progress.connect(self._on_progress)
        progress.canceled.connect(self._cancel)
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        job.finished.connect(self._on_finished)
        self.job, self.progress_dialog = job, progress
        self.export_button.setEnabled(False)
        job.start()
        return job

    # == internals ========================================================================================

    def _set_output(self, path: Path) -> None:
        self.output_edit.setText(str(path))

    def _on_title_changed(self, title: str) -> None:
        if self._output_follows_title:
            folder = self.output_path().parent if self.output_path() else default_folder()
            self._set_output(folder / briefing_file_name(title.strip() or self._project_title))

    def _on_output_edited(self, _text: str) -> None:
        self._output_follows_title = False
        self._confirmed_output = None

    def _validate(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        self.export_button.setEnabled(not problem and self.job is None)
        active = self.filters.active_count()
        self.filters_box.setTitle(f"Filters ({active} active)" if active else "Filters")

    def _remember(self, options: BriefingOptions) -> None:
        self._settings.setValue(_AUTHOR, options.author)
        self._settings.setValue(_OPEN_WHEN_DONE, self.open_check.isChecked())
        self._settings.setValue(_PAPER, options.paper)
        self._settings.setValue(_FOLDER, str(options.output.parent))
        self._settings.sync()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        progress = self.progress_dialog
        if progress is None or self.job is None or self.job.worker.is_cancelled():
            return
        progress.setMaximum(max(total, 1))
        progress.setValue(min(done, max(total, 1)))
        progress.setLabelText(message)

    def _cancel(self) -> None:
        if self.job is None:
            return
        self.job.cancel()
        if self.progress_dialog is not None:
            self.progress_dialog.setLabelText("Cancelling… no file will be written.")
            self.progress_dialog.setCancelButton(None)

    def _on_succeeded(self, result) -> None:
        path = Path(result.path)
        pages = f"{result.pages} page{'s' if result.pages != 1 else ''}"
        message = f"Briefing written to {path} ({pages})."
        if self.open_check.isChecked() and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            message = f"Briefing written to {path}; no program could open it."
        self.statusMessage.emit(message)
        self.briefingWritten.emit(str(path))
        self.done(QDialog.DialogCode.Accepted)

    def _on_failed(self, message: str) -> None:
        show_error(self, message)

    def _on_cancelled(self, _message: str) -> None:
        self.statusMessage.emit("Briefing cancelled; no file was written.")

    def _on_finished(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.reset()
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
        if self.job is not None:
            self.job.deleteLater()
        self.job, self.progress_dialog = None, None
        self._validate()

    def closeEvent(self, event) -> None:
        if self.job is not None:
            # The worker must stop before the dialog (its parent) goes away.
            self.job.cancel()
            self.job.wait()
        super().closeEvent(event)
