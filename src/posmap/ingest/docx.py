"""Word reader (.docx): body paragraphs and tables in document order, then the footnotes."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document
from docx.exceptions import PythonDocxError
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import OpcError
from docx.text.run import Run
from lxml import etree

from posmap.ingest import MIB, ExtractedDocument, IngestError, clean_metadata, library_version, normalise_text

MAX_UNPACKED_BYTES = 512 * MIB
MAX_COMPRESSION_RATIO = 200
# Tiny parts compress extremely well yet cannot exhaust memory, so the ratio test starts at this size.
_RATIO_CHECK_MIN_BYTES = 1 * MIB

_DAMAGED = "the DOCX file is damaged or not a Word document"
_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
# What zipfile raises for corrupt archives: bad headers, bad deflate streams, unsupported or encrypted members.
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Runs a reader sees, including those inside links, tracked insertions and simple fields.
_RUNS = etree.XPath(
    "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r",
    namespaces={"w": _W[1:-1]},
)
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read(path: Path) -> ExtractedDocument:
    """Read a .docx file; footnotes are appended as a numbered "Notes" section."""
    check_archive(path)
    try:
        document = docx.Document(str(path))
        footnote_numbers: dict[str, int] = {}
        body = "\n".join(_blocks(document.element.body, document, footnote_numbers))
        notes = _footnotes(document, footnote_numbers)
        properties = document.core_properties
        metadata = clean_metadata(
            {
                "title": properties.title,
                "author": properties.author,
                "date": properties.created.date().isoformat() if properties.created else None,
                "language": properties.language,
            }
        )
    except (OpcError, PythonDocxError, *_ARCHIVE_ERRORS, KeyError, ValueError, etree.LxmlError) as exc:
        raise IngestError(_DAMAGED) from exc
    content = normalise_text(body + ("\n\nNotes\n" + "\n".join(notes) if notes else ""))
    if not content:
        raise IngestError("the DOCX file contains no text")
    return ExtractedDocument(
        text=content,
        pages=(),
        metadata=metadata,
        extractor="python-docx",
        extractor_version=library_version("python-docx"),
    )


def check_archive(path: Path) -> None:
    """Refuse archives that are not ZIP files or would unpack to an unreasonable size.

    The sizes are the ones the archive declares; zipfile never inflates a member past its declared
    size, so they bound what parsing can allocate.
    """
    with path.open("rb") as stream:
        if stream.read(len(_OLE_SIGNATURE)) == _OLE_SIGNATURE:
            # Word stores password-protected documents (and legacy .doc files) as OLE containers.
            raise IngestError(
                "the Word file is password-protected or in the old .doc format; save it as an unprotected .docx"
            )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (*_ARCHIVE_ERRORS, ValueError) as exc:
        raise IngestError(_DAMAGED) from exc
    total = sum(member.file_size for member in members)
    too_compressed = any(
        member.file_size >= _RATIO_CHECK_MIN_BYTES
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > MAX_UNPACKED_BYTES or too_compressed:
        raise IngestError("the DOCX file is suspiciously large when unpacked (possible zip bomb)")


def _blocks(container: etree._Element, document: Document, footnote_numbers: dict[str, int]) -> Iterator[str]:
    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            yield _paragraph_text(child, document, footnote_numbers)
        elif child.tag == f"{_W}tbl":
            yield from _table_rows(child, document, footnote_numbers)
        elif child.tag == f"{_W}sdt":
            # Content controls (e.g. a table of contents) wrap ordinary paragraphs and tables.
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content, document, footnote_numbers)


def _paragraph_text(paragraph: etree._Element, document: Document, footnote_numbers: dict[str, int]) -> str:
    parts = []
    for run in _RUNS(paragraph):
        parts.append(Run(run, document).text)
        reference = run.find(f"{_W}footnoteReference")
        if reference is not None:
            note_id = reference.get(f"{_W}id", "")
            number = footnote_numbers.setdefault(note_id, len(footnote_numbers) + 1)
            parts.append(str(number).translate(_SUPERSCRIPT))
    return "".join(parts)


def _table_rows(table: etree._Element, document: Document, footnote_numbers: dict[str, int]) -> Iterator[str]:
    for row in table.iterchildren(f"{_W}tr"):
        cells = []
        for cell in row.iterchildren(f"{_W}tc"):
            # Cell paragraphs (and nested tables) are flattened so that one row stays one line.
            lines = _blocks(cell, document, footnote_numbers)
            cells.append(" ".join(" ".join(lines).split()))
        if any(cells):
            yield "\t".join(cells)


def _footnotes(document: Document, footnote_numbers: dict[str, int]) -> list[str]:
    blob = next(
        (
            rel.target_part.blob
            for rel in document.part.rels.values()
            if rel.reltype == RELATIONSHIP_TYPE.FOOTNOTES and not rel.is_external
        ),
        None,
    )
    if not blob:
        return []
    notes: dict[int, str] = {}
    for note in etree.fromstring(blob, _XML_PARSER).iterchildren(f"{_W}footnote"):
        if note.get(f"{_W}type", "normal") != "normal":
            continue  # separators and continuation notices
        paragraphs = ("".join(_note_pieces(paragraph)) for paragraph in note.iter(f"{_W}p"))
        note_text = " ".join(" ".join(paragraphs).split())
        if note_text:
            note_id = note.get(f"{_W}id", "")
            number = footnote_numbers.setdefault(note_id, len(footnote_numbers) + 1)
            notes[number] = note_text
    return [f"{number}. {notes[number]}" for number in sorted(notes)]


def _note_pieces(paragraph: etree._Element) -> Iterator[str]:
    for element in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        yield (element.text or "") if element.tag == f"{_W}t" else " "
