"""A project file from someone else is untrusted input.

Opening it runs nothing it defines, loads no extension, reaches no network, and refuses content
that breaks the model's rules with one clear line; ``posmap check`` still reports every problem.
"""

from __future__ import annotations

import socket
import sqlite3
import time
from pathlib import Path

import pytest

from posmap.services.checking import integrity_problems
from posmap.services.demo import build_demo_project
from posmap.store import DamagedProjectError, Project, validation

SRC = Path(__file__).resolve().parents[2] / "src" / "posmap"


def _one_line(error: Exception, file_name: str) -> str:
    message = str(error)
    assert "\n" not in message and "Traceback" not in message
    assert file_name in message
    return message


# -- structure: nothing in the file may run ------------------------------------------------------------

STRUCTURE_CASES = {
    "trigger": (["CREATE TRIGGER wipe AFTER INSERT ON actors BEGIN DELETE FROM codings; END"], "trigger"),
    "view": (["CREATE VIEW everything AS SELECT * FROM actors"], "view"),
    "table replaced by a view": (
        ["DROP TABLE codings", "CREATE VIEW codings AS SELECT 1 AS id"], "view"),
    "extra table": (["CREATE TABLE payload (data BLOB)"], "unexpected table"),
    "extra index": (["CREATE INDEX sneaky ON documents(title)"], "unexpected index"),
    "index redefined": (
        ["DROP INDEX codings_by_actor", "CREATE INDEX codings_by_actor ON codings(issue_id)"], "defined differently"),
    "extra virtual table": (["CREATE VIRTUAL TABLE notes USING fts5(body)"], "unexpected virtual table"),
    "search index with another tokenizer": (
        ["DROP TABLE document_search",
         "CREATE VIRTUAL TABLE document_search USING fts5(text, content='document_texts', "
         "content_rowid='document_id', tokenize='porter')"],
        "full-text index"),
    "search index over another table": (
        ["DROP TABLE document_search",
         "CREATE VIRTUAL TABLE document_search USING fts5(text, content='project', content_rowid='rowid', "
         "tokenize='unicode61 remove_diacritics 2')"],
        "full-text index"),
    "column added": (["ALTER TABLE documents ADD COLUMN extra TEXT DEFAULT 'x'"], "defined differently"),
    "missing table": (["DROP TABLE document_pages"], "lacks the table 'document_pages'"),
}


@pytest.mark.parametrize("case", list(STRUCTURE_CASES))
def test_objects_posmap_does_not_create_are_refused(coded_project, tamper, case: str) -> None:
    path, _ = coded_project
    statements, fragment = STRUCTURE_CASES[case]
    tamper(path, *statements)
    for options in ({}, {"read_only": True}, {"check_content": False}):
        with pytest.raises(DamagedProjectError) as caught:
            Project.open(path, **options)
        assert fragment in _one_line(caught.value, path.name)


def test_table_whose_sql_was_rewritten_is_refused(coded_project, tamper) -> None:
    """A CHECK constraint removed in place (PRAGMA writable_schema), which no ALTER TABLE can do."""
    path, _ = coded_project
    connection = sqlite3.connect(path, isolation_level=None)
    sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'codings'").fetchone()[0]
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute(
        "UPDATE sqlite_master SET sql = ? WHERE name = 'codings'",
        (sql.replace("CHECK (confidence BETWEEN 0 AND 1)", "DEFAULT (random())"),),
    )
    connection.close()
    with pytest.raises(DamagedProjectError, match=r"table \('codings'\) defined differently"):
        Project.open(path)


def test_identifier_quoting_and_layout_do_not_matter() -> None:
    assert validation.normalise_sql('CREATE TABLE "t" (\n  "a"   INTEGER ,b)') == validation.normalise_sql(
        "CREATE TABLE [t] (a INTEGER, b)"
    )
    assert validation.normalise_sql("CREATE TABLE 'x_data'(id INTEGER PRIMARY KEY, block BLOB)") == (
        "CREATE TABLE x_data(id INTEGER PRIMARY KEY,block BLOB)"
    )


