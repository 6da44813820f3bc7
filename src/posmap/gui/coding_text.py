"""How codings read in the GUI: labels for kinds and attributions, positions, sources and quotes.

Shared by the viewer's tooltips, the coding popup and the codings pane so a coding reads the
same everywhere. No widgets here; :func:`coding_tooltip_html` escapes everything it quotes.
"""

from __future__ import annotations

import getpass
import html
import os
from collections.abc import Collection

from posmap.model import Attribution, CodingKind, CodingRecord

KIND_LABELS: dict[str, str] = {
    CodingKind.POSITION.value: "Position",
    CodingKind.DEMAND.value: "Demand",
    CodingKind.RED_LINE.value: "Red line",
    CodingKind.CONCESSION.value: "Concession",
    CodingKind.PROPOSAL.value: "Proposal",
}

ATTRIBUTION_LABELS: dict[str, str] = {
    Attribution.OWN_WORDS.value: "Own words",
    Attribution.REPORTED.value: "Reported",
    Attribution.ASSESSMENT.value: "Assessment",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def attribution_label(attribution: str) -> str:
    return ATTRIBUTION_LABELS.get(attribution, attribution)


def position_text(label: str, value: int, *, signed: bool = True) -> str:
    """``supports (+1)``: the scale label with its value, signed for scales around zero (−2…+2).

    Pass ``signed=False`` for a scale of outcomes numbered from 0, where "+1" would read oddly.
    """
    number = f"{value:+d}" if signed else str(value)
    return f"{label} ({number})" if label else number


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` on one line (runs of white space become one space), cut to ``limit`` with an ellipsis."""
    flat = " ".join(text.split())
    if limit is not None and len(flat) > limit:
        return flat[: max(1, limit - 1)].rstrip() + "…"
    return flat


def elide_middle(text: str, limit: int) -> str:
    """The start and end of a long quote with an ellipsis between them."""
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    head = (limit * 2) // 3
    tail = limit - head - 1
    return flat[:head].rstrip() + " … " + flat[-tail:].lstrip()


def source_text(record: CodingRecord) -> str:
    """``Title — Author, 2024-03-02, p. 3``: where a coding's quote comes from."""
    details = [part for part in (record.document_author, record.document_date or "") if part]
    text = record.document_title
    if details:
        text += " — " + ", ".join(details)
    if record.page is not None:
        text += f", p. {record.page}"
    return text


def coding_tooltip_html(records: list[CodingRecord], unsigned_issues: Collection[int] = ()) -> str:
    """A compact rich-text description of the codings on one highlight, for a tooltip.

    ``unsigned_issues``: issues whose scales start at 0 (their values show without a sign).
    """
    rows = []
    for record in records:
        position = html.escape(position_text(record.position_label, record.position,
                                             signed=record.issue_id not in unsigned_issues))
        meta = " · ".join((kind_label(record.kind), attribution_label(record.attribution)))
        row = (
            f"<b>{html.escape(record.actor)}</b> — {html.escape(record.issue)}: {position}"
            f"<br><span style='font-size:small'>{html.escape(meta)}"
        )
        if record.coder:
            row += f" · coded by {html.escape(record.coder)}"
        row += "</span>"
        if record.note:
            row += f"<br><i>{html.escape(one_line(record.note, 160))}</i>"
        rows.append(row)
    source = html.escape(source_text(records[0])) if records else ""
    body = "<hr>".join(rows)
    return f"<div style='max-width:420px'>{body}<br><span style='font-size:small'>Source: {source}</span></div>"


def default_coder() -> str:
    """Who is coding: ``$POSMAP_CODER`` or the login name, as on the command line."""
    try:
        return os.environ.get("POSMAP_CODER") or getpass.getuser()
    except (OSError, KeyError):  # no login name in some sandboxes and services
        return ""
