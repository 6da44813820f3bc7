"""The user guide in docs/ stays true to the product.

- every command and subcommand of ``posmap.cli.build_parser()`` (and every option) is documented in
  docs/cli.md;
- every table, column and index of a freshly created project appears in docs/project-file.md;
- every relative link in docs/*.md and README.md points to an existing file (and heading);
- every example SQL query in docs/project-file.md runs, and finds something, on the demo project.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from posmap.cli import add_filter_arguments, build_parser
from posmap.services.demo import build_demo_project
from posmap.store import Project

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CLI_DOC = DOCS / "cli.md"
SCHEMA_DOC = DOCS / "project-file.md"
MIGRATIONS_TABLE = "_sqlite_migrations"

_FENCE = re.compile(r"^```")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


# -- markdown helpers ----------------------------------------------------------------------------


def _lines_outside_code(text: str) -> Iterator[str]:
    """The lines of a Markdown text that are not inside fenced code blocks."""
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def _headings(text: str) -> list[tuple[int, str]]:
    """``(level, text)`` of every heading outside code blocks."""
    found = []
    for line in _lines_outside_code(text):
        match = _HEADING.match(line)
        if match:
            found.append((len(match[1]), match[2]))
    return found


def _section(text: str, title: str) -> str:
    """The text under the heading ``title`` (backticks ignored) up to the next heading of the same or a
    higher level; fails the test when there is no such heading."""
    lines = text.splitlines()
    fenced = False
    start = level = None
    for number, line in enumerate(lines):
        if _FENCE.match(line.strip()):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match is None:
            continue
        if start is None:
            if match[2].replace("`", "").strip() == title:
                start, level = number + 1, len(match[1])
        elif len(match[1]) <= level:
            return "\n".join(lines[start:number])
    if start is None:
        pytest.fail(f"no heading {title!r}")
    return "\n".join(lines[start:])


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces become hyphens."""
    text = re.sub(r"`|\*\*|\*|\[|\]\([^)]*\)", "", heading).strip().lower()
    kept = "".join(
        ch for ch in text
        if ch in " -_" or unicodedata.category(ch)[0] in "LN"
    )
    return kept.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(title) for _, title in _headings(path.read_text(encoding="utf-8"))}


