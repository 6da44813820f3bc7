"""The one place where posmap offsets meet Qt positions.

posmap stores every offset as a Unicode code point index into a document's text (what
Python's ``str`` counts). Qt counts UTF-16 code units, so every character outside the Basic
Multilingual Plane (emoji such as "😀", flags such as "🇺🇦", rare CJK, historic scripts) takes
two Qt positions for one posmap offset. Every widget converts through :class:`OffsetMap`,
built once per displayed text; nothing else in the GUI does offset arithmetic.

Public API:

* ``qt_text(text) -> str`` — the text to hand to a ``QTextDocument`` so that it holds exactly
  one Qt position per UTF-16 unit of ``text`` (``QTextCursor.insertText`` would otherwise fold
  ``"\\r\\n"`` into a single block break and shift every later offset).
* ``OffsetMap(text)`` with ``to_qt(offset)``, ``from_qt(position, round_up=False)``,
  ``span_to_qt(start, end)``, ``span_from_qt(start, end)``, ``length`` and ``qt_length``.

For a text with only BMP characters the map is the identity and costs nothing; otherwise it
keeps the sorted positions of the non-BMP characters and answers each query with a binary
search, so a 1 MB document with thousands of highlights converts in microseconds per span.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def qt_text(text: str) -> str:
    """``text`` made safe for ``QTextDocument.setPlainText`` without changing any offset.

    Qt turns ``"\\r\\n"`` into one block separator; a space in place of the ``"\\r"`` keeps the
    line break and every position after it. (Stored text is normalised on import, so this
    only matters for project files written by other tools.)
    """
    if "\r" in text:
        text = text.replace("\r\n", " \n")
    return text


class OffsetMap:
    """Converts between code-point offsets and UTF-16 positions for one text."""

    __slots__ = ("_astral", "_astral_qt", "length", "qt_length")

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # Code-point offsets of the non-BMP characters, and where each starts in UTF-16.
        self._astral: list[int] = [m.start() for m in _ASTRAL.finditer(text)] if _ASTRAL.search(text) else []
        self._astral_qt: list[int] = [offset + index for index, offset in enumerate(self._astral)]
        self.qt_length = self.length + len(self._astral)

    @property
    def is_identity(self) -> bool:
        """True when the text has no character outside the BMP (offsets and positions agree)."""
        return not self._astral

    def to_qt(self, offset: int) -> int:
        """The Qt position of code-point ``offset`` (0 ≤ offset ≤ length)."""
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} is outside the text (0:{self.length})")
        if not self._astral:
            return offset
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int, *, round_up: bool = False) -> int:
        """The code-point offset of Qt ``position`` (0 ≤ position ≤ qt_length).

        A position between the two halves of a surrogate pair falls inside a character; it
        rounds down to the character's start, or up past it with ``round_up`` (for span ends).
        """
        if not 0 <= position <= self.qt_length:
            raise ValueError(f"position {position} is outside the text (0:{self.qt_length})")
        if not self._astral:
            return position
        # Characters whose UTF-16 start lies before ``position`` each took one extra unit.
        before = bisect_left(self._astral_qt, position)
        if before and self._astral_qt[before - 1] == position - 1:
            # ``position`` splits the surrogate pair of character number ``before - 1``.
            start = self._astral[before - 1]
            return start + 1 if round_up else start
        return position - before

    def span_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def span_from_qt(self, start: int, end: int) -> tuple[int, int]:
        """A Qt span as code points; a span end inside a surrogate pair takes the whole character."""
        return self.from_qt(start), self.from_qt(end, round_up=True)
