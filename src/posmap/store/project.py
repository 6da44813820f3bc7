"""Opening, creating and guarding a project file.

A project is one SQLite file in rollback-journal mode, so it is always a single
self-contained file that can be copied or mailed. Every change runs inside
:meth:`Project.transaction`, so a command's changes land whole or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlite_utils import Database

from posmap import __version__
from posmap.store import schema, validation
from posmap.store.errors import (
    DamagedProjectError,
    NewerProjectError,
    NotAProjectError,
    ProjectBusyError,
    ProjectError,
)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 3.0
PROJECT_SUFFIX = ".posmap"


def utc_now() -> str:
    """The current time as an ISO 8601 string in UTC, as stored in the project."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


_MANY_VALUES = 500


def in_clause(column: str, values: Iterable[object]) -> tuple[str, list[object]]:
    """``column IN (...)`` and its parameters; a long list (the codings of a large matrix cell, the
    documents of a burst of changes) goes as one JSON array, since SQLite limits the number of
    parameters of a statement."""
    values = list(values)
    if len(values) > _MANY_VALUES:
        return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(values)]
    return f"{column} IN ({', '.join('?' * len(values))})", values


def _busy_message(path: Path) -> str:
    return f"{path.name} is busy in another window or command; try again in a moment"


class Project:
    """An open project file. Use :meth:`create` or :meth:`open`, and close it when done."""

    def __init__(self, path: Path, connection: sqlite3.Connection, *, read_only: bool) -> None:
        self.path = path
        self.read_only = read_only
        self.connection = connection
        # Why the backup asked for on opening was not made, for the GUI to show; None when all went well.
        self.backup_error: str | None = None
        self.db = Database(connection, execute_plugins=False, recursive_triggers=False)
        # Repositories are imported here to keep this module free of query code.
        from posmap.store.codebook import ActorRepository, IssueRepository
        from posmap.store.codings import CodingRepository
        from posmap.store.documents import DocumentRepository

        self.documents = DocumentRepository(self)
        self.actors = ActorRepository(self)
        self.issues = IssueRepository(self)
        self.codings = CodingRepository(self)

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, *, title: str = "") -> Project:
        """Create a new, empty project file at ``path``; refuses to overwrite a file."""
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path} already exists; choose another name")
        if not path.parent.is_dir():
            raise ProjectError(f"the folder {path.parent} does not exist")
        try:
            connection = _connect(path, read_only=False)
        except sqlite3.Error as exc:
            raise ProjectError(f"cannot create {path}: {exc}") from None
        try:
            connection.execute("PRAGMA journal_mode = DELETE")
            connection.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            project = cls(path, connection, read_only=False)
            project._migrate()
            with project.transaction():
                project.set_setting("title", title or path.stem)
                project.set_setting("created_at", utc_now())
                project.set_setting("created_with", f"posmap {__version__}")
        except BaseException:
            connection.close()
            path.unlink(missing_ok=True)
            raise
        return project

    @classmethod
    def open(
        cls, path: str | Path, *, read_only: bool = False, check_content: bool = True, backup: bool = False
    ) -> Project:
        """Open an existing project, checking that it is one this posmap can read.

        Raises a :class:`ProjectError` subclass with a one-sentence reason for a missing
        file, a file that is not SQLite, another application's database, a project from a
        newer posmap, or a damaged file. Older projects are upgraded in place.

        A project file is untrusted input: objects posmap does not create (triggers, views,
        altered tables) are always refused, and with ``check_content`` the content rules of
        :mod:`posmap.store.validation` (cheap SQL; no text is read) refuse a file whose data
        would break the model. Pass ``check_content=False`` only to report on such a file
        (``posmap check``), never to edit it. With ``backup`` a rotating safety copy is kept in
        the user's data folder before anything is written (see :mod:`posmap.store.backups`);
        the commands that change a project and the GUI pass it.
        """
        path = Path(path)
        if not path.is_file():
            raise ProjectError(f"there is no project file at {path}")
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
        if header != SQLITE_HEADER:
            raise NotAProjectError(f"{path.name} is not a posmap project (it is not an SQLite database)")
        if read_only:
            _recover_unfinished_change(path)
        try:
            connection = _connect(path, read_only=read_only)
        except sqlite3.Error as exc:
            raise DamagedProjectError(f"{path.name} cannot be opened: {exc}") from None
        try:
            _check_identity(path, connection)
            project = cls(path, connection, read_only=read_only)
            project._check_schema_objects()
            # Content rules are written for the current schema: an older file is checked once upgraded.
            checked = check_content and project.schema_version() == schema.SCHEMA_VERSION
            if checked:
                _check_content_once(connection, path)
            if backup and not read_only:
                from posmap.store.backups import backup_on_open

                backup_on_open(project)
            if not read_only:
                project._migrate()
                if check_content and not checked:
                    validation.check_content(connection, path.name)
        except sqlite3.OperationalError as exc:
            connection.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise ProjectBusyError(_busy_message(path)) from None
            raise DamagedProjectError(f"{path.name} is damaged and cannot be opened ({exc})") from None
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise DamagedProjectError(f"{path.name} is damaged and cannot be opened ({exc})") from None
        except BaseException:
            connection.close()
            raise
        return project

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.schema_version()
        if version >= schema.SCHEMA_VERSION:
            return
        try:
            schema.migrations.apply(self.db)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise ProjectBusyError(_busy_message(self.path)) from None
            raise

    def _check_schema_objects(self) -> None:
        """Refuse files carrying objects posmap never creates: triggers and views could run SQL.

        Every table and index must also be defined exactly as our migrations define it.
        """
        validation.check_structure(self.connection, self.path.name)

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Project]:
        """Run the block as one transaction (a savepoint when nested).

        The write lock is taken at the start, so a second writer waits up to a few seconds
        and then gets :class:`ProjectBusyError` rather than failing half-way.
        """
        if self.read_only:
            raise ProjectError(f"{self.path.name} is open read-only; changes are not allowed")
        if self.connection.in_transaction:
            with self.db.atomic():
                yield self
            return
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ProjectBusyError(_busy_message(self.path)) from None
            raise
        try:
            yield self
        except BaseException:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            raise
        else:
            self.connection.execute("COMMIT")

    # -- project settings ----------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        row = self.connection.execute("SELECT value FROM project WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.connection.execute(
                "INSERT INTO project (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def title(self) -> str:
        return self.setting("title", self.path.stem)

    # -- whole-file operations -------------------------------------------------------------

    def schema_version(self) -> int:
        return int(self.connection.execute("PRAGMA user_version").fetchone()[0])

    def data_version(self) -> int:
        """A number that changes whenever another connection commits a change to the file."""
        return int(self.connection.execute("PRAGMA data_version").fetchone()[0])

    def save_copy(self, target: str | Path) -> None:
        """Write a consistent single-file copy of the project to ``target``."""
        target = Path(target)
        if target.exists():
            raise ProjectError(f"{target} already exists; choose another name")
        self.connection.execute("VACUUM INTO ?", (str(target),))

    def sqlite_problems(self) -> list[str]:
        """SQLite's own integrity check and foreign-key check, as readable lines."""
        try:
            report = [row[0] for row in self.connection.execute("PRAGMA integrity_check").fetchall()]
            missing = self.connection.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.DatabaseError as exc:
            # Damage bad enough that SQLite cannot even finish its own check.
            return [f"{self.path.name} is damaged and SQLite cannot check it ({exc})"]
        # One entry may hold several lines under a "*** in database main ***" heading.
        problems = [
            f"SQLite reports damage: {line.strip()}" for entry in report if entry != "ok"
            for line in entry.splitlines() if line.strip() and not line.startswith("***")
        ]
        for table, rowid, parent, _ in missing:
            problems.append(f"{table} row {rowid} refers to a missing {parent} entry")
        return problems


