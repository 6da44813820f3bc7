"""normalise_text: examples and properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from posmap.ingest import normalise_text

_TRICKY = st.sampled_from(
    ["\r", "\n", "\x00", "\x07", "\x0c", "\x85", "\u2028", "\ufeff", "\ud800", " ", "\t", "\xa0",
     "e", "\u0301", "\u0327", "c", "\U0001f91d", "\u1100", "\u1161"]
)  # fmt: skip
_TEXT = st.text(alphabet=st.one_of(st.characters(), _TRICKY), max_size=200)


def test_examples() -> None:
    assert normalise_text("a\r\nb\rc") == "a\nb\nc"
    assert normalise_text("e\u0301") == "\u00e9"
    assert normalise_text("e\x00\u0301") == "\u00e9"
    assert normalise_text("line   \t\nnext") == "line\nnext"
    assert normalise_text("a\n\n\n\n\n\nb") == "a\n\n\nb"
    assert normalise_text("\n \n\tindented\n\n") == "\tindented"
    assert normalise_text("tab\tinside") == "tab\tinside"


@settings(max_examples=400, database=None)
@given(_TEXT)
def test_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@settings(max_examples=400, database=None)
@given(_TEXT)
def test_no_carriage_returns_nul_or_controls(text: str) -> None:
    result = normalise_text(text)
    assert "\r" not in result
    assert "\x00" not in result
    assert all(ch in "\n\t" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) for ch in result)
    assert not result.startswith("\n")
    assert not result.endswith("\n")
    assert "\n\n\n\n" not in result
