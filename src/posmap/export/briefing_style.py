"""The look of a posmap briefing: fonts, palette, paragraph styles and safe markup.

Every piece of user text (titles, quotes, names, notes, metadata) reaches reportlab's
Paragraph markup parser only through :func:`markup`, so a quote such as
``<b>x</b> & <img src="http://…">`` prints literally and nothing is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

SANS = "PosmapSans"
SERIF = "PosmapSerif"

_FONT_FILES = {
    SANS: ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"),
    SERIF: ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf"),
}

PAPER_SIZES = {"a4": A4, "letter": LETTER}

# A restrained palette: one dark blue for structure, greys for apparatus, one muted red for
# markings and red lines, one muted green for the zone of possible agreement.
INK = colors.HexColor("#1D232A")
NAVY = colors.HexColor("#1F3A5F")
SLATE = colors.HexColor("#5A6672")
MUTED = colors.HexColor("#8A949E")
RULE = colors.HexColor("#C7CDD3")
TINT = colors.HexColor("#F2F4F6")
HEADER_TINT = colors.HexColor("#E4E9EE")
ACCENT = colors.HexColor("#9B2C2C")
ZOPA_FILL = colors.HexColor("#CFE3D4")
ZOPA_LINE = colors.HexColor("#4E8A5E")
WHITE = colors.white

# Heat-map ramps. A diverging ramp for scales centred on a neutral point (the agreement
# scale), a sequential one for custom scales that name outcomes in order.
DIVERGING = ("#C8745F", "#E8B9A8", "#EFEDE8", "#B4CBE0", "#6F9BC4")
SEQUENTIAL = ("#F1F0EA", "#D5DEE6", "#A9BDCF", "#7C9AB6", "#56799B")


@dataclass(frozen=True)
class Margins:
    left: float = 24 * mm
    right: float = 24 * mm
    top: float = 27 * mm
    bottom: float = 25 * mm


MARGINS = Margins()

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# A paragraph break is an empty line; a single line break inside a quote is usually the wrap of
# a PDF line and reads as a space.
_PARAGRAPH_BREAKS = re.compile(r"[ \t]*(?:\n[ \t]*){2,}|[ \t]*[\u2028\u2029][ \t]*")


def markup(text: object, *, keep_line_breaks: bool = False) -> str:
    """User text made safe for a reportlab Paragraph: the one escaping helper of the briefing.

    ``&``, ``<``, ``>`` and quotes are escaped, so tags in the text print literally; control
    characters (which no font can show) become spaces. Paragraph breaks (an empty line) become
    ``<br/>`` when ``keep_line_breaks`` is set; every other line break becomes a space.
    """
    value = "" if text is None else str(text)
    value = _CONTROL.sub(" ", value)
    escaped = escape(value, {'"': "&quot;"})
    if keep_line_breaks:
        return "<br/>".join(" ".join(part.split()) for part in _PARAGRAPH_BREAKS.split(escaped.strip()))
    return " ".join(escaped.split())


def clip(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters at a word boundary, marking the cut with […]."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 4)]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + " […]"


def table_style(commands: list[tuple]) -> TableStyle:
    """A TableStyle whose default cell font is the embedded sans; reportlab's default would put a
    reference to the non-embedded Helvetica into the PDF even when every cell is a Paragraph."""
    register_fonts()
    return TableStyle([("FONT", (0, 0), (-1, -1), SANS, 8), *commands])


def fit_width(text: str, font: str, size: float, width: float) -> str:
    """Plain ``text`` (for canvas strings, not markup) shortened with an ellipsis to fit ``width`` points."""
    text = " ".join(text.split())
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _WordMeasuringTTFont(TTFont):
    """A TrueType font that remembers the widths of the short strings it has measured.

    Wrapping and drawing a paragraph measure it word by word, and without reportlab's optional C
    accelerator each measurement sums the widths of the characters in Python: in a long briefing
    a large part of the layout time, spent on the same common words again and again. The width
    at one point size is remembered; other sizes scale it, as reportlab does.
    """

    _LONGEST_REMEMBERED = 40
    """Longer strings are whole lines, which rarely come again."""
    _MOST_REMEMBERED = 100_000

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._widths_at_1000: dict[str | bytes, float] = {}

    def stringWidth(self, text: str | bytes, size: float, encoding: str = "utf8") -> float:  # noqa: N802 - reportlab's name
        if len(text) > self._LONGEST_REMEMBERED:
            return super().stringWidth(text, size, encoding)
        width = self._widths_at_1000.get(text)
        if width is None:
            if len(self._widths_at_1000) >= self._MOST_REMEMBERED:
                self._widths_at_1000.clear()
            # reportlab computes 0.001 * size * (sum of glyph widths); at size 1000 that is the sum itself.
            width = self._widths_at_1000[text] = super().stringWidth(text, 1000, encoding)
        return 0.001 * size * width


@cache
def register_fonts() -> None:
    """Register and embed the DejaVu Sans and Serif families, so <b> and <i> pick the right face."""
    fonts = files("posmap.resources") / "fonts"
    for family, names in _FONT_FILES.items():
        faces = (family, f"{family}-Bold", f"{family}-Italic", f"{family}-BoldItalic")
        for face, file_name in zip(faces, names, strict=True):
            with as_file(fonts / file_name) as path:
                pdfmetrics.registerFont(_WordMeasuringTTFont(face, str(Path(path))))
        pdfmetrics.registerFontFamily(
            family, normal=faces[0], bold=faces[1], italic=faces[2], boldItalic=faces[3]
        )


@dataclass(frozen=True)
class Styles:
    """Every paragraph style of the briefing, in one place."""

    body: ParagraphStyle
    body_tight: ParagraphStyle
    lead: ParagraphStyle
    small: ParagraphStyle
    caption: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    kicker: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    title_meta: ParagraphStyle
    marking: ParagraphStyle
    quote: ParagraphStyle
    citation: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_small: ParagraphStyle
    cell_quote: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_center: ParagraphStyle
    heat_cell: ParagraphStyle
    figure_label: ParagraphStyle
    figure_value: ParagraphStyle
    toc_title: ParagraphStyle
    toc_levels: tuple[ParagraphStyle, ...]
    bullet: ParagraphStyle
    source: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=SERIF, fontSize=9.5, leading=13.6, textColor=INK, spaceAfter=6, alignment=TA_LEFT,
        allowWidows=0, allowOrphans=0,
    )
    cell = ParagraphStyle("cell", fontName=SANS, fontSize=7.8, leading=9.8, textColor=INK)
    return Styles(
        body=body,
        body_tight=ParagraphStyle("body_tight", parent=body, spaceAfter=2),
        lead=ParagraphStyle("lead", parent=body, fontSize=10.5, leading=15, spaceAfter=10, textColor=INK),
        small=ParagraphStyle("small", parent=body, fontName=SANS, fontSize=7.8, leading=10.4, textColor=SLATE),
        caption=ParagraphStyle(
            "caption", fontName=SANS, fontSize=7.5, leading=10, textColor=SLATE, spaceBefore=3, spaceAfter=10
        ),
        h1=ParagraphStyle(
            "h1", keepWithNext=1, fontName=f"{SANS}-Bold", fontSize=15, leading=19, textColor=NAVY, spaceBefore=4,
            spaceAfter=10,
        ),
        h2=ParagraphStyle(
            "h2", keepWithNext=1, fontName=f"{SANS}-Bold", fontSize=11, leading=14.5, textColor=NAVY, spaceBefore=12,
            spaceAfter=5,
        ),
        h3=ParagraphStyle(
            "h3", keepWithNext=1, fontName=f"{SANS}-Bold", fontSize=9.3, leading=12.5, textColor=INK, spaceBefore=9,
            spaceAfter=3,
        ),
        kicker=ParagraphStyle(
            "kicker", fontName=f"{SANS}-Bold", fontSize=7.5, leading=10, textColor=SLATE, spaceAfter=2,
        ),
        title=ParagraphStyle("title", fontName=f"{SANS}-Bold", fontSize=25, leading=31, textColor=NAVY,
                             spaceAfter=10),
        subtitle=ParagraphStyle("subtitle", fontName=SERIF, fontSize=13, leading=18, textColor=SLATE,
                                spaceAfter=6),
        title_meta=ParagraphStyle("title_meta", fontName=SANS, fontSize=9.5, leading=14, textColor=INK),
        marking=ParagraphStyle(
            "marking", fontName=f"{SANS}-Bold", fontSize=10, leading=13, textColor=ACCENT, alignment=TA_CENTER
        ),
        quote=ParagraphStyle(
            "quote", fontName=SERIF, fontSize=8.9, leading=12.6, textColor=INK, leftIndent=10, rightIndent=8,
            backColor=TINT, borderPadding=(5, 6, 4, 7), spaceBefore=7, spaceAfter=1,
        ),
        citation=ParagraphStyle(
            "citation", fontName=SANS, fontSize=7.3, leading=9.8, textColor=SLATE, leftIndent=10, spaceBefore=5,
            spaceAfter=4,
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=f"{SANS}-Bold"),
        cell_small=ParagraphStyle("cell_small", parent=cell, fontSize=6.8, leading=8.4, textColor=SLATE),
        cell_quote=ParagraphStyle("cell_quote", parent=cell, fontName=SERIF, fontSize=8.2, leading=11, spaceBefore=4,
                                  spaceAfter=2),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=f"{SANS}-Bold", textColor=NAVY),
        cell_head_center=ParagraphStyle(
            "cell_head_center", parent=cell, fontName=f"{SANS}-Bold", textColor=NAVY, alignment=TA_CENTER,
            fontSize=7.2, leading=8.8,
        ),
        heat_cell=ParagraphStyle("heat_cell", parent=cell, fontSize=6.8, leading=7.9, alignment=TA_CENTER),
        figure_label=ParagraphStyle("figure_label", fontName=SANS, fontSize=7.3, leading=9.5, textColor=SLATE),
        figure_value=ParagraphStyle(
            "figure_value", fontName=f"{SANS}-Bold", fontSize=15, leading=18, textColor=NAVY
        ),
        toc_title=ParagraphStyle(
            "toc_title", fontName=f"{SANS}-Bold", fontSize=15, leading=19, textColor=NAVY, spaceAfter=14
        ),
        toc_levels=(
            ParagraphStyle("toc0", fontName=f"{SANS}-Bold", fontSize=9.5, leading=13, textColor=INK,
                           leftIndent=18, firstLineIndent=-18, spaceBefore=6, rightIndent=24),
            ParagraphStyle("toc1", fontName=SANS, fontSize=8.7, leading=12, textColor=SLATE,
                           leftIndent=36, firstLineIndent=-18, spaceBefore=1, rightIndent=24),
        ),
        bullet=ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=3),
        source=ParagraphStyle("source", parent=body, fontSize=8.6, leading=12, leftIndent=26, firstLineIndent=-26,
                              spaceAfter=5),
    )
