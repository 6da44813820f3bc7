"""The store's faster paths give what the plain definitions give.

- ``CodingRepository.records`` joins names, labels and pages in Python instead of SQL: the rows must
  equal the original single SQL query, pages included, also for page starts a damaged file leaves
  out of order.
- ``Project.open`` skips the content rules for a file state that already passed them in this
  process, and only then.
- A safety copy of a rollback-journal project is a byte copy; a WAL file still goes through SQLite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from posmap.model import (
    Actor,
    Attribution,
    Coding,
    CodingKind,
    CodingPoint,
    CodingRecord,
    Document,
    Issue,
    PageSpan,
    Passage,
    Scale,
)
from posmap.store import CodingFilter, DamagedProjectError, Project, validation
from posmap.store import backups as backups_module
from posmap.store import codings as codings_module
from posmap.store import project as project_module

# What records() read in one SQL statement before it joined the small tables in Python.
REFERENCE_SELECT = """
SELECT c.id, p.document_id, d.title, d.author, d.date, p.id, p.start_offset, p.end_offset, p.quote,
       (SELECT dp.page_number FROM document_pages dp
         WHERE dp.document_id = p.document_id AND dp.start_offset <= p.start_offset
         ORDER BY dp.page_number DESC LIMIT 1),
       c.actor_id, a.name, c.issue_id, i.name, c.position, coalesce(sp.label, ''),
       c.kind, c.attribution, c.confidence, c.note, c.coder, c.created_at, c.updated_at
