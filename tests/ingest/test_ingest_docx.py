"""Word reader: document order, tables, footnotes, metadata, damaged files and zip bombs."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

import posmap.ingest.docx as docx_reader
from posmap.ingest import IngestError, normalise_text, read_document

_FOOTNOTES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
  <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
  <w:footnote w:id="1"><w:p>
    <w:r><w:footnoteRef/></w:r>
    <w:r><w:t xml:space="preserve"> Statement of the foreign ministry.</w:t></w:r>
  </w:p></w:footnote>
</w:footnotes>
"""


def _make_docx(path: Path, *, footnote: bool = False) -> Path:
    document = docx.Document()
    document.core_properties.title = "Round-up of the talks"
    document.core_properties.author = "Lena Analyst"
    document.add_heading("Summary", level=1)
    document.add_paragraph("The paragraph before the table.")
    table = document.add_table(rows=2, cols=2)
    for (row, col), value in {(0, 0): "Actor", (0, 1): "Position", (1, 0): "East", (1, 1): "Rejects"}.items():
        table.cell(row, col).text = value
    document.add_paragraph("The paragraph after the table.")
    if footnote:
        part = Part(
            PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, _FOOTNOTES.encode(), document.part.package
        )
        document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
        paragraph = document.add_paragraph("The minister confirmed the offer")
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), "1")
        paragraph.add_run()._r.append(reference)
        paragraph.add_run(".")
    document.save(str(path))
    return path


def test_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    doc = read_document(_make_docx(tmp_path / "report.docx"))
    lines = doc.text.split("\n")
    before = lines.index("The paragraph before the table.")
    after = lines.index("The paragraph after the table.")
    assert lines[before + 1 : after] == ["Actor\tPosition", "East\tRejects"]
    assert lines[0] == "Summary"
    assert doc.pages == ()
    assert doc.extractor == "python-docx"
    assert normalise_text(doc.text) == doc.text


def test_core_properties(tmp_path: Path) -> None:
    metadata = read_document(_make_docx(tmp_path / "report.docx")).metadata
    assert metadata["title"] == "Round-up of the talks"
    assert metadata["author"] == "Lena Analyst"
    assert len(metadata["date"]) == 10


def test_footnotes_become_a_notes_section(tmp_path: Path) -> None:
    text = read_document(_make_docx(tmp_path / "noted.docx", footnote=True)).text
    assert "The minister confirmed the offer¹." in text
    assert text.endswith("Notes\n1. Statement of the foreign ministry.")


def test_truncated_docx_is_refused(tmp_path: Path) -> None:
    data = _make_docx(tmp_path / "full.docx").read_bytes()
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as info:
        read_document(damaged)
    assert str(info.value) == "the DOCX file is damaged or not a Word document"


@pytest.mark.parametrize("content", [b"plain text pretending to be Word", b"PK\x03\x04broken"])
def test_non_zip_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(content)
    with pytest.raises(IngestError, match="damaged or not a Word document"):
        read_document(path)


def test_zip_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "just an archive")
    with pytest.raises(IngestError, match="damaged or not a Word document"):
        read_document(path)


def test_highly_compressed_member_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (16 * 1024 * 1024))
    started = time.monotonic()
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(info.value) == "the DOCX file is suspiciously large when unpacked (possible zip bomb)"
    assert time.monotonic() - started < 5


def test_total_unpacked_size_is_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _make_docx(tmp_path / "report.docx")
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED_BYTES", 1024)
    with pytest.raises(IngestError, match="possible zip bomb"):
        read_document(path)


def test_document_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    with pytest.raises(IngestError, match="contains no text"):
        read_document(path)


def test_password_protected_or_legacy_word_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "protected.docx"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512)
    with pytest.raises(IngestError, match="password-protected or in the old .doc format"):
        read_document(path)
