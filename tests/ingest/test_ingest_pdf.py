"""PDF reader: page offsets, metadata, encrypted/damaged/scanned files, non-Latin text."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from posmap.ingest import IngestError, normalise_text, read_document

SENTENCES = (
    "Page one opens with the agenda of the meeting.",
    "Page two records the objections of the northern delegation.",
    "Page three lists the agreed follow-up steps.",
)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _make_pdf(path: Path, sentences: tuple[str, ...] = SENTENCES, **canvas_options: object) -> Path:
    pdf = canvas.Canvas(str(path), **canvas_options)
    pdf.setTitle("Minutes of the talks")
    pdf.setAuthor("Secretariat")
    for sentence in sentences:
        pdf.drawString(72, 720, sentence)
        pdf.showPage()
    pdf.save()
    return path


def test_pages_map_to_their_own_text(tmp_path: Path) -> None:
    doc = read_document(_make_pdf(tmp_path / "minutes.pdf"))
    assert len(doc.pages) == 3
    third = doc.text[doc.pages[2][0] : doc.pages[2][1]]
    assert SENTENCES[2] in third
    assert SENTENCES[1] not in third
    for index, sentence in enumerate(SENTENCES):
        start, end = doc.pages[index]
        assert doc.text[start:end].strip() == sentence
    assert doc.extractor == "pypdfium2"
    assert doc.extractor_version


def test_pages_are_contiguous_and_cover_the_text(tmp_path: Path) -> None:
    doc = read_document(_make_pdf(tmp_path / "minutes.pdf"))
    assert doc.pages[0][0] == 0
    assert doc.pages[-1][1] == len(doc.text)
    for (_, end), (start, _) in zip(doc.pages, doc.pages[1:], strict=False):
        assert end == start
    assert normalise_text(doc.text) == doc.text


def test_blank_page_gets_an_empty_range(tmp_path: Path) -> None:
    doc = read_document(_make_pdf(tmp_path / "gap.pdf", (SENTENCES[0], "", SENTENCES[2])))
    assert doc.pages[1][0] == doc.pages[1][1]
    assert doc.text == f"{SENTENCES[0]}\n{SENTENCES[2]}"


def test_metadata(tmp_path: Path) -> None:
    metadata = read_document(_make_pdf(tmp_path / "minutes.pdf")).metadata
    assert metadata["title"] == "Minutes of the talks"
    assert metadata["author"] == "Secretariat"
    assert len(metadata["date"]) == 10 and metadata["date"][4] == "-"


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = _make_pdf(tmp_path / "locked.pdf", encrypt=StandardEncryption("reader-secret", ownerPassword="owner"))
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(info.value) == "the PDF is encrypted (password-protected)"


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    data = _make_pdf(tmp_path / "full.pdf").read_bytes()
    damaged = tmp_path / "cut.pdf"
    damaged.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as info:
        read_document(damaged)
    assert str(info.value) == "the PDF is damaged or unreadable"


def test_not_a_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("this is not a PDF at all")
    with pytest.raises(IngestError, match="damaged or unreadable"):
        read_document(path)


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(100, 100, 300, 400, fill=1)
    pdf.showPage()
    pdf.save()
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(info.value) == "the PDF has no text layer (scanned images?); run OCR on it first"


def test_line_end_hyphenation_is_resolved(tmp_path: Path) -> None:
    path = tmp_path / "hyphen.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, "The parties resumed nego-")
    pdf.drawString(72, 706, "tiations on the North-")
    pdf.drawString(72, 692, "South corridor.")
    pdf.showPage()
    pdf.save()
    text = read_document(path).text
    assert "negotiations" in text
    assert "North-South" in text
    assert "\ufffe" not in text


@pytest.mark.skipif(not DEJAVU.is_file(), reason=f"font {DEJAVU} is not installed")
def test_cyrillic_round_trips(tmp_path: Path) -> None:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
    sentence = "Делегации согласовали повестку дня."
    path = tmp_path / "cyrillic.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("DejaVuSans", 12)
    pdf.drawString(72, 720, sentence)
    pdf.showPage()
    pdf.save()
    assert read_document(path).text == sentence
