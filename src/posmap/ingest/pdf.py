"""PDF reader (.pdf) using PDFium; records where each page's text starts and ends."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from posmap.ingest import ExtractedDocument, IngestError, clean_metadata, library_version, normalise_text

# PDFium is not thread-safe; every call into it from this module happens under this lock.
_PDFIUM_LOCK = threading.Lock()
_PDF_DATE = re.compile(r"^\s*(?:D:)?(\d{4})(\d{2})(\d{2})")
_PAGE_SEPARATOR = "\n"
# PDFium joins a line that ends in a hyphen with the next one and marks the hyphen as U+FFFE.
_LINE_END_HYPHEN = re.compile("\ufffe(.?)", re.DOTALL)


def read(path: Path) -> ExtractedDocument:
    """Read a PDF's text layer page by page; ``pages`` maps each page to its slice of the text."""
    with _PDFIUM_LOCK:
        page_texts, info = _extract(path)
    if not page_texts:
        raise IngestError("the PDF has no pages")
    if not any(page_texts):
        raise IngestError("the PDF has no text layer (scanned images?); run OCR on it first")
    text, pages = join_pages(page_texts)
    return ExtractedDocument(
        text=text,
        pages=pages,
        metadata=clean_metadata(
            {
                "title": info.get("Title"),
                "author": info.get("Author"),
                "date": pdf_date(info.get("CreationDate", "")),
            }
        ),
        extractor="pypdfium2",
        extractor_version=library_version("pypdfium2"),
    )


def _extract(path: Path) -> tuple[list[str], dict[str, str]]:
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise IngestError("the PDF is encrypted (password-protected)") from exc
        raise IngestError("the PDF is damaged or unreadable") from exc
    try:
        info = document.get_metadata_dict(skip_empty=True)
        page_texts = []
        for index in range(len(document)):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    page_texts.append(normalise_text(_resolve_hyphens(textpage.get_text_range())))
                finally:
                    textpage.close()
            finally:
                page.close()
        return page_texts, info
    except pdfium.PdfiumError as exc:
        raise IngestError("the PDF is damaged or unreadable") from exc
    finally:
        document.close()


def _resolve_hyphens(text: str) -> str:
    # "nego-|tiations" was one word split by the layout; "Russia-|Ukraine" keeps its hyphen.
    return _LINE_END_HYPHEN.sub(lambda m: m[1] if m[1].islower() else "-" + m[1], text)


def join_pages(page_texts: list[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Join normalised page texts and return the text with one ``(start, end)`` range per page.

    Ranges are contiguous; the separator after a page belongs to that page, and pages without text
    get an empty range, so the joined text has no stray blank lines.
    """
    last_with_text = max((i for i, page in enumerate(page_texts) if page), default=-1)
    chunks = [page + _PAGE_SEPARATOR if page and i < last_with_text else page for i, page in enumerate(page_texts)]
    ranges = []
    start = 0
    for chunk in chunks:
        ranges.append((start, start + len(chunk)))
        start += len(chunk)
    return "".join(chunks), tuple(ranges)


def pdf_date(value: str) -> str | None:
    """Convert a PDF date string such as ``D:20250301120000+01'00'`` to ``2025-03-01``."""
    match = _PDF_DATE.match(value)
    return "-".join(match.groups()) if match else None
