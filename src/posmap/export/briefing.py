"""PDF briefing papers, laid out with reportlab's platypus.

A briefing has, in order: a title page; contents; a summary (key figures, the actor × issue heat
map, an overview per issue); one section per issue (proposition, scale, position map, each actor's
position with its quotes and citations); contested points; sources; and an annex with the codebook
and a method note. Every section is a bookmark in the PDF outline and a linked line in the contents.

Fonts are the embedded DejaVu families, so any Latin, Cyrillic or Greek text prints. User text
reaches reportlab's markup parser only through :func:`~posmap.export.briefing_style.markup`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
)

from posmap.analysis.bargaining import nearest_point
from posmap.analysis.matrix import CONTESTED_STEPS
from posmap.export.briefing_charts import (
    HeatCell,
    HeatColumn,
    HeatRow,
    MapLane,
    heat_legend,
    heat_map_tables,
    is_centred,
    map_legend,
    new_drawing,
    position_map,
    signed,
)
from posmap.export.briefing_content import (
    ActorPosition,
    BriefingInput,
    BriefingPlan,
    ContestedPoint,
    Evidence,
    IssuePlan,
    plan_briefing,
)
from posmap.export.briefing_layout import (
    Anchor,
    BriefingDocTemplate,
    CachedParagraph,
    Heading,
    OrphanFreeTable,
    PageCount,
    RenderCancelled,
    contents_table,
)
from posmap.export.briefing_style import (
    ACCENT,
    HEADER_TINT,
    MARGINS,
    NAVY,
    PAPER_SIZES,
    RULE,
    SANS,
    TINT,
    clip,
    markup,
    styles,
    table_style,
)
from posmap.model import CodingRecord, Scale

__all__ = ["BriefingInput", "BriefingResult", "RenderCancelled", "write_briefing_pdf"]

ProgressHook = Callable[[int, int, str], None]

ATTRIBUTION_MARKERS = {
    "own_words": ("●", "own words"),
    "reported": ("◐", "reported"),
    "assessment": ("○", "assessment"),
}
KIND_NAMES = {
    "position": "position",
    "demand": "demand",
    "red_line": "red line",
    "concession": "concession",
    "proposal": "proposal",
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
"""English month names, independent of the machine's locale (the briefing's language is English)."""
CONTESTED_QUOTE_CHARS = 520
"""Quotes side by side sit in table cells, which cannot break across pages; longer ones are shortened."""


@dataclass(frozen=True)
class BriefingResult:
    path: Path
    pages: int
    issues: int
    actors: int
    quotes: int
    sources: int


FULL_COLLECTION_THRESHOLD = 10_000
"""While a briefing is built: collections of the middle generation before a full one (Python's default is 10)."""


@contextlib.contextmanager
def _postponed_full_collections() -> Iterator[None]:
    """Hold off Python's full garbage collections while a briefing is built.

    Laying out a long briefing makes hundreds of thousands of objects that live until the file is
    written. As they pile up, the collector keeps walking all of them in full collections that
    free next to nothing (some 15 % of the time for 2,000 quotes). Young objects are still
    collected as usual. The previous setting comes back afterwards, unless someone changed it
    meanwhile.
    """
    young, middle, old = gc.get_threshold()
    raised = max(old, FULL_COLLECTION_THRESHOLD)
    gc.set_threshold(young, middle, raised)
    try:
        yield
    finally:
        if gc.get_threshold() == (young, middle, raised):
            gc.set_threshold(young, middle, old)


@_postponed_full_collections()
def write_briefing_pdf(
    content: BriefingInput,
    target: str | Path,
    *,
    progress: ProgressHook | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BriefingResult:
    """Lay out the briefing for ``content`` and write it to ``target``.

    The file is written to a temporary name beside ``target`` and moved into place only when
    complete, so a cancelled or failed run never leaves a half-written PDF. Raises
    :class:`RenderCancelled` when ``cancelled()`` turns true.
    """
    target = Path(target)
    report = progress or (lambda done, total, message: None)
    report(0, 100, "Analysing the codings")
    plan = plan_briefing(content)
    if cancelled is not None and cancelled():
        raise RenderCancelled("the briefing was cancelled")
    report(1, 100, "Composing the briefing")
    builder = _StoryBuilder(plan)
    story = builder.story()
    pass_number = [0]

    def on_flowable(done: int, total: int) -> None:
        if done == 1:
            pass_number[0] += 1
        if done % 25 == 0 or done == total:
            share = _layout_share(pass_number[0], min(1.0, done / max(1, total)))
            report(2 + int(share * 97), 100, "Laying out pages" if pass_number[0] == 1 else "Drawing pages")

    page_count = builder.page_count
    # A unique name beside the target; created by reportlab like any new file (so with the usual permissions).
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.part"
    try:
        document = BriefingDocTemplate(
            str(temporary),
            pagesize=PAPER_SIZES[content.paper],
            running_title=_running_title(content),
            marking=content.marking.strip(),
            footer_left=content.author.strip() or content.project_title or "posmap",
            footer_date=format_date(content.date),
            page_count=page_count,
            on_flowable=on_flowable,
            cancelled=cancelled,
            title=content.title,
            author=content.author,
            subject=_subject(plan),
            keywords=_keywords(plan),
            creator=content.generator,
            lang=content.language or None,
            invariant=False,
        )
        document.multiBuild(story, maxPasses=8)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    report(100, 100, "Briefing written")
    return BriefingResult(
        path=target, pages=page_count.counted, issues=len(plan.issues), actors=len(plan.actor_rows),
        quotes=builder.quotes, sources=len(plan.sources),
    )


def _layout_share(pass_number: int, fraction: float) -> float:
    """How much of the layout is done (0 to 1) when ``fraction`` of pass ``pass_number`` is.

    The first pass places the flowables and the second draws them, in about the same time, and
    those two are normally all. Should page numbers still move, each further pass covers half of
    what is left, so the share only grows.
    """
    if pass_number <= 1:
        start, span = 0.0, 0.5
    elif pass_number == 2:
        start, span = 0.5, 0.4
    else:
        left = 0.1 * 0.5 ** (pass_number - 3)
        start, span = 1 - left, left / 2
    return start + span * fraction


# -- text helpers -------------------------------------------------------------------------------------


def format_date(value: dt.date | str | None) -> str:
    """``2025-03-01`` as ``1 March 2025``; text that is not a date is returned as it is."""
    if value is None or value == "":
        return "undated"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _month(value: str) -> str:
    day = dt.date.fromisoformat(value[:10])
    return f"{MONTHS[day.month - 1]} {day.year}"


def _signed(value: float, scale: Scale) -> str:
    return signed(value, scale, 1)


def _point_text(value: int, scale: Scale) -> str:
    return signed(value, scale, 0)


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


def _names(names: Sequence[str]) -> str:
    """Escaped names joined as "A, B and C"."""
    escaped = [markup(n) for n in names]
    if len(escaped) <= 1:
        return "".join(escaped)
    return ", ".join(escaped[:-1]) + " and " + escaped[-1]


def _running_title(content: BriefingInput) -> str:
    return content.title if not content.subtitle else f"{content.title} — {content.subtitle}"


def _subject(plan: BriefingPlan) -> str:
    return (f"Position briefing: {_plural(len(plan.actor_rows), 'actor')} on {_plural(len(plan.issues), 'issue')}, "
            f"from {_plural(len(plan.sources), 'source')} and {_plural(plan.record_count, 'coding')}")


def _keywords(plan: BriefingPlan) -> list[str]:
    words = ["position briefing", "posmap"]
    words += [p.issue.name for p in plan.issues]
    words += [a.name for a, _ in plan.actor_rows]
    if plan.input.marking.strip():
        words.append(plan.input.marking.strip())
    return words


class _StoryBuilder:
    """Builds the list of flowables for one plan."""

    def __init__(self, plan: BriefingPlan) -> None:
        self.plan = plan
        self.input = plan.input
        self.s = styles()
        width, _ = PAPER_SIZES[self.input.paper]
        self.width = width - MARGINS.left - MARGINS.right
        self.page_count = PageCount()
        self.quotes = 0
        self.figure = 0
        last = (plan.issues[-1].number if plan.issues else 1)
        self.contested_number = last + 1
        self.sources_number = last + 2

    # -- whole story ----------------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        story: list[Flowable] = [self.page_count]
        story += self.title_page()
        story += [NextPageTemplate("body"), PageBreak()]
        story += self.contents()
        story += [PageBreak()]
        story += self.summary()
        for issue_plan in self.plan.issues:
            story += [PageBreak()]
            story += self.issue_section(issue_plan)
        story += [PageBreak()]
        story += self.contested_section()
        story += [PageBreak()]
        story += self.sources_section()
        story += [PageBreak()]
        story += self.codebook_annex()
        story += [PageBreak()]
        story += self.method_annex()
        return story

    def heading(self, number: str, text: str, key: str, *, level: int = 0, in_contents: bool = True,
                keep_with_next: bool = True) -> Heading:
        """A numbered heading. Before a long table use ``keep_with_next=False`` (with a CondPageBreak):
        kept with a table that nearly fills a page, the heading would drag the whole table over."""
        style = self.s.h1 if level == 0 else self.s.h2
        prefix = f'<font color="#8A949E">{number}</font>&nbsp;&nbsp;&nbsp;' if number else ""
        label = f"{number}  {text}" if number else text
        heading = Heading(prefix + markup(text), style, label=label, key=key, level=level, in_contents=in_contents)
        if not keep_with_next:
            heading.keepWithNext = 0
        return heading

    # -- title page and contents ------------------------------------------------------------------

    def title_page(self) -> list[Flowable]:
        s, content, plan = self.s, self.input, self.plan
        flow: list[Flowable] = [Spacer(1, 34 * mm)]
        flow.append(CachedParagraph("POSITION BRIEFING", s.kicker))
        flow.append(Spacer(1, 3 * mm))
        flow.append(CachedParagraph(markup(content.title), s.title))
        if content.subtitle.strip():
            flow.append(CachedParagraph(markup(content.subtitle), s.subtitle))
        flow.append(Spacer(1, 6 * mm))
        flow.append(_rule(self.width * 0.35, NAVY, 1.4))
        flow.append(Spacer(1, 8 * mm))
        rows = []
        if content.author.strip():
            rows.append(("Prepared by", markup(content.author)))
        rows.append(("Date", markup(format_date(content.date))))
        if content.project_title:
            rows.append(("Project", markup(content.project_title)))
        rows.append(("Evidence", markup(
            f"{_plural(len(plan.sources), 'source document')}, {_plural(plan.record_count, 'coding')}, "
            f"{_plural(len(plan.actor_rows), 'actor')}, {_plural(len(plan.issues), 'issue')}")))
        if plan.first_date:
            rows.append(("Sources dated", markup(self.date_range())))
        if content.scope:
            rows.append(("Scope", "; ".join(markup(item) for item in content.scope)))
        table = Table(
            [[CachedParagraph(label.upper(), s.figure_label), CachedParagraph(value, s.title_meta)]
             for label, value in rows],
            colWidths=[32 * mm, self.width - 32 * mm], hAlign="LEFT",
        )
        table.setStyle(table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("TOPPADDING", (0, 0), (0, -1), 4.2),
        ]))
        flow.append(table)
        if content.marking.strip():
            flow.append(Spacer(1, 14 * mm))
            box = Table([[CachedParagraph(markup(content.marking), s.marking)]], colWidths=[min(self.width, 90 * mm)],
                        hAlign="LEFT")
            box.setStyle(table_style([
                ("BOX", (0, 0), (-1, -1), 1.2, ACCENT),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]))
            flow.append(box)
        flow.append(Spacer(1, 16 * mm))
        flow.append(CachedParagraph(
            "Positions in this briefing are analysts’ codings of the cited sources, aggregated as set out in the "
            "method note (Annex B). Quotations are reproduced as they stand in the sources; each carries its "
            "citation and a marker of whose claim it is.", s.small))
        return flow

    def contents(self) -> list[Flowable]:
        return [
            Heading("Contents", self.s.toc_title, label="Contents", key="contents", level=0, in_contents=False),
            contents_table(),
        ]

    def date_range(self) -> str:
        plan = self.plan
        if not plan.first_date:
            return "undated"
        first, last = _month(plan.first_date), _month(plan.last_date or plan.first_date)
        text = first if first == last else f"{first} – {last}"
        if plan.undated_documents:
            text += f" ({plan.undated_documents} undated)"
        return text

    # -- summary ----------------------------------------------------------------------------------------

    def summary(self) -> list[Flowable]:
        s, plan = self.s, self.plan
        flow: list[Flowable] = [self.heading("1", "Summary", "summary")]
        flow.append(CachedParagraph(
            f"This briefing maps the positions of {_plural(len(plan.actor_rows), 'actor')} on "
            f"{_plural(len(plan.issues), 'negotiation issue')}, as coded from "
            f"{_plural(len(plan.sources), 'source document')}. Each position below rests on quotations that "
            "are cited in full in the issue sections.", s.lead))
        flow.append(self.key_figures())
        flow.append(Spacer(1, 4 * mm))
        flow.append(CondPageBreak(60 * mm))
        flow.append(self.heading("1.1", "Positions at a glance", "summary-heatmap", level=1, keep_with_next=False))
        rows, columns = self.heat_data()
        tables = heat_map_tables(columns, rows, self.width)
        if not tables:
            flow.append(CachedParagraph("No stated positions match the scope of this briefing.", s.body))
        for n, table in enumerate(tables):
            if n:
                flow.append(Spacer(1, 4 * mm))
            flow.append(table)
        if tables:
            flow.append(Spacer(1, 2 * mm))
            flow.append(heat_legend(self.width))
            self.figure += 1
            flow.append(CachedParagraph(
                f"Figure {self.figure}. Actor × issue positions. Colour shows the mean stated position on each "
                "issue’s scale; the label is the nearest scale point. Issue names link to their sections.",
                s.caption))
        flow.append(self.heading("1.2", "Overview by issue", "summary-overview", level=1))
        for issue_plan in plan.issues:
            link = f'<a href="#{issue_plan.key}"><b>{markup(issue_plan.issue.name)}.</b></a> '
            flow.append(CachedParagraph(link + " ".join(self.overview(issue_plan, full=False)), s.body))
        return flow

    def key_figures(self) -> Table:
        s, plan = self.s, self.plan
        figures = [
            (str(len(plan.sources)), "source documents"),
            (str(plan.record_count), "codings"),
            (str(len(plan.actor_rows)), "actors"),
            (str(len(plan.issues)), "issues"),
            (str(len(plan.contested)), "contested positions"),
        ]
        cells = [[CachedParagraph(markup(value), s.figure_value), CachedParagraph(markup(label), s.figure_label)]
                 for value, label in figures]
        dates = [CachedParagraph(markup(self.date_range()), s.cell_bold),
                 CachedParagraph("dates of the sources", s.figure_label)]
        data = [cells + [dates]]
        narrow = (self.width - 40 * mm) / len(figures)
        table = Table(data, colWidths=[narrow] * len(figures) + [40 * mm], hAlign="LEFT")
        table.setStyle(table_style([
            ("BACKGROUND", (0, 0), (-1, -1), TINT),
            ("LINEABOVE", (0, 0), (-1, 0), 1.6, NAVY),
            ("LINEAFTER", (0, 0), (-2, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 7),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ]))
        return table

    def heat_data(self) -> tuple[list[HeatRow], list[HeatColumn]]:
        plan = self.plan
        columns = [HeatColumn(key=p.key, name=p.issue.name, scale=p.scale) for p in plan.issues]
        rows: list[HeatRow] = []
        for actor, depth in plan.actor_rows:
            cells: list[HeatCell | None] = []
            for issue_plan in plan.issues:
                position = plan.position(issue_plan, actor.id)
                if position is None or position.stats is None:
                    cells.append(None)
                    continue
                cells.append(HeatCell(value=position.stats.mean, label=issue_plan.label(position.stats.mean),
                                      count=position.stats.count, contested=position.contested))
            if any(c is not None for c in cells):
                rows.append(HeatRow(name=actor.name, depth=depth, cells=cells))
        return rows, columns

    def overview(self, issue_plan: IssuePlan, *, full: bool) -> list[str]:
        """The generated sentences on one issue: who stands where, contested readings, the ZOPA.

        Without ``full`` the sentence saying that no ZOPA can be estimated is left out (the
        summary would repeat it for every issue).
        """
        scale = issue_plan.scale
        stated = [p for p in issue_plan.positions if p.stats is not None]
        sentences: list[str] = []
        if not stated:
            sentences.append("No stated positions are coded in scope.")
        elif is_centred(scale):
            centre = (scale.minimum + scale.maximum) / 2
            supports = [p for p in stated if p.point > centre and p.stats.min >= centre]
            opposes = [p for p in stated if p.point < centre and p.stats.max <= centre]
            conditional = [p for p in stated if p not in supports and p not in opposes]
            for verb, group in (("Supporting", supports), ("Opposed", opposes),
                                ("Conditional or ambivalent", conditional)):
                if group:
                    ordered = sorted(group, key=lambda p: -abs(p.stats.mean - centre))
                    sentences.append(f"{verb}: " + "; ".join(self.actor_brief(p, issue_plan) for p in ordered) + ".")
        else:
            by_point: dict[int, list[ActorPosition]] = {}
            for p in stated:
                by_point.setdefault(p.point, []).append(p)
            parts = []
            for point in sorted(by_point):
                label = scale.label_for(point) or str(point)
                names = _names([p.actor.name for p in by_point[point]])
                parts.append(f"{names} closest to “{markup(label)}”")
            sentences.append("Positions: " + "; ".join(parts) + ".")
        contested = [p for p in issue_plan.positions if p.contested]
        if contested:
            sentences.append(
                "Sources disagree about " + _names([p.actor.name for p in contested]) + " (see Contested points).")
        if full or len(issue_plan.bargaining.ranges) >= 2:
            sentences.append(self.zopa_sentence(issue_plan))
        return sentences

    def actor_brief(self, position: ActorPosition, issue_plan: IssuePlan) -> str:
        label = issue_plan.scale.label_for(position.point) or ""
        return f"{markup(position.actor.name)} ({markup(label)}, {_plural(position.stats.count, 'coding')})"

    def zopa_sentence(self, issue_plan: IssuePlan) -> str:
        bargaining = issue_plan.bargaining
        names = {p.actor.id: p.actor.name for p in issue_plan.positions}
        scale = issue_plan.scale
        if len(bargaining.ranges) < 2:
            coded = len(bargaining.ranges)
            return ("Red lines are coded for " + ("no actor" if coded == 0 else "only one actor") +
                    " with a stated position, so no zone of possible agreement can be estimated.")
        parties = _names([names[r.actor_id] for r in bargaining.ranges])
        zopa = bargaining.zopa
        if zopa is None:
            text = f"The acceptable ranges of {parties} do not overlap: no zone of possible agreement."
        else:
            if zopa.points:
                first = scale.label_for(zopa.points[0]) or ""
                last = scale.label_for(zopa.points[-1]) or ""
                where = (f"at “{markup(first)}”" if first == last else
                         f"from “{markup(first)}” to “{markup(last)}”")
            else:
                where = (f"between {_signed(zopa.low, scale)} and {_signed(zopa.high, scale)}, "
                         "which holds no labelled point of the scale")
            text = f"The acceptable ranges of {parties} overlap {where}: a possible zone of agreement."
        unknown = [names[a] for a in bargaining.without_red_line if a in names]
        if unknown:
            text += f" No red line is coded for {_names(unknown)}, whose limits are therefore unknown."
        return text

    # -- issue sections -------------------------------------------------------------------------------

    def issue_section(self, issue_plan: IssuePlan) -> list[Flowable]:
        s = self.s
        issue = issue_plan.issue
        flow: list[Flowable] = [self.heading(str(issue_plan.number), issue.name, issue_plan.key)]
        if issue.proposition.strip():
            flow.append(CachedParagraph(f"<i>Proposition:</i> {markup(issue.proposition)}", s.lead))
        flow.append(CachedParagraph("<b>Scale</b>&nbsp;&nbsp;" + " &nbsp;·&nbsp; ".join(
            f"{_point_text(p.value, issue.scale)}&nbsp;{markup(p.label)}" for p in issue.scale.points), s.small))
        flow.append(Spacer(1, 5 * mm))
        lanes = self.map_lanes(issue_plan)
        if lanes:
            zopa = issue_plan.bargaining.zopa
            self.figure += 1
            figure = [
                position_map(issue.scale, lanes, self.width, (zopa.low, zopa.high) if zopa else None),
                Spacer(1, 1.5 * mm),
                map_legend(self.width, with_spread=any(lane.high != lane.low for lane in lanes),
                           with_red_line=any(lane.red_line is not None for lane in lanes), with_zopa=zopa is not None),
                CachedParagraph(f"Figure {self.figure}. Position map: {markup(issue.name)}. Each actor at the mean of "
                          "its stated positions; whiskers span the positions its sources give.", s.caption),
            ]
            flow.append(KeepTogether(figure))
        flow.append(self.in_brief(issue_plan))
        if not issue_plan.positions:
            flow.append(CachedParagraph("No codings on this issue match the scope of this briefing.", s.body))
        for position in issue_plan.positions:
            flow += self.actor_block(issue_plan, position)
        return flow

    def in_brief(self, issue_plan: IssuePlan) -> Table:
        """A shaded box with the overview of the issue, ahead of the actor-by-actor evidence."""
        s = self.s
        text = " ".join(self.overview(issue_plan, full=True))
        cell = [CachedParagraph("IN BRIEF", s.kicker), CachedParagraph(text, s.body_tight)]
        box = Table([[cell]], colWidths=[self.width], hAlign="LEFT")
        box.setStyle(table_style([
            ("BACKGROUND", (0, 0), (-1, -1), TINT),
            ("LINEBEFORE", (0, 0), (0, -1), 2.2, NAVY),
            ("LEFTPADDING", (0, 0), (-1, -1), 9),
            ("RIGHTPADDING", (0, 0), (-1, -1), 9),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]))
        return box

    def map_lanes(self, issue_plan: IssuePlan) -> list[MapLane]:
        lanes = []
        for p in issue_plan.positions:
            if p.stats is None and p.red_line is None:
                continue
            lanes.append(MapLane(
                name=p.actor.name,
                ideal=p.stats.mean if p.stats else None,
                low=p.stats.min if p.stats else None,
                high=p.stats.max if p.stats else None,
                red_line=p.red_line.position if p.red_line else None,
            ))
        return lanes

    def actor_block(self, issue_plan: IssuePlan, position: ActorPosition) -> list[Flowable]:
        s, scale = self.s, issue_plan.scale
        flow: list[Flowable] = [Heading(
            markup(position.actor.name), s.h3, label=position.actor.name,
            key=f"{issue_plan.key}-actor-{position.actor.id}", level=1, in_contents=False,
        )]
        facts: list[str] = []
        if position.stats is not None:
            label = scale.label_for(position.point) or ""
            facts.append(
                f"Position: <b>{markup(label)}</b> (mean {_signed(position.stats.mean, scale)}, "
                f"{_plural(position.stats.count, 'coding')} from {_plural(position.stats.documents, 'document')})")
        else:
            facts.append("No stated position coded")
        if position.red_line is not None:
            red = position.red_line
            note = f", most recent of {red.candidates} used" if red.contested else ""
            facts.append(f'<font color="#9B2C2C">Red line: <b>{markup(scale.label_for(red.position) or "")}'
                         f"</b></font> ({_point_text(red.position, scale)}{note})")
        if position.acceptable is not None:
            low, high = position.acceptable.low, position.acceptable.high
            facts.append(f"Acceptable range {_signed(low, scale)} to {_signed(high, scale)}" if high > low
                         else f"Acceptable only at {_signed(low, scale)}")
        if position.contested:
            facts.append('<font color="#9B2C2C">‡ sources disagree</font>')
        status = CachedParagraph(" &nbsp;·&nbsp; ".join(facts), s.small)
        status.keepWithNext = 1
        flow.append(status)
        for evidence in position.evidence:
            flow += self.quote(evidence, scale)
        if position.omitted > 0:
            flow.append(CachedParagraph(
                f"{_plural(position.omitted, 'further passage')} not quoted here "
                f"(at most {self.input.max_quotes} per actor and issue).", s.caption))
        return flow

    def quote(self, evidence: Evidence, scale: Scale) -> list[Flowable]:
        self.quotes += 1
        record = evidence.first
        text = f"“{markup(record.quote, keep_line_breaks=True)}”"
        quote = CachedParagraph(text, self.s.quote)
        quote.keepWithNext = 1
        return [quote, CachedParagraph(self.citation(evidence.records, scale), self.s.citation)]

    def citation(self, records: Sequence[CodingRecord], scale: Scale | None) -> str:
        """The citation line: source number (linked), author, title, date, page; attribution and kind."""
        record = records[0]
        source = self.plan.source_by_document.get(record.document_id)
        parts: list[str] = []
        if source is not None:
            parts.append(f'<a href="#{source.key}"><font color="#1F3A5F"><b>[{source.label}]</b></font></a>')
        reference = []
        if record.document_author.strip():
            reference.append(markup(record.document_author))
        reference.append(f"<i>{markup(clip(record.document_title, 160))}</i>")
        reference.append(markup(format_date(record.document_date)))
        if record.page is not None:
            reference.append(f"p.&nbsp;{record.page}")
        parts.append(", ".join(reference))
        citation = " ".join(parts)
        tags = []
        for attribution in dict.fromkeys(r.attribution for r in records):
            symbol, name = ATTRIBUTION_MARKERS.get(attribution, ("", attribution))
            tags.append(f"{symbol}&nbsp;{markup(name)}")
        coded = []
        for r in records:
            label = markup(r.position_label or (scale.label_for(r.position) if scale else "") or str(r.position))
            coded.append(f"{markup(KIND_NAMES.get(r.kind, r.kind))}: {label}")
        tags.append(", ".join(dict.fromkeys(coded)))
        return f"{citation} &nbsp;|&nbsp; " + " &nbsp;·&nbsp; ".join(tags)

    # -- contested points -----------------------------------------------------------------------------

    def contested_section(self) -> list[Flowable]:
        s, plan = self.s, self.plan
        flow: list[Flowable] = [self.heading(str(self.contested_number), "Contested points", "contested")]
        flow.append(CachedParagraph(
            "A position is contested when at least two sources speak to it and their readings lie at least "
            f"{CONTESTED_STEPS} scale steps apart (each source’s mean position counts once). Below, the source "
            "with the lowest reading stands beside the one with the highest.", s.body))
        if not plan.contested:
            flow.append(CachedParagraph("No position in scope is contested between sources.", s.body))
        for n, point in enumerate(plan.contested, start=1):
            flow += self.contested_point(n, point)
        return flow

    def contested_point(self, n: int, point: ContestedPoint) -> list[Flowable]:
        s = self.s
        scale = point.issue.scale
        title = f"{point.actor.name} on {point.issue.name}"
        heading = self.heading(f"{self.contested_number}.{n}", title, f"contested-{point.actor.id}-{point.issue.id}",
                               level=1)
        low_label = scale.label_for(nearest_point(point.low_value, scale)) or ""
        high_label = scale.label_for(nearest_point(point.high_value, scale)) or ""
        summary = CachedParagraph(
            f"Readings differ by {point.cell.steps:.1f} scale steps across {_plural(point.documents, 'source')}: "
            f"from <b>{markup(low_label)}</b> ({_signed(point.low_value, scale)}) to "
            f"<b>{markup(high_label)}</b> ({_signed(point.high_value, scale)}).", s.small)
        half = self.width / 2
        columns = []
        for label, value, records in ((low_label, point.low_value, point.low_evidence),
                                      (high_label, point.high_value, point.high_evidence)):
            cell: list[Flowable] = [CachedParagraph(
                f"{markup(label).upper()} &nbsp;({_signed(value, scale)})", s.cell_head)]
            for record in records:
                cell.append(CachedParagraph(f"“{markup(clip(record.quote, CONTESTED_QUOTE_CHARS))}”", s.cell_quote))
                cell.append(CachedParagraph(self.citation([record], scale), s.cell_small))
                cell.append(Spacer(1, 2.5 * mm))
            columns.append(cell)
        table = Table([columns], colWidths=[half, half], hAlign="LEFT")
        table.setStyle(table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, -1), TINT),
            ("LINEBEFORE", (1, 0), (1, -1), 0.8, RULE),
            ("LINEABOVE", (0, 0), (-1, 0), 1.2, NAVY),
            ("LEFTPADDING", (0, 0), (-1, -1), 7),
            ("RIGHTPADDING", (0, 0), (-1, -1), 7),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
        ]))
        return [CondPageBreak(60 * mm), heading, summary, Spacer(1, 2 * mm), table, Spacer(1, 3 * mm)]

    # -- sources and annexes ----------------------------------------------------------------------------

    def sources_section(self) -> list[Flowable]:
        s, plan = self.s, self.plan
        flow: list[Flowable] = [self.heading(str(self.sources_number), "Sources", "sources")]
        flow.append(CachedParagraph(
            f"The {_plural(len(plan.sources), 'document')} behind the positions in this briefing, oldest first. "
            "Citations in the text refer to these numbers. Web addresses are given as text only.", s.body))
        for source in plan.sources:
            d = source.document
            parts = [f'<b><font color="#1F3A5F">[{source.label}]</font></b>']
            if d.author.strip():
                parts.append(f"{markup(d.author)}.")
            parts.append(f"<i>{markup(d.title)}</i>.")
            details = [markup(x) for x in (d.outlet, d.kind) if x.strip()]
            details.append(markup(format_date(d.date)))
            if d.language.strip():
                details.append(f"language: {markup(d.language)}")
            if d.pages:
                details.append(_plural(len(d.pages), "page"))
            parts.append(", ".join(details) + ".")
            if d.url.strip():
                parts.append(f"Address: {markup(clip(d.url, 300))}.")
            parts.append(f'<font color="#5A6672">SHA-256 {d.sha256[:16]}… · '
                         f"{_plural(source.codings, 'coding')} in scope</font>")
            flow.append(Anchor(source.key))
            flow.append(CachedParagraph(" ".join(parts), s.source))
        return flow

    def codebook_annex(self) -> list[Flowable]:
        s = self.s
        flow: list[Flowable] = [self.heading("Annex A", "Codebook", "annex-codebook")]
        flow.append(CachedParagraph("The actors and issues in scope, with the scales positions are coded on.", s.body))
        flow.append(CondPageBreak(40 * mm))
        flow.append(self.heading("A.1", "Actors", "annex-actors", level=1, keep_with_next=False))
        names = {a.id: a.name for a, _ in self.plan.actor_rows}
        rows = [[CachedParagraph(h, s.cell_head) for h in ("Actor", "Kind", "Nested in", "Aliases")]]
        for actor, depth in self.plan.actor_rows:
            rows.append([
                CachedParagraph("&nbsp;" * (3 * depth) + markup(clip(actor.name, 120)), s.cell_bold),
                CachedParagraph(markup(actor.kind.value), s.cell),
                CachedParagraph(markup(names.get(actor.parent_id, "")), s.cell),
                CachedParagraph(markup(clip(", ".join(actor.aliases), 300)), s.cell),
            ])
        flow.append(_grid(rows, [0.32, 0.15, 0.23, 0.30], self.width))
        flow.append(self.heading("A.2", "Issues and scales", "annex-issues", level=1))
        for issue_plan in self.plan.issues:
            issue = issue_plan.issue
            block: list[Flowable] = [CachedParagraph(f"<b>{markup(issue.name)}</b>", s.body_tight)]
            if issue.proposition.strip():
                block.append(CachedParagraph(f"<i>Proposition:</i> {markup(issue.proposition)}", s.small))
            kind = "agreement scale" if is_centred(issue.scale) else "outcome scale"
            block.append(CachedParagraph(
                f"{kind.capitalize()}: " + " &nbsp;·&nbsp; ".join(
                    f"<b>{_point_text(p.value, issue.scale)}</b> {markup(p.label)}" for p in issue.scale.points),
                s.small))
            block.append(Spacer(1, 3 * mm))
            flow.append(KeepTogether(block))
        return flow

    def method_annex(self) -> list[Flowable]:
        s, content = self.s, self.input
        flow: list[Flowable] = [self.heading("Annex B", "Method note", "annex-method")]
        scope = "; ".join(markup(x) for x in content.scope) if content.scope else "all codings in the project"
        paragraphs = [
            ("Scope", f"Codings included: {scope}. Actors and issues without a coding in scope are left out "
                      "unless they were asked for by name."),
            ("Positions", "An actor’s position on an issue is the arithmetic mean of its codings of kind "
                          "<i>position</i>, <i>demand</i> and <i>proposal</i> on that issue’s scale (the position "
                          "matrix, by contrast, averages codings of every kind unless filtered). The label "
                          "shown is the nearest point of the scale (an exact tie goes to the point nearer the "
                          "centre). Concessions and red lines are quoted but do not move the position."),
            ("Supporting, opposed, conditional", "On agreement scales an actor supports when its position is "
                                                 "above the neutral point and none of its codings falls below "
                                                 "it, and opposes in the mirror case; every other actor "
                                                 "(neutral, or coded on both sides) is listed as conditional or "
                                                 "ambivalent. On outcome scales actors are grouped by the "
                                                 "nearest outcome."),
            ("Contested positions", f"A position is contested when at least two documents speak to it and their "
                                    f"mean readings lie at least {CONTESTED_STEPS} scale steps apart, counting "
                                    "stated positions only (position, demand, proposal); disagreement within one "
                                    "document does not count."),
            ("Red lines", "An actor’s red line is its coding of kind <i>red line</i>. When sources give several, "
                          "the most recent document wins (undated documents count as oldest); between equally "
                          "recent ones the red line closest to the actor’s position wins, the stricter reading, "
                          "so that room for agreement is never overstated."),
            ("Acceptable range and ZOPA", "The acceptable range runs from the actor’s position to its red line. "
                                          "The zone of possible agreement (ZOPA) is the overlap of the acceptable "
                                          "ranges of all actors in the briefing that have one; it needs at least "
                                          "two. Actors without a coded red line do not limit the ZOPA and are "
                                          "named as unknowns; choosing the actors of the briefing chooses the "
                                          "parties at the table."),
            ("Quotations", f"Each actor and issue shows at most {content.max_quotes} passages: the chosen red "
                           "line first, then the actor’s own words before reported statements before "
                           "assessments, newer sources first. A passage coded twice for the same actor and issue "
                           "is quoted once with both codings. Quotations beside each other under Contested points "
                           f"are shortened to about {CONTESTED_QUOTE_CHARS} characters."),
            ("Markers", "● own words — the actor’s own statement; ◐ reported — a third party reports it; "
                        "○ assessment — the judgement of an analyst or author. Page numbers are given for "
                        "paged sources (PDF)."),
            ("Limits", "Counts measure how often a position is documented in the sources at hand, not its "
                       "weight in the negotiation. Positions are only as good as the coding behind them; "
                       "every one can be traced to its passages in the project file."),
        ]
        for title, text in paragraphs:
            flow.append(CachedParagraph(f"<b>{title}.</b> {text}", s.body))
        flow.append(Spacer(1, 4 * mm))
        flow.append(CachedParagraph(markup(f"Generated by {content.generator} on {format_date(content.date)}."),
                              s.small))
        return flow


def _rule(width: float, colour, thickness: float) -> Drawing:
    drawing = new_drawing(width, thickness)
    drawing.add(Rect(0, 0, width, thickness, fillColor=colour, strokeColor=None))
    return drawing


def _grid(rows: list[list], shares: Sequence[float], width: float) -> Table:
    table = OrphanFreeTable(rows, colWidths=[width * share for share in shares], repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style([
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_TINT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("FONT", (0, 0), (-1, -1), SANS, 7.5),
    ]))
    return table
