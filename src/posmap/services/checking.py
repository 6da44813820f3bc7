"""The integrity report behind ``posmap check``."""

from __future__ import annotations

from posmap.store import Project


def integrity_problems(project: Project) -> list[str]:
    """Every problem found in the project, one readable line each; empty when all is well.

    Covers SQLite's own integrity and foreign-key checks, the full-text index, every
    passage's offsets and quote against its document's text, and every coding's position
    against its issue's scale.
    """
    problems = project.sqlite_problems()
    if problems:
        # Further checks read tables that SQLite has just reported as damaged.
        return problems
    problems += project.documents.search_index_problems()
    problems += project.codings.passage_problems()
    problems += project.codings.position_problems()
    return problems
