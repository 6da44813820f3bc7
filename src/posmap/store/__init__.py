"""The project file: schema, migrations and every query. Nothing outside this package runs SQL."""

from posmap.model import CodingRecord
from posmap.store.codebook import EntrySnapshot
from posmap.store.codings import CodingFilter
from posmap.store.documents import DocumentSnapshot, DocumentSummary, SearchMatch
from posmap.store.errors import (
    ConflictError,
    DamagedProjectError,
    DuplicateDocumentError,
    NewerProjectError,
    NotAProjectError,
    NotFoundError,
    ProjectBusyError,
    ProjectError,
)
from posmap.store.project import PROJECT_SUFFIX, Project

__all__ = [
    "PROJECT_SUFFIX",
    "CodingFilter",
    "CodingRecord",
    "ConflictError",
    "DamagedProjectError",
    "DocumentSnapshot",
    "DocumentSummary",
    "DuplicateDocumentError",
    "EntrySnapshot",
    "NewerProjectError",
    "NotAProjectError",
    "NotFoundError",
    "Project",
    "ProjectBusyError",
    "ProjectError",
    "SearchMatch",
]
