"""Helpers for service tests: documents stored straight into a project."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from posmap.model import Document, PageSpan
from posmap.store import Project


@pytest.fixture
def add_document(project: Project) -> Callable[..., int]:
    """Store a document with ``text``; ``pages`` is a list of (start, end) spans."""

    def add(text: str, *, title: str = "Sample document", pages: list[tuple[int, int]] = (), **metadata) -> int:
        digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
        spans = [PageSpan(number=n, start=s, end=e) for n, (s, e) in enumerate(pages, start=1)]
        return project.documents.add(Document(title=title, sha256=digest, text=text, pages=spans, **metadata))

    return add
