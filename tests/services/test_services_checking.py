"""The integrity report: silent on a good project, one readable line per problem after tampering."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from posmap.model import Actor, Issue, Scale
from posmap.services.checking import integrity_problems
from posmap.services.coding import CodingRequest, code_quote
from posmap.store import Project

TEXT = "Norland accepts monitors. Estmark rejects monitors. Sudria abstains."


@pytest.fixture
def coded(project: Project, project_path: Path, add_document) -> dict[str, int]:
    document = add_document(TEXT)
    project.actors.add(Actor(name="Norland"))
    project.issues.add(Issue(name="Monitors", scale=Scale.from_labels("none;some;many")))
    ids = {
        "first": code_quote(project, document, "Norland accepts monitors", CodingRequest("Norland", "Monitors", 2)),
        "second": code_quote(project, document, "Estmark rejects monitors", CodingRequest("Norland", "Monitors", 0)),
        "document": document,
    }
    ids["first_passage"] = project.codings.get(ids["first"]).passage_id
    ids["second_passage"] = project.codings.get(ids["second"]).passage_id
    project.close()
    return ids


def _tamper(path: Path, statement: str, *params: object) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(statement, params)
    connection.close()


def _problems(path: Path) -> list[str]:
    # As `posmap check` does: a file that breaks the content rules is opened to be reported on.
    with Project.open(path, check_content=False) as opened:
        problems = integrity_problems(opened)
    assert all(line.strip() and "\n" not in line for line in problems)
    return problems


def test_good_project_has_no_problems(coded, project_path: Path) -> None:
    assert _problems(project_path) == []


def test_changed_quote_is_reported(coded, project_path: Path) -> None:
    _tamper(project_path, "UPDATE passages SET quote = 'Norland rejects monitors' WHERE id = ?", coded["first_passage"])
    [problem] = _problems(project_path)
    assert f"passage {coded['first_passage']}" in problem and "no longer matches" in problem


def test_offset_past_the_end_is_reported(coded, project_path: Path) -> None:
    _tamper(project_path, "UPDATE passages SET end_offset = 500 WHERE id = ?", coded["second_passage"])
    [problem] = _problems(project_path)
    assert f"passage {coded['second_passage']}" in problem and "500" in problem and f"{len(TEXT)}" in problem


def test_position_off_the_scale_is_reported(coded, project_path: Path) -> None:
    _tamper(project_path, "UPDATE codings SET position = 7 WHERE id = ?", coded["first"])
    [problem] = _problems(project_path)
    assert f"coding {coded['first']}" in problem and "7" in problem and "Monitors" in problem


def test_every_problem_is_listed(coded, project_path: Path) -> None:
    _tamper(project_path, "UPDATE passages SET quote = 'xxxxxxxxxxxxxxxxxxxxxxxx' WHERE id = ?", coded["first_passage"])
    _tamper(project_path, "UPDATE passages SET end_offset = 500 WHERE id = ?", coded["second_passage"])
    _tamper(project_path, "UPDATE codings SET position = -3 WHERE id = ?", coded["second"])
    assert len(_problems(project_path)) == 3


def test_stale_search_index_is_reported(coded, project_path: Path) -> None:
    _tamper(project_path, "UPDATE document_texts SET text = 'Something else entirely' WHERE document_id = ?",
            coded["document"])
    problems = _problems(project_path)
    assert any("full-text index" in p for p in problems)
    assert any("no longer matches" in p or "outside the text" in p for p in problems)


def test_dangling_reference_is_reported(coded, project_path: Path) -> None:
    connection = sqlite3.connect(project_path)
    connection.execute("UPDATE codings SET actor_id = 99 WHERE id = ?", (coded["first"],))
    connection.commit()
    connection.close()
    problems = _problems(project_path)
    assert any("codings" in p and "actors" in p for p in problems)


def test_read_only_project_checks_clean(coded, project_path: Path) -> None:
    with Project.open(project_path, read_only=True) as viewer:
        assert integrity_problems(viewer) == []
