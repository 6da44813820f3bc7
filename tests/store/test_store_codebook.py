"""Actors and issues: unique names, aliases, nesting without cycles, merge, delete and scales."""

from __future__ import annotations

import pytest

from posmap.model import Actor, ActorKind, Issue, Scale
from posmap.store import ConflictError, NotFoundError, Project

TEXT = "Norland wants the river border. Estmark offers the hill border. Sudria asks for talks."


@pytest.fixture
def document(add_document) -> int:
    return add_document(TEXT)


def _names(entries) -> list[str]:
    return [e.name for e in entries]


# -- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [("Norland", "NORLAND"), ("Россия", "россия"), ("Ärzte", "ärzte")])
def test_actor_names_are_unique_ignoring_case(project: Project, first: str, second: str) -> None:
    project.actors.add(Actor(name=first))
    with pytest.raises(ConflictError, match="already"):
        project.actors.add(Actor(name=second))
    assert project.actors.by_name(second).name == first


def test_issue_names_are_unique_ignoring_case(project: Project) -> None:
    project.issues.add(Issue(name="Ceasefire"))
    with pytest.raises(ConflictError):
        project.issues.add(Issue(name=" ceasefire "))
    assert _names(project.issues.all()) == ["Ceasefire"]


def test_actor_found_by_alias(project: Project) -> None:
    actor_id = project.actors.add(Actor(name="Norland", aliases=["Kingdom of Norland", "NL"]))
    assert project.actors.by_name("kingdom of norland").id == actor_id
    assert project.actors.by_name("nl").id == actor_id
    with pytest.raises(ConflictError):
        project.actors.add(Actor(name="NL"))


def test_unknown_name_lists_the_known_ones(project: Project) -> None:
    project.actors.add(Actor(name="Norland"))
    project.actors.add(Actor(name="Estmark"))
    with pytest.raises(NotFoundError) as caught:
        project.actors.by_name("Sudria")
    message = str(caught.value)
    assert "Sudria" in message and "Norland" in message and "Estmark" in message
    with pytest.raises(NotFoundError, match="no issues yet"):
        project.issues.by_name("Ceasefire")


def test_rename_keeps_the_id_and_refuses_clashes(project: Project) -> None:
    norland = project.actors.add(Actor(name="Norland"))
    project.actors.add(Actor(name="Estmark"))
    project.actors.rename(norland, "Norland Republic")
    assert project.actors.by_name("norland republic").id == norland
    with pytest.raises(ConflictError):
        project.actors.rename(norland, "estmark")
    project.actors.rename(norland, "NORLAND REPUBLIC")  # only the case changes: allowed
    assert project.actors.get(norland).name == "NORLAND REPUBLIC"


def test_actor_fields_round_trip(project: Project) -> None:
    state = project.actors.add(Actor(name="Norland", kind=ActorKind.STATE, color="#112233"))
    minister = project.actors.add(Actor(name="Foreign minister", parent_id=state, kind=ActorKind.PERSON))
    project.actors.set_color(minister, "#ABCDEF")
    stored = project.actors.get(minister)
    assert (stored.parent_id, stored.kind, stored.color) == (state, ActorKind.PERSON, "#ABCDEF")
    with pytest.raises(ValueError):
        project.actors.set_color(minister, "blue")
    assert project.actors.get(minister).color == "#ABCDEF"


def test_parent_must_exist(project: Project) -> None:
    with pytest.raises(NotFoundError):
        project.actors.add(Actor(name="Orphan", parent_id=99))
    assert project.actors.all() == []


# -- nesting -------------------------------------------------------------------------------------


def test_set_parent_refuses_cycles(project: Project) -> None:
    top = project.actors.add(Actor(name="Alliance"))
    middle = project.actors.add(Actor(name="Norland", parent_id=top))
    bottom = project.actors.add(Actor(name="Norland army", parent_id=middle))
    for parent in (bottom, middle, top):
        with pytest.raises(ConflictError, match="inside itself"):
            project.actors.set_parent(top, parent)
    assert project.actors.get(top).parent_id is None
    project.actors.set_parent(bottom, top)
    assert project.actors.get(bottom).parent_id == top
    assert sorted(project.actors.ids_with_descendants(top)) == sorted([top, middle, bottom])


def test_issue_update_refuses_cycles(project: Project) -> None:
    parent = project.issues.add(Issue(name="Security"))
    child = project.issues.add(Issue(name="Guarantees", parent_id=parent))
    issue = project.issues.get(parent)
    with pytest.raises(ConflictError):
        project.issues.update(issue.model_copy(update={"parent_id": child}))


# -- merge ---------------------------------------------------------------------------------------


