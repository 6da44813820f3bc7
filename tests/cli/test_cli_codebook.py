"""`posmap actor add`, `issue add`, `codebook export` and `codebook import`."""

from __future__ import annotations

import json
from pathlib import Path

from posmap.model import ActorKind
from posmap.store import Project


def test_actor_add_with_parent_kind_and_colour(run_posmap, expect_error, tmp_path: Path) -> None:
    Project.create(tmp_path / "p.posmap").close()
    first = run_posmap("actor", "add", "p.posmap", "Norland", "--kind", "state", "--color", "#1A2B3C")
    assert first.returncode == 0, first.stderr
    second = run_posmap("actor", "add", "p.posmap", "Norland foreign ministry", "--parent", "norland",
                        "--kind", "organisation")
    assert second.returncode == 0, second.stderr
    with Project.open(tmp_path / "p.posmap") as project:
        norland = project.actors.get(int(first.stdout))
        ministry = project.actors.get(int(second.stdout))
    assert (norland.name, norland.kind, norland.color) == ("Norland", ActorKind.STATE, "#1A2B3C")
    assert (ministry.parent_id, ministry.kind) == (norland.id, ActorKind.ORGANISATION)

    expect_error(run_posmap("actor", "add", "p.posmap", "NORLAND"), 1, "already", "Norland")
    expect_error(run_posmap("actor", "add", "p.posmap", "Envoy", "--parent", "Sudria"), 1, "Sudria", "Norland")
    expect_error(run_posmap("actor", "add", "p.posmap", "Envoy", "--color", "red"), 1, "color")
    expect_error(run_posmap("actor", "add", "p.posmap", "Envoy", "--kind", "alien"), 2, "kind")


def test_issue_add_with_scale_and_proposition(run_posmap, expect_error, tmp_path: Path) -> None:
    Project.create(tmp_path / "p.posmap").close()
    border = run_posmap("issue", "add", "p.posmap", "Border",
                        "--scale", "full restoration;partial return;status quo")
    assert border.returncode == 0, border.stderr
    ceasefire = run_posmap("issue", "add", "p.posmap", "Ceasefire", "--proposition", "A ceasefire now",
                           "--parent", "border", "--scale", "reject=-1;accept=1")
    assert ceasefire.returncode == 0, ceasefire.stderr
    with Project.open(tmp_path / "p.posmap") as project:
        border_issue = project.issues.get(int(border.stdout))
        ceasefire_issue = project.issues.get(int(ceasefire.stdout))
    assert [(p.value, p.label) for p in border_issue.scale.points] == [
        (0, "full restoration"), (1, "partial return"), (2, "status quo")
    ]
    assert (ceasefire_issue.proposition, ceasefire_issue.parent_id) == ("A ceasefire now", border_issue.id)
    assert [(p.value, p.label) for p in ceasefire_issue.scale.points] == [(-1, "reject"), (1, "accept")]

    expect_error(run_posmap("issue", "add", "p.posmap", "Sanctions", "--scale", "only one"), 1, "points")
    expect_error(run_posmap("issue", "add", "p.posmap", "Sanctions", "--scale", "b=2;a=1"), 1, "order")


def test_codebook_export_and_import(run_posmap, expect_error, tmp_path: Path, sample_project: Path) -> None:
    with Project.open(sample_project) as project:
        project.actors.update(project.actors.by_name("Norland").model_copy(update={"aliases": ["NL"]}))
    exported = run_posmap("codebook", "export", sample_project, "-o", "team.json")
    assert exported.returncode == 0, exported.stderr
    data = json.loads((tmp_path / "team.json").read_text(encoding="utf-8"))
    assert data["format"] == "posmap-codebook"
    assert {a["name"] for a in data["actors"]} == {"Norland", "Estmark"}

    to_stdout = run_posmap("codebook", "export", sample_project)
    assert json.loads(to_stdout.stdout) == data

    Project.create(tmp_path / "fresh.posmap").close()
    imported = run_posmap("codebook", "import", "fresh.posmap", "team.json")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines() == [
        "actors added\t2", "actors updated\t0", "issues added\t2", "issues updated\t0"
    ]
    with Project.open(tmp_path / "fresh.posmap") as fresh:
        assert fresh.actors.by_name("nl").name == "Norland"
        assert [p.label for p in fresh.issues.by_name("Venue").scale.points] == ["Geneva", "Sudria", "elsewhere"]

    again = run_posmap("codebook", "import", "fresh.posmap", "team.json")
    assert again.stdout.splitlines()[1] == "actors updated\t2"

    data["issues"][0]["colour"] = "#123456"
    (tmp_path / "broken.json").write_text(json.dumps(data), encoding="utf-8")
    expect_error(run_posmap("codebook", "import", "fresh.posmap", "broken.json"), 1, "broken.json", "colour")
    (tmp_path / "notjson.json").write_text("{", encoding="utf-8")
    expect_error(run_posmap("codebook", "import", "fresh.posmap", "notjson.json"), 1, "notjson.json", "JSON")
