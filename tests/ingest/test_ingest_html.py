"""HTML reader: visible text only, block structure as lines, metadata, no network."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from posmap.ingest import IngestError, normalise_text, read_document

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Border talks  resume
  </title>
  <meta name="author" content="Maria Example">
  <meta property="article:published_time" content="2025-03-01T09:30:00+01:00">
  <meta property="og:site_name" content="The Daily Example">
  <link rel="canonical" href="https://news.example.org/border-talks">
  <style>p { color: red; } .hidden-style-marker {}</style>
  <script>var trackingMarker = "should not appear";</script>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/world">World navigation link</a></nav>
  <div role="navigation">Skip to content marker</div>
  <noscript>Enable JavaScript marker</noscript>
  <article>
    <h1>Border <em>talks</em> resume</h1>
    <p>The two   delegations met in <b>Gen</b>eva
       on Monday &amp; agreed on an agenda.</p>
    <p>First line<br>second line</p>
    <h2>Positions</h2>
    <ul><li>Withdrawal of troops</li><li>Prisoner exchange</li></ul>
    <ol><li>Ceasefire first</li><li>Talks second</li></ol>
    <table>
      <tr><th>Actor</th><th>Position</th></tr>
      <tr><td>North</td><td>Supports the <i>plan</i></td></tr>
    </table>
    <blockquote>We will not give up an inch.</blockquote>
    <img src="http://example.org/x.png" alt="map">
    <iframe src="http://example.org/embed"></iframe>
    <!-- an HTML comment marker -->
  </article>
  <form><button>Subscribe button marker</button></form>
</body>
</html>
"""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "article.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_scripts_styles_and_navigation_are_dropped(page: Path) -> None:
    text = read_document(page).text
    for marker in ("trackingMarker", "color: red", "navigation link", "Skip to content", "JavaScript marker",
                   "comment marker", "button marker", "Home"):  # fmt: skip
        assert marker not in text


def test_blocks_become_lines(page: Path) -> None:
    lines = read_document(page).text.split("\n")
    assert "Border talks resume" in lines
    assert "The two delegations met in Geneva on Monday & agreed on an agenda." in lines
    assert "First line" in lines
    assert "second line" in lines
    assert "Positions" in lines
    assert "• Withdrawal of troops" in lines
    assert "• Prisoner exchange" in lines
    assert "1. Ceasefire first" in lines
    assert "2. Talks second" in lines
    assert "Actor\tPosition" in lines
    assert "North\tSupports the plan" in lines
    assert "We will not give up an inch." in lines


def test_metadata(page: Path) -> None:
    doc = read_document(page)
    assert doc.metadata == {
        "title": "Border talks resume",
        "author": "Maria Example",
        "date": "2025-03-01",
        "language": "en-GB",
        "url": "https://news.example.org/border-talks",
        "outlet": "The Daily Example",
    }
    assert doc.extractor == "beautifulsoup4"
    assert doc.pages == ()
    assert normalise_text(doc.text) == doc.text


def test_no_network_access(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the HTML reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert "map" not in read_document(page).text.split()


def test_title_falls_back_to_first_h1_and_date_to_time_element(tmp_path: Path) -> None:
    path = tmp_path / "bare.htm"
    path.write_text(
        "<html><body><h1>Summit <b>communiqué</b></h1><p>Signed on <time datetime='2024-11-05'>Tuesday</time>.</p>"
        "<meta name='date' content='not a date'></body></html>",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert doc.metadata == {"title": "Summit communiqué", "date": "2024-11-05"}


def test_declared_legacy_charset_is_honoured(tmp_path: Path) -> None:
    sentence = "Стороны договорились о перемирии."
    markup = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head>'
        f"<body><p>{sentence}</p></body></html>"
    )
    path = tmp_path / "legacy.html"
    path.write_bytes(markup.encode("cp1251"))
    assert read_document(path).text == sentence


def test_undeclared_utf8_and_entities(tmp_path: Path) -> None:
    path = tmp_path / "plain.html"
    path.write_bytes("<p>Kyiv &ndash; Zürich &#8220;talks&#8221; &lt;draft&gt;</p>".encode())
    assert read_document(path).text == "Kyiv – Zürich “talks” <draft>"


def test_page_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>var a = 1;</script></head><body><nav>Menu</nav></body></html>")
    with pytest.raises(IngestError, match="no readable text"):
        read_document(path)
