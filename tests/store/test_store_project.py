"""The project file itself: identity, refusal of foreign or damaged files, transactions, concurrency."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from posmap.model import Actor, Document
from posmap.services.checking import integrity_problems
from posmap.store import (
    ConflictError,
    DamagedProjectError,
    NewerProjectError,
    NotAProjectError,
    Project,
    ProjectBusyError,
    ProjectError,
)
from posmap.store import project as project_module
from posmap.store.schema import APPLICATION_ID, SCHEMA_VERSION

PLAIN_TABLES = {
    "project", "documents", "document_texts", "document_pages", "actors", "issues", "scale_points", "passages",
    "codings",
}


def _pragma(path: Path, name: str):
    with sqlite3.connect(path) as connection:
        return connection.execute(f"PRAGMA {name}").fetchone()[0]


def _tamper(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def _assert_one_sentence(error: BaseException, file_name: str | None = None) -> None:
    message = str(error)
    assert message and "\n" not in message
    assert "Traceback" not in message
    if file_name is not None:
        assert file_name in message


# -- creating ----------------------------------------------------------------------------------


def test_create_marks_the_file_as_a_posmap_project(project: Project, project_path: Path) -> None:
    project.close()
    assert _pragma(project_path, "application_id") == APPLICATION_ID
    assert _pragma(project_path, "user_version") == SCHEMA_VERSION >= 1


def test_project_is_a_single_file_in_rollback_journal_mode(project: Project, project_path: Path) -> None:
    project.actors.add(Actor(name="Norland"))
    assert project.connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
    project.close()
    assert _pragma(project_path, "journal_mode") == "delete"
    assert sorted(p.name for p in project_path.parent.iterdir()) == [project_path.name]


def test_tables_read_as_plain_english(project: Project, project_path: Path, add_document) -> None:
    add_document("Norland asks for a ceasefire.", title="Statement")
    project.close()
    with sqlite3.connect(project_path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables >= PLAIN_TABLES
        # A user with any SQLite tool can read documents with their text by the obvious names.
        row = connection.execute(
            "SELECT documents.title, document_texts.text FROM documents "
            "JOIN document_texts ON document_texts.document_id = documents.id"
        ).fetchone()
    assert row == ("Statement", "Norland asks for a ceasefire.")


def test_create_refuses_to_overwrite(project_path: Path) -> None:
    project_path.write_text("precious notes")
    with pytest.raises(ProjectError) as caught:
        Project.create(project_path)
    _assert_one_sentence(caught.value)
    assert project_path.read_text() == "precious notes"


def test_create_stores_the_title(project_path: Path) -> None:
    with Project.create(project_path, title="Geneva round") as created:
        assert created.title == "Geneva round"
    with Project.open(project_path) as reopened:
        assert reopened.title == "Geneva round"


# -- refusing what is not a readable project ------------------------------------------------------


def test_open_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as caught:
        Project.open(tmp_path / "nowhere.posmap")
    _assert_one_sentence(caught.value, "nowhere.posmap")


def test_open_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.posmap"
    path.write_bytes(b"")
    with pytest.raises(NotAProjectError) as caught:
        Project.open(path)
    _assert_one_sentence(caught.value, "empty.posmap")


def test_open_text_file_renamed(tmp_path: Path) -> None:
    path = tmp_path / "notes.posmap"
    path.write_text("Meeting notes from Tuesday.\n" * 200)
    with pytest.raises(NotAProjectError) as caught:
        Project.open(path)
    _assert_one_sentence(caught.value, "notes.posmap")
    assert path.read_text().startswith("Meeting notes")


def test_open_another_applications_database(tmp_path: Path) -> None:
    path = tmp_path / "contacts.posmap"
    _tamper(path, "CREATE TABLE contacts (name TEXT)", "INSERT INTO contacts VALUES ('Ann')")
    with pytest.raises(NotAProjectError) as caught:
        Project.open(path)
    _assert_one_sentence(caught.value, "contacts.posmap")
    # Nothing was added to the other application's file.
    with sqlite3.connect(path) as connection:
        assert [r[0] for r in connection.execute("SELECT name FROM sqlite_master")] == ["contacts"]


def test_open_project_from_a_newer_posmap(project: Project, project_path: Path) -> None:
    project.close()
    _tamper(project_path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(NewerProjectError) as caught:
        Project.open(project_path)
    _assert_one_sentence(caught.value, project_path.name)
    assert "newer" in str(caught.value)
    assert _pragma(project_path, "user_version") == SCHEMA_VERSION + 1


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TRIGGER wipe AFTER INSERT ON actors BEGIN DELETE FROM codings; END",
        "CREATE VIEW everything AS SELECT * FROM actors",
        "CREATE TABLE extra (payload TEXT)",
    ],
    ids=["trigger", "view", "table"],
)
def test_open_refuses_objects_posmap_never_creates(project: Project, project_path: Path, statement: str) -> None:
    project.close()
    _tamper(project_path, statement)
    with pytest.raises(DamagedProjectError) as caught:
        Project.open(project_path)
    _assert_one_sentence(caught.value, project_path.name)


def _multi_page_project(path: Path) -> None:
    with Project.create(path) as created:
        for number in range(12):
            text = f"Round {number}. " + " ".join(
                f"Delegation {i} of Norland restated its position on item {number}." for i in range(300)
            )
            digest = hashlib.sha256(text.encode()).hexdigest()
            created.documents.add(Document(title=f"Transcript {number}", sha256=digest, text=text))


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75, 0.95])
def test_garbled_project_gives_a_clear_message(tmp_path: Path, where: float) -> None:
    path = tmp_path / "garbled.posmap"
    _multi_page_project(path)
    data = bytearray(path.read_bytes())
    assert len(data) > 40 * 4096
    middle = int(len(data) * where) // 4096 * 4096
    data[middle:middle + 8192] = b"\xde\xad\xbe\xef" * 2048
    path.write_bytes(bytes(data))
    try:
        with Project.open(path) as opened:
            problems = integrity_problems(opened)
    except DamagedProjectError as error:
        _assert_one_sentence(error, path.name)
    else:
        assert problems, "damage went unnoticed"
        assert all(line.strip() and "\n" not in line for line in problems)


def test_truncated_project_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "truncated.posmap"
    _multi_page_project(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DamagedProjectError) as caught, Project.open(path) as opened:
        integrity_problems(opened)
    _assert_one_sentence(caught.value, path.name)


# -- transactions --------------------------------------------------------------------------------


def test_exception_inside_transaction_writes_nothing(project: Project, project_path: Path) -> None:
    with pytest.raises(RuntimeError), project.transaction():
        project.actors.add(Actor(name="Norland"))
        project.set_setting("title", "renamed")
        raise RuntimeError("the user's power failed")
    assert project.actors.all() == []
    assert project.title == "Test project"
    with Project.open(project_path) as other:
        assert other.actors.all() == []


def test_nested_transaction_rolls_back_only_the_inner_block(project: Project, project_path: Path) -> None:
    with project.transaction():
        project.actors.add(Actor(name="Norland"))
        with pytest.raises(ConflictError), project.transaction():
            project.actors.add(Actor(name="Estmark"))
            project.actors.add(Actor(name="norland"))
        project.actors.add(Actor(name="Sudria"))
    with Project.open(project_path) as other:
        assert [a.name for a in other.actors.all()] == ["Norland", "Sudria"]


def test_failure_in_outer_block_undoes_committed_inner_blocks(project: Project) -> None:
    with pytest.raises(KeyError), project.transaction():
        with project.transaction():
            project.actors.add(Actor(name="Norland"))
        raise KeyError("later failure")
    assert project.actors.all() == []


def test_read_only_project_refuses_changes(project: Project, project_path: Path) -> None:
    project.close()
    with Project.open(project_path, read_only=True) as viewer, pytest.raises(ProjectError):
        viewer.actors.add(Actor(name="Norland"))


# -- several connections ---------------------------------------------------------------------------


def test_second_instance_sees_committed_changes(project: Project, project_path: Path) -> None:
    with Project.open(project_path) as second:
        before = second.data_version()
        project.actors.add(Actor(name="Norland", aliases=["NL"]))
        assert second.data_version() != before
        assert second.actors.by_name("nl").name == "Norland"


def test_writer_blocked_by_another_connection_gets_busy_error(
    project: Project, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(project_module, "BUSY_TIMEOUT_SECONDS", 0.1)
    project.close()
    blocker = sqlite3.connect(project_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with Project.open(project_path) as writer:
            with pytest.raises(ProjectBusyError) as caught:
                writer.actors.add(Actor(name="Norland"))
            _assert_one_sentence(caught.value, project_path.name)
            blocker.execute("ROLLBACK")
            writer.actors.add(Actor(name="Norland"))
            assert writer.actors.by_name("Norland")
    finally:
        blocker.close()


def test_deleted_document_text_does_not_linger_in_the_file(project, project_path) -> None:
    import hashlib

    from posmap.model import Document

    secret = "The unmistakable confidential sentence about Lake Meridan."
    document_id = project.documents.add(
        Document(title="Secret", sha256=hashlib.sha256(secret.encode()).hexdigest(), text=secret)
    )
    project.documents.delete(document_id)
    assert b"unmistakable confidential" not in project_path.read_bytes()
