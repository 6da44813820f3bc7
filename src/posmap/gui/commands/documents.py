"""Undoable edits of documents: metadata, deletion, and taking back an import."""

from __future__ import annotations

from collections.abc import Sequence

from posmap.gui.commands import ProjectCommand
from posmap.gui.session import ProjectSession
from posmap.model import DocumentMetadata
from posmap.store import DocumentSnapshot, Project


def _short(title: str, limit: int = 40) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


class EditDocumentMetadataCommand(ProjectCommand):
    """Change a document's title, author, outlet, date, kind, language or URL."""

    def __init__(
        self, session: ProjectSession, document_id: int, before: DocumentMetadata, after: DocumentMetadata
    ) -> None:
        super().__init__(session, f"Edit details of “{_short(after.title)}”")
        self.document_id = document_id
        self.before = before
        self.after = after

    def apply(self, project: Project) -> None:
        project.documents.update_metadata(self.document_id, self.after)

    def revert(self, project: Project) -> None:
        project.documents.update_metadata(self.document_id, self.before)

    def notify(self) -> None:
        self.session.documentsChanged.emit()
        # Titles and dates show in coding lists too.
        self.session.codingsChanged.emit([self.document_id])


class DeleteDocumentsCommand(ProjectCommand):
    """Delete documents with their passages and codings; undo brings all of it back under the same ids."""

    def __init__(self, session: ProjectSession, document_ids: Sequence[int], text: str | None = None) -> None:
        ids = list(document_ids)
        super().__init__(session, text or (f"Delete {len(ids)} documents" if len(ids) != 1 else "Delete document"))
        self.document_ids = ids
        self.snapshots: list[DocumentSnapshot] = []

    def apply(self, project: Project) -> None:
        with project.transaction():
            snapshots = [project.documents.snapshot(document_id) for document_id in self.document_ids]
            for document_id in self.document_ids:
                project.documents.delete(document_id)
        self.snapshots = snapshots
        if len(snapshots) == 1:
            self.setText(f"Delete “{_short(snapshots[0].document.title)}”")

    def revert(self, project: Project) -> None:
        with project.transaction():
            for snapshot in self.snapshots:
                project.documents.restore(snapshot)

    def notify(self) -> None:
        self.session.documentsChanged.emit()
        self.session.codingsChanged.emit(list(self.document_ids))


class ImportedDocumentsCommand(DeleteDocumentsCommand):
    """Records an import that a worker already wrote, so that Undo can take it back.

    The first redo (the push) does nothing; undo deletes the imported documents and redo
    brings them back.
    """

    def __init__(self, session: ProjectSession, document_ids: Sequence[int]) -> None:
        count = len(document_ids)
        super().__init__(session, document_ids, f"Import {count} document{'s' if count != 1 else ''}")
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        self._run(self._restore)

    def undo(self) -> None:
        self._run(self._delete)

    def _delete(self, project: Project) -> None:
        with project.transaction():
            self.snapshots = [project.documents.snapshot(document_id) for document_id in self.document_ids]
            for document_id in self.document_ids:
                project.documents.delete(document_id)

    def _restore(self, project: Project) -> None:
        DeleteDocumentsCommand.revert(self, project)
