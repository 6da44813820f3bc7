"""Bringing back what a delete or merge took away, as undo in the GUI needs it."""

from __future__ import annotations

import pytest

from posmap.model import Actor, Issue
from posmap.services.coding import CodingRequest, code_quote
from posmap.services.importing import import_files
from posmap.store import ConflictError, DuplicateDocumentError


@pytest.fixture
def coded(project, tmp_path):
    source = tmp_path / "s.txt"
    source.write_text("Valdoria rejects the plan. Kestria accepts the plan.\n", encoding="utf-8")
    project.actors.add(Actor(name="Valdoria"))
    project.actors.add(Actor(name="Kestria"))
    child = project.actors.add(Actor(name="Kestrian envoy"))
    project.actors.set_parent(child, project.actors.by_name("Kestria").id)
    project.issues.add(Issue(name="Plan"))
    document_id = import_files(project, [source]).imported[0].document_id
    code_quote(project, document_id, "Valdoria rejects the plan", CodingRequest("Valdoria", "Plan", -2))
    code_quote(project, document_id, "Kestria accepts the plan", CodingRequest("Kestria", "Plan", 2))
    code_quote(project, document_id, "Kestria accepts the plan", CodingRequest("Kestrian envoy", "Plan", 1))
    return project, document_id


def _state(project):
    rows = project.connection.execute(
        "SELECT c.id, c.passage_id, c.actor_id, c.issue_id, c.position, c.created_at, c.updated_at "
        "FROM codings c ORDER BY c.id").fetchall()
    passages = project.connection.execute("SELECT * FROM passages ORDER BY id").fetchall()
    actors = project.connection.execute("SELECT * FROM actors ORDER BY id").fetchall()
    issues = project.connection.execute("SELECT * FROM issues ORDER BY id").fetchall()
    points = project.connection.execute("SELECT * FROM scale_points ORDER BY issue_id, value").fetchall()
    return rows, passages, actors, issues, points


def test_a_deleted_document_comes_back_whole(coded):
    project, document_id = coded
    before = _state(project)
    document = project.documents.get(document_id)
    snapshot = project.documents.snapshot(document_id)
    project.documents.delete(document_id)
    assert project.codings.count() == 0
    project.documents.restore(snapshot)
    assert _state(project) == before
    assert project.documents.get(document_id) == document
    assert [m.document_id for m in project.documents.search('"accepts"')] == [document_id]
    assert project.documents.search_index_problems() == []


def test_a_document_reimported_meanwhile_blocks_the_restore(coded, tmp_path):
    project, document_id = coded
    snapshot = project.documents.snapshot(document_id)
    project.documents.delete(document_id)
    import_files(project, [tmp_path / "s.txt"])
    with pytest.raises(DuplicateDocumentError):
        project.documents.restore(snapshot)


def test_a_deleted_actor_comes_back_with_its_children_and_codings(coded):
    project, _ = coded
    before = _state(project)
    kestria = project.actors.by_name("Kestria").id
    snapshot = project.actors.snapshot(kestria)
    assert len(snapshot.codings) == 1 and len(snapshot.child_ids) == 1
    project.actors.delete(kestria)
    project.actors.restore(snapshot)
    assert _state(project) == before


def test_a_deleted_issue_comes_back_with_its_scale(coded):
    project, _ = coded
    before = _state(project)
    plan = project.issues.by_name("Plan").id
    snapshot = project.issues.snapshot(plan)
    project.issues.delete(plan)
    assert project.codings.count() == 0
    project.issues.restore(snapshot)
    assert _state(project) == before


def test_a_merge_is_taken_back_by_restoring_the_source_and_the_target(coded):
    project, _ = coded
    before = _state(project)
    source = project.actors.by_name("Kestria")
    target = project.actors.by_name("Valdoria")
    snapshot = project.actors.snapshot(source.id)
    project.actors.merge(source.id, target.id)
    assert project.actors.find("Kestria").id == target.id  # now an alias
    with project.transaction():
        project.actors.update(target)
        project.actors.restore(snapshot)
    rows, passages, actors, issues, points = _state(project)
    # Everything is back except the moved codings' updated_at, which restore resets from the snapshot.
    assert (passages, actors, issues, points) == before[1:]
    assert rows == before[0]


def test_restore_refuses_an_id_or_name_in_use(coded):
    project, _ = coded
    kestria = project.actors.by_name("Kestria").id
    snapshot = project.actors.snapshot(kestria)
    with pytest.raises(ConflictError, match="already in the project"):
        project.actors.restore(snapshot)
    project.actors.delete(kestria)
    project.actors.add(Actor(name="kestria"))
    with pytest.raises(ConflictError, match="already an actor named"):
        project.actors.restore(snapshot)


def test_coding_counts_in_one_query(coded):
    project, _ = coded
    counts = project.actors.coding_counts()
    assert sorted(counts.values()) == [1, 1, 1]
    assert project.issues.coding_counts() == {project.issues.by_name("Plan").id: 3}