def test_merge_actors_moves_codings_and_children_and_keeps_the_name_as_alias(
    project: Project, document: int, add_coding
) -> None:
    target = project.actors.add(Actor(name="Norland", aliases=["NL"]))
    source = project.actors.add(Actor(name="Kingdom of Norland", aliases=["KoN"]))
    child = project.actors.add(Actor(name="Royal envoy", parent_id=source))
    issue = project.issues.add(Issue(name="Border"))
    first = add_coding(document, "Norland wants the river border", actor_id=source, issue_id=issue, position=2)
    second = add_coding(document, "Sudria asks for talks", actor_id=source, issue_id=issue, position=0)

    assert project.actors.merge(source, target) == 2

    with pytest.raises(NotFoundError):
        project.actors.get(source)
    assert {project.codings.get(first).actor_id, project.codings.get(second).actor_id} == {target}
    assert project.actors.get(child).parent_id == target
    assert project.actors.get(target).aliases == ["NL", "Kingdom of Norland", "KoN"]
    assert project.actors.by_name("kingdom of norland").id == target


def test_merge_refuses_itself_and_its_own_children(project: Project) -> None:
    parent = project.actors.add(Actor(name="Norland"))
    child = project.actors.add(Actor(name="Norland army", parent_id=parent))
    with pytest.raises(ConflictError):
        project.actors.merge(parent, parent)
    with pytest.raises(ConflictError):
        project.actors.merge(parent, child)
    assert len(project.actors.all()) == 2


def test_merge_issues_refuses_positions_off_the_target_scale(
    project: Project, document: int, add_coding
) -> None:
    border = project.issues.add(Issue(name="Border", scale=Scale.from_labels("river;hill;mountain")))
    territory = project.issues.add(Issue(name="Territory", scale=Scale.from_labels("all;some")))
    actor = project.actors.add(Actor(name="Norland"))
    coding = add_coding(document, "Norland wants the river border", actor_id=actor, issue_id=border, position=2)

    with pytest.raises(ConflictError, match="Territory"):
        project.issues.merge(border, territory)
    assert project.codings.get(coding).issue_id == border
    assert _names(project.issues.all()) == ["Border", "Territory"]

    project.issues.set_scale(territory, Scale.from_labels("all;some;none"))
    assert project.issues.merge(border, territory) == 1
    assert project.codings.record(coding).issue == "Territory"
    assert project.codings.record(coding).position_label == "none"


# -- delete --------------------------------------------------------------------------------------


def test_delete_returns_codings_removed_and_reparents_children(
    project: Project, document: int, add_coding
) -> None:
    alliance = project.actors.add(Actor(name="Alliance"))
    norland = project.actors.add(Actor(name="Norland", parent_id=alliance))
    army = project.actors.add(Actor(name="Norland army", parent_id=norland))
    estmark = project.actors.add(Actor(name="Estmark"))
    issue = project.issues.add(Issue(name="Border"))
    add_coding(document, "Norland wants the river border", actor_id=norland, issue_id=issue, position=2)
    add_coding(document, "Norland wants the river border", actor_id=army, issue_id=issue, position=1)
    add_coding(document, "Estmark offers the hill border", actor_id=norland, issue_id=issue, position=0)
    kept = add_coding(document, "Estmark offers the hill border", actor_id=estmark, issue_id=issue, position=1)

    assert project.actors.delete(norland) == 2

    assert project.actors.get(army).parent_id == alliance
    assert {r.actor for r in project.codings.records()} == {"Norland army", "Estmark"}
    assert project.codings.get(kept).actor_id == estmark


def test_deleting_an_issue_removes_passages_nobody_uses(project: Project, document: int, add_coding) -> None:
    actor = project.actors.add(Actor(name="Norland"))
    issue = project.issues.add(Issue(name="Border"))
    add_coding(document, "Sudria asks for talks", actor_id=actor, issue_id=issue)
    assert project.issues.delete(issue) == 1
    assert project.codings.passages(document) == []
    assert project.connection.execute("SELECT count(*) FROM scale_points").fetchone() == (0,)


# -- scales --------------------------------------------------------------------------------------


def test_default_scale_is_agreement(project: Project) -> None:
    issue = project.issues.get(project.issues.add(Issue(name="Ceasefire", proposition="A ceasefire now")))
    assert [(p.value, p.label) for p in issue.scale.points] == [
        (-2, "strongly opposes"), (-1, "opposes"), (0, "neutral/ambivalent"), (1, "supports"),
        (2, "strongly supports"),
    ]
    assert issue.proposition == "A ceasefire now"


def test_set_scale_refuses_to_strand_codings(project: Project, document: int, add_coding) -> None:
    actor = project.actors.add(Actor(name="Norland"))
    issue = project.issues.add(Issue(name="Border", scale=Scale.from_labels("river;hill;mountain")))
    add_coding(document, "Norland wants the river border", actor_id=actor, issue_id=issue, position=0)
    add_coding(document, "Estmark offers the hill border", actor_id=actor, issue_id=issue, position=1)

    with pytest.raises(ConflictError, match="1 at 1"):
        project.issues.set_scale(issue, Scale.from_labels("river=0;mountain=2"))
    assert [p.label for p in project.issues.scale(issue).points] == ["river", "hill", "mountain"]

    # Relabelling and adding points keeps every coding on the scale: allowed.
    project.issues.set_scale(issue, Scale.from_labels("river line;hill line;mountain line;sea"))
    assert [r.position_label for r in project.codings.records()] == ["river line", "hill line"]
