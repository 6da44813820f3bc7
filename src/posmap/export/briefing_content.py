"""What a briefing says, worked out before any page is laid out.

:func:`plan_briefing` turns the input (codebook entries in scope, filtered coding rows and the
metadata of their documents) into a :class:`BriefingPlan`: positions from the analysis module's
position matrix, contested cells, red lines, acceptable ranges and ZOPAs from the bargaining
module, the quotes chosen for each actor and issue, and the numbered list of sources. The
layout code in :mod:`posmap.export.briefing` only draws this plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from posmap.analysis.bargaining import (
    RED_LINE_KIND,
    STATED_POSITION_KINDS,
    AcceptableRange,
    IssueBargaining,
    RedLine,
    issue_bargaining,
    nearest_point,
)
from posmap.analysis.catalogue import Axis, Catalogue, DocumentRef
from posmap.analysis.contested import ContestedCell, contested_cells
from posmap.analysis.matrix import CellStats, position_matrix
from posmap.model import Actor, CodingRecord, Document, Issue, Scale

ATTRIBUTION_RANK = {"own_words": 0, "reported": 1, "assessment": 2}


@dataclass(frozen=True)
class BriefingInput:
    """Everything a briefing is drawn from; the service fills it from a project.

    ``actors`` and ``issues`` are the entries in scope; ``records`` the filtered codings about
    them; ``documents`` the metadata (no text needed) of every document those codings cite.
    """

    title: str
    actors: Sequence[Actor]
    issues: Sequence[Issue]
    records: Sequence[CodingRecord]
    documents: Sequence[Document]
    subtitle: str = ""
    author: str = ""
    marking: str = ""
    date: dt.date = field(default_factory=dt.date.today)
    language: str = "en"
    project_title: str = ""
    scope: Sequence[str] = ()
    max_quotes: int = 5
    paper: str = "a4"
    generator: str = "posmap"


@dataclass(frozen=True)
class Source:
    """A document cited by the briefing, with its number ("S3") and link anchor."""

    number: int
    document: Document
    codings: int

    @property
    def label(self) -> str:
        return f"S{self.number}"

    @property
    def key(self) -> str:
        return f"source-{self.document.id}"


@dataclass(frozen=True)
class Evidence:
    """One quoted passage behind an actor's position on an issue (its codings there share the passage)."""

    records: tuple[CodingRecord, ...]

    @property
    def first(self) -> CodingRecord:
        return self.records[0]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.kind for r in self.records))

    @property
    def is_red_line(self) -> bool:
        return any(r.kind == RED_LINE_KIND for r in self.records)


@dataclass(frozen=True)
class ActorPosition:
    """One actor on one issue: its aggregated position, red line, range and chosen quotes."""

    actor: Actor
    stats: CellStats | None
    point: int | None
    red_line: RedLine | None
    acceptable: AcceptableRange | None
    contested: bool
    evidence: tuple[Evidence, ...]
    passages: int
    codings: int

    @property
    def omitted(self) -> int:
        return self.passages - len(self.evidence)


@dataclass(frozen=True)
class IssuePlan:
    number: int
    issue: Issue
    positions: tuple[ActorPosition, ...]
    bargaining: IssueBargaining
    codings: int

    @property
    def key(self) -> str:
        return f"issue-{self.issue.id}"

    @property
    def scale(self) -> Scale:
        return self.issue.scale

    def label(self, value: float | None) -> str:
        if value is None:
            return ""
        return self.scale.label_for(nearest_point(value, self.scale)) or ""


@dataclass(frozen=True)
class ContestedPoint:
    """A contested cell with the sources at its two ends."""

    cell: ContestedCell
    issue: Issue
    actor: Actor
    low_document: int
    low_value: float
    high_document: int
    high_value: float
    low_evidence: tuple[CodingRecord, ...]
    high_evidence: tuple[CodingRecord, ...]
    documents: int


@dataclass(frozen=True)
class BriefingPlan:
    input: BriefingInput
    actor_rows: tuple[tuple[Actor, int], ...]
    """Actors in display order with their nesting depth."""
    issues: tuple[IssuePlan, ...]
    contested: tuple[ContestedPoint, ...]
    sources: tuple[Source, ...]
    source_by_document: dict[int, Source]
    record_count: int
    first_date: str | None
    last_date: str | None
    undated_documents: int

    def position(self, issue_plan: IssuePlan, actor_id: int) -> ActorPosition | None:
        for position in issue_plan.positions:
            if position.actor.id == actor_id:
                return position
        return None