def test_statistics_from_analyze_are_accepted(coded_project, tamper) -> None:
    """Another SQLite tool may run ANALYZE; its sqlite_stat1 table runs nothing."""
    path, _ = coded_project
    tamper(path, "ANALYZE")
    with Project.open(path) as project:
        assert project.codings.count() == 4


def test_trigger_never_fires(coded_project, tamper) -> None:
    path, _ = coded_project
    tamper(path, "CREATE TRIGGER wipe AFTER UPDATE ON project BEGIN DELETE FROM codings; END")
    for options in ({}, {"check_content": False}):
        with pytest.raises(DamagedProjectError):
            Project.open(path, **options)
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*) FROM codings").fetchone()[0] == 4
    connection.close()


def test_extensions_cannot_be_loaded(coded_project) -> None:
    path, _ = coded_project
    with Project.open(path) as project, pytest.raises(sqlite3.OperationalError, match="not authorized"):
        project.connection.execute("SELECT load_extension('/nonexistent/evil')")
    for source in SRC.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "enable_load_extension" not in text and "load_extension(" not in text, source


def test_schema_defined_functions_are_untrusted(coded_project) -> None:
    path, _ = coded_project
    with Project.open(path) as project:
        assert project.connection.execute("PRAGMA trusted_schema").fetchone()[0] == 0


def test_opening_and_checking_never_touch_the_network(coded_project, tamper, monkeypatch) -> None:
    path, _ = coded_project
    tamper(path, "UPDATE documents SET url = 'http://198.51.100.7/track.png' WHERE id = 1")

    def refuse(*args, **kwargs):
        raise AssertionError("posmap tried to reach the network")

    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    with Project.open(path) as project:
        assert integrity_problems(project) == []
        project.documents.all()
        project.codings.records()


# -- content rules -----------------------------------------------------------------------------------

