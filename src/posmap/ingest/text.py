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
_MAX_CONTROL_RATIO = 0.10


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
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is not None:
        return str(best)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # latin-1 maps every byte, so this always succeeds.
        return data.decode("latin-1")


def looks_binary(data: bytes) -> bool:
    """Whether the start of ``data`` looks like a binary file rather than text without a BOM."""
    sample = data[:_SNIFF_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    return controls / len(sample) > _MAX_CONTROL_RATIO
