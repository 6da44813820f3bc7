#!/usr/bin/env python3
"""Generate the binary documents of the posmap demo project (DOCX and PDF).

The demo's sample material is entirely fictional. The text of the generated documents lives in
``resources/demo/sources/*.txt`` in a small line-based markup, so it can be edited without
touching this script:

* a header of ``key: value`` lines (title, author, subject, keywords, created, running_head),
  ended by a line ``---``;
* ``# `` / ``## `` / ``### `` start headings of level 1 to 3;
* ``> `` starts a lead paragraph (set in italics);
* lines starting with ``- `` are bullet items, one per line;
* lines starting with ``|`` are table rows with cells separated by ``|``; the first row is the header;
* any other run of non-blank lines is one paragraph (its lines are joined with spaces).

Run ``python scripts/make_demo_documents.py`` from anywhere; the files are written to
``resources/demo/documents/``. The output is deterministic: metadata dates come from the sources,
ZIP entries of the DOCX carry a fixed timestamp, and the PDF is written with reportlab's
``invariant`` mode.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "resources" / "demo"
SOURCES = DEMO / "sources"
OUTPUT = DEMO / "documents"
FONTS = ROOT / "resources" / "fonts"

# Which source becomes which document.
DOCX_DOCUMENTS = {"port-halcyon-framework.txt": "port-halcyon-framework.docx"}
PDF_DOCUMENTS = {"settlement-options-study.txt": "settlement-options-study.pdf"}

_FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


@dataclass
class Block:
    kind: str  # "heading", "lead", "bullet", "table" or "paragraph"
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Source:
    meta: dict[str, str]
    blocks: list[Block]

    @property
    def created(self) -> dt.datetime:
        day = dt.date.fromisoformat(self.meta["created"])
        return dt.datetime(day.year, day.month, day.day, 9, 0, 0, tzinfo=dt.UTC)


def parse_source(path: Path) -> Source:
    """Parse the markup described in the module docstring."""
    lines = path.read_text(encoding="utf-8").splitlines()
    meta: dict[str, str] = {}
    index = 0
    while lines[index].strip() != "---":
        key, _, value = lines[index].partition(":")
        meta[key.strip()] = value.strip()
        index += 1
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for raw in lines[index + 1 :]:
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            marks, _, text = line.partition(" ")
            blocks.append(Block("heading", text.strip(), level=len(marks)))
        elif line.startswith("> "):
            flush()
            blocks.append(Block("lead", line[2:].strip()))
        elif line.startswith("- "):
            flush()
            blocks.append(Block("bullet", line[2:].strip()))
        elif line.startswith("|"):
            flush()
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        else:
            paragraph.append(line)
    flush()
    return Source(meta, blocks)


# --------------------------------------------------------------------------------------------- DOCX


def build_docx(source: Source, target: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    props = document.core_properties
    props.title = source.meta["title"]
    props.author = source.meta["author"]
    props.subject = source.meta.get("subject", "")
    props.keywords = source.meta.get("keywords", "")
    props.comments = "Fictional sample document of the posmap demo project."
    props.last_modified_by = source.meta["author"]
    props.created = source.created.replace(tzinfo=None)
    props.modified = source.created.replace(tzinfo=None)
    props.last_printed = source.created.replace(tzinfo=None)
    props.revision = 1
    document.styles["Normal"].font.size = Pt(11)

    for block in source.blocks:
        if block.kind == "heading":
            document.add_heading(block.text, level=block.level - 1)
        elif block.kind == "lead":
            document.add_paragraph().add_run(block.text).italic = True
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "table":
            columns = len(block.rows[0])
            table = document.add_table(rows=0, cols=columns)
            table.style = "Table Grid"
            for number, cells in enumerate(block.rows):
                row = table.add_row()
                for cell, text in zip(row.cells, cells, strict=True):
                    cell.text = text
                    if number == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
        else:
            document.add_paragraph(block.text)

    buffer = io.BytesIO()
    document.save(buffer)
    target.write_bytes(_normalise_zip(buffer.getvalue()))


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP package with a fixed timestamp on every entry, so reruns give identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- PDF


def build_pdf(source: Source, target: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    faces = {
        "DejaVuSerif": "DejaVuSerif.ttf",
        "DejaVuSerif-Bold": "DejaVuSerif-Bold.ttf",
        "DejaVuSerif-Italic": "DejaVuSerif-Italic.ttf",
        "DejaVuSerif-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
    }
    for name, file_name in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(FONTS / file_name)))
    pdfmetrics.registerFontFamily(
        "DejaVuSerif",
        normal="DejaVuSerif",
        bold="DejaVuSerif-Bold",
        italic="DejaVuSerif-Italic",
        boldItalic="DejaVuSerif-BoldItalic",
    )

    body = ParagraphStyle("Body", fontName="DejaVuSerif", fontSize=10.5, leading=15, spaceAfter=7, alignment=TA_LEFT)
    styles = {
        1: ParagraphStyle(
            "H1",
            parent=body,
            fontName="DejaVuSerif-Bold",
            fontSize=19,
            leading=24,
            spaceAfter=10,
            textColor=colors.HexColor("#1B3A5C"),
        ),
        2: ParagraphStyle(
            "H2",
            parent=body,
            fontName="DejaVuSerif-Bold",
            fontSize=13,
            leading=17,
            spaceBefore=10,
            spaceAfter=6,
            textColor=colors.HexColor("#1B3A5C"),
        ),
        3: ParagraphStyle(
            "H3", parent=body, fontName="DejaVuSerif-Bold", fontSize=11, leading=15, spaceBefore=6, spaceAfter=4
        ),
    }
    lead = ParagraphStyle(
        "Lead", parent=body, fontName="DejaVuSerif-Italic", textColor=colors.HexColor("#444444"), spaceAfter=12
    )
    bullet = ParagraphStyle("Bullet", parent=body, leftIndent=14, bulletIndent=2, spaceAfter=4)
    note = ParagraphStyle("Note", parent=body, fontSize=9, leading=12, spaceAfter=4)

    story = []
    in_notes = False
    for block in source.blocks:
        text = escape(block.text)
        if block.kind == "heading":
            story.append(Paragraph(text, styles[block.level]))
            in_notes = block.text == "Notes"
        elif block.kind == "lead":
            story.append(Paragraph(text, lead))
        elif block.kind == "bullet":
            story.append(Paragraph(text, bullet, bulletText="•"))
        elif block.kind == "table":
            rows = [[Paragraph(escape(cell), note) for cell in row] for row in block.rows]
            table = Table(rows, repeatRows=1)
            table.setStyle(
                TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
            )
            story.extend([table, Spacer(1, 8)])
        else:
            story.append(Paragraph(text, note if in_notes else body))

    running_head = source.meta.get("running_head", source.meta["title"])
    fixed_date = source.created.strftime("D:%Y%m%d%H%M%S+00'00'")

    def decorate(canvas, doc) -> None:
        canvas._doc.setDateFormatter(lambda *_: fixed_date)
        canvas.saveState()
        canvas.setFont("DejaVuSerif", 8)
        canvas.setFillColor(colors.HexColor("#666666"))
        width, height = A4
        canvas.drawString(doc.leftMargin, height - 14 * mm, running_head)
        canvas.drawRightString(width - doc.rightMargin, 12 * mm, str(doc.page))
        canvas.restoreState()

    template = SimpleDocTemplate(
        str(target),
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=24 * mm,
        bottomMargin=22 * mm,
        title=source.meta["title"],
        author=source.meta["author"],
        subject=source.meta.get("subject", ""),
        keywords=source.meta.get("keywords", ""),
        creator="posmap scripts/make_demo_documents.py",
        producer="ReportLab",
        lang="en",
        invariant=1,
    )
    template.build(story, onFirstPage=decorate, onLaterPages=decorate)


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for source_name, output_name in DOCX_DOCUMENTS.items():
        build_docx(parse_source(SOURCES / source_name), OUTPUT / output_name)
        print(f"wrote {(OUTPUT / output_name).relative_to(ROOT)}")
    for source_name, output_name in PDF_DOCUMENTS.items():
        build_pdf(parse_source(SOURCES / source_name), OUTPUT / output_name)
        print(f"wrote {(OUTPUT / output_name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
