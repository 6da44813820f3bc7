"""The briefing's figures: the actor × issue heat map (tables) and the position map of one issue
(a reportlab.graphics drawing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from posmap.export.briefing_layout import CachedParagraph, OrphanFreeTable
from posmap.export.briefing_style import (
    ACCENT,
    DIVERGING,
    HEADER_TINT,
    INK,
    MUTED,
    NAVY,
    RULE,
    SANS,
    SEQUENTIAL,
    SLATE,
    WHITE,
    ZOPA_FILL,
    ZOPA_LINE,
    clip,
    fit_width,
    markup,
    styles,
    table_style,
)
from posmap.model import Scale


def new_drawing(width: float, height: float) -> Drawing:
    """A drawing whose initial font is the embedded sans (reportlab would otherwise name Helvetica)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = SANS
    return drawing


# -- colour ramps -------------------------------------------------------------------------------------


def is_centred(scale: Scale) -> bool:
    """True for scales balanced around a neutral middle (like the −2…+2 agreement scale)."""
    return scale.minimum < 0 < scale.maximum and scale.minimum == -scale.maximum


def position_colour(value: float, scale: Scale) -> colors.Color:
    """The heat-map colour of a position: diverging for centred scales, sequential otherwise."""
    ramp = DIVERGING if is_centred(scale) else SEQUENTIAL
    share = 0.5 if scale.width == 0 else min(1.0, max(0.0, (value - scale.minimum) / scale.width))
    position = share * (len(ramp) - 1)
    low = int(math.floor(position))
    high = min(low + 1, len(ramp) - 1)
    a, b = colors.HexColor(ramp[low]), colors.HexColor(ramp[high])
    t = position - low
    return colors.Color(a.red + (b.red - a.red) * t, a.green + (b.green - a.green) * t,
                        a.blue + (b.blue - a.blue) * t)


# -- heat map ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    """What one heat-map cell shows; None cells are left blank."""

    value: float
    label: str
    count: int
    contested: bool


@dataclass(frozen=True)
class HeatColumn:
    key: str
    name: str
    scale: Scale


@dataclass(frozen=True)
class HeatRow:
    name: str
    depth: int
    cells: Sequence[HeatCell | None]


ACTOR_COLUMN = 34 * mm
MIN_ISSUE_COLUMN = 20 * mm
MAX_ISSUE_COLUMN = 40 * mm


def heat_map_tables(columns: Sequence[HeatColumn], rows: Sequence[HeatRow], width: float) -> list[OrphanFreeTable]:
    """The heat map as one or more tables that each fit ``width``.

    When there are more issues than fit side by side at a readable size, the issues are split
    into balanced groups, one table each, every table repeating the actor column.
    """
    if not columns or not rows:
        return []
    per_table = max(1, int((width - ACTOR_COLUMN) // MIN_ISSUE_COLUMN))
    groups = math.ceil(len(columns) / per_table)
    size = math.ceil(len(columns) / groups)
    # Every table gets the same column width, so split tables line up under each other.
    column_width = min(MAX_ISSUE_COLUMN, (width - ACTOR_COLUMN) / size)
    return [_heat_table(columns[start:start + size], rows, start, column_width)
            for start in range(0, len(columns), size)]


def _heat_table(columns: Sequence[HeatColumn], rows: Sequence[HeatRow], offset: int,
                column_width: float) -> OrphanFreeTable:
    s = styles()
    header = [CachedParagraph("Actor", s.cell_head)] + [
        CachedParagraph(f'<a href="#{c.key}">{markup(clip(c.name, 70))}</a>', s.cell_head_center) for c in columns
    ]
    data: list[list] = [header]
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), SANS, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_TINT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("LINEAFTER", (1, 0), (-2, -1), 1.2, WHITE),
    ]
    for r, row in enumerate(rows, start=1):
        name_style = s.cell_bold if row.depth == 0 else s.cell
        indent = "&nbsp;" * (3 * row.depth)
        line: list = [CachedParagraph(indent + markup(clip(row.name, 60)), name_style)]
        for c, column in enumerate(columns, start=1):
            cell = row.cells[offset + c - 1]
            if cell is None:
                line.append(CachedParagraph("–", s.heat_cell))
                continue
            colour = position_colour(cell.value, column.scale)
            commands.append(("BACKGROUND", (c, r), (c, r), colour))
            dark = _luminance(colour) < 0.5
            mark = " ‡" if cell.contested else ""
            line.append(CachedParagraph(
                f'<font color="{"#FFFFFF" if dark else "#1D232A"}">'
                f"{_breakable(markup(clip(cell.label, 48)), column_width - 8)}{mark}</font><br/>"
                f'<font size="6" color="{"#E8EDF2" if dark else "#4A545E"}">'
                f"{signed(cell.value, column.scale)} · n={cell.count}</font>",
                s.heat_cell,
            ))
        data.append(line)
    table = OrphanFreeTable(data, colWidths=[ACTOR_COLUMN] + [column_width] * len(columns), repeatRows=1,
                            hAlign="LEFT")
    table.setStyle(table_style(commands))
    return table


