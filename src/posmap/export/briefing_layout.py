"""Pages of a briefing: the document template, running header and footer, headings that feed
the contents and the PDF outline, and "page X of Y".

Layout takes two passes. The first only places the flowables, drawing nothing, to learn on which
page each heading lands and how many pages there are; the second draws the document with those
numbers. The contents page can be that quick because its lines are known before layout (they are
the story's headings): seeded with them, it has its final length from the first pass on, so the
page numbers found in the first pass hold in the second.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table
from reportlab.platypus.tableofcontents import TableOfContents
from reportlab.rl_config import _FUZZ

from posmap.export.briefing_style import (
    ACCENT,
    MARGINS,
    NAVY,
    RULE,
    SANS,
    SLATE,
    fit_width,
    register_fonts,
    styles,
    table_style,
)


class RenderCancelled(Exception):
    """The caller asked to stop while the briefing was being laid out."""


class CachedParagraph(Paragraph):
    """A paragraph that keeps its line breaks for the width it was last wrapped to.

    Platypus wraps one paragraph many times at the same width: when a KeepTogether group or a
    table measures its content and again when the frame places it or the table draws it, and so
    once more in every layout pass. Breaking the lines is most of a paragraph's cost and depends
    only on its text, its style and the width, so a wrap at the width of the last one reuses
    that result. Splitting a paragraph makes new ones, which wrap afresh.
    """

    _WRAP_RESULTS = ("width", "height", "blPara", "_wrapWidths", "_width_max", "_splitLongWordCount",
                     "_hyphenations")
    """The attributes ``Paragraph.wrap`` sets; drawing and splitting read them."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        if availWidth < _FUZZ:
            return super().wrap(availWidth, availHeight)
        cached = self.__dict__.get("_wrapped")
        if cached is not None and cached[0] == availWidth:
            self.__dict__.update(cached[1])
        else:
            super().wrap(availWidth, availHeight)
            self._wrapped = (availWidth, {name: self.__dict__[name] for name in self._WRAP_RESULTS
                                          if name in self.__dict__})
        return self.width, self.height


class Heading(CachedParagraph):
    """A section heading that becomes a bookmark, an outline entry and (optionally) a contents line.

    ``label`` is the plain text used for the outline and contents; the paragraph itself is
    built from already-escaped markup.
    """

    def __init__(self, markup_text: str, style: ParagraphStyle, *, label: str, key: str, level: int,
                 in_contents: bool = True) -> None:
        super().__init__(markup_text, style)
        self.outline_label = label
        self.outline_key = key
        self.outline_level = level
        self.in_contents = in_contents

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803 - reportlab's names
        """Never break a heading across pages: at the foot of a page it moves on whole.

        A long name can make a heading three or more lines; split, its bookmark and contents line
        would point at the wrong half (and reportlab rebuilds the halves through ``__init__``).
        """
        return []


