"""The readers' faster paths give what the plain definitions give.

Each helper is compared with the straightforward code it replaced: counting control bytes one by
one, normalising line breaks and blank lines with the general expressions, collapsing every run of
HTML white space, looking up every metadata tag with its own search, and reading the extractor
version from the package metadata for every file.
"""

from __future__ import annotations

import importlib.metadata
import re
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import posmap.ingest as ingest
from posmap.ingest import html as html_reader
from posmap.ingest import normalise_text, read_document
from posmap.ingest.text import looks_binary

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}


def _looks_binary_reference(data: bytes) -> bool:
    sample = data[: 64 * 1024]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    return sum(1 for byte in sample if byte in _CONTROL_BYTES) / len(sample) > 0.10


def _normalise_reference(text: str) -> str:
    text = re.sub("\r\n|[\r\x0b\x0c\x85\u2028\u2029]", "\n", text)
    text = re.sub("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff]", "", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub("\n{4,}", "\n\n\n", text)
    return text.strip("\n")


@PROPERTY
@given(st.binary(max_size=400) | st.lists(st.sampled_from([b"a", b" ", b"\x01", b"\x1b", b"\t", b"\x7f"]),
                                          max_size=300).map(b"".join))
def test_looks_binary_counts_control_bytes_as_before(data: bytes) -> None:
    assert looks_binary(data) == _looks_binary_reference(data)


@PROPERTY
@given(st.text(st.sampled_from("ab \t\n\r\x0b\x0c\x85\u2028\u2029\x00\x1f\ufeff\u0301e\u00a0\u3000"), max_size=60)
       | st.text(max_size=60))
def test_normalise_text_is_unchanged(text: str) -> None:
    assert normalise_text(text) == _normalise_reference(text)


def test_extractor_versions_are_looked_up_once(tmp_path: Path, monkeypatch) -> None:
    ingest.library_version.cache_clear()
    looked_up: list[str] = []
    real = importlib.metadata.version

    def counting(distribution: str) -> str:
        looked_up.append(distribution)
        return real(distribution)

    monkeypatch.setattr(importlib.metadata, "version", counting)
    for n in range(3):
        page = tmp_path / f"page{n}.html"
        page.write_text(f"<html><body><p>Statement {n}.</p></body></html>", encoding="utf-8")
        assert read_document(page).extractor_version == real("beautifulsoup4")
    assert looked_up == ["beautifulsoup4"]
    ingest.library_version.cache_clear()


PAGES = [
    """<html lang="uk"><head><title>Talks</title><meta name="author" content="O. Petrenko">
       <meta property="article:published_time" content="2024-03-02T10:00">
       <link rel="alternate canonical" href="/a"><link rel="canonical" href="/b"></head>
       <body><svg><title>chart</title></svg><h1>Headline</h1><time datetime="">x</time>
       <time datetime="2024-05-06">y</time><p>Text</p></body></html>""",
    "<p>No head at all</p><meta name=author content='In the body'><h1>First</h1><h1>Second</h1>",
    "<html><head><link rel=canonical href=''><meta name=DATE content='2023-13-45'></head>"
    "<body><svg><title>only svg</title></svg><p>x</p></body></html>",
    "<table><tr><td>a<table><tr><td>inner</td></tr></table></td><th hidden>h</th><th>x</th><!-- c --> <td>z</td>"
    "</tr></table><p>a \t\n b  c\u00a0 d</p><pre>  keep\n   this </pre>",
]


def _metadata_reference(soup) -> dict[str, str]:
    """soup_metadata as first written: a separate BeautifulSoup search for every kind of tag."""
    metas: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = str(meta.get("name") or meta.get("property") or "").strip().lower()
        content = meta.get("content")
        if key and isinstance(content, str) and content.strip():
            metas.setdefault(key, content)
    title_tag = next((t for t in soup.find_all("title") if not t.find_parent("svg")), None) or soup.find("h1")
    canonical = soup.find("link", rel="canonical")
    html_tag = soup.find("html")
    dates = [metas.get("date"), metas.get("article:published_time"), metas.get("dcterms.date")]
    dates += [str(tag["datetime"]) for tag in soup.find_all("time", datetime=True)]
    return ingest.clean_metadata({
        "title": html_reader.soup_text(title_tag) if title_tag else None,
        "author": metas.get("author"),
        "date": next((d for d in dates if d and ingest.iso_date(d)), None),
        "language": html_reader._attribute(html_tag, "lang") or html_reader._attribute(html_tag, "xml:lang"),
        "url": html_reader._attribute(canonical, "href") or metas.get("og:url"),
        "outlet": metas.get("og:site_name"),
    })


def test_html_metadata_found_in_one_walk_matches_separate_searches() -> None:
    for markup in PAGES:
        soup = html_reader.parse(markup)
        assert html_reader.soup_metadata(soup) == _metadata_reference(soup), markup


def _soup_text_reference(markup: str) -> str:
    """soup_text with every run of HTML white space collapsed, the single spaces included."""
    original = html_reader._HTML_WHITESPACE
    try:
        html_reader._HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
        return html_reader.soup_text(html_reader.parse(markup))
    finally:
        html_reader._HTML_WHITESPACE = original


@PROPERTY
@given(st.lists(st.sampled_from(["<p>", "</p>", "<b>", "</b>", "<li>", "<ul>", "</ul>", "<br>", "<pre>", "</pre>",
                                 "<td>", "<tr>", "<table>", " ", "  ", "\t", "\n", "\r\n", "\f", "\u00a0", "word",
                                 "x"]), max_size=40).map("".join))
def test_html_white_space_collapses_as_before(markup: str) -> None:
    assert html_reader.soup_text(html_reader.parse(markup)) == _soup_text_reference(markup)


def test_fixed_pages_read_as_before() -> None:
    for markup in PAGES:
        assert html_reader.soup_text(html_reader.parse(markup)) == _soup_text_reference(markup)
