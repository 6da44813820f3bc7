"""Exchanging the codebook (actors, issues, scales) as a JSON file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from posmap.model import Actor, Codebook, CodebookActor, CodebookIssue, Issue, describe_validation_error
from posmap.store import Project, ProjectError

MAX_CODEBOOK_BYTES = 16 * 1024 * 1024

# A categorical palette that stays readable as highlight colour behind black text.
PALETTE = (
    "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3",
    "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD",
)


def next_colour(existing: int, *, offset: int = 0) -> str:
    """A colour for the next new entry, cycling through :data:`PALETTE`."""
    return PALETTE[(existing + offset) % len(PALETTE)]


class CodebookFileError(ProjectError):
    """A codebook file that cannot be read or does not follow the format."""


@dataclass(frozen=True)
class CodebookImportReport:
    actors_added: int
    actors_updated: int
    issues_added: int
    issues_updated: int


def export_codebook(project: Project) -> Codebook:
    actors = project.actors.all()
    issues = project.issues.all()
    actor_names = {a.id: a.name for a in actors}
    issue_names = {i.id: i.name for i in issues}
    return Codebook(
        actors=[
            CodebookActor(name=a.name, parent=actor_names.get(a.parent_id), kind=a.kind, color=a.color,
                          aliases=a.aliases)
            for a in _parents_first(actors)
        ],
        issues=[
            CodebookIssue(name=i.name, parent=issue_names.get(i.parent_id), proposition=i.proposition,
                          color=i.color, scale=i.scale)
            for i in _parents_first(issues)
        ],
    )


def codebook_json(codebook: Codebook) -> str:
    return json.dumps(codebook.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def read_codebook_file(path: str | Path) -> Codebook:
    """Read and validate a codebook file; errors name the file and the field that is wrong."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CODEBOOK_BYTES:
            raise CodebookFileError(f"{path.name} is too large to be a codebook")
        raw = path.read_bytes()
    except OSError as exc:
        raise CodebookFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CodebookFileError(f"{path.name} is not a codebook (it is not UTF-8 text)") from None
    except RecursionError:
        raise CodebookFileError(f"{path.name} is not a codebook (its JSON is nested too deeply)") from None
    except json.JSONDecodeError as exc:
        raise CodebookFileError(f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != "posmap-codebook":
        raise CodebookFileError(f"{path.name} is not a posmap codebook (its \"format\" is not \"posmap-codebook\")")
    try:
        return Codebook.model_validate(data)
    except ValidationError as exc:
        raise CodebookFileError(f"{path.name} is not a valid codebook: {describe_validation_error(exc)}") from None


def import_codebook(project: Project, codebook: Codebook) -> CodebookImportReport:
    """Merge a codebook into the project as one transaction.

    Entries whose name (or, for actors, alias) is new are added; entries that exist are
    updated to the file's parent, colour, kind, aliases, proposition and scale. An actor the file
    names by one of its aliases keeps its name and aliases, and gains the file's name and aliases
    as further aliases. Nothing is deleted. A scale that would strand existing codings is refused.
    """
    counts = {"actors_added": 0, "actors_updated": 0, "issues_added": 0, "issues_updated": 0}
    with project.transaction():
        for entry in _parents_before_children(codebook.actors):
            existing = project.actors.find(entry.name)
            parent_id = project.actors.by_name(entry.parent).id if entry.parent else None
            aliases = entry.aliases
            if existing and existing.name.casefold() != entry.name.casefold():
                # Found by one of its aliases: the project's name stays, the file's joins the aliases.
                aliases = _merged_aliases(existing.name, [*existing.aliases, entry.name, *entry.aliases])
            actor = Actor(
                id=existing.id if existing else None, name=existing.name if existing else entry.name,
                parent_id=parent_id, kind=entry.kind, color=entry.color, aliases=aliases,
            )
            if existing:
                project.actors.update(actor)
                counts["actors_updated"] += 1
            else:
                project.actors.add(actor)
                counts["actors_added"] += 1
        for entry in _parents_before_children(codebook.issues):
            existing_issue = project.issues.find(entry.name)
            parent_id = project.issues.by_name(entry.parent).id if entry.parent else None
            issue = Issue(
                id=existing_issue.id if existing_issue else None,
                name=existing_issue.name if existing_issue else entry.name,
                parent_id=parent_id, proposition=entry.proposition, color=entry.color, scale=entry.scale,
            )
            if existing_issue:
                project.issues.update(issue)
                counts["issues_updated"] += 1
            else:
                project.issues.add(issue)
                counts["issues_added"] += 1
    return CodebookImportReport(**counts)


def _merged_aliases(name: str, aliases: list[str]) -> list[str]:
    """``aliases`` without repeats or ``name`` itself, compared without regard to case."""
    seen = {name.casefold()}
    merged = []
    for alias in aliases:
        if alias.casefold() not in seen:
            seen.add(alias.casefold())
            merged.append(alias)
    return merged


def _parents_before_children(entries: list) -> list:
    """Codebook entries reordered so that a parent named in the file comes before its children.

    Hand-written files may list a child first; the codebook's validation has already refused cycles.
    """
    by_name = {entry.name.casefold(): entry for entry in entries}
    ordered: list = []
    placed: set[str] = set()

    def place(entry) -> None:
        if entry.name.casefold() in placed:
            return
        placed.add(entry.name.casefold())
        if entry.parent is not None and entry.parent.casefold() in by_name:
            place(by_name[entry.parent.casefold()])
        ordered.append(entry)

    for entry in entries:
        place(entry)
    return ordered


def _parents_first(entries: list) -> list:
    """Order entries so that every parent comes before its children (stable by name)."""
    by_id = {e.id: e for e in entries}
    ordered: list = []
    placed: set[int] = set()

    def place(entry) -> None:
        if entry.id in placed:
            return
        if entry.parent_id in by_id:
            place(by_id[entry.parent_id])
        placed.add(entry.id)
        ordered.append(entry)

    for entry in entries:
        place(entry)
    return ordered