def _luminance(colour: colors.Color) -> float:
    """Relative luminance (0 black … 1 white), to choose light text on dark cells."""
    return 0.2126 * colour.red + 0.7152 * colour.green + 0.0722 * colour.blue


def _breakable(text: str, width: float) -> str:
    """Let a label too wide for its cell break after slashes and hyphens rather than mid-word."""
    if all(stringWidth(word, SANS, 6.9) <= width for word in text.split()):
        return text
    return text.replace("/", "/ ").replace("-", "- ")


def signed(value: float, scale: Scale, digits: int = 1) -> str:
    """A position as text: with its sign on scales that have negative values (typographic minus)."""
    if scale.minimum < 0 and round(value, digits) != 0:
        text = f"{value:+.{digits}f}"
    else:
        text = f"{abs(value) if round(value, digits) == 0 else value:.{digits}f}"
    return text.replace("-", "\u2212")


def heat_legend(width: float) -> Drawing:
    """A key to the heat map: the two colour ramps and the contested marker, wrapped to ``width``."""
    size, swatch = 6.8, 11.0
    items: list[tuple[str, tuple[str, ...], str]] = [
        ("Agreement scales", DIVERGING, "opposes → supports"),
        ("Outcome scales", SEQUENTIAL, "first → last point"),
        ("", (), "‡ sources disagree"),
    ]

    def item_width(item: tuple[str, tuple[str, ...], str]) -> float:
        title, ramp, ends = item
        return (stringWidth(title, SANS, size) + 5 if title else 0) + swatch * len(ramp) + \
            stringWidth(ends, SANS, size) + 4

    rows: list[list] = [[]]
    used = 0.0
    for item in items:
        needed = item_width(item) + (16 if rows[-1] else 0)
        if rows[-1] and used + needed > width:
            rows.append([])
            used, needed = 0.0, item_width(item)
        rows[-1].append(item)
        used += needed
    line = 12.0
    drawing = new_drawing(width, line * len(rows))
    for r, row in enumerate(rows):
        y = line * (len(rows) - 1 - r)
        x = 0.0
        for title, ramp, ends in row:
            if title:
                drawing.add(String(x, y + 2, title, fontName=SANS, fontSize=size, fillColor=SLATE))
                x += stringWidth(title, SANS, size) + 5
            for colour in ramp:
                drawing.add(Rect(x, y, swatch, 8.5, fillColor=colors.HexColor(colour), strokeColor=None))
                x += swatch
            colour = ACCENT if not ramp else SLATE
            drawing.add(String(x + (4 if ramp else 0), y + 2, ends, fontName=SANS, fontSize=size, fillColor=colour))
            x += stringWidth(ends, SANS, size) + 20
    return drawing


# -- position map ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapLane:
    """One actor on the position map of an issue."""

    name: str
    ideal: float | None
    low: float | None
    high: float | None
    red_line: int | None
    in_zopa: bool = False


