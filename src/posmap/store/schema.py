"""The project file's schema, created and upgraded by numbered migrations.

``PRAGMA user_version`` holds the number of the last migration applied, so a file tells
which posmap can read it. Every change to the schema is a new migration appended here,
never an edit to an old one.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

APPLICATION_ID = 0x504F534D  # "POSM"

migrations = Migrations("posmap")

_VERSION_1 = [
    """CREATE TABLE project (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        outlet TEXT NOT NULL DEFAULT '',
        date TEXT CHECK (date IS NULL OR date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        kind TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        file_name TEXT NOT NULL DEFAULT '',
        sha256 TEXT NOT NULL UNIQUE,
        extractor TEXT NOT NULL DEFAULT '',
        extractor_version TEXT NOT NULL DEFAULT '',
        imported_at TEXT NOT NULL,
        character_count INTEGER NOT NULL CHECK (character_count >= 0)
    )""",
    """CREATE TABLE document_texts (
        document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        text TEXT NOT NULL
    )""",
    """CREATE TABLE document_pages (
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        page_number INTEGER NOT NULL CHECK (page_number >= 1),
        start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
        end_offset INTEGER NOT NULL CHECK (end_offset >= start_offset),
        PRIMARY KEY (document_id, page_number)
    )""",
    """CREATE TABLE actors (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        parent_id INTEGER REFERENCES actors(id) ON DELETE SET NULL,
        kind TEXT NOT NULL DEFAULT 'other',
        color TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE issues (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        parent_id INTEGER REFERENCES issues(id) ON DELETE SET NULL,
        proposition TEXT NOT NULL DEFAULT '',
        color TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE scale_points (
        issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        value INTEGER NOT NULL,
        label TEXT NOT NULL,
        PRIMARY KEY (issue_id, value)
    )""",
    """CREATE TABLE passages (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
        end_offset INTEGER NOT NULL CHECK (end_offset > start_offset),
        quote TEXT NOT NULL,
        UNIQUE (document_id, start_offset, end_offset)
    )""",
    """CREATE TABLE codings (
        id INTEGER PRIMARY KEY,
        passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
        actor_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
        issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL
            CHECK (kind IN ('position', 'demand', 'red_line', 'concession', 'proposal')),
        attribution TEXT NOT NULL CHECK (attribution IN ('own_words', 'reported', 'assessment')),
        confidence REAL NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
        note TEXT NOT NULL DEFAULT '',
        coder TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX codings_by_passage ON codings(passage_id)",
    "CREATE INDEX codings_by_actor ON codings(actor_id)",
    "CREATE INDEX codings_by_issue ON codings(issue_id)",
    "CREATE INDEX passages_by_document ON passages(document_id, start_offset)",
    "CREATE INDEX actors_by_parent ON actors(parent_id)",
    "CREATE INDEX issues_by_parent ON issues(parent_id)",
    # External-content index over document_texts: the text is stored once, and the store
    # keeps the index in step itself (no triggers, so a project file needs none to work).
    """CREATE VIRTUAL TABLE document_search USING fts5(
        text, content='document_texts', content_rowid='document_id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
]


@migrations(name="0001_initial_schema")
def _initial_schema(db: Database) -> None:
    for statement in _VERSION_1:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")


@migrations(name="0002_codings_by_passage_covering")
def _covering_codings_index(db: Database) -> None:
    # A position matrix reads a few fields of every coding in text order (passages by document, then
    # their codings). With those fields in the index, SQLite never visits the codings table itself;
    # the index still serves everything the passage_id-only index served.
    db.execute("DROP INDEX codings_by_passage")
    db.execute(
        "CREATE INDEX codings_by_passage ON codings("
        "passage_id, id, actor_id, issue_id, position, kind, attribution, coder, created_at)"
    )
    db.execute("PRAGMA user_version = 2")


SCHEMA_VERSION = 2
"""The newest schema this posmap writes; equal to the number of migrations."""
