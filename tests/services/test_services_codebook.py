"""Exchanging codebooks: a faithful round trip, merging into an existing project, readable refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from posmap.model import Actor, ActorKind, Issue, Scale
from posmap.services.codebook import (
    CodebookFileError,
    codebook_json,
    export_codebook,
    import_codebook,
    read_codebook_file,
)
from posmap.services.coding import CodingRequest, code_quote
from posmap.store import ConflictError, Project


def _fill(project: Project) -> None:
    alliance = project.actors.add(Actor(name="Alliance", kind=ActorKind.ORGANISATION, color="#101010"))
    norland = project.actors.add(Actor(name="Norland", parent_id=alliance, kind=ActorKind.STATE, color="#202020",
                                       aliases=["NL", "Kingdom of Norland"]))
    project.actors.add(Actor(name="Envoy Ålund", parent_id=norland, kind=ActorKind.PERSON))
    security = project.issues.add(Issue(name="Security", proposition="Guarantees are needed"))
    project.issues.add(Issue(name="Border", parent_id=security, color="#303030",
                             scale=Scale.from_labels("river=-1;hill=0;mountain=3")))


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_export_and_import_into_a_fresh_project_round_trips(project: Project, tmp_path: Path) -> None:
    _fill(project)
    path = tmp_path / "team.codebook.json"
    path.write_text(codebook_json(export_codebook(project)), encoding="utf-8")

    with Project.create(tmp_path / "fresh.posmap") as fresh:
        report = import_codebook(fresh, read_codebook_file(path))
        assert (report.actors_added, report.actors_updated, report.issues_added, report.issues_updated) == (
            3, 0, 2, 0
        )
        assert export_codebook(fresh) == export_codebook(project)
        envoy = fresh.actors.by_name("envoy ålund")
        assert fresh.actors.get(envoy.parent_id).name == "Norland"
        assert fresh.actors.by_name("kingdom of norland").color == "#202020"
        border = fresh.issues.by_name("Border")
        assert [(p.value, p.label) for p in border.scale.points] == [(-1, "river"), (0, "hill"), (3, "mountain")]
        assert fresh.issues.get(border.parent_id).proposition == "Guarantees are needed"


def test_import_updates_existing_entries_and_reports_counts(project: Project, tmp_path: Path) -> None:
    _fill(project)
    path = _write(tmp_path / "cb.json", {
        "format": "posmap-codebook",
        "version": 1,
        "actors": [
            {"name": "NORLAND", "kind": "state", "color": "#ABCDEF", "aliases": ["NL"]},
            {"name": "Estmark", "kind": "state"},
        ],
        "issues": [
            {"name": "border", "scale": {"points": [
                {"value": -1, "label": "river line"}, {"value": 0, "label": "hill line"},
                {"value": 3, "label": "mountain line"}]}},
        ],
    })
    report = import_codebook(project, read_codebook_file(path))
    assert (report.actors_added, report.actors_updated, report.issues_added, report.issues_updated) == (1, 1, 0, 1)
    norland = project.actors.by_name("Norland")
    assert (norland.name, norland.color, norland.parent_id, norland.aliases) == ("Norland", "#ABCDEF", None, ["NL"])
    assert [p.label for p in project.issues.by_name("Border").scale.points] == [
        "river line", "hill line", "mountain line"
    ]
    assert len(project.actors.all()) == 4


def test_an_actor_named_by_its_alias_keeps_its_name_and_gains_the_file_s(project: Project, tmp_path: Path) -> None:
    _fill(project)
    path = _write(tmp_path / "cb.json", {
        "format": "posmap-codebook", "version": 1,
        "actors": [{"name": "Kingdom of Norland", "kind": "state", "aliases": ["Norlandia", "nl"]}],
    })
    report = import_codebook(project, read_codebook_file(path))
    assert (report.actors_added, report.actors_updated) == (0, 1)
    norland = project.actors.by_name("Norland")
    assert norland.aliases == ["NL", "Kingdom of Norland", "Norlandia"]
    assert norland.kind == "state"
    assert project.actors.find("norlandia").id == norland.id


def test_parents_may_come_after_their_children_in_a_file(project: Project, tmp_path: Path) -> None:
    path = _write(tmp_path / "hand-written.json", {
        "format": "posmap-codebook",
        "actors": [{"name": "Envoy", "parent": "Norland"}, {"name": "Norland"}],
        "issues": [{"name": "Border", "parent": "Security"}, {"name": "Security"}],
    })
    import_codebook(project, read_codebook_file(path))
    assert project.actors.get(project.actors.by_name("Envoy").parent_id).name == "Norland"
    assert project.issues.get(project.issues.by_name("Border").parent_id).name == "Security"


def test_import_that_would_strand_codings_changes_nothing(project: Project, tmp_path: Path, add_document) -> None:
    _fill(project)
    document = add_document("Norland prefers the mountain line.")
    code_quote(project, document, "the mountain line", CodingRequest("Norland", "Border", "mountain"))
    path = _write(tmp_path / "cb.json", {
        "format": "posmap-codebook",
        "actors": [{"name": "Estmark"}],
        "issues": [{"name": "Border", "scale": {"points": [{"value": 0, "label": "a"}, {"value": 1, "label": "b"}]}}],
    })
    with pytest.raises(ConflictError, match="recode"):
        import_codebook(project, read_codebook_file(path))
    assert project.actors.find("Estmark") is None
    assert project.issues.by_name("Border").scale.maximum == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"format": "something-else", "actors": []}), '"format"'),
        (json.dumps([1, 2]), '"format"'),
        (json.dumps({"format": "posmap-codebook", "actors": [{"name": "N", "colour": "#123456"}]}),
         "actors.0.colour"),
        (json.dumps({"format": "posmap-codebook", "issues": [{"name": "B", "color": "blue"}]}), "issues.0.color"),
        (json.dumps({"format": "posmap-codebook", "issues": [{"name": "B", "scale": {"points": [
            {"value": 1, "label": "a"}, {"value": 0, "label": "b"}]}}]}), "issues.0.scale"),
    ],
    ids=["invalid-json", "wrong-format", "not-an-object", "unknown-field", "bad-colour", "bad-scale"],
)
def test_read_codebook_file_refuses_naming_file_and_field(tmp_path: Path, content: str, expected: str) -> None:
    path = _write(tmp_path / "shared-codebook.json", content)
    with pytest.raises(CodebookFileError) as caught:
        read_codebook_file(path)
    message = str(caught.value)
    assert "shared-codebook.json" in message and expected in message
    assert "\n" not in message


def test_read_codebook_file_refuses_binary_and_missing_files(tmp_path: Path) -> None:
    binary = tmp_path / "image.json"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage\x80")
    with pytest.raises(CodebookFileError, match="image.json"):
        read_codebook_file(binary)
    with pytest.raises(CodebookFileError, match="missing.json"):
        read_codebook_file(tmp_path / "missing.json")
