"""Property tests over open-ended input: offsets, quote re-anchoring, codebook files, text import."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posmap.gui.offsets import OffsetMap
from posmap.ingest import IngestError, normalise_text, read_document
from posmap.model import Actor, Document, Issue
from posmap.services.checking import integrity_problems
from posmap.services.codebook import CodebookFileError, read_codebook_file
from posmap.services.coding import CodingRequest, QuoteNotFoundError, code_span, locate_quote, quote_occurrences
from posmap.store import Project

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text with the characters that make offsets hard: outside the BMP, combining marks, line breaks.
PIECES = st.sampled_from(
    ["a", "b", " ", "  ", "\n", "\t", "Ж", "ї", "é", "e\u0301", "😀", "🇺🇦", "𝔊", "𠀋", ".", "ab", "\u00a0"]
)
TEXTS = st.lists(PIECES, min_size=1, max_size=40).map("".join)


# -- offsets: code points in the store, UTF-16 only at the GUI boundary ------------------------------------


@pytest.fixture(scope="module")
def fuzz_project() -> Project:
    with tempfile.TemporaryDirectory() as folder:
        project = Project.create(Path(folder) / "fuzz.posmap")
        project.actors.add(Actor(name="Norland"))
        project.issues.add(Issue(name="Monitors"))
        yield project
        project.close()


@FUZZ
@given(text=TEXTS, data=st.data())
def test_a_qt_selection_is_stored_as_the_code_points_it_shows(fuzz_project: Project, text: str, data) -> None:
    offsets = OffsetMap(text)
    qt_start = data.draw(st.integers(0, offsets.qt_length - 1))
    qt_end = data.draw(st.integers(qt_start + 1, offsets.qt_length))
    start, end = offsets.span_from_qt(qt_start, qt_end)
    if start == end:
        return  # a selection inside one surrogate pair selects nothing
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    document_id = fuzz_project.documents.find_by_sha256(digest) or fuzz_project.documents.add(
        Document(title="Fuzz", sha256=digest, text=text)
    )
    coding_id = code_span(fuzz_project, document_id, start, end, CodingRequest("Norland", "Monitors", 1))
    record = fuzz_project.codings.record(coding_id)
    assert (record.start, record.end, record.quote) == (start, end, text[start:end])
    shown_start, shown_end = offsets.span_to_qt(record.start, record.end)
    assert shown_start <= qt_start and qt_end <= shown_end  # whole characters, never half a pair
    assert text.encode("utf-16-le")[2 * shown_start:2 * shown_end].decode("utf-16-le") == record.quote


def test_fuzzed_project_passes_every_rule(fuzz_project: Project) -> None:
    """Runs after the property above (same module project): everything it stored is sound."""
    assert integrity_problems(fuzz_project) == []


# -- quote re-anchoring ------------------------------------------------------------------------------------


@FUZZ
@given(text=TEXTS, data=st.data())
def test_any_substring_is_found_where_it_stands(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    spans = quote_occurrences(text, quote)
    if not quote.strip():
        assert spans == []  # white space alone is never a quote
        return
    assert (start, end) in spans
    assert all(text[s:e] == quote for s, e in spans)
    occurrence = spans.index((start, end)) + 1
    assert locate_quote(text, quote, occurrence) == (start, end)


@FUZZ
@given(text=TEXTS, data=st.data())
def test_quote_copied_across_a_line_break_still_anchors(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = " ".join(text[start:end].split())  # as pasted from a rendered page
    for s, e in quote_occurrences(text, quote):
        assert 0 <= s < e <= len(text)
        assert " ".join(text[s:e].split()) == quote


@FUZZ
@given(text=TEXTS, quote=st.text(max_size=20), occurrence=st.one_of(st.none(), st.integers(-3, 5)))
def test_locate_quote_fails_only_with_a_clear_error(text: str, quote: str, occurrence: int | None) -> None:
    try:
        start, end = locate_quote(text, quote, occurrence)
    except QuoteNotFoundError as error:
        assert "\n" not in str(error)
    else:
        assert 0 <= start < end <= len(text)


# -- codebook files -----------------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
NAMES = st.sampled_from(["A", "B", "C", "a", " ", "", "Norland", "x" * 201])
ENTRY = st.fixed_dictionaries(
    {"name": NAMES},
    optional={"parent": st.one_of(st.none(), NAMES), "color": st.sampled_from(["#123456", "red", 5]),
              "kind": st.sampled_from(["state", "alien"]), "aliases": st.lists(NAMES, max_size=2),
              "scale": st.one_of(JSON, st.fixed_dictionaries({"points": st.lists(st.fixed_dictionaries(
                  {"value": st.integers(-1001, 1001), "label": NAMES}), max_size=4)}))},
)
CODEBOOKS = st.fixed_dictionaries(
    {"format": st.sampled_from(["posmap-codebook", "other"])},
    optional={"version": st.integers(-1, 3), "actors": st.lists(ENTRY, max_size=4),
              "issues": st.lists(ENTRY, max_size=4)},
)


def _read_codebook(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "codebook.json"
        path.write_bytes(content)
        try:
            read_codebook_file(path)
        except CodebookFileError as error:
            assert "\n" not in str(error)


@FUZZ
@given(JSON | CODEBOOKS)
def test_codebook_file_with_any_json_raises_only_codebook_errors(data) -> None:
    _read_codebook(json.dumps(data).encode())


@FUZZ
@given(st.binary(max_size=200))
def test_codebook_file_with_any_bytes_raises_only_codebook_errors(data: bytes) -> None:
    _read_codebook(data)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deeply nested JSON"),
        pytest.param(
            json.dumps({"format": "posmap-codebook", "actors": [{"name": "A", "parent": "B"},
                                                                 {"name": "B", "parent": "C"}]}).encode(),
            id="grandparent missing",
        ),
    ],
)
def test_codebook_file_edge_cases_raise_only_codebook_errors(content: bytes) -> None:
    _read_codebook(content)


# -- importers' text normalisation ------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)


@FUZZ
@given(ANY_TEXT)
def test_normalise_text_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "\r" not in once and "\x00" not in once


@FUZZ
@given(data=st.binary(min_size=1, max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html", ".htm"]))
def test_any_bytes_are_read_or_refused_with_one_sentence(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        try:
            document = read_document(path)
        except IngestError as error:
            assert "\n" not in str(error)
        else:
            assert document.text and normalise_text(document.text) == document.text
