"""read_document: dispatch, size limits, and only IngestError ever escapes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import posmap.ingest as ingest
from posmap.ingest import SUPPORTED_SUFFIXES, ExtractedDocument, IngestError, read_document


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"} == SUPPORTED_SUFFIXES


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.xyz"
    path.write_text("some words")
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(info.value) == 'unsupported file type ".xyz"'


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "LOUD.TXT"
    path.write_text("Quiet diplomacy.")
    assert read_document(path).text == "Quiet diplomacy."


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        read_document(tmp_path / "gone.txt")


def test_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.md"
    folder.mkdir()
    with pytest.raises(IngestError, match="folder"):
        read_document(folder)


def test_oversize_text_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_TEXT_FILE_BYTES", ingest.MIB)
    path = tmp_path / "big.txt"
    path.write_bytes(b"w" * (ingest.MIB + 1))
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(info.value) == "the file is larger than 1 MB"


def test_oversize_binary_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_BINARY_FILE_BYTES", 16)
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.4 " * 10)
    with pytest.raises(IngestError, match="larger than 16 bytes"):
        read_document(path)


def test_default_limits() -> None:
    assert ingest.MAX_TEXT_FILE_BYTES == 64 * 1024 * 1024
    assert ingest.MAX_BINARY_FILE_BYTES == 256 * 1024 * 1024


def test_unexpected_library_error_becomes_ingest_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_path: Path) -> ExtractedDocument:
        raise RuntimeError("internal failure")

    monkeypatch.setitem(ingest._READERS, ".txt", broken)
    path = tmp_path / "note.txt"
    path.write_text("content")
    with pytest.raises(IngestError, match="could not be read"):
        read_document(path)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)), data=st.binary(min_size=1, max_size=2048))
def test_arbitrary_bytes_never_escape_as_other_exceptions(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        try:
            doc = read_document(path)
        except IngestError as exc:
            assert str(exc) and "\n" not in str(exc)
        else:
            assert doc.text
