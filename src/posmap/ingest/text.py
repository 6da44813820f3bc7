"""Plain-text reader (.txt) and the byte-decoding shared by the other text-like formats."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from posmap.ingest import ExtractedDocument, IngestError, normalise_text

READER_VERSION = "1"

# Legacy single-byte encodings we choose between when the bytes are not UTF-8. Kept deliberately small:
# with more look-alike code pages (cp1250, cp1254, ...) the detector mislabels short Western texts.
LEGACY_ENCODINGS = ("cp1252", "cp1251")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SNIFF_BYTES = 64 * 1024
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
# Every other byte value: deleting these from a sample leaves its control bytes, counted at C speed.
_NOT_CONTROL_BYTES = bytes(sorted(set(range(256)) - _CONTROL_BYTES))
_MAX_CONTROL_RATIO = 0.10
_MIXED_MIN_CHARACTERS = 4
_MIXED_MIN_RATIO = 0.25


def read(path: Path) -> ExtractedDocument:
    """Read a plain-text file, detecting its encoding; no metadata is taken from the content."""
    text = normalise_text(decode_bytes(path.read_bytes()))
    if not text.strip():
        raise IngestError("the file is empty")
    return ExtractedDocument(text=text, pages=(), metadata={}, extractor="text", extractor_version=READER_VERSION)


def decode_bytes(data: bytes) -> str:
    """Decode the bytes of a text file.

    Order: a UTF-32/UTF-16 byte-order mark, then strict UTF-8 (with or without BOM), then the best
    legacy guess among :data:`LEGACY_ENCODINGS`. Binary content raises :class:`IngestError`.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(f"the file is not valid {encoding[:6].upper()} text") from exc
    if looks_binary(data):
        raise IngestError("not a text file (it contains binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad_byte = exc.start
    if mixes_utf8(data):
        # Decoding it all as a legacy code page would garble every UTF-8 character without a word.
        raise IngestError(
            f"the file mixes UTF-8 with another text encoding (first non-UTF-8 byte at offset {first_bad_byte}); "
            "save it as UTF-8 and import it again"
        )
    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is not None:
        return str(best)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # latin-1 maps every byte, so this always succeeds.
        return data.decode("latin-1")


def mixes_utf8(data: bytes) -> bool:
    """Whether ``data`` is largely UTF-8 with stretches in another encoding (it is not valid UTF-8).

    Legacy text contains valid multi-byte UTF-8 sequences only by accident (an upper-case
    Cyrillic letter before "і", "ё" or a guillemet in cp1251): well under a tenth as many as
    invalid bytes. Text that is partly real UTF-8 has about as many of each, or more.
    """
    valid = data.decode("utf-8", errors="ignore")
    multibyte = sum(1 for character in valid if ord(character) > 0x7F)
    invalid = len(data) - len(valid.encode("utf-8"))
    return multibyte >= _MIXED_MIN_CHARACTERS and multibyte >= _MIXED_MIN_RATIO * invalid


def looks_binary(data: bytes) -> bool:
    """Whether the start of ``data`` looks like a binary file rather than text without a BOM."""
    sample = data[:_SNIFF_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample.translate(None, _NOT_CONTROL_BYTES))
    return controls / len(sample) > _MAX_CONTROL_RATIO
