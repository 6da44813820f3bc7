"""`posmap new`, `import`, `documents`, `check`, help and the error contract, run as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from posmap.cli import build_parser
from posmap.main import main
from posmap.services.coding import CodingRequest, code_quote
from posmap.store import Project


def test_new_creates_a_project_and_refuses_to_overwrite(run_posmap, expect_error, tmp_path: Path) -> None:
    result = run_posmap("new", "talks.posmap", "--title", "Geneva round")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "talks.posmap"
    with Project.open(tmp_path / "talks.posmap") as project:
        assert project.title == "Geneva round"
    before = (tmp_path / "talks.posmap").read_bytes()

    expect_error(run_posmap("new", "talks.posmap"), 1, "talks.posmap", "already exists")
    assert (tmp_path / "talks.posmap").read_bytes() == before


def test_import_reports_each_file_and_lists_documents(run_posmap, expect_error, tmp_path: Path) -> None:
    (tmp_path / "statement.txt").write_text("Norland will not sign a plan that moves the border.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# Talks in Sudria\n\nEstmark asked for more time.\n", encoding="utf-8")
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" + bytes(range(256)) * 4)
    assert run_posmap("new", "p.posmap").returncode == 0

    result = run_posmap("import", "p.posmap", "statement.txt", "photo.txt", "notes.md",
                        "--author", "Press office", "--date", "2024-02-29", "--kind", "statement", "--language", "en")
    expect_error(result, 1, "photo.txt", "binary")
    assert result.stdout.splitlines() == ["1\tstatement", "2\tTalks in Sudria"]

    duplicate = run_posmap("import", "p.posmap", "notes.md")
    assert duplicate.returncode == 0 and duplicate.stdout == ""
    line = expect_error(duplicate, 0, "notes.md", "already in the project")
    assert "2" in line

    listing = run_posmap("documents", "p.posmap")
    assert listing.returncode == 0, listing.stderr
    header, *rows = listing.stdout.splitlines()
    columns = header.split("\t")
    assert columns[:2] == ["id", "title"]
    first = dict(zip(columns, rows[0].split("\t"), strict=True))
    assert (first["id"], first["title"], first["author"], first["date"], first["kind"], first["language"]) == (
        "1", "statement", "Press office", "2024-02-29", "statement", "en"
    )
    assert len(rows) == 2

    as_json = run_posmap("documents", "p.posmap", "--format", "json")
    documents = json.loads(as_json.stdout)
    assert [d["title"] for d in documents] == ["statement", "Talks in Sudria"]
    for document in documents:
        assert {"id", "title", "author", "date", "kind", "language", "sha256", "pages"} <= set(document)
        assert len(document["sha256"]) == 64 and document["pages"] == 0
    assert documents[1]["date"] == "2024-02-29"


def test_import_title_with_several_files_is_a_usage_error(run_posmap, expect_error, tmp_path: Path) -> None:
    Project.create(tmp_path / "p.posmap").close()
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / "b.txt").write_text("two", encoding="utf-8")
    expect_error(run_posmap("import", "p.posmap", "a.txt", "b.txt", "--title", "Both"), 2, "--title")
    with Project.open(tmp_path / "p.posmap") as project:
        assert project.documents.count() == 0


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["import", "p.posmap", "a.txt", "--date", "29/02/2024"], 2),
        (["documents", "p.posmap", "--format", "xml"], 2),
        (["frobnicate"], 2),
        (["documents"], 2),
        (["import", "missing.posmap", "a.txt"], 1),
    ],
    ids=["bad-date", "bad-format", "unknown-command", "missing-project", "missing-project-file"],
)
def test_usage_and_user_errors(run_posmap, expect_error, tmp_path: Path, args: list[str], code: int) -> None:
    Project.create(tmp_path / "p.posmap").close()
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    expect_error(run_posmap(*args), code)


@pytest.mark.parametrize("content", [b"just some notes\n", b""], ids=["text", "empty"])
def test_not_a_project_gives_one_line(run_posmap, expect_error, tmp_path: Path, content: bytes) -> None:
    (tmp_path / "notes.posmap").write_bytes(content)
    expect_error(run_posmap("documents", "notes.posmap"), 1, "notes.posmap", "not a posmap project")


def test_project_from_a_newer_posmap_gives_one_line(run_posmap, expect_error, tmp_path: Path) -> None:
    Project.create(tmp_path / "new.posmap").close()
    with sqlite3.connect(tmp_path / "new.posmap") as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    expect_error(run_posmap("documents", "new.posmap"), 1, "newer posmap")


def test_check_ok_and_tampered(run_posmap, expect_error, sample_project: Path) -> None:
    with Project.open(sample_project) as project:
        coding = code_quote(project, 1, "Sudria will host the talks", CodingRequest("Norland", "Venue", "Sudria"))
    good = run_posmap("check", sample_project)
    assert good.returncode == 0 and good.stderr == ""
    assert good.stdout.startswith("ok\t1 documents, 1 codings")

    with sqlite3.connect(sample_project) as connection:
        connection.execute("UPDATE passages SET quote = 'Sudria will quit the talks'")
        connection.execute("UPDATE codings SET position = 9 WHERE id = ?", (coding,))
    connection.close()
    bad = run_posmap("check", sample_project)
    expect_error(bad, 1, "2 problems")
    problems = bad.stdout.splitlines()
    assert len(problems) == 2
    assert any("quote no longer matches" in line for line in problems)
    assert any("position 9" in line and "Venue" in line for line in problems)


def test_check_on_a_garbled_file_gives_a_clear_message(run_posmap, tmp_path: Path, sample_project: Path) -> None:
    data = bytearray(sample_project.read_bytes())
    data[4096:len(data)] = b"\xde\xad\xbe\xef" * ((len(data) - 4096) // 4)
    sample_project.write_bytes(bytes(data))
    result = run_posmap("check", sample_project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "damaged" in (result.stdout + result.stderr)


# -- help ----------------------------------------------------------------------------------------


def _command_paths(parser=None, prefix=()) -> list[tuple[str, ...]]:
    """Every command and subcommand the parser knows, e.g. ("actor", "add")."""
    parser = parser or build_parser()
    found = []
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, child in action.choices.items():
            found.append((*prefix, name))
            found.extend(_command_paths(child, (*prefix, name)))
    return found


def test_every_command_of_the_contract_exists() -> None:
    paths = set(_command_paths())
    for command in ["new", "import", "documents", "code", "codings", "check", "gui", "demo"]:
        assert (command,) in paths
    for pair in [("actor", "add"), ("issue", "add"), ("codebook", "export"), ("codebook", "import")]:
        assert pair in paths


@pytest.mark.parametrize("path", [(), *_command_paths()], ids=lambda p: " ".join(p) or "posmap")
def test_help_works_for_every_command(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*path, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: posmap" + "".join(f" {p}" for p in path))


def test_help_as_a_subprocess(run_posmap) -> None:
    for args in (["--help"], ["code", "--help"]):
        result = run_posmap(*args)
        assert result.returncode == 0 and result.stderr == ""
        assert "usage: posmap" in result.stdout
