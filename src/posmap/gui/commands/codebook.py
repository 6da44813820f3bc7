"""Undoable edits of the codebook: add, edit (rename, recolour, nest, scale), merge, delete, import.

Entries keep their ids through undo and redo (a deleted actor comes back as the same actor),
so commands further up the stack that name an id stay valid.
"""

from __future__ import annotations

from typing import Literal

from posmap.gui.commands import ProjectCommand
from posmap.gui.session import ProjectSession
from posmap.model import Actor, Codebook, Issue
from posmap.services.codebook import import_codebook
from posmap.store import EntrySnapshot, Project
from posmap.store.codebook import ActorRepository, IssueRepository

Noun = Literal["actor", "issue"]


def repository(project: Project, noun: Noun) -> ActorRepository | IssueRepository:
    """The store repository for actors or issues."""
    return project.actors if noun == "actor" else project.issues


def noun_of(entry: Actor | Issue) -> Noun:
    return "actor" if isinstance(entry, Actor) else "issue"


class CodebookCommand(ProjectCommand):
    def notify(self) -> None:
        self.session.codebookChanged.emit()
        # Names and colours show on every highlight and coding row.
        self.session.codingsChanged.emit([])


class AddEntryCommand(CodebookCommand):
    """Add an actor or issue; ``entry_id`` holds its id once pushed."""

    def __init__(self, session: ProjectSession, entry: Actor | Issue) -> None:
        super().__init__(session, f"Add {noun_of(entry)} “{entry.name}”")
        self.noun = noun_of(entry)
        self.entry = entry
        self.entry_id: int | None = None
        self.snapshot: EntrySnapshot | None = None

    def apply(self, project: Project) -> None:
        repo = repository(project, self.noun)
        if self.snapshot is None:
            self.entry_id = repo.add(self.entry)
        else:
            repo.restore(self.snapshot)

    def revert(self, project: Project) -> None:
        repo = repository(project, self.noun)
        with project.transaction():
            snapshot = repo.snapshot(self.entry_id)
            repo.delete(self.entry_id)
        self.snapshot = snapshot


class UpdateEntryCommand(CodebookCommand):
    """Write a changed actor or issue (name, colour, parent, kind, aliases, proposition, scale)."""

    def __init__(
        self, session: ProjectSession, before: Actor | Issue, after: Actor | Issue, text: str | None = None
    ) -> None:
        super().__init__(session, text or f"Edit {noun_of(after)} “{after.name}”")
        self.noun = noun_of(after)
        self.before = before
        self.after = after

    def apply(self, project: Project) -> None:
        repository(project, self.noun).update(self.after)

    def revert(self, project: Project) -> None:
        repository(project, self.noun).update(self.before)


def rename_command(session: ProjectSession, entry: Actor | Issue, name: str) -> UpdateEntryCommand:
    return UpdateEntryCommand(
        session, entry, entry.model_copy(update={"name": name.strip()}),
        f"Rename {noun_of(entry)} “{entry.name}” to “{name.strip()}”",
    )


def recolour_command(session: ProjectSession, entry: Actor | Issue, colour: str) -> UpdateEntryCommand:
    return UpdateEntryCommand(
        session, entry, entry.model_copy(update={"color": colour}), f"Recolour {noun_of(entry)} “{entry.name}”"
    )


def nest_command(
    session: ProjectSession, entry: Actor | Issue, parent: Actor | Issue | None
) -> UpdateEntryCommand:
    text = (f"Nest “{entry.name}” under “{parent.name}”" if parent is not None
            else f"Move “{entry.name}” to the top level")
    return UpdateEntryCommand(
        session, entry, entry.model_copy(update={"parent_id": parent.id if parent else None}), text
    )


class DeleteEntryCommand(CodebookCommand):
    """Delete an actor or issue with its codings; its children move up to its parent."""

    def __init__(self, session: ProjectSession, entry: Actor | Issue) -> None:
        super().__init__(session, f"Delete {noun_of(entry)} “{entry.name}”")
        self.noun = noun_of(entry)
        self.entry_id = entry.id
        self.snapshot: EntrySnapshot | None = None

    def apply(self, project: Project) -> None:
        repo = repository(project, self.noun)
        with project.transaction():
            snapshot = repo.snapshot(self.entry_id)
            repo.delete(self.entry_id)
        self.snapshot = snapshot

    def revert(self, project: Project) -> None:
        repository(project, self.noun).restore(self.snapshot)


class MergeEntriesCommand(CodebookCommand):
    """Merge ``source`` into ``target``: codings and children move, ``source`` goes."""

    def __init__(self, session: ProjectSession, source: Actor | Issue, target: Actor | Issue) -> None:
        super().__init__(session, f"Merge {noun_of(source)} “{source.name}” into “{target.name}”")
        self.noun = noun_of(source)
        self.source_id = source.id
        self.target_id = target.id
        self.moved = 0
        self.snapshot: EntrySnapshot | None = None
        self.target_before: Actor | Issue | None = None

    def apply(self, project: Project) -> None:
        repo = repository(project, self.noun)
        with project.transaction():
            snapshot = repo.snapshot(self.source_id)
            target_before = repo.get(self.target_id)
            self.moved = repo.merge(self.source_id, self.target_id)
        self.snapshot, self.target_before = snapshot, target_before

    def revert(self, project: Project) -> None:
        repo = repository(project, self.noun)
        with project.transaction():
            # The target first, so that the source's name is no longer one of its aliases.
            repo.update(self.target_before)
            repo.restore(self.snapshot)


class ImportCodebookCommand(CodebookCommand):
    """Merge a codebook file into the project; undo removes what it added and restores what it changed."""

    def __init__(self, session: ProjectSession, codebook: Codebook, source_name: str) -> None:
        super().__init__(session, f"Import codebook {source_name}")
        self.codebook = codebook
        self.report = None
        self._before: dict[Noun, dict[int, Actor | Issue]] = {}
        self._after: dict[Noun, dict[int, Actor | Issue]] = {}
        self._added: dict[Noun, list[EntrySnapshot]] = {}

    def apply(self, project: Project) -> None:
        if not self._after:
            before = self._state(project)
            self.report = import_codebook(project, self.codebook)
            self._before, self._after = before, self._state(project)
            return
        with project.transaction():
            for noun in ("actor", "issue"):
                repo = repository(project, noun)
                for snapshot in sorted(self._added[noun], key=lambda s: s.entry.id):
                    repo.restore(snapshot)
                for entry_id, entry in self._after[noun].items():
                    if entry_id in self._before[noun]:
                        repo.update(entry)

    def revert(self, project: Project) -> None:
        added: dict[Noun, list[EntrySnapshot]] = {}
        with project.transaction():
            for noun in ("actor", "issue"):
                repo = repository(project, noun)
                new_ids = sorted(set(self._after[noun]) - set(self._before[noun]), reverse=True)
                added[noun] = []
                for entry_id in new_ids:
                    added[noun].append(repo.snapshot(entry_id))
                    repo.delete(entry_id)
                for entry_id, entry in self._before[noun].items():
                    if entry != self._after[noun].get(entry_id):
                        repo.update(entry)
        self._added = added

    @staticmethod
    def _state(project: Project) -> dict[Noun, dict[int, Actor | Issue]]:
        return {
            "actor": {a.id: a for a in project.actors.all()},
            "issue": {i.id: i for i in project.issues.all()},
        }
