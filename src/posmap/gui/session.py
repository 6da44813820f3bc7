"""The open project as the GUI sees it: one place that owns it, its undo stack and change signals.

Widgets never write to the project directly: they push an undoable command through
:meth:`ProjectSession.push`; commands report what they changed through the signals below,
and every view refreshes from the store.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from posmap.store import Project


class ProjectSession(QObject):
    projectOpened = Signal()
    projectClosed = Signal()
    documentsChanged = Signal()
    codebookChanged = Signal()
    # The ids of the documents whose codings changed; an empty list means "any document".
    codingsChanged = Signal(list)
    errorOccurred = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.undo_stack = QUndoStack(self)

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
        project = Project.open(path)
        self.close()
        self.project = project
        self.projectOpened.emit()

    def create(self, path: str | Path, title: str = "") -> None:
        project = Project.create(path, title=title)
        self.close()
        self.project = project
        self.projectOpened.emit()

    def close(self) -> None:
        if self.project is None:
            return
        self.undo_stack.clear()
        self.project.close()
        self.project = None
        self.projectClosed.emit()

    def push(self, command: QUndoCommand) -> None:
        """Run ``command`` and keep it for undo."""
        self.undo_stack.push(command)

    def notify_all(self) -> None:
        """Tell every view to refresh (after a change made outside the undo stack, e.g. an import)."""
        self.documentsChanged.emit()
        self.codebookChanged.emit()
        self.codingsChanged.emit([])
