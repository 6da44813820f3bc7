"""HTML reader (.html, .htm); its text extraction is reused by the Markdown reader.

Nothing is ever fetched: images, frames and stylesheets are ignored, and only the markup in the
file itself is parsed.
"""

from __future__ import annotations

import codecs
import re
import warnings
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from posmap.ingest import (
    ExtractedDocument,
    IngestError,
    clean_metadata,
    iso_date,
    library_version,
    normalise_text,
    text,
)

_DROPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "nav", "iframe", "svg", "form", "button",
        "head", "object", "embed", "canvas", "select", "textarea", "audio", "video",
    }
)  # fmt: skip
# Blocks followed by a blank line vs. blocks that only start a new line.
_PARAGRAPH_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl", "hr",
     "figure", "address", "details"}
)  # fmt: skip
_LINE_BLOCKS = frozenset(
    {"html", "body", "div", "section", "article", "main", "aside", "header", "footer", "li", "tr",
     "dt", "dd", "caption", "figcaption", "summary", "center", "fieldset", "legend", "tbody", "thead",
     "tfoot"}
)  # fmt: skip
# Runs of HTML white space collapse to one space; a lone space is already collapsed, so only the
# other runs are matched (matching every space between words made this the reader's hot spot).
_HTML_WHITESPACE = re.compile(r"[\t\n\r\f][ \t\n\r\f]*| [ \t\n\r\f]+")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.\-]+)""",
    re.IGNORECASE,
)


def read(path: Path) -> ExtractedDocument:
    """Read an HTML file: visible body text as lines, plus title/author/date/language/url/outlet."""
    soup = parse(decode_html(path.read_bytes()))
    body = normalise_text(soup_text(soup))
    if not body:
        raise IngestError("the HTML file contains no readable text")
    return ExtractedDocument(
        text=body,
        pages=(),
        metadata=soup_metadata(soup),
        extractor="beautifulsoup4",
        extractor_version=library_version("beautifulsoup4"),
    )


def decode_html(data: bytes) -> str:
    """Decode HTML bytes: byte-order mark, then the charset the markup declares, then detection."""
    if data.startswith(_BOMS) or text.looks_binary(data):
        return text.decode_bytes(data)
    declared = _declared_encoding(data[:4096])
    if declared is not None:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    return text.decode_bytes(data)


def _declared_encoding(head: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(head)
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return None  # a BOM-less page declaring UTF-16 is ASCII-compatible in practice (as browsers assume)
    # Browsers read "latin-1"/"ascii" declarations as windows-1252, and so do real-world pages.
    return "cp1252" if name in {"iso8859-1", "ascii"} else name


def parse(markup: str) -> BeautifulSoup:
    """Parse markup with lxml, silencing BeautifulSoup's advisory warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BeautifulSoup(markup, "lxml")


def soup_metadata(soup: BeautifulSoup) -> dict[str, str]:
    """Title, author, date, language, canonical URL and outlet as declared by the page."""
    # One plain walk over the tree collects every tag consulted here: each find_all would walk the
    # whole page again, and BeautifulSoup's matching makes a walk several times slower than this loop.
    tags: dict[str, list[Tag]] = {name: [] for name in _METADATA_TAGS}
    for element in soup.descendants:
        if isinstance(element, Tag) and element.name in tags:
            tags[element.name].append(element)
    metas: dict[str, str] = {}
    for meta in tags["meta"]:
        key = str(meta.get("name") or meta.get("property") or "").strip().lower()
        content = meta.get("content")
        if key and isinstance(content, str) and content.strip():
            metas.setdefault(key, content)
    # <title> elements inside inline SVG are image captions, not the page title.
    title_tag = next((t for t in tags["title"] if not t.find_parent("svg")), None) or next(iter(tags["h1"]), None)
    canonical = next((t for t in tags["link"] if _has_value(t.get("rel"), "canonical")), None)
    html_tag = next(iter(tags["html"]), None)
    date_candidates = [metas.get("date"), metas.get("article:published_time"), metas.get("dcterms.date")]
    date_candidates += [str(tag["datetime"]) for tag in tags["time"] if tag.get("datetime") is not None]
    return clean_metadata(
        {
            "title": soup_text(title_tag) if title_tag else None,
            "author": metas.get("author"),
            "date": next((d for d in date_candidates if d and iso_date(d)), None),
            "language": _attribute(html_tag, "lang") or _attribute(html_tag, "xml:lang"),
            "url": _attribute(canonical, "href") or metas.get("og:url"),
            "outlet": metas.get("og:site_name"),
        }
    )


_METADATA_TAGS = ("meta", "title", "h1", "link", "html", "time")


