"""Rotating backups in the user's data folder, and restoring from them."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import sys
import time
from pathlib import Path

import pytest

from posmap.model import Actor
from posmap.store import DamagedProjectError, NotAProjectError, Project, ProjectError
from posmap.store import backups as backups_module
from posmap.store.backups import backup_folder, backup_root, list_backups, make_backup, restore_backup


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """A clock the test moves forward, so the once-an-hour rule can be exercised without waiting."""
    now = [dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)]
    monkeypatch.setattr(backups_module, "_now", lambda: now[0])

    def advance(**delta: float) -> None:
        now[0] += dt.timedelta(**delta)

    return advance


def _add_actor(path: Path, name: str) -> None:
    with Project.open(path) as project:
        project.actors.add(Actor(name=name))


def _actor_names(path: Path) -> list[str]:
    with Project.open(path, read_only=True) as project:
        return [a.name for a in project.actors.all()]


def test_opening_for_writing_keeps_at_most_three_recent_backups(coded_project, backups_in_tmp: Path,
                                                                clock) -> None:
    path, _ = coded_project
    with Project.open(path, backup=True):
        pass
    [first] = list_backups(path)
    assert first.path.parent == backup_folder(path)
    assert first.path.parent.parent == backups_in_tmp
    assert first.path.parent.name.startswith("coded-")
    assert (first.path.parent / "project-path.txt").read_text(encoding="utf-8").strip() == str(path.resolve())
    # Within the hour: no new copy, however much changed.
    _add_actor(path, "Sudria")
    clock(minutes=30)
    with Project.open(path, backup=True):
        pass
    assert len(list_backups(path)) == 1
    # Unchanged since the newest backup: no new copy, however long ago.
    clock(hours=5)
    _add_actor(path, "Vesna")
    with Project.open(path, backup=True):
        pass
    assert len(list_backups(path)) == 2
    clock(hours=5)
    with Project.open(path, backup=True):
        pass
    assert len(list_backups(path)) == 2
    for name in ("Westland", "Ostland", "Nordland"):
        _add_actor(path, name)
        clock(hours=2)
        with Project.open(path, backup=True):
            pass
    kept = list_backups(path)
    assert len(kept) == backups_module.KEEP
    assert [b.created for b in kept] == sorted((b.created for b in kept), reverse=True)
    assert "Nordland" in _actor_names(kept[0].path)  # each backup holds the project as it was opened
    oldest = _actor_names(kept[-1].path)
    assert "Westland" in oldest and "Ostland" not in oldest
    # A project stays one file: nothing was written beside it.
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith("coded")) == ["coded.posmap"]


def test_backups_only_when_asked(coded_project) -> None:
    path, _ = coded_project
    for options in ({}, {"read_only": True}, {"check_content": False}, {"read_only": True, "backup": True}):
        with Project.open(path, **options):
            pass
    assert list_backups(path) == []


def test_backup_is_a_consistent_valid_project(coded_project) -> None:
    path, _ = coded_project
    with Project.open(path) as project:
        backup = make_backup(project, force=True)
    assert backup is not None
    with Project.open(backup.path, read_only=True) as copy:
        assert copy.sqlite_problems() == []
        assert copy.codings.count() == 4
    if sys.platform != "win32":
        assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(backup.path.parent.stat().st_mode) == 0o700


def test_failed_backup_never_stops_the_open(coded_project, backups_in_tmp: Path) -> None:
    path, _ = coded_project
    backups_in_tmp.write_text("a file where the backup folder should be", encoding="utf-8")
    with Project.open(path, backup=True) as project:
        assert project.backup_error and "no backup of coded.posmap was made" in project.backup_error
        project.actors.add(Actor(name="Still editable"))


def test_default_places(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POSMAP_BACKUP_DIR")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert backup_root() == tmp_path / "data" / "posmap" / "backups"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert backup_root() == Path.home() / ".local" / "share" / "posmap" / "backups"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert backup_root() == tmp_path / "Local" / "posmap" / "backups"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert backup_root() == Path.home() / "Library" / "Application Support" / "posmap" / "backups"
    # Two projects with one name in different folders keep separate backups.
    assert backup_folder(tmp_path / "a" / "talks.posmap") != backup_folder(tmp_path / "b" / "talks.posmap")


def test_restore_to_a_new_file(coded_project, tmp_path: Path) -> None:
    path, _ = coded_project
    with Project.open(path) as project:
        backup = make_backup(project, force=True)
    restored = restore_backup(backup, tmp_path / "restored.posmap")
    assert _actor_names(restored) == _actor_names(path)
    with pytest.raises(ProjectError, match="already exists"):
        restore_backup(backup, restored)


def test_restore_replaces_in_place_and_keeps_a_safety_copy(coded_project, clock) -> None:
    path, _ = coded_project
    with Project.open(path) as project:
        backup = make_backup(project, force=True)
    _add_actor(path, "Added after the backup")
    clock(seconds=1)
    with Project.open(path) as window:  # a window that has the project open sees the restored content
        before = window.data_version()
        restore_backup(backup, path, replace=True)
        assert window.data_version() != before
        assert "Added after the backup" not in [a.name for a in window.actors.all()]
    safety = list_backups(path)[0]
    assert "Added after the backup" in _actor_names(safety.path)


def test_restore_refuses_damaged_backups_and_foreign_targets(coded_project, tmp_path: Path) -> None:
    path, _ = coded_project
    with Project.open(path) as project:
        backup = make_backup(project, force=True)
    damaged = tmp_path / "damaged.posmap"
    damaged.write_bytes(backup.path.read_bytes())
    connection = sqlite3.connect(damaged)
    connection.execute("CREATE TRIGGER evil AFTER INSERT ON actors BEGIN DELETE FROM codings; END")
    connection.commit()
    connection.close()
    with pytest.raises(DamagedProjectError):
        restore_backup(damaged, tmp_path / "never.posmap")
    assert not (tmp_path / "never.posmap").exists()
    thesis = tmp_path / "thesis.posmap"
    thesis.write_bytes(b"not a project at all")
    with pytest.raises(NotAProjectError):
        restore_backup(backup, thesis, replace=True)
    assert thesis.read_bytes() == b"not a project at all"


def test_restore_replaces_a_damaged_project(coded_project) -> None:
    path, _ = coded_project
    with Project.open(path) as project:
        backup = make_backup(project, force=True)
    data = bytearray(path.read_bytes())
    data[4096 * 3: 4096 * 5] = b"\xde\xad\xbe\xef" * 2048
    path.write_bytes(bytes(data))
    restore_backup(backup, path, replace=True)
    with Project.open(path) as project:
        assert project.sqlite_problems() == [] and project.codings.count() == 4


def test_command_line_backups_and_restore(coded_project, run_posmap, tmp_path: Path) -> None:
    path, _ = coded_project
    assert run_posmap("documents", path).returncode == 0
    assert run_posmap("check", path).returncode == 0
    empty = run_posmap("backups", path)
    assert empty.returncode == 0 and empty.stdout.splitlines() == ["path\ttime\tsize"]
    assert "no backups of coded.posmap yet" in empty.stderr
    assert run_posmap("actor", "add", path, "Sudria").returncode == 0  # a writing command makes one
    listing = run_posmap("backups", path)
    header, row = listing.stdout.splitlines()
    backup_path, when, size = row.split("\t")
    assert Path(backup_path).is_file() and int(size) == Path(backup_path).stat().st_size
    assert dt.datetime.fromisoformat(when).tzinfo is not None
    target = tmp_path / "restored.posmap"
    restored = run_posmap("restore", backup_path, "-o", target)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.strip() == str(target)
    assert "Sudria" not in _actor_names(target) and "Sudria" in _actor_names(path)
    again = run_posmap("restore", backup_path, "-o", path)
    assert again.returncode == 1 and len(again.stderr.splitlines()) == 1 and "already exists" in again.stderr
    replaced = run_posmap("restore", backup_path, "-o", path, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert "Sudria" not in _actor_names(path)


def test_backup_of_a_large_project_is_quick(large_project: Path, tmp_path: Path) -> None:
    with Project.open(large_project) as project:
        started = time.perf_counter()
        backup = make_backup(project, force=True)
        elapsed = time.perf_counter() - started
    assert backup is not None and backup.size == large_project.stat().st_size
    print(f"\nbackup of a {backup.size / 1e6:.0f} MB project: {elapsed * 1000:.0f} ms")
    assert elapsed < 10
    os.remove(backup.path)
