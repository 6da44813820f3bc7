"""Undoable edits of the open project.

Every change the GUI makes is a :class:`ProjectCommand` pushed through
:meth:`posmap.gui.session.ProjectSession.push`. A command does its work in :meth:`apply`
and takes it back in :meth:`revert`; both talk to the store only. When the store refuses
(a :class:`~posmap.store.ProjectError`, e.g. a duplicate name or a cycle), the command
reports the one-line reason through ``session.errorOccurred`` and marks itself obsolete, so
QUndoStack drops it instead of keeping an edit that never happened.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from pydantic import ValidationError
from PySide6.QtGui import QUndoCommand

from posmap.model import describe_validation_error
from posmap.store import Project, ProjectError

if TYPE_CHECKING:
    from posmap.gui.session import ProjectSession


class ProjectCommand(QUndoCommand):
    """Base class of the undoable edits: subclasses implement :meth:`apply`, :meth:`revert` and :meth:`notify`."""

    def __init__(self, session: ProjectSession, text: str) -> None:
        super().__init__(text)
        self.session = session
        # Plain Python state: still readable after Qt deleted an obsolete command.
        self.failed = False
        self.error: str | None = None

    # -- what subclasses write ------------------------------------------------------------

    def apply(self, project: Project) -> None:
        """Make the change (called by the first push and by every redo)."""
        raise NotImplementedError

    def revert(self, project: Project) -> None:
        """Take the change back (called by undo)."""
        raise NotImplementedError

    def notify(self) -> None:
        """Emit the session signals that tell views what changed (after apply and after revert)."""
        self.session.notify_all()

    # -- QUndoCommand ------------------------------------------------------------------------

    def redo(self) -> None:
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, action) -> None:
        project = self.session.project
        if project is None:
            self._fail("no project is open")
            return
        try:
            action(project)
        except ProjectError as exc:
            self._fail(str(exc))
            return
        except ValidationError as exc:
            self._fail(describe_validation_error(exc))
            return
        except sqlite3.Error as exc:
            # The store turns expected problems into ProjectError; this is the safety net.
            self._fail(f"the project could not be changed ({exc})")
            return
        self.notify()

    def _fail(self, message: str) -> None:
        self.failed = True
        self.error = message
        self.setObsolete(True)
        self.session.errorOccurred.emit(message)
        # Whatever part of the change landed before the error was rolled back by the store's
        # transaction; views still refresh so they show the file as it is.
        self.notify()
