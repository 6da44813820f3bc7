"""Code points ↔ UTF-16: the conversion every GUI widget relies on, checked against Python and Qt."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from posmap.gui.offsets import OffsetMap, qt_text

# Text mixing ASCII, Cyrillic, combining marks, emoji, flags (two non-BMP characters), CJK
# from a supplementary plane and the line breaks and controls a foreign project file may hold.
ALPHABET = st.sampled_from(
    ["a", "Z", " ", "\n", "\t", "\r", "ї", "Ж", "é", "\u0301", "😀", "🇺", "🇦", "𠀋", "\u2028", "\u2029", "."]
)
TEXTS = st.lists(ALPHABET, max_size=60).map("".join)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(TEXTS, st.data())
def test_to_qt_counts_utf16_units(text: str, data: st.DataObject) -> None:
    offsets = OffsetMap(text)
    offset = data.draw(st.integers(0, len(text)))
    assert offsets.to_qt(offset) == utf16_len(text[:offset])
    assert offsets.qt_length == utf16_len(text)


@given(TEXTS, st.data())
def test_from_qt_inverts_to_qt(text: str, data: st.DataObject) -> None:
    offsets = OffsetMap(text)
    offset = data.draw(st.integers(0, len(text)))
    assert offsets.from_qt(offsets.to_qt(offset)) == offset
    assert offsets.from_qt(offsets.to_qt(offset), round_up=True) == offset


@given(TEXTS, st.data())
def test_position_inside_a_surrogate_pair_rounds_to_the_character(text: str, data: st.DataObject) -> None:
    offsets = OffsetMap(text)
    position = data.draw(st.integers(0, offsets.qt_length))
    down = offsets.from_qt(position)
    up = offsets.from_qt(position, round_up=True)
    assert offsets.to_qt(down) <= position <= offsets.to_qt(up)
    assert up - down in (0, 1)


@given(TEXTS)
def test_identity_for_bmp_text(text: str) -> None:
    bmp = "".join(ch for ch in text if ord(ch) < 0x10000)
    offsets = OffsetMap(bmp)
    assert offsets.is_identity
    assert [offsets.to_qt(i) for i in range(len(bmp) + 1)] == list(range(len(bmp) + 1))


def test_known_example() -> None:
    text = "Привіт 😀🇺🇦 мир"
    offsets = OffsetMap(text)
    start = text.index("мир")
    assert offsets.to_qt(start) == start + 3
    assert offsets.span_from_qt(start + 3, start + 6) == (start, start + 3)
    assert offsets.from_qt(8) == 7  # the middle of "😀" rounds down to its start
    assert offsets.from_qt(8, round_up=True) == 8


def test_out_of_range_is_refused() -> None:
    offsets = OffsetMap("ab😀")
    with pytest.raises(ValueError):
        offsets.to_qt(4)
    with pytest.raises(ValueError):
        offsets.from_qt(5)


@settings(max_examples=60, deadline=None)
@given(TEXTS, st.data())
def test_qt_document_positions_match(qapp, text: str, data: st.DataObject) -> None:
    """A span converted with OffsetMap selects exactly that slice in a real QTextDocument."""
    document = QTextDocument()
    document.setPlainText(qt_text(text))
    offsets = OffsetMap(text)
    assert document.characterCount() - 1 == offsets.qt_length
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    qt_start, qt_end = offsets.span_to_qt(start, end)
    cursor = QTextCursor(document)
    cursor.setPosition(qt_start)
    cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
    # Block breaks read back as U+2029; everything else is the stored text unit for unit.
    expected = qt_text(text)[start:end].replace("\n", "\u2029").replace("\r", "\u2029")
    assert cursor.selectedText() == expected


def test_large_text_is_fast() -> None:
    import time

    text = ("Переговори 😀 about territory. " * 40_000)[:1_000_000]
    began = time.perf_counter()
    offsets = OffsetMap(text)
    for offset in range(0, len(text), 200):
        offsets.from_qt(offsets.to_qt(offset))
    assert time.perf_counter() - began < 2.0