# (statements, fragment of the one-line message)
CONTENT_CASES = {
    "negative offset": (["UPDATE passages SET start_offset = -5 WHERE id = 1"], "negative offset (-5)"),
    "offset past the text": (["UPDATE passages SET end_offset = 10000 WHERE id = 1"], "outside the text"),
    "end before start": (["UPDATE passages SET end_offset = start_offset WHERE id = 1"], "end before they start"),
    "offset not a number": (["UPDATE passages SET start_offset = 'x' WHERE id = 1"], "not whole numbers"),
    "quote length": (["UPDATE passages SET quote = quote || 'x' WHERE id = 1"], "has a quote of"),
    "position off the scale": (["UPDATE codings SET position = 7 WHERE id = 1"], "not on the scale of 'Monitors'"),
    "fractional position": (["UPDATE codings SET position = 1.5 WHERE id = 1"], "1.5, which is not a whole number"),
    "text position": (["UPDATE codings SET position = 'high' WHERE id = 1"], "not a whole number"),
    "unknown coding kind": (["UPDATE codings SET kind = 'threat' WHERE id = 1"], "unknown kind 'threat'"),
    "unknown attribution": (["UPDATE codings SET attribution = 'rumour' WHERE id = 1"], "unknown attribution"),
    "confidence out of range": (["UPDATE codings SET confidence = 3 WHERE id = 1"], "outside 0 to 1"),
    "invalid actor colour": (["UPDATE actors SET color = 'red' WHERE id = 1"], "invalid colour 'red'"),
    "invalid issue colour": (["UPDATE issues SET color = '#12345G' WHERE id = 1"], "invalid colour '#12345G'"),
    "unknown actor kind": (["UPDATE actors SET kind = 'alien' WHERE id = 1"], "unknown kind 'alien'"),
    "aliases not JSON": (["UPDATE actors SET aliases = 'EM, Estmark' WHERE id = 3"], "aliases"),
    "aliases not names": (["UPDATE actors SET aliases = '[1, {}]' WHERE id = 3"], "actor 3 is not valid"),
    "empty actor name": (["UPDATE actors SET name = '   ' WHERE id = 3"], "actor 3 is not valid"),
    "actor cycle": (["UPDATE actors SET parent_id = 2 WHERE id = 1"], "actors 1 and 2 are nested inside each other"),
    "actor inside itself": (["UPDATE actors SET parent_id = 3 WHERE id = 3"], "actor 3 is nested inside itself"),
    "missing parent": (["UPDATE actors SET parent_id = 99 WHERE id = 3"], "which does not exist"),
    "issue cycle": (
        ["UPDATE issues SET parent_id = 2 WHERE id = 1", "UPDATE issues SET parent_id = 1 WHERE id = 2"],
        "issues 1 and 2 are nested inside each other"),
    "scale with one point": (["DELETE FROM scale_points WHERE issue_id = 2 AND value > 0"], "scale of issue 2"),
    "scale value not a number": (["UPDATE scale_points SET value = 'x' WHERE issue_id = 2 AND value = 2"],
                                 "not a whole number"),
    "scale labels repeated": (["UPDATE scale_points SET label = 'same' WHERE issue_id = 2"], "labels must be distinct"),
    "scale point of no issue": (["INSERT INTO scale_points VALUES (99, 0, 'ghost')"], "issue 99, which does not exist"),
    "oversized text": (["UPDATE documents SET character_count = 60000000 WHERE id = 2"],
                       "more than a document may hold"),
    "document without text": (["DELETE FROM document_texts WHERE document_id = 2"], "document 2 has no text"),
    "impossible date": (["UPDATE documents SET date = '2024-13-45' WHERE id = 1"], "not a valid date"),
    "import time not a time": (["UPDATE documents SET imported_at = 'now' WHERE id = 1"], "not a valid date"),
    "bad checksum": (["UPDATE documents SET sha256 = 'not-a-hash' WHERE id = 1"], "invalid metadata (sha256"),
    "empty title": (["UPDATE documents SET title = '' WHERE id = 1"], "invalid metadata (title"),
    "page past the text": (["UPDATE document_pages SET end_offset = 99999 WHERE page_number = 2"],
                           "outside its text"),
    "coding of a missing actor": (["UPDATE codings SET actor_id = 99 WHERE id = 1"], "names actor 99"),
    "coding of a missing passage": (["UPDATE codings SET passage_id = 99 WHERE id = 1"], "passage 99"),
    "passage of a missing document": (["UPDATE passages SET document_id = 99 WHERE id = 1"], "document 99"),
}
# Dangling references are reported by SQLite's foreign-key check in `posmap check` instead.
FOREIGN_KEY_CASES = {"missing parent", "scale point of no issue", "coding of a missing actor",
                     "coding of a missing passage", "passage of a missing document", "document without text"}


@pytest.mark.parametrize("case", list(CONTENT_CASES))
def test_content_breaking_the_rules_is_refused_with_one_line(coded_project, tamper, case: str) -> None:
    path, _ = coded_project
    statements, fragment = CONTENT_CASES[case]
    tamper(path, *statements)
    with pytest.raises(DamagedProjectError) as caught:
        Project.open(path)
    message = _one_line(caught.value, path.name)
    assert fragment in message
    assert "posmap check" in message
    # posmap check can still open the file and reports the problem (nothing is written).
    with Project.open(path, check_content=False) as project:
        problems = integrity_problems(project)
    assert problems and all("\n" not in line for line in problems)
    if case not in FOREIGN_KEY_CASES:
        assert any(fragment in line for line in problems), problems


def test_scale_with_duplicate_values_is_refused(coded_project) -> None:
    """Two points with one value, written past the primary key index (as a crafted file can)."""
    path, _ = coded_project
    connection = sqlite3.connect(path, isolation_level=None)
    table_sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'scale_points'").fetchone()[0]
    index_row = connection.execute(
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master WHERE name = 'sqlite_autoindex_scale_points_1'"
    ).fetchone()
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute(
        "UPDATE sqlite_master SET sql = 'CREATE TABLE scale_points (issue_id INTEGER, value INTEGER, label TEXT)' "
        "WHERE name = 'scale_points'"
    )
    connection.execute("DELETE FROM sqlite_master WHERE name = 'sqlite_autoindex_scale_points_1'")
    connection.close()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("INSERT INTO scale_points VALUES (2, 1, 'share again')")
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'scale_points'", (table_sql,))
    connection.execute("INSERT INTO sqlite_master VALUES (?, ?, ?, ?, ?)", index_row)
    connection.close()
    with pytest.raises(DamagedProjectError) as caught:
        Project.open(path)
    assert "the scale of issue 2 ('Islands') has the value 1 more than once" in _one_line(caught.value, path.name)


