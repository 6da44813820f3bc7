"""Markdown reader (.md, .markdown): rendered to HTML, then read like a web page."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt

from posmap.ingest import ExtractedDocument, IngestError, clean_metadata, library_version, normalise_text, text
from posmap.ingest import html as html_reader

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_FIELD = re.compile(r"^([A-Za-z_]+)[ \t]*:[ \t]*(.*?)[ \t]*$", re.MULTILINE)
_FRONT_MATTER_KEYS = {"title": "title", "author": "author", "date": "date", "lang": "language",
                      "language": "language", "url": "url"}  # fmt: skip


def read(path: Path) -> ExtractedDocument:
    """Read a Markdown file as the text a reader sees; title from front matter or the first H1."""
    source = normalise_text(text.decode_bytes(path.read_bytes()))
    front_matter, body = split_front_matter(source)
    renderer = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    soup = html_reader.parse(renderer.render(body))
    content = normalise_text(html_reader.soup_text(soup))
    if not content:
        # Markup alone (or nesting deeper than the parser follows) leaves nothing to read.
        raise IngestError("the Markdown file contains no readable text" if body.strip() else "the file is empty")
    metadata = clean_metadata(front_matter)
    if "title" not in metadata:
        metadata.update(clean_metadata({"title": html_reader.soup_metadata(soup).get("title")}))
    return ExtractedDocument(
        text=content,
        pages=(),
        metadata=metadata,
        extractor="markdown-it-py",
        extractor_version=library_version("markdown-it-py"),
    )


def split_front_matter(source: str) -> tuple[dict[str, str], str]:
    """Split YAML front matter off ``source``; returns its simple ``key: value`` fields and the body.

    Only flat scalar fields are understood, which is all we take from it; no YAML library needed.
    """
    match = _FRONT_MATTER.match(source)
    # A leading "---" without any "key: value" line is a thematic break, not front matter.
    if match is None or not _FRONT_MATTER_FIELD.search(match.group(1)):
        return {}, source
    fields: dict[str, str] = {}
    for key, value in _FRONT_MATTER_FIELD.findall(match.group(1)):
        target = _FRONT_MATTER_KEYS.get(key.lower())
        if target and target not in fields:
            fields[target] = _unquote(value)
    return fields, source[match.end() :]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
