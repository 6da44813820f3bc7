"""Page numbers of the briefing, read back: the contents (several pages long) name the pages the
headings land on, "page X of Y" counts the real pages, links and outline entries reach their
targets; and the layout machinery behind them (two passes, remembered line breaks and word widths).
"""

from __future__ import annotations

import gc
import hashlib
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from posmap.export.briefing import FULL_COLLECTION_THRESHOLD
from posmap.export.briefing_layout import BriefingDocTemplate, CachedParagraph, Heading
from posmap.export.briefing_style import SANS, SERIF, register_fonts, styles
from posmap.model import Actor, Coding, CodingKind, Document, Issue, Passage
from posmap.services.briefing import BriefingOptions, write_briefing
from posmap.store import Project

ISSUES = 64
"""Enough issues (one contents line each, plus the contested points) for contents over several pages."""
ACTORS = ("Northern Delegation", "Southern Delegation", "Island Council")
OPPOSE = "The delegation rejects this outright and will not sign any text that contains it."
SUPPORT = "The delegation fully supports this and asks that it be written into the agreement."


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def long_contents(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("pages")
    with Project.create(folder / "many.posmap", title="Many issues") as project:
        actor_ids = [project.actors.add(Actor(name=name)) for name in ACTORS]
        issue_ids = [project.issues.add(Issue(name=f"Topic {n:02d} on the agenda")) for n in range(ISSUES)]
        text = f"{OPPOSE} {SUPPORT}"
        documents = [
            project.documents.add(Document(title=title, sha256=hashlib.sha256(title.encode()).hexdigest(), text=text,
                                           character_count=len(text)))
            for title in ("Statement of the first round", "Statement of the second round")
        ]
        oppose, support = (0, len(OPPOSE)), (len(OPPOSE) + 1, len(text))

        def code(document_id: int, span: tuple[int, int], actor_id: int, issue_id: int, position: int) -> None:
            project.codings.add(
                Passage(document_id=document_id, start=span[0], end=span[1], quote=text[slice(*span)]),
                Coding(actor_id=actor_id, issue_id=issue_id, position=position, kind=CodingKind.POSITION),
            )

        with project.transaction():
            for n, issue_id in enumerate(issue_ids):
                code(documents[0], support, actor_ids[n % 2], issue_id, 2)
                code(documents[1], oppose, actor_ids[2], issue_id, -1)
                if n % 4 == 0:
                    # The two sources read the actor four steps apart: a contested point, and one more
                    # contents line.
                    code(documents[1], oppose, actor_ids[n % 2], issue_id, -2)
        result = write_briefing(project, BriefingOptions(output=folder / "many.pdf", title="Many issues",
                                                         marking="RESTRICTED"))
    reader = PdfReader(result.path)
    pages = [page.extract_text() for page in reader.pages]
    return {"project": folder / "many.posmap", "path": result.path, "reader": reader, "pages": pages,
            "result": result}


def _outline(reader: PdfReader) -> dict[str, int]:
    """Outline titles (flattened) with the page index each one points at."""
    found: dict[str, int] = {}

    def walk(entries) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                found[_flat(entry.title)] = reader.get_destination_page_number(entry)

    walk(reader.outline)
    return found


def _contents_links(briefing: dict) -> tuple[list[tuple[str, int]], list[tuple[int, int]]]:
    """The contents' links as (line text, target page index) and (printed page number, target page index)."""
    reader = briefing["reader"]
    outline = _outline(reader)
    first, body = outline["Contents"], outline["1 Summary"]
    labels, numbers = [], []
    with pdfplumber.open(briefing["path"]) as pdf:
        for index in range(first, body):
            page = pdf.pages[index]
            words = page.extract_words()
            for annotation in reader.pages[index].get("/Annots", []):
                link = annotation.get_object()
                x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
                target = reader.get_page_number(link["/Dest"][0].get_object())
                inside = [w["text"] for w in words
                          if x0 <= (w["x0"] + w["x1"]) / 2 <= x1
                          and y0 <= page.height - (w["top"] + w["bottom"]) / 2 <= y1]
                text = " ".join(inside)
                if text.isdigit():
                    numbers.append((int(text), target))
                else:
                    labels.append((text, target))
    return labels, numbers


def test_the_contents_run_over_several_pages(long_contents) -> None:
    outline = _outline(long_contents["reader"])
    assert outline["1 Summary"] - outline["Contents"] >= 2


def test_contents_numbers_are_the_pages_the_headings_land_on(long_contents) -> None:
    pages = long_contents["pages"]
    labels, numbers = _contents_links(long_contents)
    contested = (ISSUES + 3) // 4
    # Summary with two subsections, the issues, contested points with their subsections, sources,
    # and the two annexes with two subsections.
    assert len(numbers) == len(labels) == 3 + ISSUES + 1 + contested + 1 + 3 + 1
    for printed, target in numbers:
        assert printed == target + 1
    body_start = _outline(long_contents["reader"])["1 Summary"]
    for label, target in labels:
        assert label in _flat(pages[target]), label
        # The contents and their links name the page where the heading is, not a later one: the
        # heading (and the running header naming its section) are on no page before it.
        assert not any(label in _flat(pages[n]) for n in range(body_start, target)), label


def test_outline_entries_point_at_their_headings(long_contents) -> None:
    pages = long_contents["pages"]
    outline = _outline(long_contents["reader"])
    for title in ("1 Summary", "2 Topic 00 on the agenda", f"{ISSUES + 1} Topic {ISSUES - 1:02d} on the agenda",
                  f"{ISSUES + 2} Contested points", f"{ISSUES + 3} Sources", "Annex B Method note"):
        assert title in _flat(pages[outline[title]]), title


def test_page_x_of_y_counts_the_real_pages(long_contents) -> None:
    pages = long_contents["pages"]
    assert long_contents["result"].pages == len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text, number
        assert text.count("RESTRICTED") >= 2, number


def test_citations_link_to_their_source_entries(long_contents) -> None:
    """Each citation's [S…] links to the line of that source in the list of sources (an anchor the
    layout-only pass does not draw, so only the drawing pass can place it)."""
    reader = long_contents["reader"]
    outline = _outline(reader)
    sources = outline[f"{ISSUES + 3} Sources"]
    with pdfplumber.open(long_contents["path"]) as pdf:
        page = pdf.pages[sources]
        entry_tops = {w["text"]: page.height - w["top"] for w in page.extract_words() if w["text"].startswith("[S")}
        assert set(entry_tops) == {"[S1]", "[S2]"}
        checked = set()
        for index in range(outline["1 Summary"], sources):
            page = pdf.pages[index]
            words = page.extract_words()
            for annotation in reader.pages[index].get("/Annots", []):
                link = annotation.get_object()
                x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
                label = " ".join(w["text"] for w in words
                                 if x0 <= (w["x0"] + w["x1"]) / 2 <= x1
                                 and y0 <= page.height - (w["top"] + w["bottom"]) / 2 <= y1)
                if not label.startswith("[S"):
                    continue  # a link from the summary to an issue section
                destination = link["/Dest"]
                assert reader.get_page_number(destination[0].get_object()) == sources
                assert 0 <= float(destination[3]) - entry_tops[label] < 8, (index, label)
                checked.add(label)
    assert checked == {"[S1]", "[S2]"}


def test_the_briefing_is_laid_out_once_and_drawn_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       long_contents) -> None:
    """Seeded with its lines, the contents keep their length, so the page numbers of the layout-only
    first pass hold and the second pass, which draws, is the last. Full garbage collections are
    held off meanwhile, and the collector's setting comes back afterwards."""
    passes: list[int] = []
    thresholds: list[tuple[int, int, int]] = []
    original = BriefingDocTemplate.multiBuild

    def counted(self, story, *args, **kwargs) -> int:
        thresholds.append(gc.get_threshold())
        passes.append(original(self, story, *args, **kwargs))
        return passes[-1]

    monkeypatch.setattr(BriefingDocTemplate, "multiBuild", counted)
    before = gc.get_threshold()
    with Project.open(long_contents["project"], read_only=True) as project:
        write_briefing(project, BriefingOptions(output=tmp_path / "again.pdf", title="Many issues"))
    assert passes == [2]
    assert thresholds[0][2] >= FULL_COLLECTION_THRESHOLD
    assert gc.get_threshold() == before