FROM codings c
JOIN passages p ON p.id = c.passage_id
JOIN documents d ON d.id = p.document_id
JOIN actors a ON a.id = c.actor_id
JOIN issues i ON i.id = c.issue_id
LEFT JOIN scale_points sp ON sp.issue_id = c.issue_id AND sp.value = c.position
"""
ORDER = " ORDER BY p.document_id, p.start_offset, p.end_offset, c.id"

WORDS = "Norland accepts monitors. Estmark 🇪🇪 rejects them. Sudria proposes a line. The envoy is hopeful."


def _reference(project: Project, where: str = "", params: tuple = ()) -> list[CodingRecord]:
    sql = REFERENCE_SELECT + (f" WHERE {where}" if where else "") + ORDER
    return [CodingRecord(*row) for row in project.connection.execute(sql, params)]


@pytest.fixture
def filled(project: Project) -> Project:
    """Three documents (two paged, one undated), nested actors, a custom scale, shared passages."""
    actors = [project.actors.add(Actor(name=name)) for name in ("Norland", "Estmark", "Sudria")]
    project.actors.set_parent(actors[2], actors[0])
    issues = [project.issues.add(Issue(name="Ceasefire")),
              project.issues.add(Issue(name="Border", scale=Scale.from_labels("river;hill;mountain")))]
    documents = []
    for n in range(3):
        text = " ".join([WORDS] * (n + 2))
        third = len(text) // 3
        pages = [PageSpan(number=k + 1, start=k * third, end=len(text) if k == 2 else (k + 1) * third)
                 for k in range(3)] if n < 2 else []
        documents.append(project.documents.add(Document(
            title=f"Source {n}", author=f"Author {n}", sha256=hashlib.sha256(text.encode()).hexdigest(),
            text=text, pages=pages, date=dt.date(2024, 1, 1 + n) if n != 1 else None)))
    kinds, attributions = list(CodingKind), list(Attribution)
    count = 0
    for document_id in documents:
        text = project.documents.text(document_id)
        for start in range(0, len(text) - 30, 23):
            end = start + 12 + count % 9
            issue = issues[count % 2]
            position = (count % 5) - 2 if issue == issues[0] else count % 3
            for repeat in range(1 + count % 2):  # every other passage carries two codings
                project.codings.add(
                    Passage(document_id=document_id, start=start, end=end, quote=text[start:end]),
                    Coding(actor_id=actors[(count + repeat) % 3], issue_id=issue, position=position,
                           kind=kinds[count % len(kinds)], attribution=attributions[count % 3],
                           note="note" if count % 4 == 0 else "", coder=f"coder {count % 2}"))
            count += 1
    return project


def test_records_equal_the_single_query_definition(filled: Project) -> None:
    records = filled.codings.records()
    assert len(records) > 40
    assert records == _reference(filled)
    assert {r.page for r in records} >= {1, 2, 3, None}
    # Every kind of filter, alone and together.
    assert filled.codings.records(CodingFilter(document_ids=[1])) == _reference(filled, "p.document_id = 1")
    assert filled.codings.records(CodingFilter(actor_ids=[2], kinds=["demand"])) == _reference(
        filled, "c.actor_id = 2 AND c.kind = 'demand'")
    assert filled.codings.records(CodingFilter(since=dt.date(2024, 1, 2))) == _reference(
        filled, "d.date >= '2024-01-02'")
    assert filled.codings.records(CodingFilter(until=dt.date(2024, 1, 2), coders=["coder 1"])) == _reference(
        filled, "d.date <= '2024-01-02' AND c.coder = 'coder 1'")
    assert filled.codings.records(CodingFilter(coding_ids=[3, 5, 999])) == _reference(filled, "c.id IN (3, 5, 999)")
    assert filled.codings.records(CodingFilter(document_ids=[99])) == []


def test_records_read_every_title_when_many_documents_are_involved(filled: Project,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codings_module, "_FEW_DOCUMENTS", 1)
    assert filled.codings.records() == _reference(filled)
    assert filled.codings.records(CodingFilter(document_ids=[2])) == _reference(filled, "p.document_id = 2")


def test_records_share_repeated_strings(filled: Project) -> None:
    records = filled.codings.records()
    for field in ("document_title", "actor", "issue", "kind", "attribution", "coder"):
        assert len({id(getattr(r, field)) for r in records}) == len({getattr(r, field) for r in records}), field


def test_pages_follow_the_sql_definition_for_odd_page_tables(filled: Project) -> None:
    # Page starts that fall as the page number rises, and one that is not a number: only a damaged
    # file has them, and records() then asks SQL for each passage's page.
    connection = filled.connection
    connection.execute("PRAGMA ignore_check_constraints = ON")
    connection.execute("UPDATE document_pages SET start_offset = 40 WHERE document_id = 1 AND page_number = 3")
    connection.execute("UPDATE document_pages SET start_offset = 'x' WHERE document_id = 2 AND page_number = 2")
    connection.execute("INSERT INTO document_pages VALUES (3, 1, 0, 0)")  # a page added to the unpaged one
    assert filled.codings.records() == _reference(filled)


def test_records_leave_out_codings_whose_actor_is_gone(filled: Project) -> None:
    connection = filled.connection
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("DELETE FROM actors WHERE id = 2")
    connection.execute("DELETE FROM scale_points WHERE issue_id = 2 AND value = 1")
    records = filled.codings.records()
    assert records == _reference(filled)
    assert all(r.actor_id != 2 for r in records)
    assert any(r.issue_id == 2 and r.position == 1 and r.position_label == "" for r in records)



def _as_points(records: list[CodingRecord]) -> list[CodingPoint]:
    return [CodingPoint(r.id, r.document_id, r.actor_id, r.issue_id, r.position, r.kind, r.attribution, r.created_at)
            for r in records]


@pytest.mark.parametrize("where", [
    CodingFilter(),
    CodingFilter(document_ids=[1, 3]),
    CodingFilter(actor_ids=[2], kinds=["demand", "red_line"]),
    CodingFilter(since=dt.date(2024, 1, 2), attributions=["reported"]),
    CodingFilter(until=dt.date(2024, 1, 2), coders=["coder 1"], issue_ids=[2]),
    CodingFilter(coding_ids=[3, 5, 999]),
], ids=["all", "documents", "actor-kinds", "since-attribution", "until-coder-issue", "ids"])
def test_points_are_the_records_fields_in_the_same_order(filled: Project, where: CodingFilter) -> None:
    points = filled.codings.points(where)
    assert points == _as_points(filled.codings.records(where))
    assert points and all(type(p) is CodingPoint for p in points)


def test_a_long_list_of_coding_ids_is_read_in_one_statement(filled: Project) -> None:
    every = [r.id for r in filled.codings.records()]
    many = every + list(range(10_000, 50_000))  # more than SQLite's limit on parameters
    assert len(many) > 32_766
    assert [r.id for r in filled.codings.records(CodingFilter(coding_ids=many))] == every
    assert [p.id for p in filled.codings.points(CodingFilter(coding_ids=many[::-1]))] == every
    assert filled.codings.records(CodingFilter(coding_ids=every[:3])) == filled.codings.records()[:3]

# -- content rules once per file state ------------------------------------------------------------------


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names the content rules run on, from now on, with the process's memory of them cleared."""
    ran: list[str] = []
    original = validation.check_content
    monkeypatch.setattr(project_module, "_CONTENT_CHECKED", project_module.OrderedDict())

    def counting(connection: sqlite3.Connection, file_name: str) -> None:
        ran.append(file_name)
        original(connection, file_name)

    monkeypatch.setattr(validation, "check_content", counting)
    return ran


def _write_behind_posmaps_back(path: Path, statement: str) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA ignore_check_constraints = ON")
        connection.execute(statement)
    finally:
        connection.close()


