"""What the analysis knows besides the codings: actors, issues (with scales) and documents.

The matrices draw their rows and columns from a :class:`Catalogue`, so an actor nobody has coded
yet still appears as an empty row, and the order is the codebook's tree order, not the order in
which codings happen to arrive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import repeat

from posmap.model import Actor, CodingRecord, CodingRow, Issue, Scale


class Axis(StrEnum):
    """What a matrix's rows or columns are."""

    ACTORS = "actors"
    ISSUES = "issues"
    DOCUMENTS = "documents"


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """The metadata of a document the analysis filters, orders and cites by; ``date`` is ISO ``YYYY-MM-DD``."""

    id: int
    title: str
    author: str = ""
    date: str | None = None
    kind: str = ""


@dataclass(frozen=True, slots=True)
class AxisEntry:
    """One row or column of a matrix.

    ``depth`` is the nesting level in the codebook (0 at the top) so a view can indent children;
    documents are always at depth 0. ``parent_id`` is the codebook parent, if any.
    """

    id: int
    label: str
    depth: int = 0
    parent_id: int | None = None


@dataclass(frozen=True)
class Catalogue:
    """The actors, issues and documents of a project, as the analysis needs them.

    Built once per matrix by the service (or by hand in tests). Lookups by id are prepared
    on creation.
    """

    actors: tuple[Actor, ...] = ()
    issues: tuple[Issue, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    _actors_by_id: dict[int, Actor] = field(init=False, repr=False, compare=False)
    _issues_by_id: dict[int, Issue] = field(init=False, repr=False, compare=False)
    _documents_by_id: dict[int, DocumentRef] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("actors", "issues", "documents"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for entry in (*self.actors, *self.issues):
            if entry.id is None:
                raise ValueError(f"{entry.name!r} has no id; the analysis needs stored actors and issues")
        object.__setattr__(self, "_actors_by_id", {a.id: a for a in self.actors})
        object.__setattr__(self, "_issues_by_id", {i.id: i for i in self.issues})
        object.__setattr__(self, "_documents_by_id", {d.id: d for d in self.documents})

    def actor(self, actor_id: int) -> Actor | None:
        return self._actors_by_id.get(actor_id)

    def issue(self, issue_id: int) -> Issue | None:
        return self._issues_by_id.get(issue_id)

    def document(self, document_id: int) -> DocumentRef | None:
        return self._documents_by_id.get(document_id)

    def scale(self, issue_id: int) -> Scale:
        issue = self._issues_by_id.get(issue_id)
        if issue is None:
            raise ValueError(f"issue {issue_id} is not in the catalogue, so its scale is unknown")
        return issue.scale

    def parents(self, axis: Axis) -> dict[int, int | None]:
        """Entry id → parent id for a nesting axis (documents do not nest: every parent is None)."""
        if axis is Axis.ACTORS:
            return {a.id: a.parent_id for a in self.actors}
        if axis is Axis.ISSUES:
            return {i.id: i.parent_id for i in self.issues}
        return {d.id: None for d in self.documents}

    def entries(self, axis: Axis) -> tuple[AxisEntry, ...]:
        """The rows or columns an axis offers, in display order.

        Actors and issues come in codebook tree order (each parent before its children, siblings by
        name, case-insensitive); documents by date, oldest first, undated ones last, ties by id.
        """
        if axis is Axis.DOCUMENTS:
            ordered = sorted(self.documents, key=lambda d: (d.date is None, d.date or "", d.id))
            return tuple(AxisEntry(id=d.id, label=d.title) for d in ordered)
        items = self.actors if axis is Axis.ACTORS else self.issues
        return _tree_order([(e.id, e.name, e.parent_id) for e in items])

    def with_records(self, records: Iterable[CodingRecord]) -> Catalogue:
        """A copy that also knows the documents (and, with the default scale, actors and issues) that
        ``records`` mention but the catalogue lacks — a convenience for callers holding only codings."""
        actors = {a.id: a for a in self.actors}
        issues = {i.id: i for i in self.issues}
        documents = {d.id: d for d in self.documents}
        for r in records:
            if r.actor_id not in actors:
                actors[r.actor_id] = Actor(id=r.actor_id, name=r.actor)
            if r.issue_id not in issues:
                issues[r.issue_id] = Issue(id=r.issue_id, name=r.issue)
            if r.document_id not in documents:
                documents[r.document_id] = DocumentRef(
                    id=r.document_id, title=r.document_title, author=r.document_author, date=r.document_date
                )
        return Catalogue(tuple(actors.values()), tuple(issues.values()), tuple(documents.values()))


_UNKNOWN = object()


class DocumentDates:
    """Each coding's document date: the catalogue's, or for a document it lacks, the one the coding
    row carries (a :class:`CodingRecord` does; a :class:`~posmap.model.CodingPoint` does not, so
    its document then counts as undated)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._date_of = {d.id: d.date for d in catalogue.documents}

    def of(self, rows: Sequence[CodingRow], document_ids: Sequence[int]) -> list[str | None]:
        """The dates of ``rows``, whose document ids are ``document_ids`` (looked up at C speed)."""
        dates = list(map(self._date_of.get, document_ids, repeat(_UNKNOWN)))
        if _UNKNOWN in dates:
            dates = [getattr(r, "document_date", None) if date is _UNKNOWN else date
                     for r, date in zip(rows, dates, strict=True)]
        return dates

    def one(self, row: CodingRow) -> str | None:
        date = self._date_of.get(row.document_id, _UNKNOWN)
        return getattr(row, "document_date", None) if date is _UNKNOWN else date


def _tree_order(items: Sequence[tuple[int, str, int | None]]) -> tuple[AxisEntry, ...]:
    known = {item_id for item_id, _, _ in items}
    children: dict[int | None, list[tuple[int, str, int | None]]] = {}
    for item in items:
        parent = item[2] if item[2] in known else None
        children.setdefault(parent, []).append(item)
    for siblings in children.values():
        siblings.sort(key=lambda item: (item[1].casefold(), item[0]))
    ordered: list[AxisEntry] = []
    seen: set[int] = set()

    def visit(parent: int | None, depth: int) -> None:
        for item_id, name, parent_id in children.get(parent, []):
            if item_id in seen:  # a cycle in damaged data must not loop forever
                continue
            seen.add(item_id)
            ordered.append(AxisEntry(id=item_id, label=name, depth=depth, parent_id=parent_id))
            visit(item_id, depth + 1)

    visit(None, 0)
    return tuple(ordered)


def ancestors_map(parents: Mapping[int, int | None]) -> dict[int, tuple[int, ...]]:
    """Entry id → the entry itself followed by its parent, grandparent … (cycles are cut)."""
    result: dict[int, tuple[int, ...]] = {}
    for entry_id in parents:
        chain = [entry_id]
        parent = parents.get(entry_id)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = parents.get(parent)
        result[entry_id] = tuple(chain)
    return result


def descendants_map(parents: Mapping[int, int | None]) -> dict[int, frozenset[int]]:
    """Entry id → the entry itself and every entry nested below it."""
    result: dict[int, set[int]] = {entry_id: {entry_id} for entry_id in parents}
    for entry_id, chain in ancestors_map(parents).items():
        for ancestor in chain:
            result.setdefault(ancestor, {ancestor}).add(entry_id)
    return {entry_id: frozenset(ids) for entry_id, ids in result.items()}


# -- scales -----------------------------------------------------------------------------------------


def scale_step(scale: Scale) -> int:
    """The smallest gap between two consecutive values of a scale (1 for the default −2…+2 scale)."""
    values = [p.value for p in scale.points]
    return min(b - a for a, b in zip(values, values[1:], strict=False))


def normalise(value: float, scale: Scale) -> float:
    """A position mapped onto −1…+1: ``(value − min) / (max − min) · 2 − 1``."""
    return (value - scale.minimum) / scale.width * 2 - 1


def same_scale(scales: Iterable[Scale]) -> Scale | None:
    """The scale all of ``scales`` share (same values and labels), or None when they differ or there are none."""
    first: Scale | None = None
    for scale in scales:
        if first is None:
            first = scale
        elif [(p.value, p.label) for p in scale.points] != [(p.value, p.label) for p in first.points]:
            return None
    return first