# The states of files whose content rules passed in this process (see _file_state), newest last. The GUI
# opens the same file again for every search and matrix read on worker threads; checking 100,000 codings
# each time cost more than the search itself.
_CONTENT_CHECKED: OrderedDict[tuple, None] = OrderedDict()
_CONTENT_CHECKED_LIMIT = 64
_CONTENT_CHECKED_LOCK = threading.Lock()


def _file_state(path: Path) -> tuple | None:
    """What tells one content of a project file from another: its identity, size, modification time and
    SQLite's file change counter (bumped by every committed change); None when these cannot tell,
    as for a file in WAL mode, whose changes live beside it and leave the counter alone."""
    try:
        status = path.stat()
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    if len(header) < 100 or header[18] != 1 or header[19] != 1:
        return None
    # The path too: some file systems (FAT) report no inode numbers.
    return (str(path.resolve()), status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, header[24:28],
            header[92:96])


def _check_content_once(connection: sqlite3.Connection, path: Path) -> None:
    """:func:`validation.check_content`, skipped for a file state that already passed it in this process.

    The state is read before and after the check and remembered only when nothing changed in between,
    so a change made by another program while the rules ran is checked at the next open.
    """
    before = _file_state(path)
    if before is not None:
        with _CONTENT_CHECKED_LOCK:
            if before in _CONTENT_CHECKED:
                _CONTENT_CHECKED.move_to_end(before)
                return
    validation.check_content(connection, path.name)
    if before is not None and _file_state(path) == before:
        with _CONTENT_CHECKED_LOCK:
            _CONTENT_CHECKED[before] = None
            while len(_CONTENT_CHECKED) > _CONTENT_CHECKED_LIMIT:
                _CONTENT_CHECKED.popitem(last=False)


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if read_only:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
    else:
        connection = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    # Untrusted files: schema-defined SQL may not call functions with side effects.
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA cell_size_check = ON")
    # Deleted documents must not linger in free pages of a file that is mailed to someone else.
    connection.execute("PRAGMA secure_delete = ON")
    return connection


def _recover_unfinished_change(path: Path) -> None:
    """Let SQLite undo a change left half-done by a program that stopped, before a read-only open.

    The change waits in a ``-journal`` file beside the project; a read-only connection cannot
    undo it and would call the file unreadable. Undoing it restores the last committed state.
    """
    journal = path.with_name(f"{path.name}-journal")
    if not journal.exists():
        return
    try:
        connection = _connect(path, read_only=False)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ProjectBusyError(_busy_message(path)) from None
        raise DamagedProjectError(
            f"{path.name} holds an unfinished change from a program that stopped ({journal.name}); "
            "open it once with permission to write so that it can be undone"
        ) from None
    except sqlite3.DatabaseError as exc:
        raise DamagedProjectError(f"{path.name} is damaged and cannot be opened ({exc})") from None


def _check_identity(path: Path, connection: sqlite3.Connection) -> None:
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    if application_id != schema.APPLICATION_ID:
        raise NotAProjectError(f"{path.name} is an SQLite database but not a posmap project")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > schema.SCHEMA_VERSION:
        raise NewerProjectError(
            f"{path.name} was written by a newer posmap (project format {version}; this version "
            f"reads up to {schema.SCHEMA_VERSION}); update posmap to open it"
        )
