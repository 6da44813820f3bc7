"""Helpers for store tests: documents and codings written straight through the repositories."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from posmap.model import Coding, Document, PageSpan, Passage
from posmap.store import Project


@pytest.fixture
def add_document(project: Project) -> Callable[..., int]:
    """Store a document with ``text``; ``pages`` is a list of (start, end) spans."""

    def add(text: str, *, title: str = "Sample document", pages: list[tuple[int, int]] = (), **metadata) -> int:
        digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
        spans = [PageSpan(number=n, start=s, end=e) for n, (s, e) in enumerate(pages, start=1)]
        return project.documents.add(Document(title=title, sha256=digest, text=text, pages=spans, **metadata))

    return add


@pytest.fixture
def add_coding(project: Project) -> Callable[..., int]:
    """Code the first occurrence of ``quote`` in a document; keyword arguments go to :class:`Coding`."""

    def add(document_id: int, quote: str, *, actor_id: int, issue_id: int, position: int = 1, **fields) -> int:
        text = project.documents.text(document_id)
        start = text.index(quote)
        passage = Passage(document_id=document_id, start=start, end=start + len(quote), quote=quote)
        coding = Coding(actor_id=actor_id, issue_id=issue_id, position=position, **fields)
        return project.codings.add(passage, coding)

    return add
