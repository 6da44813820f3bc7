"""Upgrading project files written by an earlier posmap.

A file of schema 1 (before the codings index covered what a matrix reads) must open read-only as it
is, and open for editing upgraded in place, with its content unchanged.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from posmap.model import Actor, Coding, Document, Issue, Passage
from posmap.services.checking import integrity_problems
from posmap.store import Project, schema

TEXT = "Norland accepts monitors. Estmark rejects them. Sudria proposes a line."


def _version_1_project(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project as posmap wrote it with schema 1: two actors, an issue, three codings."""
    with monkeypatch.context() as patch:
        patch.setattr(Project, "_migrate",
                      lambda self: schema.migrations.apply(self.db, stop_before="0002_codings_by_passage_covering"))
        project = Project.create(path, title="Old project")
    document = project.documents.add(Document(title="Statement", sha256=hashlib.sha256(TEXT.encode()).hexdigest(),
                                              text=TEXT))
    actors = [project.actors.add(Actor(name=name)) for name in ("Norland", "Estmark")]
    issue = project.issues.add(Issue(name="Monitors"))
    for actor, quote, position in ((actors[0], "Norland accepts monitors", 2), (actors[1], "Estmark rejects them", -2),
                                   (actors[0], "Sudria proposes a line", 0)):
        start = TEXT.index(quote)
        project.codings.add(Passage(document_id=document, start=start, end=start + len(quote), quote=quote),
                            Coding(actor_id=actor, issue_id=issue, position=position))
    project.close()


def _schema(path: Path) -> tuple[int, str]:
    with sqlite3.connect(path) as connection:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        index = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'codings_by_passage'").fetchone()[0]
    return version, index


def test_a_version_1_file_opens_read_only_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.posmap"
    _version_1_project(path, monkeypatch)
    before = _schema(path)
    assert before == (1, "CREATE INDEX codings_by_passage ON codings(passage_id)")
    with Project.open(path, read_only=True) as project:
        assert [(p.actor_id, p.position) for p in project.codings.points()] == [(1, 2), (2, -2), (1, 0)]
        assert project.title == "Old project"
    assert _schema(path) == before


def test_opening_a_version_1_file_for_editing_upgrades_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.posmap"
    _version_1_project(path, monkeypatch)
    with Project.open(path, read_only=True) as project:
        records_before = project.codings.records()
    with Project.open(path) as project:
        assert project.schema_version() == schema.SCHEMA_VERSION == 2
        assert project.codings.records() == records_before
        assert integrity_problems(project) == []
        plan = project.connection.execute(
            "EXPLAIN QUERY PLAN SELECT c.id, c.actor_id, c.position, c.created_at FROM passages p "
            "JOIN codings c ON c.passage_id = p.id ORDER BY p.document_id, p.start_offset").fetchall()
        assert any("COVERING INDEX codings_by_passage" in row[-1] for row in plan)
        applied = [m.name for m in schema.migrations.applied(project.db)]
        assert applied == ["0001_initial_schema", "0002_codings_by_passage_covering"]
    version, index = _schema(path)
    assert version == 2 and "created_at" in index
    # Upgraded, the file is exactly what a new project of this posmap is.
    fresh = Project.create(tmp_path / "new.posmap")
    fresh.close()
    assert _schema(tmp_path / "new.posmap") == (version, index)