LANE_HEIGHT = 15.0
NAME_COLUMN = 36 * mm
RANGE_FILL = colors.HexColor("#D5DFEA")
LANE_TINT = colors.HexColor("#F5F6F8")
POINT_LABEL_SIZE = 6.4
DENSE_SPACING = 34.0
"""Below this distance between ticks (points) only the end points of the scale are labelled."""


def position_map(scale: Scale, lanes: Sequence[MapLane], width: float,
                 zopa: tuple[float, float] | None) -> Drawing:
    """The scale drawn as an axis, each actor on its own lane at its mean position, with the spread
    of its sources, its red line and acceptable range, and the ZOPA shaded where ranges overlap."""
    plot_left = NAME_COLUMN
    plot_right = width - 18
    inset = 16.0  # keeps end points (and their markers) inside the plot

    def x_of(value: float) -> float:
        share = 0.5 if scale.width == 0 else (value - scale.minimum) / scale.width
        return plot_left + inset + share * (plot_right - plot_left - 2 * inset)

    # Point labels under the axis, wrapped to the space between ticks; on a dense scale only the
    # two ends are named (the full scale is printed above the figure).
    spacing = (plot_right - plot_left - 2 * inset) / max(1, len(scale.points) - 1)
    dense = spacing < DENSE_SPACING
    label_width = min(spacing - 4, 92.0) if not dense else 70.0
    labelled = [(not dense) or n in (0, len(scale.points) - 1) for n in range(len(scale.points))]
    # The last label may not reach past the figure's right edge, so it wraps narrower if need be.
    right_room = 2 * (width - x_of(scale.maximum))
    label_lines = [
        simpleSplit(p.label, SANS, POINT_LABEL_SIZE,
                    min(label_width, right_room) if n == len(scale.points) - 1 else label_width)[:4] if show else []
        for n, (p, show) in enumerate(zip(scale.points, labelled, strict=True))
    ]
    label_height = 10 + 7.4 * max(len(lines) for lines in label_lines)
    top_pad = 12.0 if zopa is not None else 2.0
    lanes_height = LANE_HEIGHT * max(1, len(lanes))
    axis_y = label_height + 2
    lane_top = axis_y + 5 + lanes_height
    drawing = new_drawing(width, lane_top + top_pad)

    # Alternate lane shading for reading across.
    for i in range(0, len(lanes), 2):
        drawing.add(Rect(0, lane_top - (i + 1) * LANE_HEIGHT, width, LANE_HEIGHT, fillColor=LANE_TINT,
                         strokeColor=None))

    if zopa is not None:
        zx0, zx1 = x_of(zopa[0]), x_of(zopa[1])
        if zx1 - zx0 < 4:
            middle = (zx0 + zx1) / 2
            zx0, zx1 = middle - 2, middle + 2
        drawing.add(Rect(zx0, axis_y, zx1 - zx0, lane_top - axis_y + 2, fillColor=ZOPA_FILL,
                         strokeColor=ZOPA_LINE, strokeWidth=0.5))
        drawing.add(String((zx0 + zx1) / 2, lane_top + 4.5, "ZOPA", fontName=f"{SANS}-Bold", fontSize=6.5,
                           fillColor=ZOPA_LINE, textAnchor="middle"))

    # Gridlines and ticks at each scale point, the values and labels under the axis.
    for point, lines in zip(scale.points, label_lines, strict=True):
        x = x_of(point.value)
        drawing.add(Line(x, axis_y, x, lane_top, strokeColor=RULE, strokeWidth=0.35, strokeDashArray=[1, 2]))
        drawing.add(Line(x, axis_y - 3, x, axis_y, strokeColor=SLATE, strokeWidth=0.6))
        drawing.add(String(x, axis_y - 10, signed(point.value, scale, 0), fontName=f"{SANS}-Bold",
                           fontSize=POINT_LABEL_SIZE, fillColor=SLATE, textAnchor="middle"))
        for k, text in enumerate(lines):
            # Centred under the tick, but pushed inwards where it would run past the figure's edge.
            half = stringWidth(text, SANS, POINT_LABEL_SIZE) / 2
            centre = min(max(x, half), width - half)
            drawing.add(String(centre, axis_y - 18 - k * 7.4, text, fontName=SANS, fontSize=POINT_LABEL_SIZE,
                               fillColor=SLATE, textAnchor="middle"))
    drawing.add(Line(plot_left, axis_y, plot_right, axis_y, strokeColor=SLATE, strokeWidth=0.8))

    for i, lane in enumerate(lanes):
        y = lane_top - (i + 0.5) * LANE_HEIGHT
        drawing.add(String(4, y - 2.4, fit_width(lane.name, SANS, 7.2, NAME_COLUMN - 10), fontName=SANS,
                           fontSize=7.2, fillColor=INK))
        if lane.red_line is not None and lane.ideal is not None:
            x0, x1 = sorted((x_of(lane.ideal), x_of(lane.red_line)))
            drawing.add(Rect(x0, y - 3.2, x1 - x0, 6.4, fillColor=RANGE_FILL, strokeColor=None))
        if lane.low is not None and lane.high is not None and lane.high > lane.low:
            # Spread of the sources: a thin whisker from the lowest to the highest coded position.
            drawing.add(Line(x_of(lane.low), y, x_of(lane.high), y, strokeColor=MUTED, strokeWidth=0.8))
            for end in (lane.low, lane.high):
                drawing.add(Line(x_of(end), y - 2.5, x_of(end), y + 2.5, strokeColor=MUTED, strokeWidth=0.8))
        if lane.red_line is not None:
            rx = x_of(lane.red_line)
            drawing.add(Rect(rx - 1.1, y - 6, 2.2, 12, fillColor=ACCENT, strokeColor=None))
        if lane.ideal is not None:
            drawing.add(Circle(x_of(lane.ideal), y, 3.6, fillColor=NAVY, strokeColor=WHITE, strokeWidth=0.8))
    return drawing


