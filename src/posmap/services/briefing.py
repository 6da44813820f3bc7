"""Writing a PDF briefing paper from a project: the use case behind ``posmap brief`` and the GUI dialog."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from posmap import __version__
from posmap.services.progress import CancelCheck, Cancelled, ProgressCallback, never_cancelled, no_progress
from posmap.store import CodingFilter, Project, ProjectError

if TYPE_CHECKING:
    from posmap.export.briefing import BriefingResult

PAPER_CHOICES = ("a4", "letter")
DEFAULT_MAX_QUOTES = 5


class BriefingOptions(BaseModel):
    """What a user chooses for a briefing (the CLI flags and, later, the GUI dialog's fields).

    Empty ``issues`` / ``actors`` mean every issue / actor that has a coding in scope; named ones
    are shown even without codings. ``coding_filter`` holds the FILTERS shared with ``posmap matrix``
    (its actor and issue ids are replaced by the named ``actors`` and ``issues``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    output: Path
    title: str = Field(default="", max_length=300)
    subtitle: str = Field(default="", max_length=300)
    author: str = Field(default="", max_length=300)
    marking: str = Field(default="", max_length=80)
    issues: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    coding_filter: CodingFilter = Field(default_factory=CodingFilter)
    document_scope: tuple[str, ...] = ()
    """How the user chose the documents, in their words (e.g. "document kind study"); shown instead of the
    list of document ids when the ids were resolved from such conditions."""
    max_quotes: int = Field(default=DEFAULT_MAX_QUOTES, ge=1, le=10_000)
    paper: Literal["a4", "letter"] = "a4"
    date: dt.date | None = None
    language: str = Field(default="en", max_length=35)

    @field_validator("title", "subtitle", "author", "marking", "language")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())


def write_briefing(
    project: Project,
    options: BriefingOptions,
    progress: ProgressCallback = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> BriefingResult:
    """Write the briefing ``options`` describe; returns where it went and what it holds.

    Raises :class:`~posmap.store.ProjectError` for unknown actor or issue names, an output that
    would overwrite the project, or a scope without codings; :class:`Cancelled` when
    ``cancelled()`` turns true (no file is written then).
    """
    # reportlab is imported only when a briefing is written, so the command line starts fast.
    from posmap.export.briefing import BriefingInput, RenderCancelled, write_briefing_pdf

    output = options.output
    if not output.parent.is_dir():
        raise ProjectError(f"the folder {output.parent} does not exist")
    if output.is_dir():
        raise ProjectError(f"{output} is a folder; give the briefing a file name ending in .pdf")
    if output.exists() and output.resolve() == Path(project.path).resolve():
        raise ProjectError("the briefing would overwrite the project file; choose another output file")
    progress(0, 100, "Reading the codings")
    actors = _unique([project.actors.by_name(name) for name in options.actors])
    issues = _unique([project.issues.by_name(name) for name in options.issues])
    base = options.coding_filter
    where = CodingFilter(
        document_ids=tuple(base.document_ids), since=base.since, until=base.until,
        attributions=tuple(base.attributions), kinds=tuple(base.kinds), coders=tuple(base.coders),
        actor_ids=tuple(a.id for a in actors), issue_ids=tuple(i.id for i in issues),
    )
    records = project.codings.records(where)
    if not records:
        raise ProjectError("no codings match the briefing's actors, issues and filters; nothing was written")
    if cancelled():
        raise Cancelled("the briefing was cancelled; no file was written")
    if not actors:
        coded = {r.actor_id for r in records}
        actors = [a for a in project.actors.all() if a.id in coded]
    if not issues:
        coded = {r.issue_id for r in records}
        issues = [i for i in project.issues.all() if i.id in coded]
    cited = {r.document_id for r in records}
    documents = [d for d in project.documents.all() if d.id in cited]
    content = BriefingInput(
        title=options.title or project.title,
        subtitle=options.subtitle,
        author=options.author,
        marking=options.marking,
        date=options.date or dt.date.today(),
        language=options.language,
        project_title=project.title,
        actors=actors,
        issues=issues,
        records=records,
        documents=documents,
        scope=_describe_scope(where, options, documents),
        max_quotes=options.max_quotes,
        paper=options.paper,
        generator=f"posmap {__version__}",
    )

    def report(done: int, total: int, message: str) -> None:
        # Reading took the first tenth; the export's phases share the rest.
        progress(10 + int(89 * done / max(1, total)), 100, message)

    try:
        result = write_briefing_pdf(content, output, progress=report, cancelled=cancelled)
    except RenderCancelled:
        raise Cancelled("the briefing was cancelled; no file was written") from None
    progress(100, 100, f"Briefing written to {output.name}")
    return result


def _unique(entries: list) -> list:
    seen: set[int] = set()
    kept = []
    for entry in entries:
        if entry.id not in seen:
            seen.add(entry.id)
            kept.append(entry)
    return kept


def _describe_scope(where: CodingFilter, options: BriefingOptions, documents: list) -> list[str]:
    """The active filters as short phrases for the title page and the method note."""
    parts: list[str] = []
    if options.document_scope:
        parts.extend(options.document_scope)
    elif where.document_ids:
        titles = {d.id: d.title for d in documents}
        parts.append("documents " + ", ".join(f"{i} ({titles[i]})" if i in titles else str(i)
                                             for i in where.document_ids))
    if where.since:
        parts.append(f"sources dated from {where.since.isoformat()}")
    if where.until:
        parts.append(f"sources dated until {where.until.isoformat()}")
    if where.attributions:
        parts.append("attribution " + ", ".join(a.replace("_", " ") for a in where.attributions))
    if where.kinds:
        parts.append("coding kind " + ", ".join(k.replace("_", " ") for k in where.kinds))
    if where.coders:
        parts.append("coder " + ", ".join(where.coders))
    if options.actors:
        parts.append("actors " + ", ".join(options.actors))
    if options.issues:
        parts.append("issues " + ", ".join(options.issues))
    return parts


__all__ = ["PAPER_CHOICES", "BriefingOptions", "write_briefing"]
