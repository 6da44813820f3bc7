"""Rotating safety copies of project files, kept in the user's data folder.

When a project is opened for writing with ``Project.open(path, backup=True)`` (the command-line
commands that change a project and the GUI do this), posmap first copies it, with SQLite's
backup API, into a folder of its own:

* Linux and other Unix: ``$XDG_DATA_HOME/posmap/backups/`` (``~/.local/share/posmap/backups/``)
* Windows: ``%LOCALAPPDATA%\\posmap\\backups\\``
* macOS: ``~/Library/Application Support/posmap/backups/``
* anywhere else when the environment variable ``POSMAP_BACKUP_DIR`` names a folder.

Each project gets a subfolder named after the file plus a short hash of its absolute path
(``talks-3f9a0c12d4e5/``), which also holds ``project-path.txt`` naming the project. Backups
never go beside the project: a project stays one file that can be mailed as it is.

A backup is made only when the project changed since the newest backup (same size and same
SQLite file change counter, header bytes 24..27, means unchanged) and the newest backup is at
least :data:`MIN_INTERVAL` old, so opening a large project stays fast; the newest
:data:`KEEP` backups are kept. Backups hold the same sensitive material as the project, so
the folders are created readable by their owner only.

API for the GUI and the CLI: :func:`list_backups` (newest first), :func:`make_backup`,
:func:`restore_backup`, :func:`backup_folder`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from posmap.store import schema
from posmap.store.errors import DamagedProjectError, NotAProjectError, ProjectBusyError, ProjectError

if TYPE_CHECKING:
    from posmap.store.project import Project

BACKUP_DIR_ENV = "POSMAP_BACKUP_DIR"
KEEP = 3
MIN_INTERVAL = dt.timedelta(hours=1)
BACKUP_SUFFIX = ".posmap"

_log = logging.getLogger(__name__)
_NAME = re.compile(r"^(\d{8}T\d{6}\.\d{6})Z-c(\d+)-s(\d+)\.posmap$")
_TIME_FORMAT = "%Y%m%dT%H%M%S.%f"
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^\w.-]+")
_SQLITE_HEADER = b"SQLite format 3\x00"
_STALE_TEMPORARY = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Backup:
    """One safety copy: where it is, when it was made (UTC), its size in bytes, and the project's
    SQLite file change counter at that moment (to tell whether the project changed since)."""

    path: Path
    created: dt.datetime
    size: int
    change_counter: int


def backup_root() -> Path:
    """The folder holding every project's backups (see the module docstring for where it is)."""
    override = os.environ.get(BACKUP_DIR_ENV)
    if override:
        return Path(override).expanduser()
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "posmap" / "backups"


