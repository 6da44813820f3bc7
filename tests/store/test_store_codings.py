"""Passages and codings: reuse of spans, clean-up, records with pages and labels, filters, code points."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from posmap.model import Actor, Attribution, Coding, CodingKind, Issue, Passage, Scale
from posmap.store import CodingFilter, ConflictError, NotFoundError, Project

PAGE_ONE = "Page one: Norland opens the talks.\n"
PAGE_TWO = "Page two: Estmark lists its demands.\n"
PAGE_THREE = "Page three: Norland accepts a ceasefire under monitoring."
PAGED_TEXT = PAGE_ONE + PAGE_TWO + PAGE_THREE
PAGES = [
    (0, len(PAGE_ONE)),
    (len(PAGE_ONE), len(PAGE_ONE + PAGE_TWO)),
    (len(PAGE_ONE + PAGE_TWO), len(PAGED_TEXT)),
]


@pytest.fixture
def setup(project: Project, add_document):
    """A paged and an unpaged document, two actors, an agreement issue and a custom-scale issue."""
    paged = add_document(PAGED_TEXT, title="Transcript", pages=PAGES, date=dt.date(2024, 5, 1))
    plain = add_document("Estmark will never accept monitoring.", title="Interview", date=dt.date(2025, 2, 1))
    norland = project.actors.add(Actor(name="Norland"))
    estmark = project.actors.add(Actor(name="Estmark"))
    ceasefire = project.issues.add(Issue(name="Ceasefire"))
    border = project.issues.add(Issue(name="Border", scale=Scale.from_labels("river;hill;mountain")))
    return {"paged": paged, "plain": plain, "norland": norland, "estmark": estmark,
            "ceasefire": ceasefire, "border": border}


def test_same_span_reuses_one_passage(project: Project, setup, add_coding) -> None:
    first = add_coding(setup["paged"], "Norland accepts a ceasefire", actor_id=setup["norland"],
                       issue_id=setup["ceasefire"], position=2)
    second = add_coding(setup["paged"], "Norland accepts a ceasefire", actor_id=setup["estmark"],
                        issue_id=setup["ceasefire"], position=-1, attribution=Attribution.REPORTED)
    assert project.codings.get(first).passage_id == project.codings.get(second).passage_id
    assert len(project.codings.passages(setup["paged"])) == 1


def test_deleting_the_last_coding_removes_its_passage(project: Project, setup, add_coding) -> None:
    quote = "Norland accepts a ceasefire"
    first = add_coding(setup["paged"], quote, actor_id=setup["norland"], issue_id=setup["ceasefire"])
    second = add_coding(setup["paged"], quote, actor_id=setup["estmark"], issue_id=setup["ceasefire"])
    project.codings.delete(first)
    assert [p.quote for p in project.codings.passages(setup["paged"])] == [quote]
    project.codings.delete(second)
    assert project.codings.passages(setup["paged"]) == []
    with pytest.raises(NotFoundError):
        project.codings.delete(second)


def test_records_give_page_numbers_for_paged_documents(project: Project, setup, add_coding) -> None:
    on_three = add_coding(setup["paged"], "accepts a ceasefire under monitoring", actor_id=setup["norland"],
                          issue_id=setup["ceasefire"], position=1)
    on_one = add_coding(setup["paged"], "Norland opens the talks", actor_id=setup["norland"],
                        issue_id=setup["ceasefire"], position=0)
    on_two = add_coding(setup["paged"], "Page two", actor_id=setup["estmark"], issue_id=setup["ceasefire"],
                        position=0)
    unpaged = add_coding(setup["plain"], "never accept monitoring", actor_id=setup["estmark"],
                         issue_id=setup["ceasefire"], position=-2)
    pages = {r.id: r.page for r in project.codings.records()}
    assert pages == {on_one: 1, on_two: 2, on_three: 3, unpaged: None}


def test_records_carry_labels_quotes_and_document_details(project: Project, setup, add_coding) -> None:
    coding_id = add_coding(setup["paged"], "Estmark lists its demands", actor_id=setup["estmark"],
                           issue_id=setup["border"], position=2, kind=CodingKind.DEMAND, note="maximal",
                           coder="ana", confidence=0.5)
    record = project.codings.record(coding_id)
    assert record.quote == "Estmark lists its demands"
    assert PAGED_TEXT[record.start:record.end] == record.quote
    assert (record.actor, record.issue, record.position, record.position_label) == (
        "Estmark", "Border", 2, "mountain"
    )
    assert (record.kind, record.attribution, record.note, record.coder, record.confidence) == (
        "demand", "own_words", "maximal", "ana", 0.5
    )
    assert (record.document_title, record.document_date) == ("Transcript", "2024-05-01")


def test_record_filters(project: Project, setup, add_coding) -> None:
    a = add_coding(setup["paged"], "Norland opens the talks", actor_id=setup["norland"],
                   issue_id=setup["ceasefire"], position=1, coder="ana")
    b = add_coding(setup["paged"], "Estmark lists its demands", actor_id=setup["estmark"],
                   issue_id=setup["border"], position=0, kind=CodingKind.RED_LINE, coder="ben")
    c = add_coding(setup["plain"], "never accept monitoring", actor_id=setup["estmark"],
                   issue_id=setup["ceasefire"], position=-2, attribution=Attribution.REPORTED, coder="ana")

    def ids(**criteria) -> set[int]:
        return {r.id for r in project.codings.records(CodingFilter(**criteria))}

    assert ids() == {a, b, c}
    assert ids(actor_ids=[setup["estmark"]]) == {b, c}
    assert ids(issue_ids=[setup["ceasefire"]]) == {a, c}
    assert ids(document_ids=[setup["plain"]]) == {c}
    assert ids(since=dt.date(2025, 1, 1)) == {c}
    assert ids(until=dt.date(2024, 12, 31)) == {a, b}
    assert ids(since=dt.date(2024, 5, 1), until=dt.date(2024, 5, 1)) == {a, b}
    assert ids(attributions=["reported"]) == {c}
    assert ids(kinds=["red_line"]) == {b}
    assert ids(coders=["ana"]) == {a, c}
    assert ids(actor_ids=[setup["estmark"]], coders=["ana"]) == {c}


def test_position_off_the_scale_is_refused(project: Project, setup) -> None:
    passage = Passage(document_id=setup["paged"], start=0, end=8, quote="Page one")
    with pytest.raises(ConflictError, match="Border"):
        project.codings.add(passage, Coding(actor_id=setup["norland"], issue_id=setup["border"], position=5))
    assert project.codings.count() == 0
    assert project.codings.passages(setup["paged"]) == []


def test_quote_that_does_not_match_the_text_is_refused(project: Project, setup) -> None:
    wrong = Passage(document_id=setup["paged"], start=0, end=8, quote="Page two")
    coding = Coding(actor_id=setup["norland"], issue_id=setup["ceasefire"], position=0)
    with pytest.raises(ConflictError):
        project.codings.add(wrong, coding)
    past_end = Passage(document_id=setup["plain"], start=30, end=60, quote="x" * 30)
    with pytest.raises(ConflictError, match="past the end"):
        project.codings.add(past_end, coding)
    assert project.codings.count() == 0


def test_unknown_actor_or_document_is_refused(project: Project, setup) -> None:
    passage = Passage(document_id=setup["paged"], start=0, end=8, quote="Page one")
    with pytest.raises(NotFoundError):
        project.codings.add(passage, Coding(actor_id=999, issue_id=setup["ceasefire"], position=0))
    with pytest.raises(NotFoundError):
        project.codings.add(Passage(document_id=999, start=0, end=1, quote="P"),
                            Coding(actor_id=setup["norland"], issue_id=setup["ceasefire"], position=0))
    assert project.codings.count() == 0


def test_update_and_restore(project: Project, setup, add_coding) -> None:
    coding_id = add_coding(setup["paged"], "Norland opens the talks", actor_id=setup["norland"],
                           issue_id=setup["ceasefire"], position=1)
    coding = project.codings.get(coding_id)
    passage = project.codings.passage(coding.passage_id)
    project.codings.update(coding.model_copy(update={"position": -1, "note": "on reflection"}))
    assert (project.codings.record(coding_id).position_label, project.codings.get(coding_id).note) == (
        "opposes", "on reflection"
    )
    with pytest.raises(ConflictError):
        project.codings.update(coding.model_copy(update={"position": 9}))

    saved = project.codings.get(coding_id)
    project.codings.delete(coding_id)
    assert project.codings.restore(passage, saved) == coding_id
    assert project.codings.get(coding_id) == saved


def test_offsets_are_code_points_after_emoji_and_cyrillic(
    project: Project, project_path: Path, setup, add_document, add_coding
) -> None:
    quote = "Estmark 👍 agrees to the «monitoring» plan"
    text = "Заявление МИД 😀😀 (𝔑orland): " + quote + " — конец."
    document_id = add_document(text, title="Мир")
    coding_id = add_coding(document_id, quote, actor_id=setup["estmark"], issue_id=setup["ceasefire"])
    record = project.codings.record(coding_id)
    assert (record.start, record.end) == (text.index(quote), text.index(quote) + len(quote))
    assert record.quote == quote
    assert project.codings.passage_problems() == []
    project.close()
    # Any SQLite tool counting characters finds the same quote at those offsets.
    with sqlite3.connect(project_path) as connection:
        found = connection.execute(
            "SELECT substr(t.text, p.start_offset + 1, p.end_offset - p.start_offset), p.quote FROM passages p "
            "JOIN document_texts t ON t.document_id = p.document_id WHERE p.document_id = ?",
            (document_id,),
        ).fetchone()
    assert found == (quote, quote)
