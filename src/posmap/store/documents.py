"""Documents, their text, their pages and the full-text index over them."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from posmap.model import Coding, Document, DocumentMetadata, PageSpan, Passage
from posmap.store.errors import ConflictError, DuplicateDocumentError, NotFoundError
from posmap.store.project import in_clause, utc_now

if TYPE_CHECKING:
    from posmap.store.project import Project

_SUMMARY_COLUMNS = (
    "id, title, author, outlet, date, kind, language, url, file_name, sha256, extractor, "
    "extractor_version, imported_at, character_count"
)


@dataclass(frozen=True)
class DocumentSummary:
    """A document as listed: metadata and counts, without its text."""

    id: int
    title: str
    author: str
    date: str | None
    kind: str
    language: str
    page_count: int
    coding_count: int
    character_count: int


@dataclass(frozen=True)
class DocumentSnapshot:
    """A document with its text, pages, passages and codings, as undo needs it to bring a deleted one back."""

    document: Document
    codings: tuple[tuple[Passage, Coding], ...]


@dataclass(frozen=True)
class SearchMatch:
    """A document matching a full-text query, best first."""

    document_id: int
    title: str
    rank: float


class DocumentRepository:
    def __init__(self, project: Project) -> None:
        self._project = project
        self._conn = project.connection

    def add(self, document: Document, *, atomic: bool = True) -> int:
        """Store a document with its text and pages; returns its id.

        Raises :class:`DuplicateDocumentError` when a file with the same SHA-256 is present.
        Inside a larger transaction the add is a savepoint of its own, all or nothing; ``atomic=False``
        leaves that out, for a caller whose transaction is rolled back whole on any error (an import
        of many files): the full-text index writes out its pending entries at every savepoint, which
        made a large import several percent slower.
        """
        if document.text is None:
            raise ValueError("a document needs its text to be stored")
        existing = self.find_by_sha256(document.sha256)
        if existing is not None:
            title = self._conn.execute("SELECT title FROM documents WHERE id = ?", (existing,)).fetchone()[0]
            raise DuplicateDocumentError(
                f"the same file is already in the project as document {existing} ({title!r})", existing
            )
        inside = not atomic and self._conn.in_transaction
        with contextlib.nullcontext() if inside else self._project.transaction():
            cursor = self._conn.execute(
                "INSERT INTO documents (title, author, outlet, date, kind, language, url, file_name, "
                "sha256, extractor, extractor_version, imported_at, character_count) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    document.title,
                    document.author,
                    document.outlet,
                    document.date.isoformat() if document.date else None,
                    document.kind,
                    document.language,
                    document.url,
                    document.file_name,
                    document.sha256,
                    document.extractor,
                    document.extractor_version,
                    (document.imported_at.isoformat(timespec="seconds") if document.imported_at
                     else utc_now()),
                    len(document.text),
                ),
            )
            document_id = int(cursor.lastrowid)
            self._conn.execute(
                "INSERT INTO document_texts (document_id, text) VALUES (?, ?)", (document_id, document.text)
            )
            self._conn.execute(
                "INSERT INTO document_search (rowid, text) VALUES (?, ?)", (document_id, document.text)
            )
            self._conn.executemany(
                "INSERT INTO document_pages (document_id, page_number, start_offset, end_offset) "
                "VALUES (?, ?, ?, ?)",
                [(document_id, p.number, p.start, p.end) for p in document.pages],
            )
        return document_id

    def find_by_sha256(self, sha256: str) -> int | None:
        row = self._conn.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def exists(self, document_id: int) -> bool:
        return self._conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() is not None

    def get(self, document_id: int, *, with_text: bool = True) -> Document:
        row = self._conn.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no document {document_id} in this project")
        return self._document(row, text=self.text(document_id) if with_text else None)

    def all(self) -> list[Document]:
        """Every document's metadata and pages (no text), ordered by id."""
        pages = self._all_pages()
        return [
            self._document(row, text=None, pages=pages.get(row[0], []))
            for row in self._conn.execute(f"SELECT {_SUMMARY_COLUMNS} FROM documents ORDER BY id")
        ]

    def summaries(self, document_ids: Iterable[int] | None = None) -> list[DocumentSummary]:
        """Every document with its page and coding counts, for lists, ordered by id; reads no text.

        With ``document_ids``, only those documents (ids the project does not hold are left out): what
        a list needs to catch up after the codings of a few documents changed.
        """
        where, params = "", []
        if document_ids is not None:
            clause, params = in_clause("d.id", sorted(set(document_ids)))
            where = f"WHERE {clause} "
        rows = self._conn.execute(
            "SELECT d.id, d.title, d.author, d.date, d.kind, d.language, "
            "  (SELECT count(*) FROM document_pages dp WHERE dp.document_id = d.id), "
            "  (SELECT count(*) FROM passages p JOIN codings c ON c.passage_id = p.id "
            "   WHERE p.document_id = d.id), "
            "  d.character_count "
            f"FROM documents d {where}ORDER BY d.id",
            params,
        )
        return [DocumentSummary(*row) for row in rows]

    def metadata(self) -> list[tuple[int, str, str, str | None, str]]:
        """``(id, title, author, date, kind)`` of every document by id: what analyses cite and filter by,
        without the counts :meth:`summaries` adds up."""
        return self._conn.execute("SELECT id, title, author, date, kind FROM documents ORDER BY id").fetchall()

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def text(self, document_id: int) -> str:
        row = self._conn.execute(
            "SELECT text FROM document_texts WHERE document_id = ?", (document_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no document {document_id} in this project")
        return row[0]

    def pages(self, document_id: int) -> list[PageSpan]:
        return [
            PageSpan(number=n, start=s, end=e)
            for n, s, e in self._conn.execute(
                "SELECT page_number, start_offset, end_offset FROM document_pages "
                "WHERE document_id = ? ORDER BY page_number",
                (document_id,),
            )
        ]

    def update_metadata(self, document_id: int, metadata: DocumentMetadata) -> None:
        with self._project.transaction():
            cursor = self._conn.execute(
                "UPDATE documents SET title = ?, author = ?, outlet = ?, date = ?, kind = ?, "
                "language = ?, url = ? WHERE id = ?",
                (
                    metadata.title,
                    metadata.author,
                    metadata.outlet,
                    metadata.date.isoformat() if metadata.date else None,
                    metadata.kind,
                    metadata.language,
                    metadata.url,
                    document_id,
                ),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"there is no document {document_id} in this project")

    def delete(self, document_id: int) -> int:
        """Delete a document with its pages, passages and codings; returns how many codings went."""
        with self._project.transaction():
            text = self.text(document_id)
            codings = self._conn.execute(
                "SELECT count(*) FROM codings c JOIN passages p ON p.id = c.passage_id WHERE p.document_id = ?",
                (document_id,),
            ).fetchone()[0]
            self._conn.execute(
                "INSERT INTO document_search (document_search, rowid, text) VALUES ('delete', ?, ?)",
                (document_id, text),
            )
            self._conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
        return int(codings)

    def snapshot(self, document_id: int) -> DocumentSnapshot:
        """Everything :meth:`delete` takes away, so that :meth:`restore` can bring it back."""
        document = self.get(document_id)
        codings = self._project.codings.with_passages(column="document_id", value=document_id)
        return DocumentSnapshot(document, tuple(codings))

    def restore(self, snapshot: DocumentSnapshot) -> None:
        """Bring back a deleted document under its old id, with its pages, passages and codings (undo)."""
        document = snapshot.document
        if document.id is None or document.text is None:
            raise ValueError("the document to restore needs its id and its text")
        existing = self.find_by_sha256(document.sha256)
        if existing is not None:
            raise DuplicateDocumentError(
                f"the same file was imported again as document {existing}; delete that one first", existing
            )
        if self.exists(document.id):
            raise ConflictError(f"document {document.id} ({document.title!r}) is already in the project")
        with self._project.transaction():
            self._conn.execute(
                "INSERT INTO documents (id, title, author, outlet, date, kind, language, url, file_name, "
                "sha256, extractor, extractor_version, imported_at, character_count) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    document.id, document.title, document.author, document.outlet,
                    document.date.isoformat() if document.date else None,
                    document.kind, document.language, document.url, document.file_name, document.sha256,
                    document.extractor, document.extractor_version,
                    document.imported_at.isoformat(timespec="seconds") if document.imported_at else utc_now(),
                    len(document.text),
                ),
            )
            self._conn.execute(
                "INSERT INTO document_texts (document_id, text) VALUES (?, ?)", (document.id, document.text)
            )
            self._conn.execute(
                "INSERT INTO document_search (rowid, text) VALUES (?, ?)", (document.id, document.text)
            )
            self._conn.executemany(
                "INSERT INTO document_pages (document_id, page_number, start_offset, end_offset) "
                "VALUES (?, ?, ?, ?)",
                [(document.id, p.number, p.start, p.end) for p in document.pages],
            )
            for passage, coding in snapshot.codings:
                try:
                    self._project.codings.restore(passage, coding)
                except sqlite3.IntegrityError:
                    raise ConflictError(
                        f"the codings of {document.title!r} cannot come back because an actor or issue they "
                        "use is gone"
                    ) from None

    def search(self, fts_query: str, *, limit: int = 200) -> list[SearchMatch]:
        """Documents matching an FTS5 query, best match first.

        Raises :class:`ValueError` with a readable reason when the query is not valid FTS5.
        """
        try:
            rows = self._conn.execute(
                "SELECT s.rowid, d.title, s.rank FROM document_search s JOIN documents d ON d.id = s.rowid "
                "WHERE document_search MATCH ? ORDER BY s.rank LIMIT ?",
                (fts_query, limit),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise ValueError(f"the search {fts_query!r} is not understood ({exc})") from None
        return [SearchMatch(document_id=r[0], title=r[1], rank=r[2]) for r in rows]

    def search_index_problems(self) -> list[str]:
        """Whether the full-text index agrees with the stored texts.

        FTS5 runs this check as an INSERT command, which a read-only project refuses; there the
        index is not checked rather than reported as broken.
        """
        if self._project.read_only:
            return []
        try:
            self._conn.execute(
                "INSERT INTO document_search (document_search, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            return [f"the full-text index is out of step with the documents ({exc})"]
        return []

    def rebuild_search_index(self) -> None:
        with self._project.transaction():
            self._conn.execute("INSERT INTO document_search (document_search) VALUES ('rebuild')")

    # -- helpers ----------------------------------------------------------------------------

    def _all_pages(self) -> dict[int, list[PageSpan]]:
        pages: dict[int, list[PageSpan]] = {}
        for document_id, number, start, end in self._conn.execute(
            "SELECT document_id, page_number, start_offset, end_offset FROM document_pages "
            "ORDER BY document_id, page_number"
        ):
            pages.setdefault(document_id, []).append(PageSpan(number=number, start=start, end=end))
        return pages

    def _document(self, row: tuple, *, text: str | None, pages: list[PageSpan] | None = None) -> Document:
        (document_id, title, author, outlet, date, kind, language, url, file_name, sha256, extractor,
         extractor_version, imported_at, character_count) = row
        return Document(
            id=document_id,
            title=title,
            author=author,
            outlet=outlet,
            date=dt.date.fromisoformat(date) if date else None,
            kind=kind,
            language=language,
            url=url,
            file_name=file_name,
            sha256=sha256,
            extractor=extractor,
            extractor_version=extractor_version,
            imported_at=dt.datetime.fromisoformat(imported_at) if imported_at else None,
            text=text,
            character_count=character_count,
            pages=self.pages(document_id) if pages is None else pages,
        )