def plan_briefing(content: BriefingInput) -> BriefingPlan:
    """Work out the whole content of a briefing from its input (see the module docstring)."""
    actor_ids = {a.id for a in content.actors}
    issue_ids = {i.id for i in content.issues}
    documents = {d.id: d for d in content.documents}
    records = [
        r for r in content.records
        if r.actor_id in actor_ids and r.issue_id in issue_ids and r.document_id in documents
    ]
    catalogue = Catalogue(
        actors=tuple(content.actors),
        issues=tuple(content.issues),
        documents=tuple(
            DocumentRef(id=d.id, title=d.title, author=d.author, date=d.date.isoformat() if d.date else None,
                        kind=d.kind)
            for d in content.documents
        ),
    )
    stated = [r for r in records if r.kind in STATED_POSITION_KINDS]
    matrix = position_matrix(stated, catalogue, rows=Axis.ACTORS, columns=Axis.ISSUES)
    row_of = {entry.id: n for n, entry in enumerate(matrix.rows)}
    column_of = {entry.id: n for n, entry in enumerate(matrix.columns)}
    actors_by_id = {a.id: a for a in content.actors}
    issues_by_id = {i.id: i for i in content.issues}
    actor_rows = tuple((actors_by_id[e.id], e.depth) for e in matrix.rows)

    by_cell: dict[tuple[int, int], list[CodingRecord]] = {}
    for r in records:
        by_cell.setdefault((r.actor_id, r.issue_id), []).append(r)

    contested = contested_cells(matrix)
    contested_keys = {(c.actor.id, c.issue.id) for c in contested}

    issue_plans: list[IssuePlan] = []
    for number, entry in enumerate(matrix.columns, start=2):
        issue = issues_by_id[entry.id]
        column = column_of[issue.id]
        ideal_points = {
            actor.id: stats.mean
            for actor, _ in actor_rows
            if (stats := matrix.cell(row_of[actor.id], column)) is not None
        }
        ordered_ids = [actor.id for actor, _ in actor_rows]
        issue_records = [r for r in records if r.issue_id == issue.id]
        bargaining = issue_bargaining(issue_records, issue.id, issue.scale, ideal_points, actor_ids=ordered_ids)
        ranges = {r.actor_id: r for r in bargaining.ranges}
        positions: list[ActorPosition] = []
        for actor, _ in actor_rows:
            cell_records = by_cell.get((actor.id, issue.id), [])
            if not cell_records:
                continue
            stats = matrix.cell(row_of[actor.id], column)
            red_line = bargaining.red_lines.get(actor.id)
            evidence, passages = _choose_evidence(cell_records, red_line, content.max_quotes)
            positions.append(ActorPosition(
                actor=actor,
                stats=stats,
                point=nearest_point(stats.mean, issue.scale) if stats else None,
                red_line=red_line,
                acceptable=ranges.get(actor.id),
                contested=(actor.id, issue.id) in contested_keys,
                evidence=evidence,
                passages=passages,
                codings=len(cell_records),
            ))
        # Along the scale, so the text reads in the order of the position map; actors with only
        # red lines or concessions come last.
        positions.sort(key=lambda p: (p.stats is None, p.stats.mean if p.stats else 0.0))
        issue_plans.append(IssuePlan(
            number=number, issue=issue, positions=tuple(positions), bargaining=bargaining,
            codings=len(issue_records),
        ))

    records_by_id = {r.id: r for r in stated}
    contested_points = tuple(
        _contested_point(c, actors_by_id[c.actor.id], issues_by_id[c.issue.id], records_by_id,
                         max(1, min(3, content.max_quotes)))
        for c in contested
    )

    counts: dict[int, int] = {}
    for r in records:
        counts[r.document_id] = counts.get(r.document_id, 0) + 1
    cited = [documents[i] for i in counts]
    cited.sort(key=lambda d: (d.date is None, d.date or dt.date.min, d.title.casefold(), d.id))
    sources = tuple(Source(number=n, document=d, codings=counts[d.id]) for n, d in enumerate(cited, start=1))
    dates = sorted(d.date.isoformat() for d in cited if d.date)
    return BriefingPlan(
        input=content,
        actor_rows=actor_rows,
        issues=tuple(issue_plans),
        contested=contested_points,
        sources=sources,
        source_by_document={s.document.id: s for s in sources},
        record_count=len(records),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        undated_documents=sum(1 for d in cited if d.date is None),
    )


def _evidence_rank(evidence: Evidence, red_line: RedLine | None) -> tuple:
    first = evidence.first
    chosen_red_line = red_line is not None and any(r.id == red_line.coding_id for r in evidence.records)
    best_attribution = min(ATTRIBUTION_RANK.get(r.attribution, 3) for r in evidence.records)
    return (not chosen_red_line, best_attribution, -_day_number(first.document_date),
            -max(r.confidence for r in evidence.records), first.document_id, first.start)


def _day_number(date: str | None) -> int:
    """A document date as a day count for sorting; undated documents sort as the oldest."""
    try:
        return dt.date.fromisoformat((date or "")[:10]).toordinal()
    except ValueError:
        return 0


def _choose_evidence(records: list[CodingRecord], red_line: RedLine | None,
                     limit: int) -> tuple[tuple[Evidence, ...], int]:
    """At most ``limit`` quoted passages: the chosen red line first, then the actor's own words before
    reports before assessments, newer sources before older ones, surer codings before less sure."""
    by_passage: dict[int, list[CodingRecord]] = {}
    for r in records:
        by_passage.setdefault(r.passage_id, []).append(r)
    evidence = [Evidence(tuple(group)) for group in by_passage.values()]
    evidence.sort(key=lambda e: _evidence_rank(e, red_line))
    return tuple(evidence[:limit]), len(evidence)


def _contested_point(cell: ContestedCell, actor: Actor, issue: Issue, records_by_id: dict[int, CodingRecord],
                     per_side: int) -> ContestedPoint:
    means = cell.stats.document_means
    low_document, low_value = min(means, key=lambda item: (item[1], item[0]))
    high_document, high_value = max(means, key=lambda item: (item[1], -item[0]))
    members = [records_by_id[i] for i in cell.stats.coding_ids if i in records_by_id]

    def side(document_id: int) -> tuple[CodingRecord, ...]:
        chosen = [r for r in members if r.document_id == document_id]
        chosen.sort(key=lambda r: (ATTRIBUTION_RANK.get(r.attribution, 3), -r.confidence, r.start))
        return tuple(chosen[:per_side])

    return ContestedPoint(
        cell=cell, issue=issue, actor=actor,
        low_document=low_document, low_value=low_value, high_document=high_document, high_value=high_value,
        low_evidence=side(low_document), high_evidence=side(high_document), documents=len(means),
    )
