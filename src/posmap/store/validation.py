"""Rules a project file must follow before posmap trusts it.

A project file may come from anyone, so its structure and content are checked before the
rest of posmap reads it:

* :func:`structure_problem` compares every object in ``sqlite_master`` with the objects our
  migrations create (SQL normalised for white space and identifier quoting). Triggers and
  views are refused because they could run SQL while posmap reads or writes; any other
  table, index or virtual table that differs from ours is refused too, which also catches a
  ``document_search`` index redefined with another tokenizer or ``content=`` table.
* :func:`content_problems` holds the model's rules as cheap SQL (plus Python over the small
  codebook tables): offsets inside the text, positions on their issue's scale, known kinds
  and attributions, valid colours, scales without duplicate values, no nesting cycles, text
  no longer than :data:`~posmap.model.MAX_DOCUMENT_CHARS`, ... It never reads a document's
  text (offsets are compared with ``documents.character_count``), so it runs on every open:
  :func:`check_content` raises :class:`DamagedProjectError` naming the first problem.
* :func:`full_problems` and :func:`search_index_problems` are the full checks for
  ``posmap check``: every character count and quote against the stored text, coding time
  stamps, passages left without codings, and the full-text index against the texts.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from itertools import islice

from pydantic import TypeAdapter, ValidationError
from sqlite_utils import Database

from posmap.model import (
    MAX_DOCUMENT_CHARS,
    Actor,
    ActorKind,
    Attribution,
    CodingKind,
    Document,
    Issue,
    Scale,
    ScalePoint,
    describe_validation_error,
)
from posmap.store import schema
from posmap.store.errors import DamagedProjectError, ProjectBusyError

# Tables SQLite itself adds when someone runs ANALYZE or uses AUTOINCREMENT in another tool:
# harmless, and their definitions are fixed by SQLite.
SQLITE_INTERNAL_TABLES = {
    "sqlite_stat1": "CREATE TABLE sqlite_stat1(tbl,idx,stat)",
    "sqlite_stat4": "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)",
    "sqlite_sequence": "CREATE TABLE sqlite_sequence(name,seq)",
}

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_SPACE = re.compile(r"\s+")
_SPACE_AROUND_PUNCTUATION = re.compile(r"\s*([(),=])\s*")
_QUOTED_IDENTIFIER = re.compile(r'"([^"]*)"|\[([^\]]*)\]|`([^`]*)`')
# FTS5 writes the names of its shadow tables in single quotes: CREATE TABLE 'x_data'(...).
_QUOTED_TABLE_NAME = re.compile(r"^(CREATE (?:VIRTUAL )?TABLE )'([^']*)'", re.IGNORECASE)


# -- structure ------------------------------------------------------------------------------------


def normalise_sql(sql: str | None) -> str | None:
    """``sql`` with white space and identifier quoting made uniform, for comparing definitions.

    Tools and library versions differ in how they quote names (``"x"``, ``[x]``, ```x```) and lay
    out a statement; neither changes what the statement does.
    """
    if sql is None:
        return None
    sql = _QUOTED_IDENTIFIER.sub(lambda match: next(g for g in match.groups() if g is not None), sql)
    sql = _SPACE.sub(" ", sql.strip())
    sql = _SPACE_AROUND_PUNCTUATION.sub(r"\1", sql)
    return _QUOTED_TABLE_NAME.sub(r"\1\2", sql)


@functools.lru_cache(maxsize=8)
def reference_schema(version: int) -> dict[tuple[str, str], str | None]:
    """What ``sqlite_master`` holds in a project of schema ``version``: (type, name) -> normalised SQL.

    Built once per process by running our own migrations up to ``version`` in memory, so it can
    never drift from what :mod:`posmap.store.schema` creates.
    """
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db = Database(connection, execute_plugins=False)
        pending = schema.migrations.pending(db)
        stop_before = pending[version].name if version < len(pending) else None
        schema.migrations.apply(db, stop_before=stop_before)
        rows = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    finally:
        connection.close()
    return {(kind, name): normalise_sql(sql) for kind, name, sql in rows}


def structure_problem(connection: sqlite3.Connection) -> str | None:
    """The first object in the file that posmap does not create exactly so, as a phrase; None when all match.

    Only ``sqlite_master`` is read: nothing the file defines is run.
    """
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    rows = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    if version == 0 and not rows:
        return None  # a project being created
    for kind, name, _ in rows:
        if kind in ("trigger", "view"):
            return (
                f"contains a {kind} ({name!r}) that posmap never creates; "
                "it was not opened because it may run unexpected code"
            )
    expected = reference_schema(min(version, schema.SCHEMA_VERSION))
    present = set()
    for kind, name, sql in rows:
        present.add((kind, name))
        if kind == "table" and name in SQLITE_INTERNAL_TABLES:
            if normalise_sql(sql) != normalise_sql(SQLITE_INTERNAL_TABLES[name]):
                return f"has an altered SQLite table ({name!r}); it was not opened"
            continue
        if (kind, name) not in expected:
            if kind == "table" and sql and sql.lstrip().upper().startswith("CREATE VIRTUAL"):
                return f"contains an unexpected virtual table ({name!r}); it was not opened"
            noun = {"table": "table", "index": "index"}.get(kind, "object")
            return f"contains an unexpected {noun} ({name!r}); it was not opened"
        if normalise_sql(sql) != expected[(kind, name)]:
            what = {"table": "a table", "index": "an index"}.get(kind, f"a {kind}")
            if name == "document_search":
                what = "a full-text index"
            return (
                f"has {what} ({name!r}) defined differently from the one posmap creates "
                "(changed by another program?); it was not opened"
            )
    missing = sorted(name for kind, name in expected if (kind, name) not in present and kind == "table")
    if missing:
        return f"lacks the table {missing[0]!r} that every posmap project has; it was not opened"
    return None


def check_structure(connection: sqlite3.Connection, file_name: str) -> None:
    """Raise :class:`DamagedProjectError` when the file holds objects posmap does not create."""
    problem = structure_problem(connection)
    if problem is not None:
        raise DamagedProjectError(f"{file_name} {problem}")


# -- content rules (cheap; every open) ---------------------------------------------------------------


def check_content(connection: sqlite3.Connection, file_name: str) -> None:
    """Raise :class:`DamagedProjectError` naming the first broken content rule, if any."""
    problems = content_problems(connection, limit=1)
    if problems:
        raise DamagedProjectError(
            f"{file_name} was not opened because its content breaks posmap's rules: {problems[0]} "
            f"(run 'posmap check' for a full report)"
        )


def content_problems(connection: sqlite3.Connection, *, limit: int | None = None) -> list[str]:
    """Every broken content rule as one readable line (at most ``limit`` of them).

    Cheap enough for every open: one pass over each table through primary keys and indexes,
    and the text of no document is read.
    """
    rules = (
        _document_problems,
        _page_problems,
        _actor_problems,
        _issue_problems,
        _scale_problems,
        _passage_problems,
        _coding_problems,
    )
    found: list[str] = []
    for rule in rules:
        wanted = None if limit is None else limit - len(found)
        found.extend(_one_line(problem) for problem in islice(rule(connection), wanted))
        if limit is not None and len(found) >= limit:
            break
    return found


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MAX_PROBLEM_CHARACTERS = 400


def _one_line(problem: str) -> str:
    """A problem as one short printable line, whatever names and values a hostile file put in it."""
    problem = _UNPRINTABLE.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), problem)
    if len(problem) > MAX_PROBLEM_CHARACTERS:
        problem = problem[: MAX_PROBLEM_CHARACTERS - 1] + "…"
    return problem


def _document_problems(connection: sqlite3.Connection) -> Iterator[str]:
    rows = connection.execute(
        "SELECT d.id, d.title, d.author, d.outlet, d.date, d.kind, d.language, d.url, d.file_name, d.sha256, "
        "  d.extractor, d.extractor_version, d.imported_at, d.character_count, "
        "  EXISTS (SELECT 1 FROM document_texts t WHERE t.document_id = d.id) "
        "FROM documents d ORDER BY d.id"
    )
    for (document_id, title, author, outlet, date, kind, language, url, file_name, sha256, extractor,
         extractor_version, imported_at, characters, has_text) in rows:
        label = f"document {document_id}"
        if not isinstance(characters, int) or characters < 0:
            yield f"{label} has an invalid character count ({characters!r})"
            continue
        if characters > MAX_DOCUMENT_CHARS:
            yield f"{label} claims {characters:,} characters, more than a document may hold ({MAX_DOCUMENT_CHARS:,})"
            continue
        if not has_text:
            yield f"{label} has no text (it was only partly stored)"
            continue
        try:
            Document(
                id=document_id, title=title, author=author, outlet=outlet,
                date=dt.date.fromisoformat(date) if date else None, kind=kind, language=language, url=url,
                file_name=file_name, sha256=sha256, extractor=extractor, extractor_version=extractor_version,
                imported_at=dt.datetime.fromisoformat(imported_at) if imported_at else None,
                character_count=characters,
            )
        except ValidationError as exc:
            yield f"{label} has invalid metadata ({describe_validation_error(exc)})"
        except (ValueError, TypeError):
            yield f"{label} has a date or import time that is not a valid date"


def _page_problems(connection: sqlite3.Connection) -> Iterator[str]:
    rows = connection.execute(
        """
        SELECT pg.document_id, pg.page_number, pg.start_offset, pg.end_offset, d.character_count
        FROM document_pages pg LEFT JOIN documents d ON d.id = pg.document_id
        WHERE d.id IS NULL
           OR typeof(pg.page_number) != 'integer' OR typeof(pg.start_offset) != 'integer'
           OR typeof(pg.end_offset) != 'integer'
           OR pg.page_number < 1 OR pg.start_offset < 0 OR pg.end_offset < pg.start_offset
           OR pg.end_offset > d.character_count
        ORDER BY pg.document_id, pg.page_number
        """
    )
    for document_id, number, start, end, characters in rows:
        if characters is None:
            yield f"page {number!r} belongs to document {document_id}, which does not exist"
        else:
            yield (
                f"page {number!r} of document {document_id} has offsets {start!r}:{end!r} outside its text "
                f"({characters} characters)"
            )


def _codebook_rows(connection: sqlite3.Connection, table: str, columns: str) -> list[tuple]:
    return connection.execute(f"SELECT id, name, parent_id, {columns} FROM {table} ORDER BY id").fetchall()


def _nesting_problems(noun: str, rows: list[tuple]) -> Iterator[str]:
    parents = {row[0]: row[2] for row in rows}
    for entry_id, _, parent_id, *_ in rows:
        if parent_id is not None and parent_id not in parents:
            yield f"{noun} {entry_id} is nested in {noun} {parent_id!r}, which does not exist"
    reported: set[int] = set()
    for start in parents:
        chain: dict[int, int] = {}  # entry -> its place in the walk up from ``start``
        current = start
        while current is not None and current in parents and current not in chain and current not in reported:
            chain[current] = len(chain)
            current = parents[current]
        if current in chain:
            cycle = list(chain)[chain[current]:]
            reported.update(cycle)
            members = " and ".join(str(i) for i in sorted(cycle)) if len(cycle) <= 3 else (
                ", ".join(str(i) for i in sorted(cycle)))
            if len(cycle) == 1:
                yield f"{noun} {cycle[0]} is nested inside itself"
            else:
                yield f"{noun}s {members} are nested inside each other (a cycle)"
        reported.update(chain)


def _actor_problems(connection: sqlite3.Connection) -> Iterator[str]:
    rows = _codebook_rows(connection, "actors", "kind, color, aliases")
    kinds = {kind.value for kind in ActorKind}
    for entry_id, name, parent_id, kind, color, aliases in rows:
        label = f"actor {entry_id}"
        if not isinstance(color, str) or not _COLOUR.fullmatch(color):
            yield f"{label} has an invalid colour {color!r} (expected #RRGGBB)"
            continue
        if kind not in kinds:
            yield f"{label} has an unknown kind {kind!r} (known: {', '.join(sorted(kinds))})"
            continue
        try:
            parsed = json.loads(aliases)
            Actor(id=entry_id, name=name, parent_id=parent_id, kind=kind, color=color, aliases=parsed)
        except ValidationError as exc:
            yield f"{label} is not valid ({describe_validation_error(exc)})"
        except (ValueError, TypeError, RecursionError):
            yield f"{label} has aliases that are not a list of names"
    yield from _nesting_problems("actor", rows)


def _issue_problems(connection: sqlite3.Connection) -> Iterator[str]:
    rows = _codebook_rows(connection, "issues", "proposition, color")
    for entry_id, name, parent_id, proposition, color in rows:
        label = f"issue {entry_id}"
        if not isinstance(color, str) or not _COLOUR.fullmatch(color):
            yield f"{label} has an invalid colour {color!r} (expected #RRGGBB)"
            continue
        try:
            Issue(id=entry_id, name=name, parent_id=parent_id, proposition=proposition, color=color)
        except ValidationError as exc:
            yield f"{label} is not valid ({describe_validation_error(exc)})"
    yield from _nesting_problems("issue", rows)


def _scale_problems(connection: sqlite3.Connection) -> Iterator[str]:
    names = dict(connection.execute("SELECT id, name FROM issues").fetchall())
    # NOT INDEXED: read the rows themselves, so duplicates that bypassed the key index still show.
    points: dict[int, list[tuple[object, object]]] = {issue_id: [] for issue_id in names}
    for issue_id, value, label in connection.execute(
        "SELECT issue_id, value, label FROM scale_points NOT INDEXED ORDER BY issue_id"
    ):
        if issue_id not in points:
            yield f"a scale point ({value!r}) belongs to issue {issue_id!r}, which does not exist"
            continue
        points[issue_id].append((value, label))
    for issue_id, issue_points in points.items():
        label = f"the scale of issue {issue_id} ({names[issue_id]!r})"
        values = [value for value, _ in issue_points]
        if any(not isinstance(value, int) for value in values):
            odd = next(value for value in values if not isinstance(value, int))
            yield f"{label} has the value {odd!r}, which is not a whole number"
            continue
        duplicates = sorted(value for value, count in Counter(values).items() if count > 1)
        if duplicates:
            yield f"{label} has the value {duplicates[0]} more than once"
            continue
        try:
            Scale(points=[ScalePoint(value=v, label=text) for v, text in sorted(issue_points, key=lambda p: p[0])])
        except ValidationError as exc:
            yield f"{label} is not valid ({describe_validation_error(exc)})"


_PASSAGE_PROBLEMS = """
SELECT id, problem FROM (
  SELECT p.id AS id, CASE
    WHEN d.id IS NULL THEN
      'belongs to document ' || quote(p.document_id) || ', which does not exist'
    WHEN typeof(p.start_offset) != 'integer' OR typeof(p.end_offset) != 'integer' THEN
      'has offsets ' || quote(p.start_offset) || ':' || quote(p.end_offset) || ' that are not whole numbers'
    WHEN p.start_offset < 0 THEN
      'in document ' || d.id || ' starts at a negative offset (' || p.start_offset || ')'
    WHEN p.end_offset <= p.start_offset THEN
      'in document ' || d.id || ' has offsets ' || p.start_offset || ':' || p.end_offset
      || ' that end before they start'
    WHEN p.end_offset > d.character_count THEN
      'in document ' || d.id || ' has offsets ' || p.start_offset || ':' || p.end_offset
      || ' outside the text (' || d.character_count || ' characters)'
    WHEN typeof(p.quote) != 'text' THEN 'has a quote that is not text'
    -- length() stops at a NUL character; such quotes are left to the full check.
    WHEN length(p.quote) != p.end_offset - p.start_offset AND instr(p.quote, char(0)) = 0 THEN
      'in document ' || d.id || ' has a quote of ' || length(p.quote) || ' characters for the span '
      || p.start_offset || ':' || p.end_offset
  END AS problem
  FROM passages p LEFT JOIN documents d ON d.id = p.document_id
) WHERE problem IS NOT NULL ORDER BY id
"""


def _passage_problems(connection: sqlite3.Connection) -> Iterator[str]:
    for passage_id, problem in connection.execute(_PASSAGE_PROBLEMS):
        yield f"passage {passage_id} {problem}"


_TIME_STAMP = TypeAdapter(dt.datetime)
_KINDS = ", ".join(f"'{kind.value}'" for kind in CodingKind)
_ATTRIBUTIONS = ", ".join(f"'{attribution.value}'" for attribution in Attribution)


_CODING_PROBLEMS = f"""
SELECT id, problem FROM (
  SELECT c.id AS id, CASE
    WHEN p.id IS NULL THEN 'belongs to passage ' || quote(c.passage_id) || ', which does not exist'
    WHEN a.id IS NULL THEN 'names actor ' || quote(c.actor_id) || ', which does not exist'
    WHEN i.id IS NULL THEN 'names issue ' || quote(c.issue_id) || ', which does not exist'
    WHEN typeof(c.position) != 'integer' THEN
      'has position ' || quote(c.position) || ', which is not a whole number'
    WHEN sp.value IS NULL THEN
      'has position ' || c.position || ', which is not on the scale of ''' || i.name || ''''
    WHEN c.kind IS NULL OR c.kind NOT IN ({_KINDS}) THEN 'has an unknown kind ' || quote(c.kind)
    WHEN c.attribution IS NULL OR c.attribution NOT IN ({_ATTRIBUTIONS}) THEN
      'has an unknown attribution ' || quote(c.attribution)
    WHEN typeof(c.confidence) NOT IN ('real', 'integer') OR c.confidence < 0 OR c.confidence > 1 THEN
      'has confidence ' || quote(c.confidence) || ', outside 0 to 1'
    WHEN typeof(c.note) != 'text' OR length(c.note) > 10000 THEN 'has a note that is not text or is too long'
    WHEN typeof(c.coder) != 'text' OR length(c.coder) > 200 THEN 'has a coder name that is not text or is too long'
  END AS problem
  FROM codings c
  LEFT JOIN passages p ON p.id = c.passage_id
  LEFT JOIN actors a ON a.id = c.actor_id
  LEFT JOIN issues i ON i.id = c.issue_id
  LEFT JOIN scale_points sp ON sp.issue_id = c.issue_id AND sp.value = c.position
) WHERE problem IS NOT NULL ORDER BY id
"""


def _coding_problems(connection: sqlite3.Connection) -> Iterator[str]:
    for coding_id, problem in connection.execute(_CODING_PROBLEMS):
        yield f"coding {coding_id} {problem}"


# -- full checks (posmap check) ---------------------------------------------------------------------


def full_problems(connection: sqlite3.Connection) -> list[str]:
    """What only reading everything can show: wrong character counts, quotes that no longer match
    their text, coding time stamps that are not dates, and passages left without any coding.

    Each text is read once, with the passages of its document.
    """
    problems: list[str] = []
    documents = connection.execute(
        "SELECT d.id, d.character_count, t.text FROM documents d "
        "JOIN document_texts t ON t.document_id = d.id ORDER BY d.id"
    )
    for document_id, characters, text in documents:
        if not isinstance(text, str):
            problems.append(f"document {document_id} has text that is not text ({type(text).__name__})")
            continue
        if characters != len(text):
            problems.append(
                f"document {document_id} says it has {characters} characters but its text has {len(text)}"
            )
        passages = connection.execute(
            "SELECT id, start_offset, end_offset, quote FROM passages WHERE document_id = ? ORDER BY id",
            (document_id,),
        )
        for passage_id, start, end, quote in passages:
            if not (isinstance(start, int) and isinstance(end, int)) or start < 0 or end <= start:
                continue  # reported by the content rules
            if end > len(text):
                if isinstance(characters, int) and end <= characters:  # else the content rules said so
                    problems.append(
                        f"passage {passage_id} in document {document_id} has offsets {start}:{end} outside the "
                        f"text ({len(text)} characters)"
                    )
            elif text[start:end] != quote:
                problems.append(
                    f"passage {passage_id} in document {document_id}: the quote no longer matches the text at "
                    f"{start}:{end}"
                )
    for (passage_id,) in connection.execute(
        "SELECT p.id FROM passages p WHERE NOT EXISTS (SELECT 1 FROM codings c WHERE c.passage_id = p.id) "
        "ORDER BY p.id"
    ):
        problems.append(f"passage {passage_id} has no codings (left over from an unfinished change)")
    for coding_id, created_at, updated_at in connection.execute(
        "SELECT id, created_at, updated_at FROM codings ORDER BY id"
    ):
        try:
            _TIME_STAMP.validate_python(created_at)
            _TIME_STAMP.validate_python(updated_at)
        except ValidationError:
            problems.append(f"coding {coding_id} has a time stamp that is not a valid date and time")
    return [_one_line(problem) for problem in problems]


def every_problem(connection: sqlite3.Connection) -> list[str]:
    """:func:`content_problems`, :func:`full_problems` and :func:`search_index_problems` together.

    On a file too damaged to read to the end, the problems found so far are kept and the
    last line says where reading stopped.
    """
    problems: list[str] = []
    for check in (content_problems, full_problems, search_index_problems):
        try:
            problems += check(connection)
        except sqlite3.DatabaseError as exc:
            problems.append(f"the remaining checks stopped because the file cannot be read ({exc})")
            break
    return problems


def search_index_problems(connection: sqlite3.Connection) -> list[str]:
    """Whether the full-text index agrees with the stored texts (FTS5's own integrity check).

    The check is issued as an INSERT command, so it needs a connection that may write; it
    changes nothing in the file.
    """
    try:
        connection.execute("INSERT INTO document_search (document_search, rank) VALUES ('integrity-check', 1)")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ProjectBusyError("the project is busy in another window or command; try the check again") from None
        if "readonly" in str(exc).replace(" ", "").replace("-", ""):
            return []
        return [f"the full-text index is out of step with the documents ({exc})"]
    except sqlite3.DatabaseError as exc:
        return [f"the full-text index is out of step with the documents ({exc})"]
    return []
