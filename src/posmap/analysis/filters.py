"""Which codings a matrix or briefing looks at: a filter over coding rows, in plain Python.

The service pushes what it can of a :class:`RecordFilter` down into the store's SQL query; the
same filter applied here in memory gives the same result, so a view holding all codings can
refilter without going back to the project file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from posmap.analysis.catalogue import Axis, Catalogue, DocumentDates, DocumentRef, descendants_map
from posmap.model import CodingRow

R = TypeVar("R", bound=CodingRow)


@dataclass(frozen=True)
class RecordFilter:
    """A selection of codings. Every empty collection or None means "no restriction".

    Values within one field are alternatives (any of them); different fields must all hold.

    - ``document_ids``: codings in one of these documents.
    - ``document_kinds``, ``document_authors``: the document's kind / author equals one of these,
      compared case-insensitively after trimming spaces.
    - ``since``, ``until``: the document's date lies in this closed range. Undated documents are
      left out as soon as either bound is set (their date is unknown, not "in range").
    - ``attributions``, ``kinds``, ``coders``: exact values of the coding's attribution, kind, coder.
    - ``actor_ids``, ``issue_ids``: codings about these actors / issues; with ``include_descendants``
      also about any actor / issue nested below them (this needs the catalogue).
    """

    document_ids: tuple[int, ...] = ()
    document_kinds: tuple[str, ...] = ()
    document_authors: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    attributions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    actor_ids: tuple[int, ...] = ()
    issue_ids: tuple[int, ...] = ()
    include_descendants: bool = False

    def __post_init__(self) -> None:
        for name in ("document_ids", "document_kinds", "document_authors", "attributions", "kinds", "coders",
                     "actor_ids", "issue_ids"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError(f"the date range starts ({self.since}) after it ends ({self.until})")

    @property
    def is_empty(self) -> bool:
        """True when the filter lets every coding through."""
        return self == RecordFilter(include_descendants=self.include_descendants)

    @property
    def restricts_documents(self) -> bool:
        return bool(self.document_ids or self.document_kinds or self.document_authors or self.since or self.until)

    def accepts_document(self, document: DocumentRef) -> bool:
        """Whether the document-level conditions (ids, kind, author, dates) let this document through."""
        if self.document_ids and document.id not in self.document_ids:
            return False
        if self.document_kinds and _fold(document.kind) not in {_fold(k) for k in self.document_kinds}:
            return False
        if self.document_authors and _fold(document.author) not in {_fold(a) for a in self.document_authors}:
            return False
        return _date_in_range(document.date, self.since, self.until)

    def describe(self) -> list[str]:
        """The active conditions as short readable phrases (for export headers), e.g. ``"since 2024-01-01"``."""
        parts: list[str] = []
        for label, values in (
            ("document", self.document_ids), ("document kind", self.document_kinds),
            ("document author", self.document_authors), ("attribution", self.attributions),
            ("coding kind", self.kinds), ("coder", self.coders), ("actor", self.actor_ids),
            ("issue", self.issue_ids),
        ):
            if values:
                parts.append(f"{label}: {', '.join(str(v) for v in values)}")
        if self.since:
            parts.append(f"since {self.since.isoformat()}")
        if self.until:
            parts.append(f"until {self.until.isoformat()}")
        if (self.actor_ids or self.issue_ids) and self.include_descendants:
            parts.append("including nested actors and issues")
        return parts


def filter_records(
    records: Iterable[R], where: RecordFilter, catalogue: Catalogue | None = None
) -> list[R]:
    """The codings ``where`` lets through, in their original order.

    The catalogue supplies what a coding row does not carry: a document's kind (and, for a
    :class:`~posmap.model.CodingPoint`, its author and date), and the nesting
    of actors and issues for ``include_descendants``. Without it, a kind condition matches nothing
    and ids match only themselves.
    """
    records = list(records)
    if where.is_empty:
        return records
    catalogue = catalogue or Catalogue()
    actor_ids = _expand(where.actor_ids, catalogue.parents(Axis.ACTORS), where.include_descendants)
    issue_ids = _expand(where.issue_ids, catalogue.parents(Axis.ISSUES), where.include_descendants)
    document_ids = set(where.document_ids)
    kinds = {_fold(k) for k in where.document_kinds}
    authors = {_fold(a) for a in where.document_authors}
    since = where.since.isoformat() if where.since else None
    until = where.until.isoformat() if where.until else None
    attributions, coding_kinds, coders = set(where.attributions), set(where.kinds), set(where.coders)
    if coders and records and not hasattr(records[0], "coder"):
        raise ValueError("coding points carry no coder: select codings by coder where they are read")
    dates = DocumentDates(catalogue)
    kept: list[R] = []
    for r in records:
        if document_ids and r.document_id not in document_ids:
            continue
        if kinds:
            document = catalogue.document(r.document_id)
            if document is None or _fold(document.kind) not in kinds:
                continue
        if authors:
            document = catalogue.document(r.document_id)
            # A CodingPoint carries no author; a CodingRecord does, for documents the catalogue lacks.
            author = document.author if document is not None else getattr(r, "document_author", "")
            if _fold(author) not in authors:
                continue
        if (since or until) and not _date_in_range(dates.one(r), where.since, where.until, since, until):
            continue
        if attributions and r.attribution not in attributions:
            continue
        if coding_kinds and r.kind not in coding_kinds:
            continue
        if coders and r.coder not in coders:
            continue
        if actor_ids and r.actor_id not in actor_ids:
            continue
        if issue_ids and r.issue_id not in issue_ids:
            continue
        kept.append(r)
    return kept


def _expand(ids: tuple[int, ...], parents: dict[int, int | None], with_descendants: bool) -> set[int]:
    if not ids or not with_descendants:
        return set(ids)
    below = descendants_map(parents)
    expanded: set[int] = set()
    for entry_id in ids:
        expanded |= below.get(entry_id, frozenset({entry_id}))
    return expanded


def _fold(text: str) -> str:
    return text.strip().casefold()


def _date_in_range(
    date: str | None, since: dt.date | None, until: dt.date | None,
    since_text: str | None = None, until_text: str | None = None,
) -> bool:
    if since is None and until is None:
        return True
    if not date:
        return False
    since_text = since_text or (since.isoformat() if since else None)
    until_text = until_text or (until.isoformat() if until else None)
    # ISO dates compare correctly as text; a date with a time part still sorts by its day.
    day = date[:10]
    return (since_text is None or day >= since_text) and (until_text is None or day <= until_text)
