"""Markdown reader: rendered text, structure kept as lines, title metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from posmap.ingest import IngestError, normalise_text, read_document

DOCUMENT = """# Negotiation round three

The mediators proposed a **phased** plan with *clear* deadlines,
as reported by [the agency](https://example.org/report).

## Open issues

- Exchange of prisoners
- Return of displaced *families*

1. Ceasefire along the line
2. Monitoring mission

```
raw   code stays
```
"""


def _write(tmp_path: Path, content: str, name: str = "notes.md") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_structure_is_kept_as_readable_lines(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, DOCUMENT))
    lines = doc.text.split("\n")
    assert lines[0] == "Negotiation round three"
    assert "Open issues" in lines
    assert "• Exchange of prisoners" in lines
    assert "• Return of displaced families" in lines
    assert "1. Ceasefire along the line" in lines
    assert "2. Monitoring mission" in lines
    assert "raw   code stays" in lines
    assert "The mediators proposed a phased plan with clear deadlines, as reported by the agency." in lines
    assert normalise_text(doc.text) == doc.text


def test_markup_is_removed(tmp_path: Path) -> None:
    text = read_document(_write(tmp_path, DOCUMENT)).text
    for marker in ("**", "*clear*", "#", "](", "https://example.org", "```"):
        assert marker not in text


def test_paragraphs_are_separated_by_a_blank_line(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "First paragraph.\n\nSecond paragraph."))
    assert doc.text == "First paragraph.\n\nSecond paragraph."


def test_title_from_first_level_one_heading(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "Intro text.\n\n## Not this\n\n# The *real* title\n\nBody."))
    assert doc.metadata == {"title": "The real title"}
    assert doc.extractor == "markdown-it-py"


def test_title_from_front_matter(tmp_path: Path) -> None:
    content = '---\ntitle: "Briefing on the summit"\nauthor: Sam Writer\ndate: 2025-04-07\n---\n\n# Heading\n\nBody.\n'
    doc = read_document(_write(tmp_path, content, "brief.markdown"))
    assert doc.metadata == {"title": "Briefing on the summit", "author": "Sam Writer", "date": "2025-04-07"}
    assert doc.text == "Heading\n\nBody."


def test_thematic_break_at_start_is_not_front_matter(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "---\nJust a line\n---\n\nMore text"))
    assert "Just a line" in doc.text


def test_empty_after_front_matter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="the file is empty"):
        read_document(_write(tmp_path, "---\ntitle: Nothing here\n---\n"))
