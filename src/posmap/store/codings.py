"""Passages and the codings attached to them."""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from posmap.model import Coding, CodingPoint, CodingRecord, Passage
from posmap.store.errors import ConflictError, NotFoundError
from posmap.store.project import in_clause, utc_now

if TYPE_CHECKING:
    from posmap.store.project import Project


@dataclass(frozen=True)
class CodingFilter:
    """Which codings to read; empty collections mean "no restriction"."""

    document_ids: Sequence[int] = ()
    actor_ids: Sequence[int] = ()
    issue_ids: Sequence[int] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    attributions: Sequence[str] = ()
    kinds: Sequence[str] = ()
    coders: Sequence[str] = ()
    coding_ids: Sequence[int] = field(default=())


# The codings with their passages; titles, names and scale labels are joined in Python from the small
# tables (see :meth:`CodingRepository.records`), which is faster and shares one string object per title
# and name among all the records instead of one per record.
_RECORD_SELECT = """
SELECT c.id, p.document_id, p.id, p.start_offset, p.end_offset, p.quote,
       c.actor_id, c.issue_id, c.position, c.kind, c.attribution, c.confidence, c.note, c.coder,
       c.created_at, c.updated_at
FROM passages p
JOIN codings c ON c.passage_id = p.id
"""
# Only when a date filter needs the document's date.
_RECORD_DOCUMENT_JOIN = "JOIN documents d ON d.id = p.document_id\n"
_FEW_DOCUMENTS = 200
_RECORD_ORDER = " ORDER BY p.document_id, p.start_offset, p.end_offset, c.id"
_POINT_SELECT = """
SELECT c.id, p.document_id, c.actor_id, c.issue_id, c.position, c.kind, c.attribution, c.created_at
FROM passages p
JOIN codings c ON c.passage_id = p.id
"""
_PAGE_AT = (
    "SELECT dp.page_number FROM document_pages dp WHERE dp.document_id = ? AND dp.start_offset <= ? "
    "ORDER BY dp.page_number DESC LIMIT 1"
)


def _conditions(where: CodingFilter) -> tuple[str, list[object], bool]:
    """The ``WHERE`` clause (or "") selecting ``where`` from ``_RECORD_SELECT`` or ``_POINT_SELECT``, its
    parameters, and whether it tests the document's date (``d.date``, which needs the documents join)."""
    clauses: list[str] = []
    params: list[object] = []
    for column, values in (
        ("p.document_id", where.document_ids),
        ("c.actor_id", where.actor_ids),
        ("c.issue_id", where.issue_ids),
        ("c.attribution", where.attributions),
        ("c.kind", where.kinds),
        ("c.coder", where.coders),
        ("c.id", where.coding_ids),
    ):
        if values:
            clause, values_list = in_clause(column, values)
            clauses.append(clause)
            params.extend(values_list)
    if where.since is not None:
        clauses.append("d.date >= ?")
        params.append(where.since.isoformat())
    if where.until is not None:
        clauses.append("d.date <= ?")
        params.append(where.until.isoformat())
    by_date = where.since is not None or where.until is not None
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params, by_date


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Make a great many long-lived row tuples without Python's cyclic garbage collector walking them.

    Rows of numbers and strings can never be part of a reference cycle. While they are being made,
    though, every few hundred new objects start a collection, and each older generation that fills
    up walks all of them again: about half the time of reading 100,000 points. Paused, the rows are
    made in one go and then handed straight to the oldest generation (``freeze`` then ``unfreeze``
    moves every tracked object there in constant time), where a full collection looks at them as it
    would at any long-lived data. Objects freed meanwhile are still freed at once: reference
    counting does not pause.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


