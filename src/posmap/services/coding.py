"""Coding passages: find a quote in a document and attach an actor, issue and position to it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from posmap.model import Attribution, Coding, CodingKind, Passage
from posmap.store import ConflictError, Project


class QuoteNotFoundError(ConflictError):
    """The quote is not in the document, or is ambiguous without an occurrence number."""


def quote_occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """Every place ``quote`` stands in ``text`` as (start, end) code-point offsets.

    An exact match is preferred; failing that, runs of white space in the quote match any
    run of white space in the text, so a quote copied across a line break still anchors.
    """
    if not quote.strip():
        return []
    spans = []
    start = text.find(quote)
    while start != -1:
        spans.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    if spans:
        return spans
    words = quote.split()
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def locate_quote(
    text: str, quote: str, occurrence: int | None = None, *, document_label: str = "the document"
) -> tuple[int, int]:
    """The span of ``quote`` in ``text``; ``occurrence`` (1-based) picks one of several."""
    spans = quote_occurrences(text, quote)
    if not spans:
        raise QuoteNotFoundError(f"the quote was not found in {document_label}")
    if occurrence is None:
        if len(spans) > 1:
            raise QuoteNotFoundError(
                f"the quote occurs {len(spans)} times in {document_label}; "
                f"choose one with --occurrence 1 to {len(spans)}"
            )
        return spans[0]
    if not 1 <= occurrence <= len(spans):
        raise QuoteNotFoundError(
            f"the quote occurs {len(spans)} time{'s' if len(spans) > 1 else ''} in {document_label}; "
            f"there is no occurrence {occurrence}"
        )
    return spans[occurrence - 1]


@dataclass(frozen=True)
class CodingRequest:
    """What a user says when coding: names and labels, resolved against the project."""

    actor: str
    issue: str
    position: str | int
    kind: CodingKind = CodingKind.POSITION
    attribution: Attribution = Attribution.OWN_WORDS
    confidence: float = 1.0
    note: str = ""
    coder: str = ""


def resolve_coding(project: Project, request: CodingRequest) -> Coding:
    """Turn names into ids and a label into a scale value, with clear errors for unknown ones."""
    actor = project.actors.by_name(request.actor)
    issue = project.issues.by_name(request.issue)
    try:
        position = issue.scale.resolve(request.position)
    except ValueError as exc:
        raise ConflictError(f"position for {issue.name!r}: {exc}") from None
    return Coding(
        actor_id=actor.id, issue_id=issue.id, position=position, kind=request.kind,
        attribution=request.attribution, confidence=request.confidence, note=request.note, coder=request.coder,
    )


def code_span(project: Project, document_id: int, start: int, end: int, request: CodingRequest) -> int:
    """Code the text between code-point offsets ``start`` and ``end``; returns the coding's id."""
    text = project.documents.text(document_id)
    if not 0 <= start < end <= len(text):
        raise ConflictError(
            f"the span {start}:{end} is not inside document {document_id} (0:{len(text)})"
        )
    coding = resolve_coding(project, request)
    passage = Passage(document_id=document_id, start=start, end=end, quote=text[start:end])
    return project.codings.add(passage, coding)


def code_quote(
    project: Project, document_id: int, quote: str, request: CodingRequest, *, occurrence: int | None = None
) -> int:
    """Code the place where ``quote`` stands in the document; returns the coding's id."""
    text = project.documents.text(document_id)
    start, end = locate_quote(text, quote, occurrence, document_label=f"document {document_id}")
    return code_span(project, document_id, start, end, request)
