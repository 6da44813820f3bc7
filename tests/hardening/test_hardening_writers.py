"""Two posmap processes writing to one project: no interleaving, a short wait, then a clear busy message."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from posmap import cli
from posmap.model import Actor, Document, Issue
from posmap.services.checking import integrity_problems
from posmap.store import Project
from posmap.store import project as project_module

HOLDER = """
import sys
from posmap.model import Actor
from posmap.store import Project

with Project.open(sys.argv[1]) as project:
    with project.transaction():
        project.actors.add(Actor(name="Held by the first window"))
        print("holding", flush=True)
        sys.stdin.readline()  # keep the write transaction open until told to commit
    print("committed", flush=True)
"""

HAMMER = """
import sys
from posmap.model import Coding, Passage
from posmap.store import Project, ProjectBusyError

path, who, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
done = retries = 0
with Project.open(path) as project:
    text = project.documents.text(1)
    while done < rounds:
        try:
            with project.transaction():
                for k in range(3):
                    start = (who * rounds * 3 + done * 3 + k) * 7
                    passage = Passage(document_id=1, start=start, end=start + 6, quote=text[start:start + 6])
                    project.codings.add(passage, Coding(actor_id=who, issue_id=1, position=0,
                                                        note=f"{who}-{done}"))
            done += 1
        except ProjectBusyError:
            retries += 1
print(done, retries, flush=True)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUTF8": "1", "POSMAP_CODER": "tester"}


def test_second_writer_waits_then_gets_one_busy_line_then_succeeds(tmp_path: Path, run_posmap) -> None:
    path = tmp_path / "shared.posmap"
    Project.create(path).close()
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    holder = subprocess.Popen([sys.executable, str(script), str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=_env())
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        blocked = run_posmap("actor", "add", path, "Second window")
        waited = time.monotonic() - started
        assert blocked.returncode == 1, blocked
        assert blocked.stdout == "" and "Traceback" not in blocked.stderr
        [line] = blocked.stderr.splitlines()
        assert line == f"posmap: {path.name} is busy in another window or command; try again in a moment"
        assert waited >= project_module.BUSY_TIMEOUT_SECONDS * 0.9, "the second writer should wait briefly first"
        # Reading is not blocked by a writer that has not started committing.
        listing = run_posmap("actor", "list", path)
        assert listing.returncode == 0 and "Held by the first window" not in listing.stdout
        holder.stdin.write("commit\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "committed"
    finally:
        holder.communicate(timeout=20)
    retried = run_posmap("actor", "add", path, "Second window")
    assert retried.returncode == 0, retried.stderr
    with Project.open(path) as project:
        assert sorted(a.name for a in project.actors.all()) == ["Held by the first window", "Second window"]


def test_two_processes_writing_at_once_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "hammered.posmap"
    rounds = 40
    with Project.create(path) as project:
        project.documents.add(Document(title="Long", sha256="c" * 64, text="".join(f"{i:06d}." for i in range(400))))
        project.actors.add(Actor(name="Norland"))
        project.actors.add(Actor(name="Estmark"))
        project.issues.add(Issue(name="Monitors"))
    script = tmp_path / "hammer.py"
    script.write_text(HAMMER, encoding="utf-8")
    writers = [
        subprocess.Popen([sys.executable, str(script), str(path), str(who), str(rounds)], stdout=subprocess.PIPE,
                         text=True, env=_env())
        for who in (1, 2)
    ]
    outputs = [writer.communicate(timeout=120)[0].split() for writer in writers]
    assert [int(output[0]) for output in outputs] == [rounds, rounds]
    with Project.open(path) as project:
        assert integrity_problems(project) == []
        groups = dict(project.connection.execute("SELECT note, count(*) FROM codings GROUP BY note"))
    assert len(groups) == 2 * rounds and set(groups.values()) == {3}


def test_lock_taken_after_opening_still_gives_the_busy_line(coded_project, monkeypatch, capsys) -> None:
    """A reader that meets another process's commit lock mid-command gets the busy line, not 'damaged'."""
    path, _ = coded_project
    monkeypatch.setattr(project_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    blocker = sqlite3.connect(path, isolation_level=None)
    real_open = Project.open

    def open_then_lock(*args, **kwargs):
        opened = real_open(*args, **kwargs)
        blocker.execute("BEGIN EXCLUSIVE")  # another process starts committing
        return opened

    monkeypatch.setattr(Project, "open", open_then_lock)
    try:
        assert cli.main(["documents", str(path)]) == cli.EXIT_USER_ERROR
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    [line] = capsys.readouterr().err.splitlines()
    assert line == f"posmap: {path.name} is busy in another window or command; try again in a moment"


def test_check_on_a_project_another_process_is_committing_to(coded_project, run_posmap) -> None:
    path, _ = coded_project
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        result = run_posmap("check", path)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert "busy in another window" in line
