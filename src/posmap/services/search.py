"""Full-text search over a project's documents, with keyword-in-context hits."""

from __future__ import annotations

import functools
import itertools
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
            parts.append(_any_of(['"' + " ".join(spelling) + '"' for spelling in _spellings(tokens)]))
        else:
            parts.extend(_any_of([f'"{spelling[0]}"*' for spelling in _spellings([token])]) for token in tokens)
    # An explicit AND: FTS5 does not accept an implicit one before a parenthesised group.
    return " AND ".join(parts)


# Letters that readers treat as one but Unicode does not relate: Turkish dotless "ı" is typed as "i" on
# other keyboards, and Russian text writes "ё" as "е" as often as not. The index keeps them apart, so a
# query is widened to every spelling, and hits are matched with them folded together.
_ALIKE = {"i": "iı", "I": "iı", "ı": "iı", "İ": "iı", "е": "её", "Е": "её", "ё": "её", "Ё": "её"}
_ALIKE_FOLD = str.maketrans({"ı": "i", "ё": "е"})
_MAX_SPELLINGS = 8


def _spellings(tokens: list[str]) -> list[tuple[str, ...]]:
    """``tokens`` as typed and with look-alike letters swapped, as few as needed and never too many."""
    choices = [_ALIKE.get(ch, ch) for ch in "\0".join(tokens)]
    count = 1
    for options in choices:
        count *= len(options)
    if count == 1:
        return [tuple(tokens)]
    if count > _MAX_SPELLINGS:
        # Too many mixtures: as typed, and every look-alike letter written one way throughout or the other.
        spelled = ["\0".join(tokens)] + ["".join(options[variant] for options in choices) for variant in (0, -1)]
    else:
        spelled = ["".join(letters) for letters in itertools.product(*choices)]
    return [tuple(text.split("\0")) for text in dict.fromkeys(spelled)]


def _any_of(alternatives: list[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def _fold(text: str) -> str:
    """Lower-case and drop diacritics as the full-text index does, one output character per input character.

    Like the index, only diacritics on Latin letters go: "é" matches "e", but Cyrillic "й" stays apart
    from "и" and Greek "ή" from "η", because they are different letters there.
    """
    # Each character folds on its own, so one str.translate over a table of the text's distinct
    # characters does it at C speed (a loop per character took a third of a second per megabyte).
    return text.translate({ord(ch): _fold_character(ch) for ch in set(text)})


@functools.lru_cache(maxsize=4096)
def _fold_character(ch: str) -> str:
    base = unicodedata.normalize("NFD", ch)[0] if ch.isalpha() else ch
    return ((base if base.isascii() else ch).casefold()[:1] or ch).translate(_ALIKE_FOLD)


def search_corpus(
    project: Project, user_query: str, *, limit: int = 200, context: int = 60, per_document: int = 20
) -> list[SearchHit]:
    """Keyword-in-context hits for ``user_query``, best-matching documents first.

    Matching ignores case and diacritics, as the full-text index does.
    """
    query = fts_query(user_query)
    if not query:
        return []
    pattern = _hit_pattern(user_query)
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


def _hit_pattern(user_query: str) -> re.Pattern[str]:
    """What a hit is in the folded text: a phrase in quotes as a whole, any other word as a word prefix."""
    alternatives: set[str] = set()
    for phrase, words in re.findall(r'"([^"]*)"|([^"\s]+)', user_query):
        tokens = [_fold(token) for token in _TOKEN.findall(phrase or words)]
        if phrase and tokens:
            alternatives.add(r"\b" + r"\W+".join(re.escape(token) for token in tokens))
        else:
            alternatives.update(r"\b" + re.escape(token) for token in tokens)
    return re.compile("|".join(sorted(alternatives, key=len, reverse=True)))


def _word_end(text: str, end: int) -> int:
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return end


def _one_line(text: str) -> str:
    return " ".join(text.split())
