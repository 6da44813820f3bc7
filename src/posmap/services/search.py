"""Full-text search over a project's documents, with keyword-in-context hits."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from posmap.store import Project

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    """One place a search term stands in a document, with text either side."""

    document_id: int
    document_title: str
    start: int
    end: int
    before: str
    match: str
    after: str
    page: int | None


def fts_query(user_query: str) -> str:
    """Turn what a user types into a safe FTS5 query: every word must occur (as a prefix).

    Text in double quotes is searched as a phrase. Operators and punctuation the user types
    are not interpreted, so no input can make the query invalid.
    """
    parts: list[str] = []
    for phrase, words in re.findall(r'"([^"]*)"|([^"\s]+)', user_query):
        tokens = _TOKEN.findall(phrase or words)
        if not tokens:
            continue
        if phrase:
            parts.append('"' + " ".join(tokens) + '"')
        else:
            parts.extend(f'"{token}"*' for token in tokens)
    return " ".join(parts)


def _fold(text: str) -> str:
    """Lower-case and drop diacritics, keeping one output character per input character."""
    return "".join(
        (unicodedata.normalize("NFD", ch)[0] if ch.isalpha() else ch).casefold()[:1] or ch for ch in text
    )


def search_corpus(
    project: Project, user_query: str, *, limit: int = 200, context: int = 60, per_document: int = 20
) -> list[SearchHit]:
    """Keyword-in-context hits for ``user_query``, best-matching documents first.

    Matching ignores case and diacritics, as the full-text index does.
    """
    query = fts_query(user_query)
    if not query:
        return []
    terms = [_fold(t) for t in _TOKEN.findall(user_query)]
    pattern = re.compile("|".join(r"\b" + re.escape(t) for t in sorted(set(terms), key=len, reverse=True)))
    hits: list[SearchHit] = []
    for match in project.documents.search(query, limit=limit):
        text = project.documents.text(match.document_id)
        pages = project.documents.pages(match.document_id)
        folded = _fold(text)
        for count, found in enumerate(pattern.finditer(folded)):
            if count >= per_document or len(hits) >= limit:
                break
            start, end = found.start(), _word_end(text, found.end())
            page = next((p.number for p in pages if p.start <= start < p.end), None)
            hits.append(
                SearchHit(
                    document_id=match.document_id,
                    document_title=match.title,
                    start=start,
                    end=end,
                    before=_one_line(text[max(0, start - context):start]),
                    match=text[start:end],
                    after=_one_line(text[end:end + context]),
                    page=page,
                )
            )
        if len(hits) >= limit:
            break
    return hits


def _word_end(text: str, end: int) -> int:
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return end


def _one_line(text: str) -> str:
    return " ".join(text.split())
