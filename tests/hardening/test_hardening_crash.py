"""Power cut in the middle of work: SIGKILL at random moments during an import and during coding.

A worker process forks a child per round (so each round costs milliseconds, not an interpreter
start); the child writes one transaction after another and prints a line after each commit. The
test kills the child with SIGKILL at a random moment, then checks that the project opens, passes
SQLite's integrity check and every posmap rule, and holds exactly the committed work: each
committed transaction whole, the one in flight either whole or absent, never a part of one.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from posmap.ingest import read_document
from posmap.model import Actor, Document, Issue
from posmap.services.checking import integrity_problems
from posmap.store import Project

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="SIGKILL and fork are POSIX")

KILLS = 25
TIME_BUDGET_SECONDS = 25.0
SEED = 20240607

# Both workers end with this loop: fork a child per request, report its pid, reap it when told.
FORK_SERVER = """
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        try:
            child()
        finally:
            os._exit(0)
    say(f"child {pid}")
    sys.stdin.readline()  # "reap": until then the child's pid stays reserved, so killing it is safe
    os.waitpid(pid, 0)
    say("reaped")
"""

IMPORT_WORKER = """
import os, sys
from pathlib import Path
from posmap.store import Project
from posmap.services.importing import import_files

def say(line):
    # One write(2) per line: a kill can never leave half a line in the pipe.
    os.write(1, (line + "\\n").encode())


project_path, folder = Path(sys.argv[1]), Path(sys.argv[2])
files = sorted(folder.iterdir())

def child():
    with Project.open(project_path) as project:
        say("ready")
        for path in files:
            # One import per file, so every file is its own transaction.
            for item in import_files(project, [path]).imported:
                say(f"committed {path.name}")
    say("done")
"""

CODING_WORKER = """
import os, sys
from pathlib import Path
from posmap.model import Coding, Passage
from posmap.store import Project

def say(line):
    # One write(2) per line: a kill can never leave half a line in the pipe.
    os.write(1, (line + "\\n").encode())


project_path, batches, per_batch = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

def child():
    with Project.open(project_path) as project:
        done = {row[0] for row in project.connection.execute("SELECT DISTINCT note FROM codings")}
        text = project.documents.text(1)
        say("ready")
        for batch in range(batches):
            if f"batch {batch}" in done:
                continue
            # One transaction: per_batch passages, each coded for two actors.
            with project.transaction():
                for k in range(per_batch):
                    start = (batch * per_batch + k) * 7
                    passage = Passage(document_id=1, start=start, end=start + 6, quote=text[start:start + 6])
                    for actor in (1, 2):
                        project.codings.add(passage, Coding(actor_id=actor, issue_id=1, position=(k % 5) - 2,
                                                            note=f"batch {batch}"))
            say(f"committed {batch}")
    say("done")