class Anchor(Flowable):
    """An invisible destination other paragraphs can link to with ``<a href="#key">``."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 0)


class PageCount(Flowable):
    """An indexing flowable that makes multiBuild run until "of Y" matches the real page count.

    Each pass draws the total counted in the pass before; the build is satisfied when the
    total used equals the total produced.
    """

    def __init__(self) -> None:
        super().__init__()
        self.used = 0
        self.counted = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass

    def isIndexing(self) -> int:  # noqa: N802 - reportlab's protocol
        return 1

    def isSatisfied(self) -> int:  # noqa: N802
        return int(self.used == self.counted)

    def beforeBuild(self) -> None:  # noqa: N802
        self.used = self.counted

    def afterBuild(self) -> None:  # noqa: N802
        pass

    def notify(self, kind: str, stuff: object) -> None:
        """Indexing flowables hear every notification; the page count needs none."""


class OrphanFreeTable(Table):
    """A table that, split across pages, leaves at least ``min_rows`` body rows on each side.

    Near the foot of a page it would rather move whole to the next page than leave a header
    with one row; and it moves rows forward so the continuation never holds a lone row.
    """

    min_rows = 3

    def split(self, available_width: float, available_height: float) -> list:
        parts = super().split(available_width, available_height)
        if len(parts) != 2:
            return parts
        header = self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)
        first, rest = parts[0]._nrows - header, parts[1]._nrows - header
        if first < self.min_rows and available_height < 220:
            return []
        if rest < self.min_rows and first - (self.min_rows - rest) >= self.min_rows:
            keep = parts[0]._nrows - (self.min_rows - rest)
            return super().split(available_width, sum(self._rowHeights[:keep]) + 0.01)
        return parts


def contents_table() -> TableOfContents:
    toc = TableOfContents(dotsMinLevel=-1)  # page numbers flush right, no dot leaders
    toc.levelStyles = list(styles().toc_levels)
    toc.rightColumnWidth = 12 * mm
    toc.tableStyle = table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ])
    return toc


def expected_contents(story: list[Flowable]) -> list[tuple[int, str, int, str]]:
    """The contents lines the headings in ``story`` will produce, with 0 for their unknown pages.

    They are what :meth:`BriefingDocTemplate.afterFlowable` reports for each heading once it is
    placed; page numbers are drawn beside the lines, so they do not change the contents' length.
    Only headings at the top level of the story are seen: one inside another flowable would
    lengthen the contents after the first pass and so cost a pass more, never a wrong number.
    """
    return [(flowable.outline_level, flowable.text, 0, flowable.outline_key)
            for flowable in story if isinstance(flowable, Heading) and flowable.in_contents]


class LayoutCanvas(Canvas):
    """The canvas of a layout-only pass: it is never saved, so nothing is drawn on it."""


class BodyFrame(Frame):
    """The text frame of every page; on a :class:`LayoutCanvas` it places flowables without drawing them."""

    def _add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:  # noqa: N803 - reportlab's names
        if not isinstance(canv, LayoutCanvas):
            return super()._add(flowable, canv, trySplit)
        # Frame._add measures, places and then draws the flowable; shadowing drawOn on the instance
        # leaves out the drawing. (Through object's methods, as reportlab's Drawing vets its attributes.)
        object.__setattr__(flowable, "drawOn", _draw_nothing)
        try:
            return super()._add(flowable, canv, trySplit)
        finally:
            object.__delattr__(flowable, "drawOn")

    add = _add


def _draw_nothing(*args: Any, **kwargs: Any) -> None:
    pass


FlowableHook = Callable[[int, int], None]


class BriefingDocTemplate(BaseDocTemplate):
    """A4/Letter pages with a title page, running header (marking, title, date) and footer
    (author, marking, page X of Y); headings become bookmarks, outline entries and contents lines.
    """

    def __init__(
        self,
        target: Any,
        *,
        pagesize: tuple[float, float],
        running_title: str,
        marking: str,
        footer_left: str,
        footer_date: str,
        page_count: PageCount,
        on_flowable: FlowableHook | None = None,
        cancelled: Callable[[], bool] | None = None,
        **metadata: Any,
    ) -> None:
        register_fonts()
        self.running_title = running_title
        self.marking = marking
        self.footer_left = footer_left
        self.footer_date = footer_date
        self.current_section = ""
        self.page_count = page_count
        self._on_flowable = on_flowable
        self._cancelled = cancelled
        self._flowables_done = 0
        self._story_length = 0
        self._in_passes = False
        self._passes = 0
        super().__init__(
            target,
            pagesize=pagesize,
            leftMargin=MARGINS.left,
            rightMargin=MARGINS.right,
            topMargin=MARGINS.top,
            bottomMargin=MARGINS.bottom,
            # Every page starts with an initial font; make it an embedded one, not Helvetica.
            initialFontName=SANS,
            **metadata,
        )
        frame = BodyFrame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate(id="title", frames=[frame], onPage=self._draw_title_page),
            # The header names the page's section, known only once the page is filled.
            PageTemplate(id="body", frames=[frame], onPageEnd=self._draw_body_page),
        ])

    # -- build hooks ---------------------------------------------------------------------------

    def multiBuild(self, story: list, maxPasses: int = 10, **kwargs: Any) -> int:  # type: ignore[override]  # noqa: N802, N803
        """Lay ``story`` out once without drawing, then draw it with the page numbers found.

        Contents tables in the story are seeded with the lines of its headings first (see the
        module docstring). Should a drawing pass still find other page numbers than it used, reportlab's
        multiBuild makes another pass, as it would without seeding. Returns the number of passes.
        """
        contents = expected_contents(story)
        for flowable in story:
            if isinstance(flowable, TableOfContents):
                flowable.clearEntries()
                flowable.addEntries(contents)
        self._passes = 0
        self._in_passes = True
        try:
            return super().multiBuild(story, maxPasses, **kwargs)
        finally:
            self._in_passes = False

    def build(self, flowables: list, **kwargs: Any) -> None:  # type: ignore[override]
        self._flowables_done = 0
        self._story_length = len(flowables)
        self._passes += 1
        if self._in_passes and self._passes == 1:
            # The first pass only lays out; _allSatisfied never lets it be the one saved.
            kwargs["canvasmaker"] = LayoutCanvas
        super().build(flowables, **kwargs)

    def _allSatisfied(self) -> int:  # noqa: N802 - reportlab's hook
        return int(not isinstance(self.canv, LayoutCanvas) and super()._allSatisfied())

    def afterPage(self) -> None:  # noqa: N802 - reportlab's hook
        self.page_count.counted = self.page

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab's hook
        self._flowables_done += 1
        if self._cancelled is not None and self._cancelled():
            raise RenderCancelled("the briefing was cancelled")
        if self._on_flowable is not None:
            self._on_flowable(self._flowables_done, self._story_length)
        if isinstance(flowable, Heading):
            if flowable.outline_level == 0:
                self.current_section = flowable.outline_label
            key = flowable.outline_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline_label, key, level=flowable.outline_level,
                                      closed=flowable.outline_level > 0)
            if flowable.in_contents:
                self.notify("TOCEntry", (flowable.outline_level, flowable.text, self.page, key))

    # -- page decoration ---------------------------------------------------------------------------

    def _page_label(self, page: int) -> str:
        total = self.page_count.used
        return f"page {page} of {total}" if total else f"page {page}"

    def _draw_marking(self, canvas, y: float) -> None:
        if not self.marking:
            return
        canvas.setFont(f"{SANS}-Bold", 8.5)
        canvas.setFillColor(ACCENT)
        width, _ = self.pagesize
        room = (width - self.leftMargin - self.rightMargin) * 0.5
        canvas.drawCentredString(width / 2, y, fit_width(self.marking, f"{SANS}-Bold", 8.5, room))

    def _draw_footer(self, canvas, doc) -> None:
        width, _ = self.pagesize
        left, right = self.leftMargin, width - self.rightMargin
        base = self.bottomMargin - 12 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(left, base + 9.5, right, base + 9.5)
        canvas.setFont(SANS, 7.2)
        canvas.setFillColor(SLATE)
        # The left part may run up to the centred marking.
        marking_width = min(stringWidth(self.marking, f"{SANS}-Bold", 8.5), (right - left) * 0.5) if self.marking else 0
        room = max(40.0, min((right - left) / 2 - marking_width / 2 - 14, (right - left) * 0.42))
        footer = " · ".join(part for part in (self.footer_left, self.footer_date) if part)
        canvas.drawString(left, base, fit_width(footer, SANS, 7.2, room))
        canvas.drawRightString(right, base, self._page_label(doc.page))
        self._draw_marking(canvas, base - 0.5)

    def _draw_title_page(self, canvas, doc) -> None:
        if isinstance(canvas, LayoutCanvas):
            return
        canvas.saveState()
        width, height = self.pagesize
        self._draw_marking(canvas, height - 14 * mm)
        canvas.setFillColor(NAVY)
        canvas.rect(0, height - 8 * mm, width, 8 * mm, stroke=0, fill=1)
        self._draw_footer(canvas, doc)
        canvas.restoreState()

    def _draw_body_page(self, canvas, doc) -> None:
        if isinstance(canvas, LayoutCanvas):
            return
        canvas.saveState()
        width, height = self.pagesize
        left, right = self.leftMargin, width - self.rightMargin
        self._draw_marking(canvas, height - 12 * mm)
        base = height - self.topMargin + 9 * mm
        canvas.setFont(SANS, 7.2)
        canvas.setFillColor(SLATE)
        half = (right - left) / 2 - 10
        canvas.drawString(left, base, fit_width(self.running_title, SANS, 7.2, half * 1.25))
        canvas.setFont(f"{SANS}-Bold", 7.2)
        canvas.setFillColor(NAVY)
        canvas.drawRightString(right, base, fit_width(self.current_section, f"{SANS}-Bold", 7.2, half * 0.65))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(left, base - 4, right, base - 4)
        self._draw_footer(canvas, doc)
        canvas.restoreState()
