"""``posmap brief`` as a user runs it: a briefing written from a project, errors as one line on stderr."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from posmap.model import Actor, ActorKind, Attribution, CodingKind, Issue, Scale
from posmap.services.coding import CodingRequest, code_quote
from posmap.services.importing import MetadataOverrides, import_files
from posmap.store import Project

STATEMENT = (
    "Northland will not accept any loss of territory. "
    "The present line of contact is the furthest Northland could go. "
    "Northland asks for binding security guarantees before any ceasefire."
)
INTERVIEW = (
    "According to Aydınlık, Southland will keep the land it holds. "
    "Посол Южной страны сказал, что гарантии безопасности неприемлемы."
)


@pytest.fixture(scope="module")
def coded_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small project built once through the services (the command under test only reads it)."""
    folder = tmp_path_factory.mktemp("brief-cli")
    (folder / "statement.txt").write_text(STATEMENT, encoding="utf-8")
    (folder / "interview.txt").write_text(INTERVIEW, encoding="utf-8")
    path = folder / "talks.posmap"
    with Project.create(path, title="Northland talks") as project:
        statement = import_files(project, [folder / "statement.txt"], MetadataOverrides(
            title="Northland statement", author="Foreign Ministry", date=dt.date(2025, 4, 2), kind="statement",
        )).imported[0].document_id
        interview = import_files(project, [folder / "interview.txt"], MetadataOverrides(
            title="Interview for Aydınlık", date=dt.date(2025, 11, 30), kind="interview",
        )).imported[0].document_id
        project.actors.add(Actor(name="Northland", kind=ActorKind.STATE))
        project.actors.add(Actor(name="Southland", kind=ActorKind.STATE))
        scale = Scale.from_labels("full restoration;line of contact;recognition")
        project.issues.add(Issue(name="Territory", scale=scale))
        project.issues.add(Issue(name="Security guarantees", proposition="Northland gets binding guarantees."))
        for document, quote, actor, issue, position, kind, attribution in [
            (statement, "Northland will not accept any loss of territory.", "Northland", "Territory",
             "full restoration", "position", "own_words"),
            (statement, "The present line of contact is the furthest Northland could go.", "Northland", "Territory",
             "line of contact", "red_line", "own_words"),
            (statement, "Northland asks for binding security guarantees before any ceasefire.", "Northland",
             "Security guarantees", "strongly supports", "demand", "own_words"),
            (interview, "According to Aydınlık, Southland will keep the land it holds.", "Southland", "Territory",
             "recognition", "position", "assessment"),
            (interview, "Посол Южной страны сказал, что гарантии безопасности неприемлемы.", "Southland",
             "Security guarantees", "-2", "position", "reported"),
        ]:
            request = CodingRequest(actor=actor, issue=issue, position=position, kind=CodingKind(kind),
                                    attribution=Attribution(attribution))
            code_quote(project, document, quote, request)
    return path


def test_brief_writes_the_pdf_and_prints_its_path(coded_project: Path, run_posmap, tmp_path: Path) -> None:
    result = run_posmap("brief", coded_project, "-o", "talks.pdf", "--title", "Northland talks: positions",
                        "--subtitle", "Where the parties stand", "--author", "Analysis Unit", "--marking",
                        "RESTRICTED", "--paper", "letter", "--max-quotes", "3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "talks.pdf"
    assert result.stderr == ""
    reader = PdfReader(tmp_path / "talks.pdf")
    pages = [page.extract_text() for page in reader.pages]
    text = " ".join(" ".join(pages).split())
    assert all("RESTRICTED" in page for page in pages)
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    assert reader.metadata.title == "Northland talks: positions"
    assert reader.metadata.author == "Analysis Unit"
    for expected in ("Summary", "Territory", "Security guarantees", "Contested points", "Sources", "Codebook",
                     "Method note", "“Northland will not accept any loss of territory.”",
                     "Посол Южной страны сказал, что гарантии безопасности неприемлемы.", "Aydınlık",
                     "[S1] Foreign Ministry, Northland statement, 2 April 2025"):
        assert expected in text


def test_brief_with_issue_actor_and_filters(coded_project: Path, run_posmap, tmp_path: Path) -> None:
    result = run_posmap("brief", coded_project, "-o", tmp_path / "narrow.pdf", "--issue", "Territory",
                        "--actor", "Northland", "--doc-kind", "statement", "--coding-kind", "position",
                        "--coding-kind", "red_line", "--since", "2025-01-01")
    assert result.returncode == 0, result.stderr
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "narrow.pdf").pages).split())
    assert "Northland will not accept any loss of territory." in text
    assert "Security guarantees" not in text and "Southland" not in text
    assert "document kind statement" in text and "coding kind position, red line" in text


@pytest.mark.parametrize(("args", "code", "message"), [
    (("-o", "talks.txt"), 2, "-o must name a .pdf file"),
    (("-o", "x.pdf", "--paper", "a3"), 2, "invalid choice: 'a3'"),
    (("-o", "x.pdf", "--max-quotes", "0"), 2, "must be 1 or more"),
    (("-o", "x.pdf", "--since", "2025-12-01", "--until", "2025-01-01"), 2, "is after --until"),
    (("-o", "x.pdf", "--issue", "Fisheries"), 1, "there is no issue named 'Fisheries'"),
    (("-o", "x.pdf", "--actor", "Westland"), 1, "there is no actor named 'Westland'"),
    (("-o", "x.pdf", "--since", "2030-01-01"), 1, "no codings match"),
    (("-o", "missing/x.pdf"), 1, "does not exist"),
])
def test_brief_errors_are_one_line(coded_project: Path, run_posmap, tmp_path: Path, args, code, message) -> None:
    result = run_posmap("brief", coded_project, *args)
    assert result.returncode == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_brief_needs_an_output(coded_project: Path, run_posmap) -> None:
    result = run_posmap("brief", coded_project)
    assert result.returncode == 2
    assert "-o/--output" in result.stderr
