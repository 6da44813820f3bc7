"""Readers that turn imported files into plain text plus a little metadata.

Each supported format lives in its own module exposing ``read(path) -> ExtractedDocument``;
:func:`read_document` dispatches on the file suffix and guarantees that only :class:`IngestError`
escapes, so callers can show ``str(exc)`` to the user as it is.
"""

from __future__ import annotations

import datetime as _dt
import errno
import functools
import importlib.metadata
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from posmap.model import MAX_DOCUMENT_CHARS

__all__ = [
    "MAX_BINARY_FILE_BYTES",
    "MAX_TEXT_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "ExtractedDocument",
    "IngestError",
    "normalise_text",
    "read_document",
]

MIB = 1024 * 1024
MAX_TEXT_FILE_BYTES = 64 * MIB
MAX_BINARY_FILE_BYTES = 256 * MIB
METADATA_KEYS = frozenset({"title", "author", "date", "language", "url", "outlet"})


@dataclass(frozen=True)
class ExtractedDocument:
    """The text of one imported file and what the file says about itself.

    ``text`` is NFC-normalised, uses ``"\\n"`` line breaks and contains no control characters other
    than newline and tab. ``pages`` holds one ``(start, end)`` code-point range per page for paged
    formats (contiguous, in order, covering ``text``) and is empty otherwise.
    """

    text: str
    pages: tuple[tuple[int, int], ...]
    metadata: dict[str, str]
    extractor: str
    extractor_version: str


class IngestError(Exception):
    """A file that cannot be read; ``str(exc)`` is one plain sentence meant for the user."""


@functools.cache
def library_version(distribution: str) -> str:
    """The installed version of ``distribution``, recorded as the extractor version of what it reads.

    Looked up once per process: reading package metadata takes milliseconds, which added up to
    seconds when done for every file of a large import.
    """
    return importlib.metadata.version(distribution)


# Line separators other than "\n" that some producers emit; they become ordinary newlines.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_LINE_BREAK_CHARACTERS = "\r\x0b\x0c\x85\u2028\u2029"
# Remaining C0/C1 controls, DEL, lone surrogates (unencodable in UTF-8) and BOM/zero-width no-break space.
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff]")
# Written out rather than "\n{4,}" so the regex engine can look for the literal run (several times faster).
_EXCESS_BLANK_LINES = re.compile("\n\n\n\n+")


def normalise_text(text: str) -> str:
    """Return ``text`` in the canonical form shared by every reader.

    Line breaks become ``"\\n"``, the text is NFC-normalised, NUL and other control characters
    (except tab and newline) are removed, trailing whitespace is stripped from every line, runs of
    three or more blank lines shrink to two, and leading/trailing blank lines are dropped.
    The function is idempotent.
    """
    # Most text has only "\n" line breaks; finding none of the others is far cheaper than the substitution.
    if any(character in text for character in _LINE_BREAK_CHARACTERS):
        text = _LINE_BREAKS.sub("\n", text)
    # Controls are removed before NFC so that characters they separated can still compose.
    text = _UNWANTED.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _EXCESS_BLANK_LINES.sub("\n\n\n", text)
    return text.strip("\n")


_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?![\d])")


def iso_date(value: str) -> str | None:
    """Return the ``YYYY-MM-DD`` date at the start of ``value`` if it is a real calendar date."""
    match = _ISO_DATE.match(value)
    if match is None:
        return None
    try:
        return _dt.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None


def clean_metadata(values: Mapping[str, str | None]) -> dict[str, str]:
    """Keep only known, non-empty metadata values, with whitespace collapsed and dates validated."""
    cleaned: dict[str, str] = {}
    for key, raw in values.items():
        if key not in METADATA_KEYS or raw is None:
            continue
        value = " ".join(normalise_text(raw).split())
        if key == "date":
            value = iso_date(value) or ""
        if value:
            cleaned[key] = value
    return cleaned


def _size_label(limit: int) -> str:
    return f"{limit // MIB} MB" if limit >= MIB else f"{limit} bytes"


def _os_error_message(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "the file does not exist"
    if isinstance(exc, PermissionError):
        return "the file cannot be opened (permission denied)"
    if isinstance(exc, IsADirectoryError) or exc.errno == errno.EISDIR:
        return "the path is a folder, not a file"
    reason = exc.strerror or "input/output error"
    return f"the file cannot be read ({reason.lower()})"


def read_document(path: Path) -> ExtractedDocument:
    """Extract the text and metadata of the file at ``path``.

    The reader is chosen by the lower-cased suffix (see :data:`SUPPORTED_SUFFIXES`). Every failure,
    including unexpected library errors, is raised as :class:`IngestError` with a user-facing message.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise IngestError(f'unsupported file type "{suffix}"' if suffix else "the file has no file extension")
    limit = MAX_TEXT_FILE_BYTES if suffix in _TEXT_LIKE_SUFFIXES else MAX_BINARY_FILE_BYTES
    try:
        if not path.is_file():
            if path.is_dir():
                raise IngestError("the path is a folder, not a file")
            raise IngestError("the file does not exist")
        size = path.stat().st_size
        if size > limit:
            raise IngestError(f"the file is larger than {_size_label(limit)}")
        if size == 0:
            raise IngestError("the file is empty")
        document = reader(path)
        if len(document.text) > MAX_DOCUMENT_CHARS:
            # Checked here so the reason is this sentence, not a validation error later in the import.
            raise IngestError(
                f"the text is too long for one document ({len(document.text):,} characters; "
                f"posmap holds at most {MAX_DOCUMENT_CHARS:,}); split the file"
            )
        return document
    except IngestError:
        raise
    except OSError as exc:
        raise IngestError(_os_error_message(exc)) from exc
    except Exception as exc:
        # Last line of defence: an unanticipated library failure must still reach the user as a sentence.
        raise IngestError(f"the {suffix[1:].upper()} file could not be read") from exc


# Imported last: the reader modules use the names defined above.
from posmap.ingest import docx, html, markdown, pdf, text  # noqa: E402

_READERS: dict[str, Callable[[Path], ExtractedDocument]] = {
    ".txt": text.read,
    ".md": markdown.read,
    ".markdown": markdown.read,
    ".html": html.read,
    ".htm": html.read,
    ".docx": docx.read,
    ".pdf": pdf.read,
}
_TEXT_LIKE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_READERS)