def test_content_rules_run_once_per_file_state(project_path: Path, checks: list[str]) -> None:
    with Project.create(project_path) as project:
        project.actors.add(Actor(name="Norland"))
    for _ in range(3):
        Project.open(project_path, read_only=True).close()
    assert checks == ["test.posmap"]
    with Project.open(project_path) as project:  # our own change: the file's state moves on
        project.actors.add(Actor(name="Estmark"))
    Project.open(project_path).close()
    Project.open(project_path).close()
    assert checks == ["test.posmap", "test.posmap"]


def test_a_change_by_another_program_is_checked_again(project_path: Path, checks: list[str]) -> None:
    with Project.create(project_path) as project:
        project.actors.add(Actor(name="Norland"))
    Project.open(project_path).close()
    _write_behind_posmaps_back(project_path, "UPDATE actors SET color = 'red'")
    with pytest.raises(DamagedProjectError, match="invalid colour"):
        Project.open(project_path)
    with pytest.raises(DamagedProjectError, match="invalid colour"):
        Project.open(project_path)
    assert len(checks) == 3


def test_files_in_wal_mode_are_checked_every_time(project_path: Path, checks: list[str]) -> None:
    Project.create(project_path).close()
    _write_behind_posmaps_back(project_path, "PRAGMA journal_mode = WAL")
    for _ in range(2):
        Project.open(project_path).close()
    assert len(checks) == 2


def test_no_memory_when_the_check_is_not_asked_for(project_path: Path, checks: list[str]) -> None:
    Project.create(project_path).close()
    Project.open(project_path, check_content=False).close()
    Project.open(project_path).close()
    assert checks == ["test.posmap"]


# -- safety copies -------------------------------------------------------------------------------------------


def test_safety_copy_of_a_rollback_journal_file_is_its_bytes(filled: Project, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSMAP_BACKUP_DIR", str(tmp_path / "backups"))
    path = filled.path
    filled.close()
    with Project.open(path) as project:
        backup = backups_module.make_backup(project, force=True)
    assert backup is not None
    assert backup.path.read_bytes() == path.read_bytes()
    with Project.open(backup.path, read_only=True) as copy:
        assert copy.sqlite_problems() == []
        assert copy.codings.records() == Project.open(path, read_only=True).codings.records()


def test_safety_copy_of_a_wal_file_goes_through_sqlite(project_path: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSMAP_BACKUP_DIR", str(tmp_path / "backups"))
    with Project.create(project_path) as project:
        project.actors.add(Actor(name="Norland"))
    _write_behind_posmaps_back(project_path, "PRAGMA journal_mode = WAL")

    def refuse(source: Path, target: Path) -> None:
        raise AssertionError("a WAL file must not be copied as bytes")

    monkeypatch.setattr(backups_module, "_copy_file", refuse)
    with Project.open(project_path) as project:
        backup = backups_module.make_backup(project, force=True)
    assert backup is not None
    with Project.open(backup.path, read_only=True) as copy:
        assert [a.name for a in copy.actors.all()] == ["Norland"]


# -- adding documents inside an import --------------------------------------------------------------------


def _document(text: str) -> Document:
    return Document(title=text[:10], sha256=hashlib.sha256(text.encode()).hexdigest(), text=text)


def test_documents_added_inside_an_import_take_no_savepoint_each(project: Project) -> None:
    statements: list[str] = []
    project.connection.set_trace_callback(statements.append)
    with project.transaction():
        project.documents.add(_document("First document."))
        atomic = [s for s in statements if "SAVEPOINT" in s.upper()]
        statements.clear()
        project.documents.add(_document("Second document."), atomic=False)
        plain = [s for s in statements if "SAVEPOINT" in s.upper()]
    project.connection.set_trace_callback(None)
    assert atomic and not plain
    assert project.documents.count() == 2


def test_a_document_added_alone_without_atomic_still_lands_whole(project: Project) -> None:
    document_id = project.documents.add(_document("Alone, outside any transaction."), atomic=False)
    assert not project.connection.in_transaction
    assert project.documents.text(document_id) == "Alone, outside any transaction."
    assert project.documents.search('"outside"')[0].document_id == document_id


def test_an_import_that_fails_part_way_leaves_nothing(project: Project, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from posmap.services.importing import import_files

    files = []
    for n in range(3):
        path = tmp_path / f"file{n}.txt"
        path.write_text(f"Statement number {n} on the ceasefire.", encoding="utf-8")
        files.append(path)
    original = project.connection
    calls = {"n": 0}

    def failing_add(document: Document, *, atomic: bool = True) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            original.execute("INSERT INTO documents (title) VALUES ('half')")  # fails: NOT NULL columns
        return type(project.documents).add(project.documents, document, atomic=atomic)

    monkeypatch.setattr(project.documents, "add", failing_add)
    with pytest.raises(sqlite3.IntegrityError):
        import_files(project, files)
    assert project.documents.count() == 0
