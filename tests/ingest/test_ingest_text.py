"""Plain-text reader: encoding detection and normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from posmap.ingest import IngestError, normalise_text, read_document

RUSSIAN = "Переговоры о мире начались в Женеве. Стороны обсудили вопрос территории."
FRENCH = "Café déjà vu, naïve façade"


def _write(tmp_path: Path, data: bytes, name: str = "note.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_is_read_as_is(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, f"Delegates met twice.\n{RUSSIAN}\n".encode()))
    assert doc.text == f"Delegates met twice.\n{RUSSIAN}"
    assert doc.pages == ()
    assert doc.metadata == {}
    assert doc.extractor == "text"
    assert doc.extractor_version


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, b"\xef\xbb\xbf" + b"Ceasefire holds."))
    assert doc.text == "Ceasefire holds."


def test_utf16_le_with_bom(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "\ufeffÜberblick: Gespräche in Genf".encode("utf-16-le")))
    assert doc.text == "Überblick: Gespräche in Genf"


def test_utf16_be_with_bom(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "\ufeffMinsk talks".encode("utf-16-be")))
    assert doc.text == "Minsk talks"


def test_short_cp1251_cyrillic(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, RUSSIAN.encode("cp1251")))
    assert doc.text == RUSSIAN


def test_latin1(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, FRENCH.encode("latin-1")))
    assert doc.text == FRENCH


def test_cp1252_punctuation(tmp_path: Path) -> None:
    sample = "The envoy said “no deal” – for now…"
    doc = read_document(_write(tmp_path, sample.encode("cp1252")))
    assert doc.text == sample


def test_line_endings_are_normalised(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, b"first line\r\nsecond line\rthird line\r\n"))
    assert doc.text == "first line\nsecond line\nthird line"


def test_text_is_nfc(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "Cafe\u0301 talks".encode()))
    assert doc.text == "Caf\u00e9 talks"


def test_emoji_outside_bmp_is_preserved(tmp_path: Path) -> None:
    sample = "Handshake 🤝 and a dove 🕊 after the vote 🗳"
    doc = read_document(_write(tmp_path, sample.encode()))
    assert doc.text == sample


def test_control_characters_are_removed(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, b"The bell\x07 rang twice and\tthe session opened."))
    assert doc.text == "The bell rang twice and\tthe session opened."


def test_binary_file_is_refused(tmp_path: Path) -> None:
    png_like = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    with pytest.raises(IngestError) as info:
        read_document(_write(tmp_path, png_like))
    assert str(info.value) == "not a text file (it contains binary data)"


def test_control_heavy_file_without_nul_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="binary data"):
        read_document(_write(tmp_path, bytes(range(1, 32)) * 50))


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  \n"])
def test_empty_file_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(IngestError) as info:
        read_document(_write(tmp_path, data))
    assert str(info.value) == "the file is empty"


def test_result_is_already_normalised(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, b"\n\n  heading  \n\n\n\n\nbody   \n\n"))
    assert doc.text == "  heading\n\n\nbody"
    assert normalise_text(doc.text) == doc.text