# -- 1. the command line -------------------------------------------------------------------------


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public way to walk subcommands
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command path (``("actor", "add")``) with its parser, leaves and groups alike."""
    for name, sub in _subparsers(parser).items():
        path = (*prefix, name)
        yield path, sub
        yield from _commands(sub, path)


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {
        option for action in parser._actions for option in action.option_strings
        if option not in ("-h", "--help")
    }


def _filter_options() -> set[str]:
    scratch = argparse.ArgumentParser(add_help=False)
    add_filter_arguments(scratch)
    return _options(scratch)


COMMANDS = sorted(_commands(build_parser()))


def test_the_parser_has_commands() -> None:
    names = {path for path, _ in COMMANDS}
    assert ("matrix",) in names and ("actor", "add") in names and ("codebook", "import") in names


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_is_documented(path: tuple[str, ...], parser: argparse.ArgumentParser) -> None:
    text = CLI_DOC.read_text(encoding="utf-8")
    command = "posmap " + " ".join(path)
    if _subparsers(parser):
        # A group such as ``posmap actor``: each of its verbs has its own section.
        assert command in text, f"{command} is not mentioned in docs/cli.md"
        return
    section = _section(text, command)
    options = _options(parser)
    # Commands built with add_filter_arguments (matrix, brief) share one section for the filters.
    filters = _filter_options() if _filter_options() <= options else set()
    filter_section = _section(text, "Filters")
    for option in sorted(options):
        where = filter_section if option in filters else section
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", where), (
            f"{option} of {command} is not documented in its section of docs/cli.md"
            + (" (or under Filters)" if option in filters else "")
        )


def test_global_options_are_documented() -> None:
    text = CLI_DOC.read_text(encoding="utf-8")
    for option in _options(build_parser()):
        assert option in text, f"posmap {option} is not documented in docs/cli.md"


# -- 2. the project file -------------------------------------------------------------------------


def _schema(tmp_path: Path) -> tuple[dict[str, list[str]], set[str], set[str]]:
    """Tables to document with their columns, the FTS shadow tables, and the named indexes of a new project."""
    with Project.create(tmp_path / "fresh.posmap") as project:
        connection = project.connection
        objects = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        virtual = [name for kind, name, sql in objects if kind == "table" and sql.upper().startswith("CREATE VIRTUAL")]
        shadows = {
            name for kind, name, _ in objects
            if kind == "table" and any(name.startswith(f"{v}_") for v in virtual)
        }
        tables = {
            name: [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')]
            for kind, name, _ in objects
            if kind == "table" and name not in shadows and name != MIGRATIONS_TABLE and not name.startswith("sqlite_")
        }
        indexes = {name for kind, name, _ in objects if kind == "index" and not name.startswith("sqlite_autoindex")}
    return tables, shadows, indexes


def test_every_table_and_column_is_documented(tmp_path: Path) -> None:
    tables, _, _ = _schema(tmp_path)
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    assert {"documents", "codings", "scale_points", "document_search"} <= tables.keys()
    for table, columns in tables.items():
        section = _section(text, table)
        for column in columns:
            assert f"`{column}`" in section, f"column {table}.{column} is not documented in docs/project-file.md"


def test_bookkeeping_tables_and_indexes_are_mentioned(tmp_path: Path) -> None:
    _, shadows, indexes = _schema(tmp_path)
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    assert shadows, "the full-text index should have shadow tables"
    for name in sorted(shadows | indexes | {MIGRATIONS_TABLE}):
        assert f"`{name}`" in text, f"{name} is not mentioned in docs/project-file.md"


def test_no_documented_table_is_missing(tmp_path: Path) -> None:
    """Headings of the table reference name real tables (a renamed table leaves no stale section)."""
    tables, _, _ = _schema(tmp_path)
    text = _section(SCHEMA_DOC.read_text(encoding="utf-8"), "Tables")
    documented = {title.strip("`") for level, title in _headings(text) if level == 3 and title.startswith("`")}
    assert documented == set(tables)


# -- 3. links -----------------------------------------------------------------------------------

MARKDOWN_FILES = sorted(DOCS.glob("*.md")) + [ROOT / "README.md"]
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _links(path: Path) -> list[str]:
    text = "\n".join(_lines_outside_code(path.read_text(encoding="utf-8")))
    text = re.sub(r"`[^`\n]*`", "", text)  # inline code is not a link
    return _LINK.findall(text)


def test_the_guide_exists() -> None:
    names = {path.name for path in DOCS.glob("*.md")}
    assert {"index.md", "getting-started.md", "codebook.md", "coding.md", "matrix.md", "briefing.md",
            "sharing.md", "project-file.md", "cli.md"} <= names


@pytest.mark.parametrize("path", MARKDOWN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_existing_files(path: Path) -> None:
    broken = []
    for target in _links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # https:, mailto: …
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target} (no file {linked})")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{target} (no heading #{anchor} in {linked.name})")
    assert not broken, f"broken links in {path.name}: " + "; ".join(broken)


def test_every_page_is_in_the_contents() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for path in DOCS.glob("*.md"):
        if path.name != "index.md":
            assert f"({path.name})" in index, f"docs/index.md does not link to {path.name}"


# -- 4. the example queries ---------------------------------------------------------------------


def _sql_blocks() -> list[str]:
    blocks, current = [], None
    for line in SCHEMA_DOC.read_text(encoding="utf-8").splitlines():
        if current is None:
            if line.strip() == "```sql":
                current = []
        elif line.strip() == "```":
            blocks.append("\n".join(current))
            current = None
        else:
            current.append(line)
    return blocks


SQL_BLOCKS = _sql_blocks()


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_project(tmp_path_factory.mktemp("demo")).path


def test_there_are_example_queries() -> None:
    assert len(SQL_BLOCKS) >= 5


@pytest.mark.parametrize("query", SQL_BLOCKS, ids=[f"query{n}" for n in range(1, len(SQL_BLOCKS) + 1)])
def test_example_queries_run_on_the_demo(demo_project: Path, query: str) -> None:
    # Read-only, as the page tells users to open a project; one statement per block.
    connection = sqlite3.connect(f"{demo_project.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(query).fetchall()
    finally:
        connection.close()
    assert rows, f"the example query finds nothing in the demo project:\n{query}"
