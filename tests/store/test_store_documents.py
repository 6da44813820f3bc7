"""Documents: storing text and pages, duplicates, deletion with everything that hangs off a document."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from posmap.model import Actor, Document, DocumentMetadata, Issue
from posmap.store import DuplicateDocumentError, NotFoundError, Project

TEXT = "The Norland delegation proposed a ceasefire along the river.\nEstmark rejected the ceasefire."
BREAK = TEXT.index("Estmark")
PAGES = [(0, BREAK), (BREAK, len(TEXT))]


def test_document_round_trips_with_metadata_and_pages(project: Project, add_document) -> None:
    document_id = add_document(
        TEXT, title="Round one", author="A. Writer", date=dt.date(2024, 3, 1), kind="statement", language="en",
        pages=PAGES,
    )
    stored = project.documents.get(document_id)
    assert stored.text == TEXT
    assert (stored.title, stored.author, stored.date, stored.kind, stored.language) == (
        "Round one", "A. Writer", dt.date(2024, 3, 1), "statement", "en"
    )
    assert stored.character_count == len(TEXT)
    assert [(p.number, p.start, p.end) for p in stored.pages] == [(1, 0, BREAK), (2, BREAK, len(TEXT))]
    assert stored.page_at(BREAK + 3) == 2 and stored.page_at(3) == 1


def test_duplicate_sha256_is_refused_with_the_existing_id(project: Project) -> None:
    digest = hashlib.sha256(b"same file").hexdigest()
    first = project.documents.add(Document(title="First", sha256=digest, text="one"))
    with pytest.raises(DuplicateDocumentError) as caught:
        project.documents.add(Document(title="Second", sha256=digest, text="two"))
    assert caught.value.existing_id == first
    assert str(first) in str(caught.value)
    assert project.documents.count() == 1


def test_update_metadata(project: Project, add_document) -> None:
    document_id = add_document(TEXT)
    project.documents.update_metadata(document_id, DocumentMetadata(title="Renamed", date=dt.date(2025, 1, 2)))
    stored = project.documents.get(document_id, with_text=False)
    assert (stored.title, stored.date, stored.text) == ("Renamed", dt.date(2025, 1, 2), None)
    with pytest.raises(NotFoundError):
        project.documents.update_metadata(999, DocumentMetadata(title="x"))


def test_missing_document_is_not_found(project: Project) -> None:
    with pytest.raises(NotFoundError, match="no document 42"):
        project.documents.get(42)


def test_delete_removes_pages_passages_codings_and_search_entry(
    project: Project, project_path: Path, add_document, add_coding
) -> None:
    kept = add_document("Sudria stays neutral on the ceasefire.", title="Kept")
    doomed = add_document(TEXT, title="Doomed", pages=PAGES)
    actor = project.actors.add(Actor(name="Norland"))
    issue = project.issues.add(Issue(name="Ceasefire"))
    add_coding(doomed, "proposed a ceasefire", actor_id=actor, issue_id=issue, position=2)
    add_coding(doomed, "rejected the ceasefire", actor_id=actor, issue_id=issue, position=-2)
    add_coding(kept, "stays neutral", actor_id=actor, issue_id=issue, position=0)
    assert {m.document_id for m in project.documents.search("ceasefire")} == {kept, doomed}

    assert project.documents.delete(doomed) == 2

    assert not project.documents.exists(doomed)
    assert [m.document_id for m in project.documents.search("ceasefire")] == [kept]
    assert project.documents.search("river") == []
    assert project.documents.search_index_problems() == []
    assert project.codings.count() == 1
    project.close()
    with sqlite3.connect(project_path) as connection:
        for table in ("document_texts", "document_pages", "passages"):
            rows = connection.execute(f"SELECT count(*) FROM {table} WHERE document_id = ?", (doomed,)).fetchone()
            assert rows == (0,), table
        assert connection.execute("SELECT count(*) FROM codings").fetchone() == (1,)


def test_delete_missing_document_changes_nothing(project: Project, add_document) -> None:
    add_document(TEXT)
    with pytest.raises(NotFoundError):
        project.documents.delete(77)
    assert project.documents.count() == 1


def test_summaries_count_pages_and_codings(project: Project, add_document, add_coding) -> None:
    document_id = add_document(TEXT, pages=PAGES)
    actor = project.actors.add(Actor(name="Norland"))
    issue = project.issues.add(Issue(name="Ceasefire"))
    add_coding(document_id, "proposed a ceasefire", actor_id=actor, issue_id=issue)
    [summary] = project.documents.summaries()
    assert (summary.id, summary.page_count, summary.coding_count, summary.character_count) == (
        document_id, 2, 1, len(TEXT)
    )


def test_summaries_of_given_documents_are_the_rows_of_the_full_listing(
    project: Project, add_document, add_coding
) -> None:
    actor = project.actors.add(Actor(name="Norland"))
    issue = project.issues.add(Issue(name="Ceasefire"))
    ids = [add_document(TEXT, title=f"Round {number}", pages=PAGES[: number % 3], author=f"Writer {number}",
                        date=dt.date(2024, 3, number + 1) if number % 2 else None)
           for number in range(8)]
    for number, document_id in enumerate(ids):
        for _ in range(number % 4):
            add_coding(document_id, "proposed a ceasefire", actor_id=actor, issue_id=issue)
    full = {summary.id: summary for summary in project.documents.summaries()}
    assert sorted({summary.coding_count for summary in full.values()}) == [0, 1, 2, 3]
    for wanted in ([ids[3]], [ids[6], ids[0], ids[3], ids[6]], ids, []):
        assert project.documents.summaries(document_ids=wanted) == [full[i] for i in sorted(set(wanted))]
    # Ids the project does not hold are left out; a long list goes in one query all the same.
    missing = max(ids) + 1
    assert project.documents.summaries(document_ids=iter([missing, ids[1]])) == [full[ids[1]]]
    many = list(range(-40_000, 0)) + ids[::2]
    assert project.documents.summaries(document_ids=many) == [full[i] for i in ids[::2]]
    add_coding(ids[0], "Estmark rejected", actor_id=actor, issue_id=issue)
    [summary] = project.documents.summaries(document_ids=[ids[0]])
    assert summary.coding_count == 1 and summary == project.documents.summaries()[0]


def test_document_text_outside_the_basic_plane_is_stored_as_code_points(project: Project, add_document) -> None:
    text = "Заявление 😀 делегации: 𝔄 ceasefire now."
    document_id = add_document(text)
    assert project.documents.get(document_id).character_count == len(text)
    # SQLite counts characters the same way: the stored length is in code points, not UTF-16 units.
    assert project.connection.execute(
        "SELECT length(text) FROM document_texts WHERE document_id = ?", (document_id,)
    ).fetchone() == (len(text),)