"""


class Worker:
    """The forking worker process and a thread that reads its output lines."""

    def __init__(self, script: Path, *args: object) -> None:
        env = {**os.environ, "PYTHONUTF8": "1"}
        self.process = subprocess.Popen(
            [sys.executable, str(script), *map(str, args)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, timeout: float = 20.0) -> str:
        return self.lines.get(timeout=timeout)

    def round(self, rng: random.Random, longest_wait: float) -> tuple[list[str], bool]:
        """Start a child, let it work for a random moment, SIGKILL it; returns its committed lines and
        whether it had finished on its own."""
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        child, ready, committed, finished = None, False, [], False
        while child is None or not ready:
            line = self.next_line()
            if line.startswith("child "):
                child = int(line.split()[1])
            elif line == "ready":
                ready = True
        time.sleep(rng.uniform(0, longest_wait))
        os.kill(child, signal.SIGKILL)  # our own child, not yet reaped (a zombie at worst)
        self.process.stdin.write("reap\n")
        self.process.stdin.flush()
        while (line := self.next_line()) != "reaped":
            if line.startswith("committed "):
                committed.append(line.split(" ", 1)[1])
            elif line == "done":
                finished = True
        return committed, finished

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=20)


def _assert_sound(path: Path) -> None:
    with Project.open(path) as project:  # also enforces every content rule
        assert integrity_problems(project) == []
        assert project.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_killed_imports_lose_nothing_committed_and_leave_no_half_document(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    folder = tmp_path / "incoming"
    folder.mkdir()
    words = ["ceasefire", "border", "delegation", "guarantee", "Київ", "Genève", "monitors", "😀", "withdrawal"]
    for number in range(80):
        paragraphs = [" ".join(rng.choice(words) for _ in range(120)) for _ in range(40)]
        (folder / f"doc{number:03d}.txt").write_text(f"token{number:03d}\n" + "\n\n".join(paragraphs), "utf-8")
    expected_text = {path.name: read_document(path).text for path in folder.iterdir()}
    ordered = sorted(expected_text)
    script = tmp_path / "import_worker.py"
    script.write_text(IMPORT_WORKER + FORK_SERVER, encoding="utf-8")
    path = tmp_path / "crash.posmap"
    Project.create(path).close()
    worker = Worker(script, path, folder)
    committed: set[str] = set()
    kills = mid_transaction = 0
    started = time.monotonic()
    try:
        while kills < KILLS and time.monotonic() - started < TIME_BUDGET_SECONDS:
            lines, finished = worker.round(rng, longest_wait=0.35)
            kills += 1
            committed.update(lines)
            mid_transaction += path.with_name(path.name + "-journal").exists()
            in_flight = next((name for name in ordered if name not in committed), None)
            _assert_sound(path)
            with Project.open(path) as project:
                stored = {d.file_name: d for d in project.documents.all()}
                assert committed <= set(stored), "a committed import was lost"
                assert set(stored) <= committed | {in_flight}, "a document appeared that was never imported"
                for name, document in stored.items():
                    text = project.documents.text(document.id)
                    assert text == expected_text[name] and document.character_count == len(text)
                    assert [m.document_id for m in project.documents.search(f"token{name[3:6]}")] == [document.id]
                committed = set(stored)  # the in-flight one may have committed before its line was printed
            if finished or len(committed) == len(ordered):
                path.unlink()
                Project.create(path).close()
                committed = set()
    finally:
        worker.close()
    print(f"\nimport: {kills} kills, {mid_transaction} inside a transaction, {time.monotonic() - started:.1f} s")
    assert kills >= 10
    assert mid_transaction >= 1, "no kill landed inside a transaction; the test proved nothing"


def test_killed_bulk_coding_keeps_whole_transactions_only(tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    batches, per_batch = 300, 15
    path = tmp_path / "coding.posmap"
    text = "".join(f"{i:06d}." for i in range(batches * per_batch + 10))
    with Project.create(path) as project:
        project.documents.add(Document(title="Long", sha256="b" * 64, text=text))
        project.actors.add(Actor(name="Norland"))
        project.actors.add(Actor(name="Estmark"))
        project.issues.add(Issue(name="Monitors"))
    pristine = path.read_bytes()
    script = tmp_path / "coding_worker.py"
    script.write_text(CODING_WORKER + FORK_SERVER, encoding="utf-8")
    worker = Worker(script, path, batches, per_batch)
    committed: set[str] = set()
    kills = mid_transaction = 0
    started = time.monotonic()
    try:
        while kills < KILLS and time.monotonic() - started < TIME_BUDGET_SECONDS:
            lines, finished = worker.round(rng, longest_wait=0.3)
            kills += 1
            committed.update(f"batch {line}" for line in lines)
            mid_transaction += path.with_name(path.name + "-journal").exists()
            _assert_sound(path)  # includes: no passage without codings
            with Project.open(path) as project:
                counts = dict(project.connection.execute("SELECT note, count(*) FROM codings GROUP BY note"))
                passages = project.connection.execute("SELECT count(*) FROM passages").fetchone()[0]
            assert committed <= set(counts), "a committed coding transaction was lost"
            done = sorted(int(note.split()[1]) for note in counts)
            assert done == list(range(len(done))), "transactions must land in order, none skipped"
            assert len(set(counts) - committed) <= 1, "more than the one transaction in flight appeared"
            assert all(count == 2 * per_batch for count in counts.values()), "a transaction landed in part"
            assert passages == per_batch * len(counts)
            committed = set(counts)
            if finished or len(committed) == batches:
                path.write_bytes(pristine)
                committed = set()
    finally:
        worker.close()
    print(f"\ncoding: {kills} kills, {mid_transaction} inside a transaction, {time.monotonic() - started:.1f} s")
    assert kills >= 10
    assert mid_transaction >= 1, "no kill landed inside a transaction; the test proved nothing"
