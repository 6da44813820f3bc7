"""`posmap matrix`: the printed table, the three file formats, the shared filters and the error contract."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from posmap.export.matrix_json import MatrixDocument
from posmap.model import Attribution, CodingKind, Document
from posmap.services.coding import CodingRequest, code_quote
from posmap.store import Project

STATEMENT = "Estmark now backs a ceasefire. Norland wants talks in Geneva."


@pytest.fixture
def matrix_project(sample_project: Path) -> Path:
    """The sample project (an undated transcript; Norland, Estmark; Ceasefire −2…+2, Venue 0…2) with a
    dated statement and five codings."""
    with Project.open(sample_project) as project:
        statement = project.documents.add(Document(
            title="Estmark statement", author="Estmark MFA", kind="statement", date=dt.date(2024, 3, 1),
            sha256=hashlib.sha256(STATEMENT.encode()).hexdigest(), text=STATEMENT,
        ))

        def code(document: int, quote: str, actor: str, issue: str, position: str, *, occurrence: int | None = None,
                 **extra) -> None:
            code_quote(project, document, quote, CodingRequest(actor=actor, issue=issue, position=position,
                                                               coder=extra.pop("coder", "ann"), **extra),
                       occurrence=occurrence)

        code(1, "we support a ceasefire along the river", "Norland", "Ceasefire", "supports", occurrence=1)
        code(1, "Estmark rejects a ceasefire until the withdrawal", "Estmark", "Ceasefire", "strongly opposes",
             kind=CodingKind.RED_LINE, coder="bob")
        code(1, "Sudria will host the talks", "Norland", "Venue", "Sudria", attribution=Attribution.REPORTED)
        code(statement, "Estmark now backs a ceasefire", "Estmark", "Ceasefire", "supports")
        code(statement, "Norland wants talks in Geneva", "Norland", "Venue", "Geneva")
    return sample_project


def lines(result) -> list[list[str]]:
    assert result.returncode == 0, result.stderr
    return [line.split("\t") for line in result.stdout.splitlines()]


def test_prints_the_matrix_of_means(run_posmap, matrix_project: Path) -> None:
    result = run_posmap("matrix", matrix_project)
    assert lines(result) == [
        ["actors \\ issues", "Ceasefire", "Venue"],
        ["Estmark", "-0.50", ""],  # -2 and +1; no Venue coding: a blank cell
        ["Norland", "1.00", "0.50"],  # Venue: Sudria (1) and Geneva (0)
    ]
    assert result.stderr == ""


def test_other_statistics_and_axes(run_posmap, matrix_project: Path) -> None:
    assert lines(run_posmap("matrix", matrix_project, "--stat", "count", "--rows", "issues", "--cols", "actors")) == [
        ["issues \\ actors", "Estmark", "Norland"], ["Ceasefire", "2", "1"], ["Venue", "", "2"]]
    # Latest: the dated statement is newer than the undated transcript.
    assert lines(run_posmap("matrix", matrix_project, "--stat", "latest"))[1:] == [
        ["Estmark", "1", ""], ["Norland", "1", "0"]]
    assert lines(run_posmap("matrix", matrix_project, "--stat", "spread"))[1:] == [
        ["Estmark", "3", ""], ["Norland", "0", "1"]]


def test_documents_by_actors_is_normalised_and_says_so(run_posmap, matrix_project: Path) -> None:
    result = run_posmap("matrix", matrix_project, "--rows", "documents", "--cols", "actors", "--stat", "min")
    # Transcript × Norland: Ceasefire +1 of −2…2 → 0.5, Venue 1 of 0…2 → 0.
    assert lines(result) == [["documents \\ actors", "Estmark", "Norland"],
                             ["Estmark statement", "0.50", "-1.00"], ["Talks transcript", "-1.00", "0.00"]]
    assert "normalised" in result.stderr


def test_long_rows(run_posmap, matrix_project: Path) -> None:
    table = lines(run_posmap("matrix", matrix_project, "--long"))
    assert table[0][:6] == ["row_id", "row", "column_id", "column", "count", "documents"]
    assert len(table) == 4
    estmark = dict(zip(table[0], table[1], strict=True))
    assert (estmark["row"], estmark["column"], estmark["mean"], estmark["contested"]) == (
        "Estmark", "Ceasefire", "-0.5", "True")  # −2 and +1 from two sources: three steps apart


def test_filters(run_posmap, matrix_project: Path) -> None:
    def means(*filters: str) -> list[list[str]]:
        return lines(run_posmap("matrix", matrix_project, *filters))[1:]

    assert means("--doc", "2") == [["Estmark", "1.00", ""], ["Norland", "", "0.00"]]
    assert means("--since", "2024-01-01") == means("--doc", "2")  # the undated transcript drops out
    assert means("--until", "2024-12-31") == means("--doc", "2")
    assert means("--doc-kind", "Statement") == means("--doc", "2")
    assert means("--doc-author", "observer") == [["Estmark", "-2.00", ""], ["Norland", "1.00", "1.00"]]
    assert means("--attribution", "reported") == [["Estmark", "", ""], ["Norland", "", "1.00"]]
    assert means("--coding-kind", "red_line", "--coding-kind", "demand") == [["Estmark", "-2.00", ""],
                                                                            ["Norland", "", ""]]
    assert means("--coder", "bob") == means("--coding-kind", "red_line")


def test_rollup(run_posmap, matrix_project: Path) -> None:
    with Project.open(matrix_project) as project:
        from posmap.model import Actor

        project.actors.add(Actor(name="Norland army", parent_id=project.actors.by_name("Norland").id))
        code_quote(project, 2, "Estmark now backs a ceasefire", CodingRequest(
            actor="Norland army", issue="Ceasefire", position="strongly supports", coder="ann"))
    plain = lines(run_posmap("matrix", matrix_project, "--stat", "count"))
    rolled = lines(run_posmap("matrix", matrix_project, "--stat", "count", "--rollup"))
    assert plain[1:] == [["Estmark", "2", ""], ["Norland", "1", "2"], ["Norland army", "1", ""]]
    assert rolled[1:] == [["Estmark", "2", ""], ["Norland", "2", "2"], ["Norland army", "1", ""]]


def test_writes_csv(run_posmap, matrix_project: Path, tmp_path: Path) -> None:
    result = run_posmap("matrix", matrix_project, "--stat", "max", "-o", "out.csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "out.csv"
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [["actors \\ issues", "Ceasefire", "Venue"], ["Estmark", "1", ""],
                                            ["Norland", "1", "1"]]
    assert run_posmap("matrix", matrix_project, "--long", "-o", "long.csv").returncode == 0
    with (tmp_path / "long.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 3


def test_writes_xlsx(run_posmap, matrix_project: Path, tmp_path: Path) -> None:
    result = run_posmap("matrix", matrix_project, "--stat", "count", "-o", "out.xlsx")
    assert result.returncode == 0, result.stderr
    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert workbook.active.title == "Count"
    assert {"Mean", "Count", "Evidence", "Agreement", "Codebook"} <= set(workbook.sheetnames)
    assert workbook["Mean"]["B2"].value == -0.5
    assert workbook["Evidence"].max_row == 6
    assert any(rule.type == "colorScale" for area in workbook["Mean"].conditional_formatting for rule in area.rules)


def test_writes_json(run_posmap, matrix_project: Path, tmp_path: Path) -> None:
    result = run_posmap("matrix", matrix_project, "--attribution", "own_words", "-o", "out.json")
    assert result.returncode == 0, result.stderr
    document = MatrixDocument.model_validate(json.loads((tmp_path / "out.json").read_text(encoding="utf-8")))
    assert document.filter.attributions == ["own_words"]
    assert len(document.evidence) == 4
    assert document.values == [[-0.5, None], [1.0, 0.0]]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--stat", "average"], "invalid choice: 'average'"),
        (["--since", "2024-13-01"], "not a date"),
        (["--until", "yesterday"], "not a date"),
        (["--since", "2024-02-01", "--until", "2024-01-01"], "is after --until"),
        (["--rows", "issues", "--cols", "issues"], "must differ"),
        (["-o", "matrix.txt"], ".csv, .xlsx or .json"),
        (["--long", "-o", "matrix.xlsx"], "--long"),
        (["--coding-kind", "rumour"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_one_line(run_posmap, matrix_project: Path, expect_error, args, fragment) -> None:
    result = run_posmap("matrix", matrix_project, *args)
    expect_error(result, 2, fragment)
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--doc", "9"], "no document 9"),
        (["--doc-kind", "memo"], "kinds in this project: statement, transcript"),
    ],
)
def test_user_errors_exit_1_with_one_line(run_posmap, matrix_project: Path, expect_error, args, fragment) -> None:
    expect_error(run_posmap("matrix", matrix_project, *args), 1, fragment)


def test_a_missing_project_is_a_user_error(run_posmap, expect_error) -> None:
    expect_error(run_posmap("matrix", "nowhere.posmap"), 1)


def test_an_empty_project_prints_just_the_header(run_posmap) -> None:
    assert run_posmap("new", "empty.posmap").returncode == 0
    result = run_posmap("matrix", "empty.posmap")
    assert lines(result) == [["actors \\ issues"]]


def test_exports_describe_the_filter_as_given(run_posmap, matrix_project: Path, tmp_path: Path) -> None:
    result = run_posmap("matrix", matrix_project, "--doc-kind", "statement", "--coder", "ann", "-o", "f.json")
    assert result.returncode == 0, result.stderr
    document = MatrixDocument.model_validate_json((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert (document.filter.document_kinds, document.filter.document_ids, document.filter.coders) == (
        ["statement"], [], ["ann"])
    assert [e.document_title for e in document.evidence] == ["Estmark statement", "Estmark statement"]