def _has_value(attribute: object, wanted: str) -> bool:
    """Whether a (possibly multi-valued, like ``rel``) attribute holds ``wanted``, as BeautifulSoup matches it."""
    if isinstance(attribute, str):
        return attribute == wanted
    if isinstance(attribute, list):
        return wanted in attribute or " ".join(attribute) == wanted
    return False


def _attribute(tag: object, name: str) -> str | None:
    value = tag.get(name) if isinstance(tag, Tag) else None
    return value if isinstance(value, str) else None


def soup_text(soup: BeautifulSoup | Tag) -> str:
    """The readable text of a parsed page: one line per block, inline elements joined as rendered."""
    out = _TextBuilder()
    _walk(soup, out)
    return out.text()


class _TextBuilder:
    """Accumulates text, turning block boundaries into newlines and collapsing inline whitespace."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pending_newlines = 0
        self._trailing_newlines = 0
        self._after_space = True
        self._holding_marker = False

    def block(self, newlines: int) -> None:
        """Make the next text start after ``newlines`` line breaks (0 for inline elements)."""
        # A list marker must stay on the same line as the item's first block (e.g. <li><p>...).
        if self._parts and not self._holding_marker:
            self._pending_newlines = max(self._pending_newlines, newlines)

    def inline(self, value: str) -> None:
        value = _HTML_WHITESPACE.sub(" ", value)
        if self._after_space or self._pending_newlines:
            value = value.lstrip(" ")
        if value:
            self._emit(value)

    def raw(self, value: str) -> None:
        if value:
            self._emit(value)

    def marker(self, value: str) -> None:
        self._emit(value)
        self._holding_marker = True

    def line_break(self) -> None:
        self._emit("\n")

    def _emit(self, value: str) -> None:
        # Newlines already written (a <br>, or the end of a <pre>) count towards the pending break.
        missing = self._pending_newlines - self._trailing_newlines
        if missing > 0:
            self._parts.append("\n" * missing)
            self._trailing_newlines += missing
        self._pending_newlines = 0
        self._parts.append(value)
        stripped = value.rstrip("\n")
        self._trailing_newlines = len(value) - len(stripped) + (0 if stripped else self._trailing_newlines)
        self._after_space = value[-1].isspace()
        self._holding_marker = False

    def text(self) -> str:
        return "".join(self._parts)


def _is_dropped(tag: Tag) -> bool:
    return tag.name in _DROPPED_TAGS or tag.get("role") == "navigation" or tag.has_attr("hidden")


def _walk(root: Tag, out: _TextBuilder) -> None:
    # Iterative rather than recursive so that absurdly deep markup cannot exhaust the stack.
    stack: list[tuple[object, bool]] = [(root, False)]
    list_numbers: list[int | None] = []  # one entry per open ul (None) / ol (next number)
    pre_depth = 0
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctypes, CDATA, ...
                (out.raw if pre_depth else out.inline)(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if leaving:
            if name in ("ul", "ol"):
                list_numbers.pop()
            elif name == "pre":
                pre_depth -= 1
            out.block(_newlines_around(name, bool(list_numbers)))
            continue
        if _is_dropped(node):
            continue
        if name == "br":
            out.line_break()
            continue
        if name == "tr":
            _table_row(node, out)
            continue
        out.block(_newlines_around(name, bool(list_numbers)))
        if name in ("ul", "ol"):
            list_numbers.append(_int_attribute(node, "start", 1) if name == "ol" else None)
        elif name == "pre":
            pre_depth += 1
        elif name == "li" and list_numbers:
            number = list_numbers[-1]
            indent = "  " * (len(list_numbers) - 1)
            if number is None:
                out.marker(f"{indent}• ")
            else:
                number = _int_attribute(node, "value", number)
                list_numbers[-1] = number + 1
                out.marker(f"{indent}{number}. ")
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))


def _newlines_around(name: str, in_list: bool) -> int:
    # Inside lists every block only starts a new line, so items stay compact.
    if name in _PARAGRAPH_BLOCKS:
        return 1 if in_list else 2
    return 1 if name in _LINE_BLOCKS else 0


def _table_row(row: Tag, out: _TextBuilder) -> None:
    cells = []
    for cell in row.children:
        if isinstance(cell, Tag) and cell.name in ("td", "th") and not _is_dropped(cell):
            cell_text = _TextBuilder()
            _walk(cell, cell_text)
            cells.append(" ".join(cell_text.text().split()))
    if any(cells):
        out.block(1)
        out.raw("\t".join(cells))
        out.block(1)


def _int_attribute(tag: Tag, name: str, default: int) -> int:
    value = tag.get(name)
    try:
        return int(value) if isinstance(value, str) else default
    except ValueError:
        return default
