"""Coding passages by quote or span: finding the quote, clear errors, exact offsets."""

from __future__ import annotations

import pytest

from posmap.model import Actor, Attribution, CodingKind, Issue, Scale
from posmap.services.coding import (
    CodingRequest,
    QuoteNotFoundError,
    code_quote,
    code_span,
    locate_quote,
    quote_occurrences,
)
from posmap.store import ConflictError, NotFoundError, Project

TEXT = (
    "Norland wants a ceasefire. Estmark wants a ceasefire too, but only\n"
    "after the withdrawal. Sudria 😀 offers to host the talks.\n"
    "Norland wants a ceasefire."
)


@pytest.fixture
def document(project: Project, add_document) -> int:
    project.actors.add(Actor(name="Norland", aliases=["NL"]))
    project.actors.add(Actor(name="Estmark"))
    project.issues.add(Issue(name="Ceasefire"))
    project.issues.add(Issue(name="Venue", scale=Scale.from_labels("Geneva;Sudria;elsewhere")))
    return add_document(TEXT)


# -- finding quotes ------------------------------------------------------------------------------


def test_locate_exact_quote() -> None:
    start, end = locate_quote(TEXT, "offers to host")
    assert TEXT[start:end] == "offers to host"


def test_several_occurrences_need_an_occurrence_number() -> None:
    with pytest.raises(QuoteNotFoundError) as caught:
        locate_quote(TEXT, "Norland wants a ceasefire.")
    assert "2 times" in str(caught.value) and "--occurrence" in str(caught.value)
    first = locate_quote(TEXT, "Norland wants a ceasefire.", 1)
    second = locate_quote(TEXT, "Norland wants a ceasefire.", 2)
    assert first[0] == 0 and second[0] == TEXT.rindex("Norland wants")


def test_occurrence_out_of_range() -> None:
    with pytest.raises(QuoteNotFoundError, match="no occurrence 3"):
        locate_quote(TEXT, "Norland wants a ceasefire.", 3)
    with pytest.raises(QuoteNotFoundError, match="1 time in"):
        locate_quote(TEXT, "offers to host", 2)


def test_missing_quote_is_a_clear_error() -> None:
    with pytest.raises(QuoteNotFoundError, match="not found in document 7"):
        locate_quote(TEXT, "Estmark surrenders", document_label="document 7")
    assert quote_occurrences(TEXT, "   ") == []


def test_whitespace_in_the_quote_matches_a_line_break() -> None:
    start, end = locate_quote(TEXT, "but only after   the withdrawal")
    assert TEXT[start:end] == "but only\nafter the withdrawal"


# -- coding ----------------------------------------------------------------------------------------


def test_code_quote_stores_exact_code_point_offsets(project: Project, document: int) -> None:
    request = CodingRequest(actor="estmark", issue="ceasefire", position="supports",
                            kind=CodingKind.DEMAND, attribution=Attribution.REPORTED, note="conditional",
                            coder="ana")
    coding_id = code_quote(project, document, "but only after the withdrawal", request)
    record = project.codings.record(coding_id)
    assert record.quote == "but only\nafter the withdrawal"
    assert (record.start, record.end) == (TEXT.index("but only"), TEXT.index("withdrawal") + len("withdrawal"))
    assert (record.actor, record.issue, record.position, record.position_label) == (
        "Estmark", "Ceasefire", 1, "supports"
    )
    assert (record.kind, record.attribution, record.note, record.coder) == ("demand", "reported", "conditional",
                                                                           "ana")


def test_code_quote_after_emoji(project: Project, document: int) -> None:
    coding_id = code_quote(project, document, "offers to host the talks", CodingRequest("NL", "Venue", "Sudria"))
    record = project.codings.record(coding_id)
    assert TEXT[record.start:record.end] == "offers to host the talks"
    assert record.actor == "Norland" and record.position == 1


def test_code_quote_with_occurrence(project: Project, document: int) -> None:
    request = CodingRequest(actor="Norland", issue="Ceasefire", position=2)
    coding_id = code_quote(project, document, "Norland wants a ceasefire.", request, occurrence=2)
    assert project.codings.record(coding_id).start == TEXT.rindex("Norland wants")
    with pytest.raises(QuoteNotFoundError):
        code_quote(project, document, "Norland wants a ceasefire.", request)
    assert project.codings.count() == 1


def test_code_span(project: Project, document: int) -> None:
    start = TEXT.index("Sudria")
    coding_id = code_span(project, document, start, start + 6, CodingRequest("Estmark", "Venue", "+1"))
    record = project.codings.record(coding_id)
    assert (record.start, record.end, record.quote, record.position_label) == (start, start + 6, "Sudria", "Sudria")


@pytest.mark.parametrize(("start", "end"), [(5, 5), (10, 4), (0, len(TEXT) + 1)])
def test_code_span_outside_the_text_is_refused(project: Project, document: int, start: int, end: int) -> None:
    with pytest.raises(ConflictError, match=f"{start}:{end}"):
        code_span(project, document, start, end, CodingRequest("Estmark", "Venue", "Geneva"))
    assert project.codings.count() == 0


def test_unknown_actor_error_lists_known_actors(project: Project, document: int) -> None:
    with pytest.raises(NotFoundError) as caught:
        code_quote(project, document, "offers to host", CodingRequest("Sudria", "Venue", "Geneva"))
    assert "Sudria" in str(caught.value) and "Estmark" in str(caught.value) and "Norland" in str(caught.value)


def test_unknown_issue_error_lists_known_issues(project: Project, document: int) -> None:
    with pytest.raises(NotFoundError) as caught:
        code_quote(project, document, "offers to host", CodingRequest("Estmark", "Sanctions", 0))
    assert "Sanctions" in str(caught.value) and "Ceasefire" in str(caught.value) and "Venue" in str(caught.value)


@pytest.mark.parametrize("position", ["Paris", "3", 7])
def test_position_off_the_scale_is_refused_naming_the_scale(project: Project, document: int, position) -> None:
    with pytest.raises(ConflictError) as caught:
        code_quote(project, document, "offers to host", CodingRequest("Estmark", "Venue", position))
    message = str(caught.value)
    assert "Venue" in message and "Geneva" in message and "elsewhere" in message
    assert project.codings.count() == 0


def test_missing_document(project: Project, document: int) -> None:
    with pytest.raises(NotFoundError, match="no document 99"):
        code_quote(project, 99, "x", CodingRequest("Estmark", "Venue", 0))