class CodingRepository:
    def __init__(self, project: Project) -> None:
        self._project = project
        self._conn = project.connection

    def add(self, passage: Passage, coding: Coding) -> int:
        """Attach a coding to a passage (reusing the passage if the same span exists); returns its id.

        The passage is checked against the document's text and the position against the
        issue's scale, so nothing inconsistent is ever written.
        """
        self._check_passage(passage)
        self._check_position(coding.issue_id, coding.position)
        self._project.actors.get(coding.actor_id)
        now = utc_now()
        with self._project.transaction():
            passage_id = self._passage_id(passage)
            cursor = self._conn.execute(
                "INSERT INTO codings (passage_id, actor_id, issue_id, position, kind, attribution, confidence, "
                "note, coder, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (passage_id, coding.actor_id, coding.issue_id, coding.position, coding.kind.value,
                 coding.attribution.value, coding.confidence, coding.note, coding.coder, now, now),
            )
        return int(cursor.lastrowid)

    def get(self, coding_id: int) -> Coding:
        row = self._conn.execute(
            "SELECT id, passage_id, actor_id, issue_id, position, kind, attribution, confidence, note, coder, "
            "created_at, updated_at FROM codings WHERE id = ?",
            (coding_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no coding {coding_id} in this project")
        keys = ("id", "passage_id", "actor_id", "issue_id", "position", "kind", "attribution", "confidence",
                "note", "coder", "created_at", "updated_at")
        return Coding(**dict(zip(keys, row, strict=True)))

    def passage(self, passage_id: int) -> Passage:
        row = self._conn.execute(
            "SELECT id, document_id, start_offset, end_offset, quote FROM passages WHERE id = ?", (passage_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no passage {passage_id} in this project")
        return Passage(id=row[0], document_id=row[1], start=row[2], end=row[3], quote=row[4])

    def update(self, coding: Coding) -> None:
        """Write the editable fields of an existing coding (not its passage)."""
        if coding.id is None:
            raise ValueError("the coding to update needs its id")
        self._check_position(coding.issue_id, coding.position)
        self._project.actors.get(coding.actor_id)
        with self._project.transaction():
            cursor = self._conn.execute(
                "UPDATE codings SET actor_id = ?, issue_id = ?, position = ?, kind = ?, attribution = ?, "
                "confidence = ?, note = ?, coder = ?, updated_at = ? WHERE id = ?",
                (coding.actor_id, coding.issue_id, coding.position, coding.kind.value, coding.attribution.value,
                 coding.confidence, coding.note, coding.coder, utc_now(), coding.id),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"there is no coding {coding.id} in this project")

    def restore(self, passage: Passage, coding: Coding) -> int:
        """Re-insert a deleted coding with its original id and time stamps (used by undo).

        A passage that went with it comes back under its original id when that id is free.
        """
        self._check_passage(passage)
        with self._project.transaction():
            passage_id = self._passage_id(passage, preferred_id=passage.id)
            self._conn.execute(
                "INSERT INTO codings (id, passage_id, actor_id, issue_id, position, kind, attribution, confidence, "
                "note, coder, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (coding.id, passage_id, coding.actor_id, coding.issue_id, coding.position, coding.kind.value,
                 coding.attribution.value, coding.confidence, coding.note, coding.coder,
                 _iso(coding.created_at), _iso(coding.updated_at)),
            )
        return int(coding.id) if coding.id is not None else passage_id

    def delete(self, coding_id: int) -> None:
        """Delete a coding; its passage goes too when no other coding uses it."""
        with self._project.transaction():
            row = self._conn.execute("SELECT passage_id FROM codings WHERE id = ?", (coding_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"there is no coding {coding_id} in this project")
            self._conn.execute("DELETE FROM codings WHERE id = ?", (coding_id,))
            self._conn.execute(
                "DELETE FROM passages WHERE id = ? AND NOT EXISTS (SELECT 1 FROM codings WHERE passage_id = ?)",
                (row[0], row[0]),
            )

    def with_passages(self, *, column: str, value: int) -> list[tuple[Passage, Coding]]:
        """Every coding whose ``column`` (``actor_id``, ``issue_id`` or ``document_id``) is ``value``,
        with its passage; what undo needs to bring them back after a delete."""
        if column not in ("actor_id", "issue_id", "document_id"):
            raise ValueError(f"cannot select codings by {column!r}")
        where = "p.document_id" if column == "document_id" else f"c.{column}"
        rows = self._conn.execute(
            "SELECT p.id, p.document_id, p.start_offset, p.end_offset, p.quote, c.id, c.actor_id, c.issue_id, "
            "c.position, c.kind, c.attribution, c.confidence, c.note, c.coder, c.created_at, c.updated_at "
            f"FROM codings c JOIN passages p ON p.id = c.passage_id WHERE {where} = ? ORDER BY c.id",
            (value,),
        ).fetchall()
        return [
            (
                Passage(id=r[0], document_id=r[1], start=r[2], end=r[3], quote=r[4]),
                Coding(id=r[5], passage_id=r[0], actor_id=r[6], issue_id=r[7], position=r[8], kind=r[9],
                       attribution=r[10], confidence=r[11], note=r[12], coder=r[13], created_at=r[14],
                       updated_at=r[15]),
            )
            for r in rows
        ]

    def remove_orphan_passages(self) -> None:
        with self._project.transaction():
            self._conn.execute(
                "DELETE FROM passages WHERE NOT EXISTS (SELECT 1 FROM codings WHERE codings.passage_id = passages.id)"
            )

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM codings").fetchone()[0])

    def records(self, where: CodingFilter | None = None) -> list[CodingRecord]:
        """Codings joined with everything needed to show, aggregate or cite them.

        Ordered by document, then position in the text, then coding id. A coding whose document,
        actor or issue is missing (only in a damaged file) is left out.
        """
        conditions, params, by_date = _conditions(where or CodingFilter())
        sql = _RECORD_SELECT
        if by_date:
            sql += _RECORD_DOCUMENT_JOIN
        sql += conditions + _RECORD_ORDER
        rows = self._conn.execute(sql, params).fetchall()
        if not rows:
            return []
        return self._records_from(rows)

    def points(self, where: CodingFilter | None = None) -> list[CodingPoint]:
        """The :class:`CodingPoint` of every coding ``where`` selects, in the order of :meth:`records`.

        What a position matrix needs of 100,000 codings, read in a fraction of the time full records
        take: no quotes, notes, names, pages or document metadata (a catalogue of the documents has
        them once each). Unlike :meth:`records`, a coding whose document, actor or issue is missing
        is not left out, but the content checks of :meth:`Project.open` refuse such a file; joining
        those tables here would cost a string per coding for nothing, or make SQLite sort the rows
        instead of reading them in index order.
        """
        conditions, params, by_date = _conditions(where or CodingFilter())
        sql = _POINT_SELECT + (_RECORD_DOCUMENT_JOIN if by_date else "") + conditions + _RECORD_ORDER
        with _collector_paused():
            return list(map(CodingPoint._make, self._conn.execute(sql, params)))

    def _records_from(self, rows: list[tuple]) -> list[CodingRecord]:
        """:class:`CodingRecord` rows from ``_RECORD_SELECT`` rows, with names, labels and pages added."""
        conn = self._conn
        wanted = {row[1] for row in rows}
        if len(wanted) <= _FEW_DOCUMENTS:  # e.g. the few codings under the mouse in the viewer
            documents = {row[0]: row[1:] for row in conn.execute(
                f"SELECT id, title, author, date FROM documents WHERE id IN ({', '.join('?' * len(wanted))})",
                list(wanted))}
        else:
            documents = {row[0]: row[1:] for row in conn.execute("SELECT id, title, author, date FROM documents")}
        actors = dict(conn.execute("SELECT id, name FROM actors").fetchall())
        issues = dict(conn.execute("SELECT id, name FROM issues").fetchall())
        labels = {(issue, value): label for issue, value, label in conn.execute(
            "SELECT issue_id, value, label FROM scale_points")}
        pages = _PageFinder(conn)
        # Kinds, attributions and coders repeat in every row: one string object each saves memory.
        shared: dict[str, str] = {}
        share = shared.setdefault
        records = []
        append = records.append
        for (coding_id, document_id, passage_id, start, end, quote, actor_id, issue_id, position, kind,
             attribution, confidence, note, coder, created_at, updated_at) in rows:
            document = documents.get(document_id)
            actor = actors.get(actor_id)
            issue = issues.get(issue_id)
            if document is None or actor is None or issue is None:
                continue  # the inner joins of a damaged file's rows; ``posmap check`` reports them
            title, author, date = document
            append(CodingRecord(
                coding_id, document_id, title, author, date, passage_id, start, end, quote,
                pages.page(document_id, start), actor_id, actor, issue_id, issue, position,
                labels.get((issue_id, position), ""), share(kind, kind), share(attribution, attribution),
                confidence, note, share(coder, coder), created_at, updated_at,
            ))
        return records

    def record(self, coding_id: int) -> CodingRecord:
        found = self.records(CodingFilter(coding_ids=[coding_id]))
        if not found:
            raise NotFoundError(f"there is no coding {coding_id} in this project")
        return found[0]

    def passages(self, document_id: int) -> list[Passage]:
        return [
            Passage(id=r[0], document_id=document_id, start=r[1], end=r[2], quote=r[3])
            for r in self._conn.execute(
                "SELECT id, start_offset, end_offset, quote FROM passages WHERE document_id = ? "
                "ORDER BY start_offset, end_offset",
                (document_id,),
            )
        ]

    def spans(self, document_id: int) -> list[tuple[int, int, int, int, int]]:
        """``(coding id, passage id, start, end, issue id)`` for every coding of a document, in text order.

        The cheap read behind the viewer's highlights (thousands per document); :meth:`records`
        gives the full rows for the few a reader points at.
        """
        return self._conn.execute(
            "SELECT c.id, p.id, p.start_offset, p.end_offset, c.issue_id FROM codings c "
            "JOIN passages p ON p.id = c.passage_id WHERE p.document_id = ? "
            "ORDER BY p.start_offset, p.end_offset, c.id",
            (document_id,),
        ).fetchall()

    def passage_problems(self) -> list[str]:
        """Passages whose offsets fall outside their document or whose quote no longer matches."""
        problems: list[str] = []
        rows = self._conn.execute(
            "SELECT p.id, p.document_id, p.start_offset, p.end_offset, p.quote, t.text "
            "FROM passages p LEFT JOIN document_texts t ON t.document_id = p.document_id "
            "ORDER BY p.document_id, p.id"
        )
        for passage_id, document_id, start, end, quote, text in rows:
            if text is None:
                problems.append(f"passage {passage_id} belongs to document {document_id}, which has no text")
            elif start < 0 or end > len(text) or end <= start:
                problems.append(
                    f"passage {passage_id} in document {document_id} has offsets {start}:{end} outside the text "
                    f"({len(text)} characters)"
                )
            elif text[start:end] != quote:
                problems.append(
                    f"passage {passage_id} in document {document_id}: the quote no longer matches the text at "
                    f"{start}:{end}"
                )
        return problems

    def position_problems(self) -> list[str]:
        """Codings whose position is not a point of their issue's scale."""
        rows = self._conn.execute(
            "SELECT c.id, c.position, i.name FROM codings c JOIN issues i ON i.id = c.issue_id "
            "LEFT JOIN scale_points sp ON sp.issue_id = c.issue_id AND sp.value = c.position "
            "WHERE sp.value IS NULL ORDER BY c.id"
        )
        return [f"coding {cid} has position {pos}, which is not on the scale of {issue!r}" for cid, pos, issue in rows]

    # -- helpers ----------------------------------------------------------------------------

    def _check_passage(self, passage: Passage) -> None:
        text = self._project.documents.text(passage.document_id)
        if passage.end > len(text):
            raise ConflictError(
                f"the span {passage.start}:{passage.end} runs past the end of document {passage.document_id} "
                f"({len(text)} characters)"
            )
        if text[passage.start:passage.end] != passage.quote:
            raise ConflictError("the quote does not match the document's text at those offsets")

    def _check_position(self, issue_id: int, position: int) -> None:
        scale = self._project.issues.scale(issue_id)
        if not scale.points:
            raise NotFoundError(f"there is no issue {issue_id} in this project")
        if scale.label_for(position) is None:
            issue = self._project.issues.get(issue_id)
            raise ConflictError(f"{position} is not a point of the scale of {issue.name!r} ({scale.describe()})")

    def _passage_id(self, passage: Passage, *, preferred_id: int | None = None) -> int:
        row = self._conn.execute(
            "SELECT id FROM passages WHERE document_id = ? AND start_offset = ? AND end_offset = ?",
            (passage.document_id, passage.start, passage.end),
        ).fetchone()
        if row:
            return int(row[0])
        if preferred_id is not None and self._conn.execute(
            "SELECT 1 FROM passages WHERE id = ?", (preferred_id,)
        ).fetchone() is None:
            self._conn.execute(
                "INSERT INTO passages (id, document_id, start_offset, end_offset, quote) VALUES (?, ?, ?, ?, ?)",
                (preferred_id, passage.document_id, passage.start, passage.end, passage.quote),
            )
            return preferred_id
        cursor = self._conn.execute(
            "INSERT INTO passages (document_id, start_offset, end_offset, quote) VALUES (?, ?, ?, ?)",
            (passage.document_id, passage.start, passage.end, passage.quote),
        )
        return int(cursor.lastrowid)


class _PageFinder:
    """The page a passage starts on: the highest-numbered page of its document starting at or before it.

    Page starts are read once per document that has pages and searched with bisect; a document
    whose page starts are not whole numbers rising with the page number (only in a damaged file)
    is asked of SQL passage by passage, so the answer is always the one the SQL definition gives.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._starts: dict[int, tuple[list[int], list[int]] | None] = {}
        self._paged = {row[0] for row in connection.execute("SELECT DISTINCT document_id FROM document_pages")}

    def page(self, document_id: int, offset: int) -> int | None:
        if document_id not in self._paged:
            return None
        found = self._starts.get(document_id, False)
        if found is False:
            found = self._starts[document_id] = self._load(document_id)
        if found is None or not isinstance(offset, int):
            row = self._conn.execute(_PAGE_AT, (document_id, offset)).fetchone()
            return row[0] if row else None
        numbers, starts = found
        index = bisect_right(starts, offset)
        return numbers[index - 1] if index else None

    def _load(self, document_id: int) -> tuple[list[int], list[int]] | None:
        rows = self._conn.execute(
            "SELECT page_number, start_offset FROM document_pages WHERE document_id = ? ORDER BY page_number",
            (document_id,),
        ).fetchall()
        numbers = [number for number, _ in rows]
        starts = [start for _, start in rows]
        exact = all(type(value) is int for value in (*numbers, *starts))
        if not exact or any(later < earlier for earlier, later in zip(starts, starts[1:], strict=False)):
            return None
        return numbers, starts


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else utc_now()