def backup_folder(project_path: str | Path) -> Path:
    """The folder holding the backups of the project at ``project_path`` (it may not exist yet)."""
    absolute = Path(project_path).expanduser().resolve()
    digest = hashlib.sha256(str(absolute).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    stem = _UNSAFE_NAME_CHARACTERS.sub("_", absolute.stem).strip("._")[:40] or "project"
    return backup_root() / f"{stem}-{digest}"


def list_backups(project_path: str | Path) -> list[Backup]:
    """The backups of the project at ``project_path``, newest first."""
    folder = backup_folder(project_path)
    if not folder.is_dir():
        return []
    backups = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match is None or not entry.is_file():
            continue
        created = dt.datetime.strptime(match[1], _TIME_FORMAT).replace(tzinfo=dt.UTC)
        backups.append(Backup(entry, created, entry.stat().st_size, int(match[2])))
    return sorted(backups, key=lambda backup: backup.created, reverse=True)


def make_backup(project: Project, *, force: bool = False) -> Backup | None:
    """Copy ``project`` into its backup folder; returns the new backup, or None when none was needed.

    Without ``force`` a copy is made only when the project changed since the newest backup and
    that backup is at least :data:`MIN_INTERVAL` old. The copy is taken inside one read
    transaction, so it is consistent even while another program writes, and appears under its
    final name only once complete. Older backups beyond :data:`KEEP` are deleted.
    """
    connection = project.connection
    if connection.in_transaction:
        raise ProjectError("a backup cannot be made in the middle of a change")
    folder = backup_folder(project.path)
    connection.execute("BEGIN")
    try:
        # A shared lock: no one can commit until the copy is done, so the counter matches it.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        counter, size = _change_counter(project.path), project.path.stat().st_size
        newest = next(iter(list_backups(project.path)), None)
        if not force and newest is not None:
            unchanged = newest.change_counter == counter and newest.size == size
            recent = _now() - newest.created < MIN_INTERVAL
            if unchanged or recent:
                return None
        _make_folder(folder, project.path)
        created = _now()
        target = folder / f"{created.strftime(_TIME_FORMAT)}Z-c{counter}-s{size}{BACKUP_SUFFIX}"
        if _rollback_journal_file(project.path):
            _copy_file(project.path, target)
        else:
            _copy_database(connection, target)
    finally:
        connection.execute("COMMIT")
    _prune(folder)
    return Backup(target, created, target.stat().st_size, counter)


def backup_on_open(project: Project) -> Backup | None:
    """:func:`make_backup` as ``Project.open(backup=True)`` uses it: a failed backup never stops the open.

    The reason is logged (and left in ``project.backup_error`` for the GUI to show).
    """
    try:
        return make_backup(project)
    except (OSError, sqlite3.Error, ProjectError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        project.backup_error = f"no backup of {project.path.name} was made ({reason})"
        _log.warning(project.backup_error)
        return None


def restore_backup(backup: Backup | str | Path, target_path: str | Path, *, replace: bool = False) -> Path:
    """Write the project held by ``backup`` to ``target_path`` and return that path.

    The backup is first opened and checked (posmap's structure and content rules, then SQLite's
    integrity check); a damaged backup is refused with :class:`DamagedProjectError`. A new file is
    written beside its final name and then moved into place. An existing ``target_path`` is
    refused unless ``replace`` is true; then it must be a posmap project (even a damaged one), a
    safety copy of it is added to its backups first, and its content is replaced through SQLite
    (one transaction), so a window that has it open sees the restored content and nothing is
    lost if the restore is interrupted.
    """
    from posmap.store.project import Project

    source = backup.path if isinstance(backup, Backup) else Path(backup)
    target = Path(target_path)
    with Project.open(source, read_only=True) as checked:
        problems = checked.sqlite_problems()
        if problems:
            raise DamagedProjectError(f"the backup {source.name} is damaged ({problems[0]}); choose another one")
        if target.exists():
            if not replace:
                raise ProjectError(f"{target} already exists; choose a new file name or allow replacing it")
            _replace_project(checked.connection, target)
        else:
            if not target.parent.is_dir():
                raise ProjectError(f"the folder {target.parent} does not exist")
            temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.restoring")
            try:
                _copy_database(checked.connection, temporary)
                os.replace(temporary, target)
            finally:
                temporary.unlink(missing_ok=True)
    return target


# -- helpers ----------------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _change_counter(path: Path) -> int:
    with path.open("rb") as handle:
        header = handle.read(100)
    return int.from_bytes(header[24:28], "big") if len(header) == 100 else 0


def _make_folder(folder: Path, project_path: Path) -> None:
    root = backup_root()
    if not root.exists():
        root.mkdir(parents=True, mode=0o700)
    folder.mkdir(mode=0o700, exist_ok=True)
    note = folder / "project-path.txt"
    if not note.exists():
        note.write_text(f"{project_path.resolve()}\n", encoding="utf-8", errors="surrogateescape")


# SQLite's lock bytes sit at 1 GiB; Windows refuses to read locked bytes, so larger files go through SQLite.
_LOCK_BYTE_OFFSET = 1 << 30


def _rollback_journal_file(path: Path) -> bool:
    """Whether the file can be copied as bytes: in rollback-journal mode (as posmap writes it), not WAL
    (header bytes 18 and 19 are 1), and smaller than SQLite's lock-byte offset."""
    with path.open("rb") as handle:
        header = handle.read(20)
    small = path.stat().st_size < _LOCK_BYTE_OFFSET
    return small and len(header) == 20 and header[18] == 1 and header[19] == 1


def _copy_file(source: Path, target: Path) -> None:
    """Copy the bytes of ``source`` to a new file ``target`` (owner-only permissions), synced to disk.

    Only while a read transaction holds SQLite's shared lock on a rollback-journal file: no one
    can then change the file, so its bytes are a consistent database. The operating system copies
    them (several times faster than SQLite's backup API, which rewrites every page through a
    second connection), which keeps opening a large project quick.
    """
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    try:
        shutil.copyfile(source, temporary)
        descriptor = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _copy_database(connection: sqlite3.Connection, target: Path) -> None:
    """Copy the database of ``connection`` to a new file ``target`` (owner-only permissions)."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    try:
        destination = sqlite3.connect(temporary, isolation_level=None)
        try:
            connection.backup(destination)
        finally:
            destination.close()
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    for old in sorted((entry for entry in folder.iterdir() if _NAME.match(entry.name)), reverse=True)[KEEP:]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
    cutoff = time.time() - _STALE_TEMPORARY.total_seconds()
    for leftover in folder.glob(".*.tmp"):  # from a copy interrupted by a crash
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def _replace_project(source: sqlite3.Connection, target: Path) -> None:
    """Overwrite the posmap project ``target`` with the database of ``source``, keeping a safety copy."""
    with target.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(_SQLITE_HEADER) or int.from_bytes(header[68:72], "big") != schema.APPLICATION_ID:
        raise NotAProjectError(f"{target.name} is not a posmap project; it was not replaced")
    from posmap.store.project import BUSY_TIMEOUT_SECONDS

    destination = sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        try:
            # The write lock keeps other windows from changing the file while it is copied.
            destination.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ProjectBusyError(
                    f"{target.name} is busy in another window or command; close it and try again"
                ) from None
            raise DamagedProjectError(
                f"{target.name} is too damaged to be replaced in place ({exc}); restore to a new file instead"
            ) from None
        try:
            _safety_copy(target)
        finally:
            destination.execute("ROLLBACK")
        try:
            source.backup(destination)
        except sqlite3.DatabaseError as exc:
            raise DamagedProjectError(
                f"{target.name} could not be replaced ({exc}); restore to a new file instead"
            ) from None
    finally:
        destination.close()


def _safety_copy(project_path: Path) -> None:
    """Copy the file's bytes as they are (damage included) into its backup folder."""
    folder = backup_folder(project_path)
    _make_folder(folder, project_path)
    created = _now()
    size = project_path.stat().st_size
    target = folder / f"{created.strftime(_TIME_FORMAT)}Z-c{_change_counter(project_path)}-s{size}{BACKUP_SUFFIX}"
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out, project_path.open("rb") as source:
            shutil.copyfileobj(source, out, 1 << 20)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    _prune(folder)