def test_check_reports_every_problem(coded_project, tamper, run_posmap) -> None:
    path, _ = coded_project
    tamper(
        path,
        "UPDATE passages SET end_offset = 10000 WHERE id = 1",
        "UPDATE codings SET kind = 'threat' WHERE id = 2",
        "UPDATE actors SET color = 'red' WHERE id = 2",
        "UPDATE issues SET parent_id = 2 WHERE id = 1",
        "UPDATE issues SET parent_id = 1 WHERE id = 2",
        "UPDATE document_texts SET text = replace(text, 'Norland will', 'Norland shall') WHERE document_id = 2",
    )
    before = path.read_bytes()
    result = run_posmap("check", path)
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    lines = result.stdout.splitlines()
    for fragment in ("passage 1", "coding 2 has an unknown kind", "actor 2 has an invalid colour",
                     "nested inside each other", "quote no longer matches", "full-text index"):
        assert any(fragment in line for line in lines), (fragment, lines)
    assert path.read_bytes() == before
    # Any other command refuses the file with one line naming the first problem.
    refused = run_posmap("documents", path)
    assert refused.returncode == 1 and len(refused.stderr.splitlines()) == 1
    assert "actor 2 has an invalid colour" in refused.stderr and refused.stdout == ""


def test_read_only_open_for_reports(coded_project, tamper) -> None:
    path, _ = coded_project
    tamper(path, "UPDATE codings SET position = 9 WHERE id = 4")
    with Project.open(path, read_only=True, check_content=False) as project:
        assert any("coding 4 has position 9" in line for line in integrity_problems(project))


def test_projects_posmap_writes_pass_every_rule(coded_project, tmp_path: Path) -> None:
    path, _ = coded_project
    demo = build_demo_project(tmp_path / "demo")
    for project_path in (path, demo.path):
        with Project.open(project_path) as project:
            assert integrity_problems(project) == []


def test_rules_on_open_stay_fast_on_a_large_project(large_project: Path) -> None:
    """2,000 documents and 100,000 codings: the figure is printed (pytest -s) for the report."""
    connection = sqlite3.connect(large_project, isolation_level=None)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        assert validation.structure_problem(connection) is None
        assert validation.content_problems(connection, limit=1) == []
        timings.append(time.perf_counter() - started)
    connection.close()
    started = time.perf_counter()
    with Project.open(large_project) as project:
        assert project.codings.count() == 100_000
    whole_open = time.perf_counter() - started
    print(f"\nrules on open: best {min(timings) * 1000:.0f} ms, cold {timings[0] * 1000:.0f} ms; "
          f"Project.open {whole_open * 1000:.0f} ms ({large_project.stat().st_size / 1e6:.0f} MB file)")
    assert min(timings) < 1.0


def test_hostile_names_cannot_break_the_one_line_message(coded_project, tamper) -> None:
    path, _ = coded_project
    tamper(
        path,
        "UPDATE issues SET name = 'Monitors' || char(10) || 'posmap: all clear' || char(27) || '[2J' WHERE id = 1",
        "UPDATE codings SET position = 7, kind = 'x' || char(10) || 'y' WHERE id = 1",
        f"UPDATE codings SET kind = '{'k' * 5000}' WHERE id = 2",
    )
    with pytest.raises(DamagedProjectError) as caught:
        Project.open(path)
    message = _one_line(caught.value, path.name)
    assert "\x1b" not in message and "\\n" in message
    with Project.open(path, check_content=False) as project:
        problems = integrity_problems(project)
    assert all("\n" not in line and "\x1b" not in line and len(line) <= 400 for line in problems)
    assert any("coding 2 has an unknown kind" in line for line in problems)