# -- the pieces ----------------------------------------------------------------------------------------


TEXT = ("Paragraph text long enough to wrap over several lines at a narrow width, with <b>bold</b> and "
        "<i>italic</i> words, so that its line breaks depend on the width it is given. ") * 3


def test_a_cached_paragraph_wraps_as_a_paragraph_at_every_width() -> None:
    style = styles().body
    cached = CachedParagraph(TEXT, style)
    for width in (300.0, 120.0, 300.0, 300.0, 120.0):
        plain = Paragraph(TEXT, style)
        assert cached.wrap(width, 1000) == plain.wrap(width, 1000)
        assert [len(line.words) for line in cached.blPara.lines] == [len(line.words) for line in plain.blPara.lines]


def test_a_cached_paragraph_splits_into_paragraphs_that_wrap_afresh() -> None:
    style = styles().body
    cached = CachedParagraph(TEXT, style)
    width, height = cached.wrap(150, 1000)
    first, rest = cached.split(150, height / 2)
    assert isinstance(first, CachedParagraph) and isinstance(rest, CachedParagraph)
    assert first.wrap(150, 1000)[1] + rest.wrap(150, 1000)[1] == pytest.approx(height)
    # The whole paragraph still wraps as before when asked again (it may go whole to the next page).
    assert cached.wrap(150, 1000) == (width, height)


@pytest.mark.parametrize("face", [SANS, f"{SANS}-Bold", SERIF, f"{SERIF}-Italic"])
def test_remembered_word_widths_are_the_fonts_widths(face: str) -> None:
    register_fonts()
    font = pdfmetrics.getFont(face)
    words = ["the", "Ørsted", "Заявление", "ειρήνη", "the", "x" * 39, "y" * 41, "the", ""]
    for size in (7.3, 9.5, 15):
        for word in words * 2:
            assert pdfmetrics.stringWidth(word, face, size) == TTFont.stringWidth(font, word, size), (word, size)


def test_a_heading_at_the_foot_of_a_page_moves_on_whole(tmp_path: Path) -> None:
    # A long issue name makes a heading of several lines; with room for two of them left on the
    # page, the heading goes whole to the next page instead of breaking (checked here without the
    # keep-with-next grouping that usually carries it over together with what follows).
    register_fonts()
    style = ParagraphStyle("heading", parent=styles().h1, keepWithNext=0)
    name = "Guarantees for the return of displaced people to the river districts " * 3
    path = tmp_path / "heading.pdf"
    document = SimpleDocTemplate(str(path), pagesize=A4)
    heading = Heading(name, style, label=name, key="long", level=0)
    _, height = heading.wrap(document.width, document.height)
    assert height > 3 * style.leading
    filler = document.height - 12 - 2.5 * style.leading  # the frame's padding, then room for two lines
    document.build([Spacer(1, filler), heading, Paragraph("After the heading.", styles().body)])
    first, second = (_flat(page.extract_text()) for page in PdfReader(path).pages)
    assert "Guarantees" not in first
    assert _flat(name) in second
