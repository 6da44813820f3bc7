"""Layout limits of the briefing: many issues and actors, long names, long quotes, dense scales —
nothing may run outside the text area, and long tables repeat their headers."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from posmap.export.briefing_style import MARGINS
from posmap.model import Actor, Coding, CodingKind, Document, Issue, Passage, Scale
from posmap.services.briefing import BriefingOptions, write_briefing
from posmap.store import Project

LONG_QUOTE = " ".join(
    f"Sentence {n} of a very long statement explains, clause after clause, why the delegation cannot "
    f"accept the draft as it stands and what it would need instead." for n in range(40)
)
UNBROKEN = "https://example.org/" + "x" * 180
DENSE_SCALE = Scale.from_labels(";".join(
    f"outcome number {n} described at considerable length so that labels collide" for n in range(21)
))


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crowded")
    with Project.create(folder / "crowded.posmap", title="Crowded") as project:
        actor_ids = [
            project.actors.add(Actor(name=f"Delegation of the Autonomous Region Number {n} (observer status)"))
            for n in range(25)
        ]
        issue_ids = [
            project.issues.add(Issue(
                name=f"Issue {n}: arrangements for the phased withdrawal and monitoring of heavy weapons",
                proposition="A proposition long enough to wrap over more than one line of the issue section. " * 3,
                scale=DENSE_SCALE if n == 0 else Scale.agreement(),
            ))
            for n in range(14)
        ]
        short = "Short sentence here."
        text = f"{LONG_QUOTE} {UNBROKEN} {short}"
        document_id = project.documents.add(Document(
            title="A source whose title is itself long: " + "proceedings of the conference " * 5,
            sha256=hashlib.sha256(text.encode()).hexdigest(), text=text, character_count=len(text),
            author="Rapporteur " * 10, date=None,
        ))
        long_span = (0, len(LONG_QUOTE))
        unbroken_span = (len(LONG_QUOTE) + 1, len(LONG_QUOTE) + 1 + len(UNBROKEN))
        short_span = (len(text) - len(short), len(text))
        positions = itertools.cycle([-2, -1, 0, 1, 2])

        def code(actor_id: int, issue_id: int, span: tuple[int, int], kind: CodingKind) -> None:
            position = next(positions)
            if issue_id == issue_ids[0]:
                position = (position + 2) * 5
            project.codings.add(Passage(document_id=document_id, start=span[0], end=span[1], quote=text[slice(*span)]),
                                Coding(actor_id=actor_id, issue_id=issue_id, position=position, kind=kind))

        with project.transaction():
            # Every actor on two issues: a full heat map (25 rows, 14 columns) without hundreds of quotes.
            for n, actor_id in enumerate(actor_ids):
                for issue_id in (issue_ids[n % 14], issue_ids[(n + 5) % 14]):
                    code(actor_id, issue_id, short_span, CodingKind.POSITION)
            for actor_id in actor_ids[:3]:
                code(actor_id, issue_ids[0], long_span, CodingKind.RED_LINE)
                code(actor_id, issue_ids[0], unbroken_span, CodingKind.DEMAND)
        result = write_briefing(project, BriefingOptions(
            output=folder / "crowded.pdf", title="A briefing title that is far too long for a running header " * 3,
            marking="RESTRICTED — HANDLE VIA NEGOTIATION CHANNELS ONLY", author="Unit " * 30, max_quotes=2,
        ))
    return result.path


def test_nothing_runs_outside_the_text_area(crowded: Path) -> None:
    with pdfplumber.open(crowded) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for char in page.chars:
                assert char["x0"] >= MARGINS.left - 1, (number, char["text"], char["x0"])
                assert char["x1"] <= page.width - MARGINS.right + 1, (number, char["text"], char["x1"])
                assert char["top"] > 0 and char["bottom"] < page.height, (number, char["text"])


def test_many_issues_split_the_heat_map_and_long_tables_repeat_headers(crowded: Path) -> None:
    pages = [page.extract_text() for page in PdfReader(crowded).pages]
    summary = [text for text in pages if "Summary" in text and "Issue 1:" in text]
    # 14 issues do not fit side by side: several tables, each starting with its own header row.
    assert sum(text.count("Actor") for text in summary) >= 3


def test_long_quotes_wrap_and_every_issue_has_its_section(crowded: Path) -> None:
    reader = PdfReader(crowded)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Sentence 39 of a very long statement" in text
    assert UNBROKEN[:60] in text.replace(" ", "")
    for n in range(14):
        assert f"Issue {n}: arrangements" in text
    assert len(reader.pages) > 15
