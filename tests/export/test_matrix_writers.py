"""The matrix writers: CSV (wide and long), XLSX (sheets, values, heat map) and JSON (validated by its models)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from posmap.analysis import Catalogue, DocumentRef, RecordFilter, matrix_report
from posmap.export.matrix_csv import matrix_csv_text, write_matrix_csv
from posmap.export.matrix_json import MatrixDocument, matrix_document, write_matrix_json
from posmap.export.matrix_tables import LONG_COLUMNS, matrix_table
from posmap.export.matrix_xlsx import HIGH_COLOUR, LOW_COLOUR, write_matrix_xlsx
from posmap.model import Actor, ActorKind, CodingRecord, Issue, Scale

AGREE = Scale.agreement()
TERRITORY_SCALE = Scale.from_labels("full restoration;ceasefire line;recognition;further cessions")  # 0 … 3
UA, MINISTER, BOREA = 1, 2, 3
CEASEFIRE, TERRITORY = 10, 20
STUDY, STATEMENT = 100, 101
TRICKY_QUOTE = "=SUM(A1) says \x0c <&> \"quoted\""

CATALOGUE = Catalogue(
    actors=(Actor(id=UA, name="Україна", kind=ActorKind.STATE, aliases=["Ukraine"]),
            Actor(id=MINISTER, name="Minister", parent_id=UA, kind=ActorKind.PERSON),
            Actor(id=BOREA, name="Ювента")),
    issues=(Issue(id=CEASEFIRE, name="Ceasefire", proposition="A ceasefire now", scale=AGREE),
            Issue(id=TERRITORY, name="Territory", scale=TERRITORY_SCALE)),
    documents=(DocumentRef(id=STUDY, title="Study", author="Farrow", date="2024-01-10", kind="study"),
               DocumentRef(id=STATEMENT, title="Statement", author="Lunin", date="2024-03-01", kind="statement")),
)


def coding(cid: int, actor: int, issue: int, position: int, document: int, quote: str = "a quote") -> CodingRecord:
    doc, scale = CATALOGUE.document(document), CATALOGUE.scale(issue)
    return CodingRecord(
        id=cid, document_id=document, document_title=doc.title, document_author=doc.author, document_date=doc.date,
        passage_id=cid, start=0, end=len(quote), quote=quote, page=7 if document == STUDY else None,
        actor_id=actor, actor=CATALOGUE.actor(actor).name, issue_id=issue, issue=CATALOGUE.issue(issue).name,
        position=position, position_label=scale.label_for(position) or "", kind="position",
        attribution="own_words", confidence=1.0, note="", coder="ann", created_at="2024-06-01T00:00:00",
        updated_at="2024-06-01T00:00:00",
    )


RECORDS = [
    coding(1, UA, CEASEFIRE, 2, STUDY, TRICKY_QUOTE),
    coding(2, UA, CEASEFIRE, -1, STATEMENT),
    coding(3, UA, TERRITORY, 0, STUDY),
    coding(4, BOREA, TERRITORY, 3, STATEMENT),
    coding(5, MINISTER, CEASEFIRE, 1, STUDY),
]


@pytest.fixture
def report():
    return matrix_report(RECORDS, CATALOGUE, title="Тест project")


# -- the shared table --------------------------------------------------------------------------------------


def test_matrix_table_of_means(report) -> None:
    assert matrix_table(report.matrix, "mean") == [
        ["actors \\ issues", "Ceasefire", "Territory"],
        ["Україна", "0.50", "0.00"],
        ["Minister", "1.00", ""],
        ["Ювента", "", "3.00"],
    ]
    assert matrix_table(report.matrix, "max")[1:] == [["Україна", "2", "0"], ["Minister", "1", ""], ["Ювента", "", "3"]]


# -- CSV -----------------------------------------------------------------------------------------------------


def test_wide_csv_round_trips_through_the_csv_module(report, tmp_path: Path) -> None:
    path = write_matrix_csv(report, tmp_path / "m.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == matrix_table(report.matrix, "mean")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheet programs read Cyrillic right


def test_wide_csv_of_another_statistic(report) -> None:
    rows = list(csv.reader(io.StringIO(matrix_csv_text(report, stat="count"))))
    assert rows[1:] == [["Україна", "2", "1"], ["Minister", "1", ""], ["Ювента", "", "1"]]


def test_long_csv_has_every_statistic_per_cell(report, tmp_path: Path) -> None:
    path = write_matrix_csv(report, tmp_path / "long.csv", long=True)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0].keys()) == LONG_COLUMNS
    assert len(rows) == 4  # the non-empty cells only
    first = rows[0]
    assert (first["row"], first["column"], first["count"], first["documents"]) == ("Україна", "Ceasefire", "2", "2")
    assert (first["mean"], first["median"], first["min"], first["max"]) == ("0.5", "0.5", "-1", "2")
    assert (first["latest"], first["latest_label"], first["spread"]) == ("-1", "opposes", "3")
    assert (first["contested"], first["normalised"]) == ("True", "False")


# -- XLSX ----------------------------------------------------------------------------------------------------


@pytest.fixture
def workbook(report, tmp_path: Path):
    return openpyxl.load_workbook(write_matrix_xlsx(report, tmp_path / "m.xlsx"))


def test_xlsx_has_a_sheet_per_statistic_and_the_others(workbook) -> None:
    assert workbook.sheetnames == ["Mean", "Median", "Min", "Max", "Latest", "Spread", "Count", "Evidence",
                                   "Contested", "Agreement", "Codebook", "About"]
    assert workbook.active.title == "Mean"


def test_xlsx_matrix_values_labels_and_layout(workbook) -> None:
    sheet = workbook["Mean"]
    assert [c.value for c in sheet[1]] == ["actors \\ issues", "Ceasefire", "Territory"]
    assert [sheet.cell(r, 1).value for r in (2, 3, 4)] == ["Україна", "Minister", "Ювента"]
    assert [sheet.cell(r, 1).alignment.indent for r in (2, 3, 4)] == [0, 1, 0]  # nesting
    assert (sheet["B2"].value, sheet["C2"].value, sheet["B3"].value, sheet["C3"].value) == (0.5, 0, 1, None)
    assert sheet["B2"].number_format == "0.00"
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width >= len("Україна")
    assert workbook["Count"]["B2"].value == 2
    assert workbook["Latest"]["B2"].value == -1


def _colour_scales(sheet) -> dict[str, list[tuple[str, float | None]]]:
    found = {}
    for area in sheet.conditional_formatting:
        for rule in area.rules:
            assert rule.type == "colorScale"
            found[str(area.sqref)] = [(v.type, None if v.val is None else float(v.val)) for v in rule.colorScale.cfvo]
            colours = [c.rgb[-6:] for c in rule.colorScale.color]
            found[str(area.sqref)].append(tuple(colours))
    return found


def test_xlsx_heat_maps_follow_each_issue_scale(workbook) -> None:
    scales = _colour_scales(workbook["Mean"])
    assert scales["B2:B4"] == [("num", -2.0), ("num", 0.0), ("num", 2.0), (LOW_COLOUR, "FFFFFF", HIGH_COLOUR)]
    assert scales["C2:C4"] == [("num", 0.0), ("num", 1.5), ("num", 3.0), (LOW_COLOUR, "FFFFFF", HIGH_COLOUR)]
    spread = _colour_scales(workbook["Spread"])
    assert spread["B2:B4"][:2] == [("num", 0.0), ("num", 4.0)]  # sequential, up to the scale's width
    count = _colour_scales(workbook["Count"])
    assert count["B2:C4"][:2] == [("num", 0.0), ("max", None)]


def test_xlsx_evidence_sheet(workbook) -> None:
    sheet = workbook["Evidence"]
    assert [c.value for c in sheet[1]] == ["Actor", "Issue", "Position", "Value", "Kind", "Attribution", "Quote",
                                           "Document", "Author", "Date", "Page", "Coding id"]
    rows = [[c.value for c in line] for line in sheet.iter_rows(min_row=2)]
    assert len(rows) == 5
    assert sheet.auto_filter.ref == "A1:L6"
    first = rows[0]
    assert first[:6] == ["Україна", "Ceasefire", "strongly supports", 2, "position", "own_words"]
    # A quote that looks like a formula stays text; a control character Excel cannot hold is dropped.
    assert first[6] == TRICKY_QUOTE.replace("\x0c", "")
    assert sheet.cell(2, 7).data_type == "s"
    assert first[7:] == ["Study", "Farrow", "2024-01-10", 7, 1]
    assert [r[0] for r in rows] == ["Україна", "Україна", "Україна", "Minister", "Ювента"]  # codebook order


def test_xlsx_agreement_sheet_with_shared_issue_counts(workbook) -> None:
    sheet = workbook["Agreement"]
    assert [c.value for c in sheet[1]] == ["Agreement (0–1)", "Україна", "Minister", "Ювента"]
    assert [c.value for c in sheet[2]] == ["Україна", 1, 0.875, 0]  # Territory 0 vs 3: opposite ends
    assert [c.value for c in sheet[3]] == ["Minister", 0.875, 1, None]  # no shared issue with Borea
    assert [c.value for c in sheet[6]] == ["Shared issues", "Україна", "Minister", "Ювента"]
    assert [c.value for c in sheet[7]] == ["Україна", 2, 1, 1]
    assert [c.value for c in sheet[8]] == ["Minister", 1, 1, 0]
    assert _colour_scales(sheet)["B2:D4"][:3] == [("num", 0.0), ("num", 0.5), ("num", 1.0)]


def test_xlsx_codebook_and_contested_sheets(workbook) -> None:
    codebook = [[c.value for c in line] for line in workbook["Codebook"].iter_rows()]
    assert codebook[0] == ["Actor", "Parent", "Kind", "Aliases"]
    assert codebook[1] == ["Україна", None, "state", "Ukraine"]
    assert codebook[2] == ["Minister", "Україна", "person", None]
    issues_at = [row[0] for row in codebook].index("Issue")
    assert codebook[issues_at + 2][0] == "Territory"
    assert codebook[issues_at + 2][3] == "0 full restoration; 1 ceasefire line; 2 recognition; 3 further cessions"
    contested = [[c.value for c in line] for line in workbook["Contested"].iter_rows()]
    assert contested[1][:3] == ["Україна", "Ceasefire", 2]
    assert contested[1][6] == 3  # document means 2 and -1: three steps


def test_xlsx_of_an_empty_project_still_opens(tmp_path: Path) -> None:
    empty = matrix_report([], Catalogue())
    workbook = openpyxl.load_workbook(write_matrix_xlsx(empty, tmp_path / "empty.xlsx"))
    assert workbook["Mean"]["A1"].value == "actors \\ issues"
    assert workbook["Evidence"].max_row == 1


# -- JSON ----------------------------------------------------------------------------------------------------


def test_json_validates_against_its_models(report, tmp_path: Path) -> None:
    path = write_matrix_json(report, tmp_path / "m.json")
    document = MatrixDocument.model_validate_json(path.read_text(encoding="utf-8"))
    assert (document.format, document.version, document.title) == ("posmap-matrix", 1, "Тест project")
    assert (document.rows_axis, document.columns_axis, document.statistic) == ("actors", "issues", "mean")
    assert document.values == [[0.5, 0.0], [1.0, None], [None, 3.0]]
    assert [p.label for p in document.columns[1].scale.points] == [
        "full restoration", "ceasefire line", "recognition", "further cessions"]
    assert document.normalised is False and document.scale is None
    first = document.cells[0]
    assert (first.row_id, first.column_id, first.count, first.latest, first.latest_label) == (
        UA, CEASEFIRE, 2, -1, "opposes")
    assert first.coding_ids == [1, 2]
    assert [(c.actor, c.issue, c.steps) for c in document.contested] == [("Україна", "Ceasefire", 3.0)]
    assert document.agreement.agreement[0] == [1.0, 0.875, 0.0]
    assert document.agreement.shared_issues[1] == [1, 1, 0]
    assert document.agreement.agreement[1][2] is None
    assert [e.coding_id for e in document.evidence] == [1, 2, 3, 5, 4]
    assert document.evidence[0].quote == TRICKY_QUOTE
    assert [a.name for a in document.codebook.actors] == ["Україна", "Minister", "Ювента"]
    assert document.codebook.actors[1].parent == "Україна"
    assert "Україна" in path.read_text(encoding="utf-8")  # not escaped to \\u…


def test_json_of_a_normalised_filtered_matrix() -> None:
    report = matrix_report(RECORDS, CATALOGUE, rows="documents", columns="actors", statistic="min",
                           where=RecordFilter(document_kinds=("study",)))
    document = MatrixDocument.model_validate(json.loads(json.dumps(matrix_document(report).model_dump(mode="json"))))
    assert document.normalised is True and document.scale is None
    assert [r.label for r in document.rows] == ["Study"]  # the statement is filtered out
    assert document.filter.document_kinds == ["study"]
    # Study × Україна: Ceasefire 2 → +1, Territory 0 → -1 (normalised).
    assert document.values == [[-1.0, 0.5, None]]
    assert document.cells[0].normalised is True and document.cells[0].latest_label is None


def test_json_models_refuse_a_foreign_document() -> None:
    with pytest.raises(ValueError):
        MatrixDocument.model_validate({"format": "something-else"})
