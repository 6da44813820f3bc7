"""Fixtures for the hardening tests: tampered projects, a large generated project, backups kept in tmp.

The pytest import mode is ``importlib``, so helpers are handed out as fixtures rather than imported.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from posmap.model import Actor, ActorKind, Coding, Document, Issue, PageSpan, Passage, Scale
from posmap.store import Project

# Text with characters outside the BMP, so that code points and UTF-16 units differ.
FIRST_TEXT = (
    "Norland 🇳🇴 accepts international monitors along the river. "
    "Estmark rejects monitors 😠 until the withdrawal is complete. "
    "Sudria proposes a ceasefire line in 𝔊eneva."
)
SECOND_TEXT = "The envoy said the talks will resume in May. Norland will not give up the islands."


@pytest.fixture(autouse=True)
def backups_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every backup (in this process and in posmap subprocesses) out of the user's data folder."""
    folder = tmp_path / "backups"
    monkeypatch.setenv("POSMAP_BACKUP_DIR", str(folder))
    return folder


@pytest.fixture
def tamper() -> Callable[..., None]:
    """Change a project file behind posmap's back, as another SQLite tool (or an attacker) could."""

    def run(path: Path, *statements: str, params: tuple = ()) -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys = OFF")
            connection.execute("PRAGMA ignore_check_constraints = ON")
            for statement in statements:
                connection.execute(statement, params) if params else connection.execute(statement)
        finally:
            connection.close()

    return run


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def build_coded_project(path: Path) -> dict[str, int]:
    """Two documents (one paged), three nested actors, two issues and four codings."""
    with Project.create(path, title="Coded") as project:
        first = project.documents.add(Document(
            title="Talks", sha256=_sha(FIRST_TEXT), text=FIRST_TEXT, date="2025-03-01",
            pages=[PageSpan(number=1, start=0, end=60), PageSpan(number=2, start=60, end=len(FIRST_TEXT))],
        ))
        second = project.documents.add(Document(title="Envoy", sha256=_sha(SECOND_TEXT), text=SECOND_TEXT))
        norland = project.actors.add(Actor(name="Norland", kind=ActorKind.STATE))
        minister = project.actors.add(Actor(name="Norland minister", parent_id=norland, kind=ActorKind.PERSON))
        estmark = project.actors.add(Actor(name="Estmark", kind=ActorKind.STATE, aliases=["EM"]))
        monitors = project.issues.add(Issue(name="Monitors"))
        islands = project.issues.add(Issue(name="Islands", scale=Scale.from_labels("keep;share;cede")))
        codings = []
        for document, quote, actor, issue, position in (
            (first, "Norland 🇳🇴 accepts international monitors", norland, monitors, 2),
            (first, "Estmark rejects monitors 😠", estmark, monitors, -2),
            (first, "Estmark rejects monitors 😠", minister, monitors, -1),
            (second, "Norland will not give up the islands", norland, islands, 0),
        ):
            text = project.documents.text(document)
            start = text.index(quote)
            codings.append(project.codings.add(
                Passage(document_id=document, start=start, end=start + len(quote), quote=quote),
                Coding(actor_id=actor, issue_id=issue, position=position, coder="tester"),
            ))
    return {
        "first": first, "second": second, "norland": norland, "minister": minister, "estmark": estmark,
        "monitors": monitors, "islands": islands, "codings": codings,
    }


@pytest.fixture
def coded_project(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "coded.posmap"
    return path, build_coded_project(path)


@pytest.fixture(scope="session")
def large_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 documents of about 6,000 characters and 100,000 codings, written straight with SQL (~3 s).

    The full-text index is left empty: opening never reads it, and building it would triple the time.
    """
    path = tmp_path_factory.mktemp("large") / "large.posmap"
    rng = random.Random(20240501)
    words = ["negotiation", "ceasefire", "border", "delegation", "guarantee", "sanctions", "withdrawal",
             "monitor", "referendum", "treaty", "Київ", "Genève", "Αθήνα", "😀"]
    documents, per_document = 2000, 50
    now = "2026-01-01T00:00:00+00:00"
    with Project.create(path, title="Large") as project:
        for number in range(20):
            project.actors.add(Actor(name=f"Actor {number}", parent_id=number // 5 + 1 if number >= 5 else None))
        for number in range(15):
            project.issues.add(Issue(name=f"Issue {number}"))
        connection = project.connection
        with project.transaction():
            passages, codings = [], []
            for document_id in range(1, documents + 1):
                text = " ".join(rng.choice(words) for _ in range(650))
                connection.execute(
                    "INSERT INTO documents (id, title, sha256, imported_at, character_count, date) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (document_id, f"Document {document_id}", _sha(str(document_id)), now, len(text), "2025-06-01"),
                )
                connection.execute("INSERT INTO document_texts (document_id, text) VALUES (?, ?)", (document_id, text))
                step = len(text) // per_document - 1
                for k in range(per_document):
                    start, end = k * step, k * step + rng.randrange(5, 60)
                    passage_id = len(passages) + 1
                    passages.append((passage_id, document_id, start, end, text[start:end]))
                    codings.append((passage_id, passage_id, rng.randrange(1, 21), rng.randrange(1, 16),
                                    rng.randrange(-2, 3), "position", "own_words", 1.0, "", "generator", now, now))
            connection.executemany(
                "INSERT INTO passages (id, document_id, start_offset, end_offset, quote) VALUES (?, ?, ?, ?, ?)",
                passages,
            )
            connection.executemany(
                "INSERT INTO codings (id, passage_id, actor_id, issue_id, position, kind, attribution, confidence, "
                "note, coder, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                codings,
            )
    return path


@pytest.fixture
def file_digest() -> Callable[[Path], str]:
    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    return digest
