"""`posmap code` and `posmap codings`: coding by quote or span, every error, and the listing formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from posmap.model import Attribution, CodingKind
from posmap.services.coding import CodingRequest, code_quote, code_span
from posmap.store import Project

CODING_FIELDS = {"id", "document_id", "start", "end", "quote", "page", "actor", "issue", "position",
                 "position_label", "kind", "attribution", "note", "coder"}


def test_code_by_quote_occurrence_and_span(run_posmap, sample_project: Path) -> None:
    by_quote = run_posmap("code", sample_project, 1, "--quote", "Sudria will host the talks", "--actor", "estmark",
                          "--issue", "Venue", "--position", "sudria", "--kind", "proposal",
                          "--attribution", "reported", "--note", "offer 😀")
    assert by_quote.returncode == 0, by_quote.stderr
    repeated = "we support a ceasefire along the river."
    by_occurrence = run_posmap("code", sample_project, 1, "--quote", repeated, "--occurrence", "2",
                               "--actor", "Norland", "--issue", "Ceasefire", "--position", "+2")
    assert by_occurrence.returncode == 0, by_occurrence.stderr
    by_span = run_posmap("code", sample_project, 1, "--span", "0:7", "--actor", "Norland", "--issue", "Ceasefire",
                         "--position", "-1")
    assert by_span.returncode == 0, by_span.stderr

    with Project.open(sample_project) as project:
        text = project.documents.text(1)
        quote_record = project.codings.record(int(by_quote.stdout))
        occurrence_record = project.codings.record(int(by_occurrence.stdout))
        span_record = project.codings.record(int(by_span.stdout))
    assert text[quote_record.start:quote_record.end] == quote_record.quote == "Sudria will host the talks"
    assert (quote_record.actor, quote_record.position_label, quote_record.kind, quote_record.attribution,
            quote_record.note, quote_record.coder) == ("Estmark", "Sudria", "proposal", "reported", "offer 😀",
                                                       "tester")
    assert occurrence_record.start == text.rindex(repeated)
    assert (occurrence_record.position, occurrence_record.page) == (2, 2)
    assert (span_record.start, span_record.end, span_record.quote, span_record.page) == (0, 7, "Norland", 1)
    assert (span_record.position, span_record.position_label) == (-1, "opposes")


@pytest.mark.parametrize(
    ("args", "code", "fragments"),
    [
        (["--quote", "Estmark surrenders", "--actor", "Norland", "--issue", "Ceasefire", "--position", "0"],
         1, ["not found"]),
        (["--quote", "we support a ceasefire", "--actor", "Norland", "--issue", "Ceasefire", "--position", "0"],
         1, ["2 times", "--occurrence"]),
        (["--quote", "Sudria", "--occurrence", "5", "--actor", "Norland", "--issue", "Venue", "--position", "0"],
         1, ["no occurrence 5"]),
        (["--quote", "Sudria", "--actor", "Kestria", "--issue", "Venue", "--position", "0"],
         1, ["Kestria", "Estmark", "Norland"]),
        (["--quote", "Sudria", "--actor", "Norland", "--issue", "Borders", "--position", "0"],
         1, ["Borders", "Ceasefire", "Venue"]),
        (["--quote", "Sudria", "--actor", "Norland", "--issue", "Venue", "--position", "Paris"],
         1, ["Paris", "Geneva"]),
        (["--quote", "Sudria", "--actor", "Norland", "--issue", "Ceasefire", "--position", "5"],
         1, ["5", "strongly supports"]),
        (["--span", "5-9", "--actor", "Norland", "--issue", "Venue", "--position", "0"], 2, ["5-9"]),
        (["--span", "9:5", "--actor", "Norland", "--issue", "Venue", "--position", "0"], 2, ["9:5"]),
        (["--span", "0:99999", "--actor", "Norland", "--issue", "Venue", "--position", "0"], 1, ["0:99999"]),
        (["--span", "0:5", "--occurrence", "1", "--actor", "Norland", "--issue", "Venue", "--position", "0"],
         2, ["--occurrence"]),
        (["--span", "0:5", "--quote", "x", "--actor", "Norland", "--issue", "Venue", "--position", "0"], 2, []),
        (["--quote", "Sudria", "--issue", "Venue", "--position", "0"], 2, ["--actor"]),
    ],
    ids=["quote-missing", "ambiguous", "occurrence-out-of-range", "unknown-actor", "unknown-issue",
         "label-off-scale", "value-off-scale", "span-syntax", "span-backwards", "span-past-end",
         "occurrence-with-span", "quote-and-span", "actor-missing"],
)
def test_code_errors(run_posmap, expect_error, sample_project: Path, args, code: int, fragments) -> None:
    expect_error(run_posmap("code", sample_project, 1, *args), code, *fragments)
    with Project.open(sample_project) as project:
        assert project.codings.count() == 0


def test_code_in_a_missing_document(run_posmap, expect_error, sample_project: Path) -> None:
    expect_error(run_posmap("code", sample_project, 7, "--quote", "x", "--actor", "Norland", "--issue", "Venue",
                            "--position", "0"), 1, "no document 7")


@pytest.fixture
def coded_project(sample_project: Path) -> Path:
    with Project.open(sample_project) as project:
        code_quote(project, 1, "Estmark rejects a ceasefire", CodingRequest(
            "Estmark", "Ceasefire", "strongly opposes", kind=CodingKind.RED_LINE, note='says "never", twice\tok',
            coder="ben"))
        code_span(project, 1, 0, 7, CodingRequest("Norland", "Venue", "Geneva", attribution=Attribution.ASSESSMENT,
                                                  coder="ana"))
    return sample_project


def test_codings_json_has_every_contract_field(run_posmap, coded_project: Path) -> None:
    result = run_posmap("codings", coded_project, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [set(row) >= CODING_FIELDS for row in rows] == [True, True]
    first, second = rows
    assert (first["start"], first["end"], first["quote"], first["page"], first["actor"], first["issue"]) == (
        0, 7, "Norland", 1, "Norland", "Venue"
    )
    assert (first["position"], first["position_label"], first["attribution"], first["coder"]) == (
        0, "Geneva", "assessment", "ana"
    )
    with Project.open(coded_project) as project:
        start = project.documents.text(1).index("Estmark rejects")
    assert (second["start"], second["end"], second["quote"], second["page"]) == (
        start, start + len("Estmark rejects a ceasefire"), "Estmark rejects a ceasefire", 2
    )
    assert (second["position"], second["position_label"], second["kind"], second["note"]) == (
        -2, "strongly opposes", "red_line", 'says "never", twice\tok'
    )


def test_codings_tsv_and_csv_and_filters(run_posmap, expect_error, coded_project: Path) -> None:
    tsv = run_posmap("codings", coded_project)
    header, *lines = tsv.stdout.splitlines()
    assert set(header.split("\t")) >= CODING_FIELDS
    assert len(lines) == 2 and all(len(line.split("\t")) == len(header.split("\t")) for line in lines)

    as_csv = run_posmap("codings", coded_project, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert set(rows[0]) >= CODING_FIELDS
    assert rows[1]["note"] == 'says "never", twice\tok'
    assert rows[0]["page"] == "1" and rows[1]["quote"] == "Estmark rejects a ceasefire"

    by_actor = run_posmap("codings", coded_project, "--actor", "estmark", "--format", "json")
    assert [r["actor"] for r in json.loads(by_actor.stdout)] == ["Estmark"]
    by_issue = run_posmap("codings", coded_project, "--issue", "venue", "--doc", "1", "--format", "json")
    assert [r["issue"] for r in json.loads(by_issue.stdout)] == ["Venue"]
    expect_error(run_posmap("codings", coded_project, "--actor", "Kestria"), 1, "Kestria")
    expect_error(run_posmap("codings", coded_project, "--doc", "99"), 1, "there is no document 99")
