"""The open project as the GUI sees it: one place that owns it, its undo stack and change signals.

Widgets never write to the project directly: they push an undoable command through
:meth:`ProjectSession.push`; commands report what they changed through the signals below,
and every view refreshes from the store.

A command that adds, edits or deletes particular codings reports them with
:meth:`ProjectSession.report_coding_changes`: while its ``codingsChanged`` is being delivered,
:attr:`ProjectSession.changed_coding_ids` names those codings, so that a view holding thousands of
them (the viewer's highlights, the Codings pane) can re-read just these instead of all of them,
and :attr:`~ProjectSession.changed_actor_ids` / :attr:`~ProjectSession.changed_issue_ids` name the
actors and issues those codings belonged to before or after the change (whose coding counts may
have changed). Every other ``codingsChanged`` (external changes, document and codebook edits)
leaves them None and views reload.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from posmap.store import Project, ProjectError


class ProjectSession(QObject):
    projectOpened = Signal()
    projectClosed = Signal()
    documentsChanged = Signal()
    codebookChanged = Signal()
    # The ids of the documents whose codings changed; an empty list means "any document".
    # ``changed_coding_ids`` may say which codings, while the signal is being delivered.
    codingsChanged = Signal(list)
    errorOccurred = Signal(str)
    # Another process (e.g. ``posmap import`` on the command line) changed the open file.
    externalChange = Signal()

    WATCH_INTERVAL_MS = 2000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.undo_stack = QUndoStack(self)
        self._data_version: int | None = None
        self._changed_coding_ids: frozenset[int] | None = None
        self._changed_actor_ids: frozenset[int] | None = None
        self._changed_issue_ids: frozenset[int] | None = None
        # PRAGMA data_version changes only when another connection commits, so polling it
        # is cheap and ignores this window's own edits.
        self._watch = QTimer(self)
        self._watch.setInterval(self.WATCH_INTERVAL_MS)
        self._watch.timeout.connect(self.check_external_changes)

    @property
    def is_open(self) -> bool:
        return self.project is not None

    @property
    def path(self) -> Path | None:
        return self.project.path if self.project else None

    def require(self) -> Project:
        """The open project; raises RuntimeError when none is open (a programming error)."""
        if self.project is None:
            raise RuntimeError("no project is open")
        return self.project

    def open(self, path: str | Path) -> None:
        """Open ``path`` (raises the store's ProjectError with a one-line reason)."""
        project = Project.open(path, backup=True)
        self._adopt(project)

    def create(self, path: str | Path, title: str = "") -> None:
        project = Project.create(path, title=title)
        self._adopt(project)

    def _adopt(self, project: Project) -> None:
        self.close()
        self.project = project
        self._data_version = project.data_version()
        self._watch.start()
        self.projectOpened.emit()

    def close(self) -> None:
        if self.project is None:
            return
        self._watch.stop()
        self.undo_stack.clear()
        self.project.close()
        self.project = None
        self._data_version = None
        self.projectClosed.emit()

    def push(self, command: QUndoCommand) -> bool:
        """Run ``command`` and keep it for undo; returns False when the command failed and was dropped."""
        self.undo_stack.push(command)
        return not getattr(command, "failed", False)

    @property
    def changed_coding_ids(self) -> frozenset[int] | None:
        """While ``codingsChanged`` is being delivered for :meth:`report_coding_changes`: the codings
        that were added, edited or deleted, and no others. None otherwise: any coding of the
        documents named may have changed."""
        return self._changed_coding_ids

    @property
    def changed_actor_ids(self) -> frozenset[int] | None:
        """With :attr:`changed_coding_ids`: the actors of those codings, before and after the change;
        None when not known (any actor's codings may have changed)."""
        return self._changed_actor_ids

    @property
    def changed_issue_ids(self) -> frozenset[int] | None:
        """With :attr:`changed_coding_ids`: the issues of those codings, before and after the change;
        None when not known (any issue's codings may have changed)."""
        return self._changed_issue_ids

    def report_coding_changes(self, document_ids: Iterable[int], coding_ids: Iterable[int], *,
                              actor_ids: Iterable[int] | None = None,
                              issue_ids: Iterable[int] | None = None) -> None:
        """Emit ``codingsChanged(document_ids)`` for a change of exactly ``coding_ids`` (each one added,
        edited or deleted); views may re-read just those codings. ``actor_ids`` and ``issue_ids``, when
        given, are every actor and issue those codings had before or after the change."""
        outer = self._changed_coding_ids, self._changed_actor_ids, self._changed_issue_ids
        self._changed_coding_ids = frozenset(coding_ids)
        self._changed_actor_ids = frozenset(actor_ids) if actor_ids is not None else None
        self._changed_issue_ids = frozenset(issue_ids) if issue_ids is not None else None
        try:
            self.codingsChanged.emit(sorted(set(document_ids)))
        finally:
            self._changed_coding_ids, self._changed_actor_ids, self._changed_issue_ids = outer

    def check_external_changes(self) -> bool:
        """Refresh every view if another process committed to the file since the last look."""
        if self.project is None:
            return False
        try:
            version = self.project.data_version()
        except (sqlite3.Error, ProjectError):  # a vanished or locked file must not break the timer
            return False
        if version == self._data_version:
            return False
        self._data_version = version
        self.externalChange.emit()
        self.notify_all()
        return True

    def mark_seen(self) -> None:
        """Accept the file's current state as known (after this window's own worker wrote to it)."""
        if self.project is not None:
            self._data_version = self.project.data_version()

    def notify_all(self) -> None:
        """Tell every view to refresh (after a change made outside the undo stack, e.g. an import)."""
        self.documentsChanged.emit()
        self.codebookChanged.emit()
        self.codingsChanged.emit([])
