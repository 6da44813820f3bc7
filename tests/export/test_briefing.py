"""The PDF briefing, read back: sections, quotes and citations, scripts, marking, fonts, outline,
escaping, metadata and layout limits. The projects are built through the store and services with
sample text written for these tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from posmap.export.briefing_style import markup
from posmap.model import Actor, ActorKind, Attribution, CodingKind, Document, Issue, PageSpan, Scale
from posmap.services.briefing import BriefingOptions, write_briefing
from posmap.services.coding import CodingRequest, code_quote
from posmap.services.progress import Cancelled
from posmap.store import CodingFilter, NotFoundError, Project, ProjectError

ESCAPE_QUOTE = 'Quote with markup: <b>x</b> & <img src="http://example.org/a.png"> must print literally.'
CYRILLIC = "Мы не признаем никаких аннексий и требуем вывода войск."
GREEK = "Η ειρήνη χρειάζεται εγγυήσεις ασφαλείας."
TERRITORY_SCALE = "full restoration of 1991 borders;freeze on the line of contact;recognition of current gains"

STATEMENT = (
    "The government of Northland will never accept the loss of the eastern provinces. "
    "We demand the full restoration of the borders of 1991. "
    "At the very least, the present line of contact must not become a border. "
    "Security guarantees binding on the guarantors are the precondition for any ceasefire. "
    "Northland insists on membership of the alliance as the only lasting guarantee. "
    + ESCAPE_QUOTE
)
INTERVIEW = (
    "In the view of Aydınlık, Southland will only sign if its territorial gains are recognised. "
    "Southland could accept a freeze along the present line of contact as a minimum. "
    "Southland rejects any foreign troops on Northland's soil. "
    "Northland, Perinçek says, is in fact ready to give up the alliance membership bid."
)
RUSSIAN = CYRILLIC + " " + GREEK + " Southland's envoy said the alliance must never expand further."
PAGES = [
    "The Mediator Union supports binding security guarantees for Northland. ",
    "The Union proposes a ceasefire monitored by a neutral mission. ",
    "Sanctions will stay until a just peace is signed, the Union states.",
]


def _add_document(project: Project, text: str, title: str, pages: list[str] | None = None, **metadata) -> int:
    spans, position = [], 0
    for number, page in enumerate(pages or [], start=1):
        spans.append(PageSpan(number=number, start=position, end=position + len(page)))
        position += len(page)
    return project.documents.add(Document(
        title=title, sha256=hashlib.sha256(text.encode()).hexdigest(), text=text, character_count=len(text),
        pages=spans, **metadata,
    ))


def build_sample_project(path: Path) -> Project:
    project = Project.create(path, title="Northland–Southland talks")
    for name, kind in [("Northland", ActorKind.STATE), ("Southland", ActorKind.STATE),
                       ("Mediator Union", ActorKind.ORGANISATION), ("Aydınlık Forum", ActorKind.GROUP)]:
        project.actors.add(Actor(name=name, kind=kind))
    project.actors.add(Actor(name="President Ørsted", kind=ActorKind.PERSON,
                             parent_id=project.actors.by_name("Northland").id))
    project.issues.add(Issue(name="Territory", scale=Scale.from_labels(TERRITORY_SCALE)))
    for name, proposition in [
        ("Security guarantees", "Northland receives binding security guarantees."),
        ("Alliance membership", "Northland joins the alliance."),
        ("Ceasefire", "An immediate ceasefire along the line of contact."),
        ("Sanctions", "Sanctions stay until a peace treaty is signed."),
        ("Foreign troops", "Foreign troops may be stationed in Northland."),
    ]:
        project.issues.add(Issue(name=name, proposition=proposition))
    docs = [
        _add_document(project, STATEMENT, "Northland foreign ministry statement", author="Ministry of Foreign Affairs",
                      date=dt.date(2025, 3, 4), kind="statement", language="en"),
        _add_document(project, INTERVIEW, "Interview with Mehmet Perinçek for Aydınlık", author="Aydınlık Europe",
                      date=dt.date(2025, 12, 28), kind="interview", language="en"),
        _add_document(project, RUSSIAN, "Заявление министерства", author="Министерство иностранных дел",
                      date=dt.date(2025, 6, 10), kind="statement", language="ru"),
        _add_document(project, "".join(PAGES), "Mediator Union working paper", pages=PAGES, author="Policy Unit",
                      date=dt.date(2025, 9, 1), kind="study", language="en", url="http://example.org/paper"),
    ]

    def code(doc: int, quote: str, actor: str, issue: str, position: int | str, kind: str = "position",
             attribution: str = "own_words") -> None:
        code_quote(project, docs[doc], quote, CodingRequest(
            actor=actor, issue=issue, position=position, kind=CodingKind(kind), attribution=Attribution(attribution),
        ))

    code(0, "The government of Northland will never accept the loss of the eastern provinces.", "Northland",
         "Territory", 0)
    code(0, "We demand the full restoration of the borders of 1991.", "Northland", "Territory", 0, "demand")
    code(0, "At the very least, the present line of contact must not become a border.", "Northland", "Territory", 1,
         "red_line")
    code(0, "Security guarantees binding on the guarantors are the precondition for any ceasefire.", "Northland",
         "Security guarantees", 2, "demand")
    code(0, "Security guarantees binding on the guarantors are the precondition for any ceasefire.", "Northland",
         "Ceasefire", -1)
    code(0, "Northland insists on membership of the alliance as the only lasting guarantee.", "Northland",
         "Alliance membership", 2)
    code(0, ESCAPE_QUOTE, "Northland", "Sanctions", 1)
    code(1, "In the view of Aydınlık, Southland will only sign if its territorial gains are recognised.",
         "Southland", "Territory", 2, "position", "assessment")
    code(1, "In the view of Aydınlık, Southland will only sign if its territorial gains are recognised.",
         "Aydınlık Forum", "Territory", 2)
    code(1, "Southland could accept a freeze along the present line of contact as a minimum.", "Southland",
         "Territory", 1, "red_line", "assessment")
    code(1, "Southland rejects any foreign troops on Northland's soil.", "Southland", "Foreign troops", -2,
         "position", "reported")
    code(1, "Northland, Perinçek says, is in fact ready to give up the alliance membership bid.", "Northland",
         "Alliance membership", -1, "position", "assessment")
    code(2, CYRILLIC, "Northland", "Territory", 0, "demand")
    code(2, GREEK, "President Ørsted", "Security guarantees", 2)
    code(2, "Southland's envoy said the alliance must never expand further.", "Southland", "Alliance membership", -2,
         "red_line", "reported")
    code(2, "Southland's envoy said the alliance must never expand further.", "Southland", "Alliance membership", -2,
         "position", "reported")
    code(3, "The Mediator Union supports binding security guarantees for Northland.", "Mediator Union",
         "Security guarantees", 1)
    code(3, "The Union proposes a ceasefire monitored by a neutral mission.", "Mediator Union", "Ceasefire", 2,
         "proposal")
    code(3, "Sanctions will stay until a just peace is signed, the Union states.", "Mediator Union", "Sanctions", 2,
         "position", "reported")
    return project


def _flat(text: str) -> str:
    return " ".join(text.split())


def _section(briefing: dict, start: str, end: str | None = None) -> str:
    """The body text from heading ``start`` to heading ``end`` (the contents page left out; a heading's
    first occurrence in the body is the heading itself, as running headers are drawn at the page end)."""
    body = _flat("\n".join(briefing["pages"][2:]))
    begin = body.find(start)
    assert begin != -1, start
    stop = body.find(end, begin) if end else len(body)
    return body[begin:stop]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("briefing")
    project = build_sample_project(folder / "sample.posmap")
    yield project, folder
    project.close()


@pytest.fixture(scope="module")
def briefing(sample) -> dict:
    project, folder = sample
    reports: list[tuple[int, int, str]] = []
    result = write_briefing(project, BriefingOptions(
        output=folder / "brief.pdf", title="Northland–Southland talks: where the parties stand",
        subtitle="Positions, red lines and room for agreement", author="Negotiation Analysis Unit",
        marking="RESTRICTED", date=dt.date(2026, 1, 15),
    ), progress=lambda done, total, message: reports.append((done, total, message)))
    reader = PdfReader(result.path)
    pages = [page.extract_text() for page in reader.pages]
    return {"result": result, "reader": reader, "pages": pages, "text": _flat("\n".join(pages)),
            "raw": result.path.read_bytes(), "progress": reports}


# -- content ------------------------------------------------------------------------------------------------


def test_every_section_is_present_in_order(briefing) -> None:
    sections = ["1 Summary", "1.1 Positions at a glance", "1.2 Overview by issue", "2 Alliance membership",
                "3 Ceasefire", "4 Foreign troops", "5 Sanctions", "6 Security guarantees", "7 Territory",
                "8 Contested points", "9 Sources", "Annex A Codebook", "Annex B Method note"]
    contents = _flat(briefing["pages"][1])
    assert "Contents" in contents
    for title in sections:
        assert title in contents
    body = _flat("\n".join(briefing["pages"][2:]))
    positions = [body.find(title) for title in sections]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_title_page_carries_title_author_date_and_evidence(briefing) -> None:
    first = _flat(briefing["pages"][0])
    for expected in ("POSITION BRIEFING", "Northland–Southland talks: where the parties stand",
                     "Positions, red lines and room for agreement", "Negotiation Analysis Unit", "15 January 2026",
                     "4 source documents, 19 codings, 5 actors, 6 issues", "March 2025 – December 2025"):
        assert expected in first


def test_quotes_and_citations_are_printed(briefing) -> None:
    text = briefing["text"]
    for quote in ("We demand the full restoration of the borders of 1991.",
                  "Southland could accept a freeze along the present line of contact as a minimum.",
                  "The Union proposes a ceasefire monitored by a neutral mission."):
        assert f"“{quote}”" in text
    # Citation: source number, author, title, date, page for paged documents, attribution marker.
    assert "[S1] Ministry of Foreign Affairs, Northland foreign ministry statement, 4 March 2025" in text
    assert "[S3] Policy Unit, Mediator Union working paper, 1 September 2025, p. 2" in text
    assert "Mediator Union working paper, 1 September 2025, p. 3" in text
    assert "● own words" in text and "◐ reported" in text and "○ assessment" in text
    assert "red line: freeze on the line of contact" in text


def test_sources_list_every_cited_document_with_metadata(briefing) -> None:
    sources = _section(briefing, "9 Sources", "Annex A Codebook")
    for entry in ("[S1] Ministry of Foreign Affairs. Northland foreign ministry statement. statement, 4 March 2025",
                  "[S2] Министерство иностранных дел. Заявление министерства. statement, 10 June 2025, language: ru",
                  "[S3] Policy Unit. Mediator Union working paper. study, 1 September 2025, language: en, 3 pages",
                  "[S4] Aydınlık Europe. Interview with Mehmet Perinçek for Aydınlık."):
        assert entry in sources
    assert "Address: http://example.org/paper" in sources


def test_latin_diacritics_cyrillic_and_greek_extract_as_written(briefing) -> None:
    text = briefing["text"]
    for written in ("Aydınlık", "Perinçek", "President Ørsted", CYRILLIC, GREEK, "Заявление министерства"):
        assert written in text


def test_summary_heat_map_overview_and_key_figures(briefing) -> None:
    summary = _flat(briefing["pages"][2] + briefing["pages"][3])
    assert "19 codings" in summary and "4 source documents" in summary
    assert "March 2025 – December 2025" in summary
    # Heat map cells: nearest label with mean and count.
    assert "strongly opposes" in summary and "n=3" in summary
    # Overview sentences.
    assert "Opposed: Southland (strongly opposes, 1 coding)" in summary
    assert "Sources disagree about Northland" in summary
    assert "The acceptable ranges of Northland and Southland overlap at “freeze on the line of contact”" in summary


def test_issue_section_has_scale_position_map_and_bargaining(briefing) -> None:
    territory = _section(briefing, "7 Territory", "8 Contested points")
    assert "Scale 0 full restoration of 1991 borders · 1 freeze on the line of contact" in territory
    assert "Figure" in territory and "ZOPA" in territory and "zone of possible agreement" in territory
    assert "Red line: freeze on the line of contact (1)" in territory
    assert "Acceptable range 0.0 to 1.0" in territory
    assert "No red line is coded for Aydınlık Forum" in territory


def test_contested_points_put_both_sources_side_by_side(briefing) -> None:
    contested = _section(briefing, "8 Contested points", "9 Sources")
    assert "8.1 Northland on Alliance membership" in contested
    assert "Northland insists on membership of the alliance" in contested
    assert "Northland, Perinçek says, is in fact ready to give up" in contested
    number = next(n for n, text in enumerate(briefing["pages"]) if n > 1 and "8.1" in text)
    with pdfplumber.open(briefing["result"].path) as pdf:
        words = pdf.pages[number].extract_words()
    left = next(w for w in words if w["text"] == "OPPOSES")
    right = next(w for w in words if w["text"] == "STRONGLY")
    assert abs(left["top"] - right["top"]) < 2 and right["x0"] > left["x0"] + 150


def test_codebook_annex_and_method_note(briefing) -> None:
    annex = _section(briefing, "Annex A Codebook")
    assert "President Ørsted person Northland" in annex
    assert "Outcome scale: 0 full restoration of 1991 borders" in annex
    assert "Agreement scale: −2 strongly opposes" in annex
    for topic in ("Positions.", "Red lines.", "Acceptable range and ZOPA.", "Contested positions.", "Markers."):
        assert topic in annex


# -- pages, fonts, outline, safety, metadata ---------------------------------------------------------------------


def test_marking_and_page_x_of_y_on_every_page(briefing) -> None:
    pages = briefing["pages"]
    for number, text in enumerate(pages, start=1):
        assert text.count("RESTRICTED") >= 2, number  # header and footer (and the box on the title page)
        assert f"page {number} of {len(pages)}" in text


def test_fonts_are_embedded_dejavu_truetype(briefing) -> None:
    fonts = {}
    for page in briefing["reader"].pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert "DejaVu" in name, name
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, name
    assert {n.split("+")[-1] for n in fonts} >= {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSerif", "DejaVuSerif-Italic"}


def test_outline_holds_every_section(briefing) -> None:
    reader = briefing["reader"]

    def titles(entries) -> list[str]:
        found = []
        for entry in entries:
            found += titles(entry) if isinstance(entry, list) else [entry.title]
        return found

    outline = titles(reader.outline)
    for title in ("Contents", "1  Summary", "1.1  Positions at a glance", "7  Territory", "8  Contested points",
                  "8.1  Northland on Alliance membership", "9  Sources", "Annex A  Codebook", "Annex B  Method note",
                  "Aydınlık Forum"):
        assert title in outline
    # Every top-level entry points at a page.
    for entry in reader.outline:
        if not isinstance(entry, list):
            assert reader.get_destination_page_number(entry) >= 0


def test_contents_lines_link_inside_the_document(briefing) -> None:
    reader = briefing["reader"]
    links = [annotation.get_object() for annotation in reader.pages[1].get("/Annots", [])]
    assert len(links) >= 2 * 14  # each line's text and page number
    assert all(link["/Subtype"] == "/Link" and "/Dest" in link and "/A" not in link for link in links)
    targets = {reader.get_page_number(link["/Dest"][0].get_object()) for link in links}
    territory = next(n for n, text in enumerate(briefing["pages"]) if n > 1 and "7   Territory" in text)
    assert territory in targets


def test_markup_in_a_quote_prints_literally_and_nothing_is_fetched(briefing) -> None:
    assert ESCAPE_QUOTE in briefing["text"]
    raw = briefing["raw"]
    assert b"/URI" not in raw
    assert b"/Subtype /Image" not in raw
    for page in briefing["reader"].pages:
        assert "/XObject" not in page["/Resources"]


def test_pdf_metadata(briefing) -> None:
    reader = briefing["reader"]
    info = reader.metadata
    assert info.title == "Northland–Southland talks: where the parties stand"
    assert info.author == "Negotiation Analysis Unit"
    assert info.subject.startswith("Position briefing: 5 actors on 6 issues")
    assert "Territory" in info["/Keywords"] and "RESTRICTED" in info["/Keywords"]
    assert info.creator.startswith("posmap")
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_progress_is_reported_up_to_done(briefing) -> None:
    reports = briefing["progress"]
    assert reports[0][0] == 0 and reports[-1][:2] == (100, 100)
    assert [done for done, _, _ in reports] == sorted(done for done, _, _ in reports)


# -- options ------------------------------------------------------------------------------------------------------


def test_issue_actor_filter_quote_limit_and_letter_paper(sample) -> None:
    project, folder = sample
    result = write_briefing(project, BriefingOptions(
        output=folder / "narrow.pdf", title="Territory only", issues=("Territory",),
        actors=("Northland", "Aydınlık Forum"), max_quotes=1, paper="letter",
        coding_filter=CodingFilter(since=dt.date(2025, 1, 1)),
    ))
    reader = PdfReader(result.path)
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    assert "2 Territory" in text and "Ceasefire" not in text and "Sanctions" not in text
    assert "Actor Kind Nested in Aliases Aydınlık Forum group Northland state A.2" in text
    assert "3 further passages not quoted here (at most 1 per actor and issue)" in text
    assert "Scope" in text and "sources dated from 2025-01-01" in text and "issues Territory" in text
    assert "RESTRICTED" not in text


def test_filters_narrow_the_evidence(sample) -> None:
    project, folder = sample
    result = write_briefing(project, BriefingOptions(
        output=folder / "own.pdf", coding_filter=CodingFilter(attributions=("own_words",)),
    ))
    text = _flat("\n".join(page.extract_text() for page in PdfReader(result.path).pages))
    assert "○ assessment" not in text.split("Annex B")[0]
    assert "attribution own words" in text
    assert "Northland–Southland talks" in text  # the project's title stands in for a missing --title


def test_unknown_names_and_empty_scope_are_errors(sample) -> None:
    project, folder = sample
    with pytest.raises(NotFoundError, match="no actor named 'Westland'"):
        write_briefing(project, BriefingOptions(output=folder / "x.pdf", actors=("Westland",)))
    with pytest.raises(ProjectError, match="no codings match"):
        write_briefing(project, BriefingOptions(output=folder / "x.pdf",
                                                coding_filter=CodingFilter(since=dt.date(2030, 1, 1))))
    with pytest.raises(ProjectError, match="does not exist"):
        write_briefing(project, BriefingOptions(output=folder / "missing" / "x.pdf"))
    with pytest.raises(ProjectError, match="is a folder"):
        write_briefing(project, BriefingOptions(output=folder))
    with pytest.raises(ProjectError, match="overwrite the project"):
        write_briefing(project, BriefingOptions(output=project.path))
    assert not (folder / "x.pdf").exists()


def test_cancelling_leaves_no_file(sample) -> None:
    project, folder = sample
    calls = []

    def cancel_during_layout() -> bool:
        calls.append(1)
        return len(calls) > 40

    with pytest.raises(Cancelled):
        write_briefing(project, BriefingOptions(output=folder / "cancelled.pdf"), cancelled=cancel_during_layout)
    assert len(calls) > 40
    assert not any(p.name.startswith(("cancelled.pdf", ".cancelled.pdf")) for p in folder.iterdir())


def test_options_validate_their_fields(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_quotes"):
        BriefingOptions(output=tmp_path / "x.pdf", max_quotes=0)
    with pytest.raises(ValueError, match="paper"):
        BriefingOptions(output=tmp_path / "x.pdf", paper="a3")
    assert BriefingOptions(output=tmp_path / "x.pdf", title="  two\nlines ").title == "two lines"


# -- escaping helper ------------------------------------------------------------------------------------------------


def test_markup_escapes_tags_entities_and_control_characters() -> None:
    assert markup('<b>x</b> & <img src="a">') == "&lt;b&gt;x&lt;/b&gt; &amp; &lt;img src=&quot;a&quot;&gt;"
    assert markup("a\x00b\x07c") == "a b c"
    assert markup("one\n\ntwo", keep_line_breaks=True) == "one<br/>two"
    assert markup("&amp;") == "&amp;amp;"
    assert markup(None) == ""