def map_legend(width: float, *, with_spread: bool, with_red_line: bool, with_zopa: bool) -> Drawing:
    """The key under a position map, naming only the marks the map uses."""
    drawing = new_drawing(width, 14)
    y = 5.0
    x = 0.0
    drawing.add(Circle(x + 4, y, 3.4, fillColor=NAVY, strokeColor=WHITE, strokeWidth=0.8))
    x = _legend_text(drawing, x + 11, y, "mean stated position")
    if with_spread:
        drawing.add(Line(x, y, x + 16, y, strokeColor=MUTED, strokeWidth=0.8))
        drawing.add(Line(x, y - 2.5, x, y + 2.5, strokeColor=MUTED, strokeWidth=0.8))
        drawing.add(Line(x + 16, y - 2.5, x + 16, y + 2.5, strokeColor=MUTED, strokeWidth=0.8))
        x = _legend_text(drawing, x + 20, y, "range of sources")
    if with_red_line:
        drawing.add(Rect(x, y - 5, 2.2, 10, fillColor=ACCENT, strokeColor=None))
        x = _legend_text(drawing, x + 6, y, "red line")
        drawing.add(Rect(x, y - 3.2, 16, 6.4, fillColor=RANGE_FILL, strokeColor=None))
        x = _legend_text(drawing, x + 20, y, "acceptable range")
    if with_zopa:
        drawing.add(Rect(x, y - 4, 14, 8, fillColor=ZOPA_FILL, strokeColor=ZOPA_LINE, strokeWidth=0.5))
        _legend_text(drawing, x + 18, y, "zone of possible agreement")
    return drawing


def _legend_text(drawing: Drawing, x: float, y: float, text: str) -> float:
    drawing.add(String(x, y - 2.3, text, fontName=SANS, fontSize=6.6, fillColor=SLATE))
    return x + stringWidth(text, SANS, 6.6) + 12
