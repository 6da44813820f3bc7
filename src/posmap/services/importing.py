"""Importing files into a project: read, hash, extract and store, with progress and cancel."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from posmap.ingest import ExtractedDocument, IngestError, read_document
from posmap.model import Document, PageSpan, describe_validation_error
from posmap.services.progress import CancelCheck, Cancelled, ProgressCallback, never_cancelled, no_progress
from posmap.store import Project


@dataclass(frozen=True)
class MetadataOverrides:
    """Metadata given by the user, which wins over what the file says about itself."""

    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    date: dt.date | None = None
    kind: str | None = None
    language: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ImportedFile:
    path: Path
    document_id: int
    title: str


@dataclass(frozen=True)
class SkippedFile:
    """A file that was not imported, with the reason in one sentence."""

    path: Path
    reason: str
    existing_document_id: int | None = None


@dataclass
class ImportReport:
    imported: list[ImportedFile] = field(default_factory=list)
    duplicates: list[SkippedFile] = field(default_factory=list)
    failures: list[SkippedFile] = field(default_factory=list)


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_files(
    project: Project,
    paths: Sequence[str | Path],
    overrides: MetadataOverrides | None = None,
    *,
    progress: ProgressCallback = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ImportReport:
    """Import every file in ``paths`` as one transaction.

    A file that cannot be read is reported in ``failures`` and the others still import; a
    file already in the project (same SHA-256) is reported in ``duplicates``. If
    ``cancelled()`` turns true, :class:`Cancelled` is raised and nothing is imported.
    """
    overrides = overrides or MetadataOverrides()
    report = ImportReport()
    total = len(paths)
    with project.transaction():
        for index, raw_path in enumerate(paths):
            if cancelled():
                raise Cancelled("the import was cancelled; nothing was imported")
            path = Path(raw_path)
            progress(index, total, f"Importing {path.name}")
            try:
                document = _document_for(project, path, overrides, report)
            except IngestError as exc:
                report.failures.append(SkippedFile(path, str(exc)))
                continue
            if document is None:
                continue
            # The import's transaction is the unit: any error rolls back every file, so no savepoint per file.
            document_id = project.documents.add(document, atomic=False)
            report.imported.append(ImportedFile(path, document_id, document.title))
        progress(total, total, "Import finished")
    return report


def _document_for(
    project: Project, path: Path, overrides: MetadataOverrides, report: ImportReport
) -> Document | None:
    """Build the document for ``path``, or record why it is skipped and return None."""
    if not path.exists():
        raise IngestError("the file does not exist")
    if path.is_dir():
        raise IngestError("it is a folder, not a file")
    try:
        sha256 = sha256_of_file(path)
    except OSError as exc:
        raise IngestError(f"the file cannot be read ({exc.strerror or exc})") from None
    # Inside the import's transaction this also sees files added earlier in the same batch.
    existing = project.documents.find_by_sha256(sha256)
    if existing is not None:
        title = project.documents.get(existing, with_text=False).title
        report.duplicates.append(
            SkippedFile(path, f"already in the project as document {existing} ({title})", existing)
        )
        return None
    extracted = read_document(path)
    try:
        return _build_document(path, sha256, extracted, overrides)
    except ValidationError as exc:
        raise IngestError(f"its metadata is not valid ({describe_validation_error(exc)})") from None


# Values that writing tools put into files when the author gave none; they are not metadata.
PLACEHOLDER_METADATA = frozenset({"untitled", "anonymous", "unknown", "unspecified", "python-docx", "author"})


def _build_document(
    path: Path, sha256: str, extracted: ExtractedDocument, overrides: MetadataOverrides
) -> Document:
    meta = {key: value for key, value in extracted.metadata.items()
            if value.strip().casefold() not in PLACEHOLDER_METADATA}
    file_date = _parse_date(meta.get("date"))
    return Document(
        title=overrides.title or meta.get("title") or path.stem,
        author=overrides.author if overrides.author is not None else meta.get("author", ""),
        outlet=overrides.outlet if overrides.outlet is not None else meta.get("outlet", ""),
        date=overrides.date or file_date,
        kind=overrides.kind or "",
        language=overrides.language if overrides.language is not None else meta.get("language", ""),
        url=overrides.url if overrides.url is not None else meta.get("url", ""),
        file_name=path.name,
        sha256=sha256,
        extractor=extracted.extractor,
        extractor_version=extracted.extractor_version,
        text=extracted.text,
        character_count=len(extracted.text),
        pages=[PageSpan(number=i, start=s, end=e) for i, (s, e) in enumerate(extracted.pages, start=1)],
    )


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None

