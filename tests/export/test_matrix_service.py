"""The matrix service over a real project file: catalogue, filters pushed into SQL, writer chosen by suffix."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from posmap.analysis import Axis, RecordFilter, Stat, filter_records
from posmap.export.matrix_json import MatrixDocument
from posmap.model import Actor, Attribution, CodingKind, CodingPoint, Document, Issue, Scale
from posmap.services.coding import CodingRequest, code_quote
from posmap.services.matrix import (
    MatrixFormatError,
    MatrixOptions,
    build_matrix,
    catalogue_of,
    coding_filter_for,
    load_points,
    load_records,
    record_filter_from,
    write_matrix,
    write_matrix_report,
)
from posmap.store import CodingFilter, Project

TEXT_A = "Norland backs a ceasefire. Norland wants the river border. Estmark refuses any ceasefire."
TEXT_B = "Norland now doubts the ceasefire. Estmark would accept the river border."


@pytest.fixture
def coded(project: Project) -> Project:
    """Two documents (a dated study, an undated statement), a nested actor, a custom-scale issue, five codings."""
    def add_document(text: str, title: str, **metadata) -> int:
        digest = hashlib.sha256(text.encode()).hexdigest()
        return project.documents.add(Document(title=title, sha256=digest, text=text, **metadata))

    study = add_document(TEXT_A, "Study", author="Farrow", kind="study", date=dt.date(2024, 1, 10))
    statement = add_document(TEXT_B, "Statement", author="Lunin", kind="statement")
    norland = project.actors.add(Actor(name="Norland"))
    project.actors.add(Actor(name="Norland army", parent_id=norland))
    project.actors.add(Actor(name="Estmark"))
    project.issues.add(Issue(name="Ceasefire"))
    project.issues.add(Issue(name="Border", scale=Scale.from_labels("old line;river;new line")))

    def code(document: int, quote: str, actor: str, issue: str, position: str, **extra) -> int:
        return code_quote(project, document, quote, CodingRequest(actor=actor, issue=issue, position=position,
                                                                  coder="ann", **extra))

    code(study, "Norland backs a ceasefire", "Norland", "Ceasefire", "strongly supports")
    code(study, "Norland wants the river border", "Norland army", "Border", "river")
    code(study, "Estmark refuses any ceasefire", "Estmark", "Ceasefire", "strongly opposes",
         kind=CodingKind.RED_LINE)
    code(statement, "Norland now doubts the ceasefire", "Norland", "Ceasefire", "neutral/ambivalent",
         attribution=Attribution.REPORTED)
    code(statement, "Estmark would accept the river border", "Estmark", "Border", "river")
    return project


def test_build_matrix_from_a_project(coded: Project) -> None:
    report = build_matrix(coded)
    matrix = report.matrix
    assert [e.label for e in matrix.rows] == ["Estmark", "Norland", "Norland army"]
    assert [e.label for e in matrix.columns] == ["Border", "Ceasefire"]
    assert matrix.values(Stat.MEAN) == [[1.0, -2.0], [None, 1.0], [1.0, None]]
    norland_ceasefire = matrix.cell(1, 1)
    # The dated study (2) is newer than the undated statement (0), which counts as oldest.
    assert (norland_ceasefire.latest, norland_ceasefire.documents, norland_ceasefire.contested) == (2, 2, True)
    assert report.title == "Test project"
    assert len(report.records) == 5


def test_build_matrix_with_rollup_and_a_filter(coded: Project) -> None:
    rolled = build_matrix(coded, MatrixOptions(rollup=True)).matrix
    assert rolled.values(Stat.COUNT)[1] == [1, 2]  # Norland now holds its army's Border coding
    reported = build_matrix(coded, MatrixOptions(filter=RecordFilter(attributions=("reported",)))).matrix
    assert reported.values(Stat.COUNT) == [[None, None], [None, 1], [None, None]]
    by_kind = build_matrix(coded, MatrixOptions(filter=RecordFilter(document_kinds=("statement",))), evidence=True)
    assert [r.document_title for r in by_kind.records] == ["Statement", "Statement"]
    nothing = build_matrix(coded, MatrixOptions(filter=RecordFilter(document_authors=("nobody",))))
    assert nothing.records == () and nothing.matrix.non_empty() == []


@pytest.mark.parametrize("options", [
    MatrixOptions(),
    MatrixOptions(rollup=True, statistic=Stat.LATEST),
    MatrixOptions(rows=Axis.DOCUMENTS, columns=Axis.ACTORS),
    MatrixOptions(filter=RecordFilter(document_authors=("farrow",))),
    MatrixOptions(filter=RecordFilter(attributions=("own_words",), since=dt.date(2024, 1, 1))),
    MatrixOptions(filter=RecordFilter(document_kinds=("statement",), coders=("ann", ""))),
], ids=["default", "rollup-latest", "documents", "author", "attribution-since", "kind-coder"])
def test_a_matrix_from_points_equals_one_from_full_records(coded: Project, options: MatrixOptions) -> None:
    lean = build_matrix(coded, options)
    full = build_matrix(coded, options, evidence=True)
    assert all(isinstance(r, CodingPoint) for r in lean.records) and not lean.has_evidence
    assert full.has_evidence
    assert [r.id for r in lean.records] == [r.id for r in full.records]
    assert (lean.matrix, lean.agreement, lean.contested) == (full.matrix, full.agreement, full.contested)


@pytest.mark.parametrize("where", [
    RecordFilter(document_authors=("FARROW",)),
    RecordFilter(document_kinds=("statement",), attributions=("reported",)),
    RecordFilter(since=dt.date(2024, 1, 1), coders=("ann",)),
    RecordFilter(until=dt.date(2024, 1, 1)),
    RecordFilter(actor_ids=(1,), include_descendants=True, kinds=("position", "red_line")),
    RecordFilter(issue_ids=(2,), document_ids=(2,)),
], ids=["author", "kind-attribution", "since-coder", "until", "subtree-kinds", "issue-document"])
def test_the_store_selects_what_the_analysis_filter_keeps(coded: Project, where: RecordFilter) -> None:
    # build_matrix relies on this: the records the store reads for a filter are exactly the ones
    # the analysis's definition of that filter keeps.
    catalogue = catalogue_of(coded)
    everything = coded.codings.records()
    kept = [r.id for r in filter_records(everything, where, catalogue)]
    assert kept == [r.id for r in load_records(coded, where, catalogue)]
    assert kept == [p.id for p in load_points(coded, where, catalogue)]


def test_points_cannot_be_filtered_by_coder_after_reading(coded: Project) -> None:
    points = coded.codings.points()
    with pytest.raises(ValueError, match="coder"):
        filter_records(points, RecordFilter(coders=("ann",)), catalogue_of(coded))

def test_a_report_without_its_evidence_is_not_written(coded: Project, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="evidence"):
        write_matrix_report(build_matrix(coded), tmp_path / "m.json")
    written = write_matrix_report(build_matrix(coded, evidence=True), tmp_path / "m.json")
    assert "Norland now doubts the ceasefire" in written.read_text(encoding="utf-8")


def test_filters_map_to_the_store_filter(coded: Project) -> None:
    catalogue = catalogue_of(coded)
    norland = coded.actors.by_name("Norland").id
    army = coded.actors.by_name("Norland army").id
    where = RecordFilter(document_authors=("FARROW",), since=dt.date(2024, 1, 1), coders=("ann",),
                         actor_ids=(norland,), include_descendants=True)
    store_filter = coding_filter_for(where, catalogue)
    assert store_filter.document_ids == (1,)
    assert set(store_filter.actor_ids) == {norland, army}
    assert (store_filter.since, store_filter.coders) == (dt.date(2024, 1, 1), ("ann",))
    assert coding_filter_for(RecordFilter(document_kinds=("memo",)), catalogue) is None
    # SQL and the in-memory filter agree.
    from posmap.analysis import filter_records

    everything = coded.codings.records()
    assert coded.codings.records(store_filter) == filter_records(everything, where, catalogue)
    round_trip = record_filter_from(CodingFilter(document_ids=[2], kinds=["red_line"], since=dt.date(2024, 1, 1)))
    assert (round_trip.document_ids, round_trip.kinds, round_trip.since) == ((2,), ("red_line",), dt.date(2024, 1, 1))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".CSV"])
def test_write_matrix_chooses_the_writer_by_suffix(coded: Project, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"matrix{suffix}"
    assert write_matrix(coded, MatrixOptions(rows=Axis.ISSUES, columns=Axis.ACTORS), target) == target
    if suffix.lower() == ".csv":
        assert target.read_text(encoding="utf-8-sig").splitlines()[0] == "issues \\ actors,Estmark,Norland,Norland army"
    elif suffix == ".xlsx":
        assert openpyxl.load_workbook(target)["Mean"]["A2"].value == "Border"
    else:
        assert MatrixDocument.model_validate(json.loads(target.read_text(encoding="utf-8"))).rows_axis == "issues"
    assert [p.name for p in out.iterdir()] == [target.name]  # no temporary file left behind


@pytest.mark.parametrize("name", ["matrix.txt", "matrix", "matrix.xls"])
def test_an_unknown_suffix_is_a_clear_error(coded: Project, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(MatrixFormatError, match=r"\.csv, \.xlsx or \.json"):
        write_matrix(coded, None, out / name)
    assert list(out.iterdir()) == []


def test_a_failed_write_leaves_the_old_file(coded: Project, tmp_path: Path, monkeypatch) -> None:
    import posmap.services.matrix as service

    out = tmp_path / "out"
    out.mkdir()
    existing = out / "m.json"
    existing.write_text("old", encoding="utf-8")

    def half_written(report, path: Path, long: bool) -> Path:
        path.write_text("{ half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(service.WRITERS, ".json", half_written)
    with pytest.raises(OSError):
        write_matrix(coded, None, existing)
    assert existing.read_text(encoding="utf-8") == "old"
    assert [p.name for p in out.iterdir()] == ["m.json"]


def test_a_missing_folder_or_the_project_itself_is_refused(coded: Project, tmp_path: Path) -> None:
    from posmap.store import ProjectError

    with pytest.raises(ProjectError, match="does not exist"):
        write_matrix(coded, None, tmp_path / "missing" / "m.csv")
    alias = tmp_path / "project.json"
    alias.symlink_to(coded.path)
    with pytest.raises(ProjectError, match="overwrite the project"):
        write_matrix(coded, None, alias)


def test_options_reject_the_same_axis_twice() -> None:
    with pytest.raises(ValueError, match="differ"):
        MatrixOptions(rows="actors", columns="actors")
    assert MatrixOptions(rows="documents", statistic="count").statistic is Stat.COUNT


def test_progress_is_reported(coded: Project, tmp_path: Path) -> None:
    seen = []
    write_matrix(coded, None, tmp_path / "m.csv", progress=lambda done, total, message: seen.append((done, total)))
    assert seen[-1] == (3, 3)
    assert all(done <= total for done, total in seen)
