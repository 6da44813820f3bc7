"""Undoable edits of codings: add, edit, delete.

Codings keep their ids through undo and redo (an undone-then-redone coding comes back as the
same coding, with its time stamps), so a selection or another command that names an id stays
valid. Coding a passage may also create the actor or issue it names ("Create actor 'X'" in the
coding popup): the new entry is made in the same transaction and taken back by the same undo,
so one Ctrl+Z removes both and a failure leaves nothing behind.

Every command emits ``session.codingsChanged([document_id])`` after it runs, through
:meth:`ProjectSession.report_coding_changes` so that views can update just the codings it names
and the coding counts of just their actors and issues (and ``codebookChanged`` first when it
created an entry); a command the store refuses reports the reason through
``session.errorOccurred`` and drops off the stack (see :class:`ProjectCommand`).
"""

from __future__ import annotations

from collections.abc import Iterable

from posmap.gui.commands import ProjectCommand
from posmap.gui.session import ProjectSession
from posmap.model import Actor, Coding, Issue, Passage
from posmap.store import EntrySnapshot, Project


class _NewEntries:
    """An actor and/or issue that a coding command creates first, kept under the same ids on redo."""

    def __init__(self, actor: Actor | None, issue: Issue | None) -> None:
        self.actor = actor
        self.issue = issue
        self.actor_id: int | None = None
        self.issue_id: int | None = None
        self._actor_snapshot: EntrySnapshot | None = None
        self._issue_snapshot: EntrySnapshot | None = None

    def __bool__(self) -> bool:
        return self.actor is not None or self.issue is not None

    def create(self, project: Project) -> None:
        if self.actor is not None:
            if self._actor_snapshot is None:
                self.actor_id = project.actors.add(self.actor)
                self._actor_snapshot = project.actors.snapshot(self.actor_id)
            else:
                project.actors.restore(self._actor_snapshot)
        if self.issue is not None:
            if self._issue_snapshot is None:
                self.issue_id = project.issues.add(self.issue)
                self._issue_snapshot = project.issues.snapshot(self.issue_id)
            else:
                project.issues.restore(self._issue_snapshot)

    def remove(self, project: Project) -> None:
        if self.issue_id is not None:
            project.issues.delete(self.issue_id)
        if self.actor_id is not None:
            project.actors.delete(self.actor_id)

    def fill_in(self, coding: Coding) -> Coding:
        """``coding`` with the ids of the entries created for it."""
        update: dict[str, int] = {}
        if self.actor_id is not None:
            update["actor_id"] = self.actor_id
        if self.issue_id is not None:
            update["issue_id"] = self.issue_id
        return coding.model_copy(update=update) if update else coding


class _CodingCommand(ProjectCommand):
    def __init__(self, session: ProjectSession, text: str, document_ids: Iterable[int],
                 new_entries: _NewEntries | None = None) -> None:
        super().__init__(session, text)
        self.document_ids = sorted(set(document_ids))
        self.new_entries = new_entries or _NewEntries(None, None)

    def changed_codings(self) -> list[Coding]:
        """The codings this command adds, edits or deletes, as stored before and as stored after it
        (an edited coding twice); empty when not known yet."""
        raise NotImplementedError

    def notify(self) -> None:
        if self.new_entries:
            self.session.codebookChanged.emit()
        codings = self.changed_codings()
        if codings:
            self.session.report_coding_changes(
                self.document_ids, {coding.id for coding in codings},
                actor_ids={coding.actor_id for coding in codings},
                issue_ids={coding.issue_id for coding in codings})
        else:
            self.session.codingsChanged.emit(list(self.document_ids))


def _validated(coding: Coding) -> Coding:
    """``coding`` checked again: ``model_copy(update=...)`` skips validation (a kind given as a str stays one)."""
    return Coding.model_validate(coding.model_dump())


def _coding_label(new_actor: Actor | None, new_issue: Issue | None) -> str:
    created = [f"“{entry.name}”" for entry in (new_actor, new_issue) if entry is not None]
    return f" (new {' and '.join(created)})" if created else ""


class AddCodingCommand(_CodingCommand):
    """Code a passage; ``coding_id`` holds the new coding's id once pushed.

    With ``new_actor`` or ``new_issue`` the entry is created first and ``coding.actor_id`` /
    ``coding.issue_id`` are ignored in its favour.
    """

    def __init__(self, session: ProjectSession, passage: Passage, coding: Coding, *,
                 new_actor: Actor | None = None, new_issue: Issue | None = None) -> None:
        super().__init__(session, "Code passage" + _coding_label(new_actor, new_issue), [passage.document_id],
                         _NewEntries(new_actor, new_issue))
        self.passage = passage
        self.coding = _validated(coding)
        self.coding_id: int | None = None
        self._saved: tuple[Passage, Coding] | None = None

    def apply(self, project: Project) -> None:
        with project.transaction():
            self.new_entries.create(project)
            if self._saved is None:
                coding_id = project.codings.add(self.passage, self.new_entries.fill_in(self.coding))
                stored = project.codings.get(coding_id)
                self._saved = (project.codings.passage(stored.passage_id), stored)
                self.coding_id = coding_id
            else:
                project.codings.restore(*self._saved)

    def revert(self, project: Project) -> None:
        with project.transaction():
            project.codings.delete(self.coding_id)
            self.new_entries.remove(project)

    def changed_codings(self) -> list[Coding]:
        return [self._saved[1]] if self._saved is not None else []


class EditCodingCommand(_CodingCommand):
    """Change a coding's actor, issue, position, kind, attribution, confidence or note (not its passage)."""

    def __init__(self, session: ProjectSession, before: Coding, after: Coding, document_id: int, *,
                 new_actor: Actor | None = None, new_issue: Issue | None = None) -> None:
        if before.id is None or before.id != after.id:
            raise ValueError("an edit needs the coding's id, the same before and after")
        super().__init__(session, "Edit coding" + _coding_label(new_actor, new_issue), [document_id],
                         _NewEntries(new_actor, new_issue))
        self.before = before
        self.after = _validated(after)
        self.coding_id = before.id

    def apply(self, project: Project) -> None:
        with project.transaction():
            self.new_entries.create(project)
            project.codings.update(self.new_entries.fill_in(self.after))

    def revert(self, project: Project) -> None:
        with project.transaction():
            project.codings.update(self.before)
            self.new_entries.remove(project)

    def changed_codings(self) -> list[Coding]:
        return [self.before, self.new_entries.fill_in(self.after)]


class DeleteCodingsCommand(_CodingCommand):
    """Delete codings (and passages no other coding uses); undo brings them back with their ids."""

    def __init__(self, session: ProjectSession, coding_ids: Iterable[int]) -> None:
        project = session.require()
        self.coding_ids = list(dict.fromkeys(coding_ids))
        self.saved: list[tuple[Passage, Coding]] = []
        for coding_id in self.coding_ids:
            coding = project.codings.get(coding_id)
            self.saved.append((project.codings.passage(coding.passage_id), coding))
        count = len(self.coding_ids)
        super().__init__(session, "Delete coding" if count == 1 else f"Delete {count} codings",
                         [passage.document_id for passage, _ in self.saved])

    def apply(self, project: Project) -> None:
        with project.transaction():
            for coding_id in self.coding_ids:
                project.codings.delete(coding_id)

    def revert(self, project: Project) -> None:
        with project.transaction():
            for passage, coding in self.saved:
                project.codings.restore(passage, coding)

    def changed_codings(self) -> list[Coding]:
        return [coding for _passage, coding in self.saved]
