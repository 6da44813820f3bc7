"""The integrity report behind ``posmap check``."""

from __future__ import annotations

from posmap.store import Project, validation


def integrity_problems(project: Project) -> list[str]:
    """Every problem found in the project, one readable line each; empty when all is well.

    Covers SQLite's own integrity and foreign-key checks, then every content rule that
    opening a project enforces (offsets, positions on their scales, kinds, colours, scales,
    nesting, ...), then what needs every text read: character counts, every passage's quote
    against its document's text, coding time stamps, passages without codings, and the
    full-text index. Open the project with ``check_content=False`` to report on a file that
    breaks the content rules instead of having it refused.
    """
    # SQLite's check also flags rows that break a CHECK constraint without naming them; the
    # content rules that follow name each row, so they run even after SQLite found problems.
    return project.sqlite_problems() + validation.every_problem(project.connection)
