"""The benchmarked operations. Each runs in its own subprocess (``python -m bench op NAME``) so that its
peak memory (``ru_maxrss``) is its own, and returns one or more :class:`Row` for the results table.

Timings are medians of several runs (:data:`SLOW_RUNS` for long operations, :data:`FAST_RUNS` for short
ones); nothing here asserts a time. GUI operations use the real :class:`~posmap.gui.main_window.MainWindow`
on Qt's ``offscreen`` platform with QSettings in a scratch folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpus import REVIEWER, Corpus

SLOW_RUNS = 3
FAST_RUNS = 7


@dataclass
class Row:
    """One line of the results table."""

    operation: str
    seconds: float | None
    """The median (or the single figure for a one-off measurement); None for a memory-only row."""
    runs: int
    target: str = ""
    limit: float | None = None
    """Target in seconds, when the target is a time."""
    ratio: float | None = None
    ratio_limit: float | None = None
    baseline: str = ""
    """What the ratio divides by, e.g. "bare extractors 9.1 s"."""
    peak_mb: float | None = None
    memory_limit_mb: float | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)
    condition: bool | None = None
    """A yes-or-no part of the target that is not a number (e.g. "no document text read")."""

    @property
    def met(self) -> bool | None:
        checks = [] if self.condition is None else [self.condition]
        if self.limit is not None and self.seconds is not None:
            checks.append(self.seconds <= self.limit)
        if self.ratio_limit is not None and self.ratio is not None:
            checks.append(self.ratio <= self.ratio_limit)
        if self.memory_limit_mb is not None and self.peak_mb is not None:
            checks.append(self.peak_mb <= self.memory_limit_mb)
        return all(checks) if checks else None


def measure(action: Callable[[], object], runs: int, *, before: Callable[[], object] | None = None) -> list[float]:
    """Seconds taken by ``action`` in each of ``runs`` runs (``before`` runs untimed ahead of each)."""
    timings = []
    for _ in range(runs):
        if before is not None:
            before()
        began = time.perf_counter()
        action()
        timings.append(time.perf_counter() - began)
    return timings


def median(values: list[float]) -> float:
    return statistics.median(values)


@dataclass
class Context:
    corpus: Corpus
    runs: int | None
    """Overrides the number of runs of every operation (e.g. 1 for a smoke test)."""
    scratch: Path
    profile: Path | None = None
    """When set, the timed part of the operation's first run is profiled with pyinstrument into this file
    (that run's time then includes the profiler's overhead)."""

    def runs_for(self, default: int) -> int:
        return self.runs if self.runs is not None else default


@contextlib.contextmanager
def profiled(context: Context, label: str) -> Iterator[None]:
    """Profile the block with pyinstrument when ``--profile`` was given (once per operation)."""
    if context.profile is None or context.profile.exists():
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        context.profile.parent.mkdir(parents=True, exist_ok=True)
        context.profile.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
        context.profile.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
        print(f"profile of {label} written to {context.profile}")


def _profile_first(context: Context, label: str, action: Callable[[], object]) -> Callable[[], object]:
    """``action``, profiled the first time it runs (when profiling)."""
    state = {"first": True}

    def run() -> object:
        if state["first"]:
            state["first"] = False
            with profiled(context, label):
                return action()
        return action()

    return run


# == importing ===========================================================================================


def bare_extract(path: Path) -> str:
    """What the extraction libraries alone do with a file, without posmap around them."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        data = path.read_bytes()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            return str(from_bytes(data).best())
    if suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        return BeautifulSoup(path.read_bytes(), "lxml").get_text()
    if suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        parts = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            parts.extend(cell.text for row in table.rows for cell in row.cells)
        return "\n".join(parts)
    if suffix == ".pdf":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(path)
        try:
            texts = []
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                texts.append(textpage.get_text_range())
                textpage.close()
                page.close()
            return "\n".join(texts)
        finally:
            document.close()
    raise ValueError(f"no bare extractor for {path.name}")


def _import_rows(context: Context, paths: list[Path], label: str, target_seconds: float | None,
                 ratio_limit: float, baseline_name: str) -> list[Row]:
    from posmap.services.importing import import_files
    from posmap.store import Project

    runs = context.runs_for(SLOW_RUNS)
    target = context.scratch / "import.posmap"

    def fresh() -> None:
        target.unlink(missing_ok=True)

    def run_import() -> None:
        with Project.create(target) as project:
            report = import_files(project, paths)
        if report.failures or len(report.imported) != len(paths):
            raise RuntimeError(f"import failed: {report.failures[:3]}")

    # Import and bare extraction alternate, so a change in the machine's load touches both alike.
    timings: list[float] = []
    bare: list[float] = []
    profiled_import = _profile_first(context, label, run_import)
    for _ in range(runs):
        fresh()
        timings += measure(profiled_import, 1)
        bare += measure(lambda: [bare_extract(p) for p in paths], 1)
    fresh()
    seconds, bare_seconds = median(timings), median(bare)
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    target_text = f"< {target_seconds:g} s, ≤ {ratio_limit}× bare" if target_seconds else f"≤ {ratio_limit}× bare"
    return [Row(label, seconds, runs, target_text, target_seconds, seconds / bare_seconds, ratio_limit,
                f"{baseline_name} {bare_seconds:.2f} s", note=f"{len(paths)} files, {megabytes:.0f} MB",
                samples=timings)]


def op_import_text(context: Context) -> list[Row]:
    paths = context.corpus.text_like
    return _import_rows(context, paths, f"import {len(paths):,} text/HTML/DOCX documents", 20.0, 1.5,
                        "bare extractors")


def op_import_pdf(context: Context) -> list[Row]:
    paths = context.corpus.pdfs
    return _import_rows(context, paths, f"import {len(paths):,} PDFs", None, 1.3, "bare pypdfium2")


# == non-GUI reads ============================================================================================


SEARCH_QUERIES = (
    ("ceasefire", "common word"),
    ("rapprochement", "rare word"),
    ('"security guarantees"', "phrase"),
    ("aydinlik", "folded Turkish ı"),
    ("negot", "prefix"),
)
SEARCH_PAGE = 50


def op_search(context: Context) -> list[Row]:
    from posmap.services.search import search_corpus
    from posmap.store import Project

    runs = context.runs_for(FAST_RUNS)
    rows = []
    with Project.open(context.corpus.project, read_only=True) as project:
        for query, kind in SEARCH_QUERIES:
            found: list = []

            def search(query: str = query, found: list = found) -> None:
                found[:] = search_corpus(project, query, limit=SEARCH_PAGE, context=70, per_document=100)

            timings = measure(_profile_first(context, f"search {query}", search), runs)
            documents = len({hit.document_id for hit in found})
            rows.append(Row(f"search {query} ({kind}): first {SEARCH_PAGE} hits with context", median(timings),
                            runs, "< 100 ms", 0.1, note=f"{len(found)} hits in {documents} documents",
                            samples=timings))

    # What the search pane does: its worker opens its own read-only connection and asks for 500 hits.
    def pane_search() -> None:
        with Project.open(context.corpus.project, read_only=True) as project:
            search_corpus(project, "ceasefire", limit=500, context=70, per_document=100)

    timings = measure(pane_search, runs)
    rows.append(Row("search pane worker: open read-only + 500 hits for ceasefire", median(timings), runs,
                    note="what the GUI's search pane runs per search", samples=timings))
    return rows


def op_matrix(context: Context) -> list[Row]:
    import sqlite3

    from posmap.analysis import matrix_report
    from posmap.services.matrix import build_matrix, catalogue_of
    from posmap.store import CodingFilter, Project

    runs = context.runs_for(FAST_RUNS)
    with Project.open(context.corpus.project, read_only=True) as project:
        count = project.codings.count()
        timings = measure(_profile_first(context, "build_matrix", lambda: build_matrix(project)), runs)
        points = project.codings.points()
        catalogue = catalogue_of(project)
        analysis = measure(lambda: matrix_report(points, catalogue), runs)
        reading = measure(lambda: project.codings.points(), runs)
        with_evidence = measure(lambda: build_matrix(project, evidence=True), runs)
        largest = max((stats for _, _, stats in build_matrix(project).matrix.non_empty()), key=lambda s: s.count)
        cell = measure(lambda: project.codings.records(CodingFilter(coding_ids=largest.coding_ids)), runs)
    uri = f"{context.corpus.project.resolve().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True)
    try:
        group_by = measure(lambda: connection.execute(
            "SELECT actor_id, issue_id, count(*), avg(position), min(position), max(position) "
            "FROM codings GROUP BY actor_id, issue_id").fetchall(), runs)
    finally:
        connection.close()
    seconds, bare = median(timings), median(group_by)
    return [
        Row(f"position matrix over {count:,} codings (read + compute)", seconds, runs, "< 300 ms, ≤ 3× GROUP BY",
            0.3, seconds / bare, 3.0, f"SQL GROUP BY {bare * 1000:.0f} ms", samples=timings,
            note="build_matrix(): catalogue, every coding's point from the file, matrix report"),
        Row("  of which: reading the codings' points", median(reading), runs, samples=reading,
            note="CodingRepository.points()"),
        Row("  of which: in-memory analysis (matrix_report)", median(analysis), runs, samples=analysis),
        Row("  listing the largest cell's evidence (full records)", median(cell), runs, samples=cell,
            note=f"{largest.count:,} codings: what clicking the cell reads"),
        Row("  the same matrix with every coding's full record (as exports read it)", median(with_evidence), runs,
            samples=with_evidence, note="build_matrix(evidence=True)"),
    ]


def op_briefing(context: Context) -> list[Row]:
    from posmap.services.briefing import BriefingOptions, write_briefing
    from posmap.store import CodingFilter, Project

    runs = context.runs_for(SLOW_RUNS)
    output = context.scratch / "briefing.pdf"
    results: list = []
    with Project.open(context.corpus.project, read_only=True) as project:
        options = BriefingOptions(output=output, title="Benchmark briefing", marking="RESTRICTED",
                                  coding_filter=CodingFilter(coders=(REVIEWER,)), max_quotes=10_000)

        def write() -> None:
            output.unlink(missing_ok=True)
            results.append(write_briefing(project, options))

        timings = measure(_profile_first(context, "briefing", write), runs)
    result = results[-1]
    size = output.stat().st_size / 1e6
    return [Row(f"briefing PDF with {result.quotes:,} quotes", median(timings), runs, "< 10 s", 10.0,
                note=f"{size:.1f} MB PDF", samples=timings)]


def op_open_store(context: Context) -> list[Row]:
    """The non-GUI part of opening: what the store does before any widget is filled."""
    from posmap.store import Project
    from posmap.store import project as project_module

    runs = context.runs_for(FAST_RUNS)
    path = context.corpus.project

    def forget_checks() -> None:
        # As in a freshly started process: the content rules have not yet passed for this file.
        project_module._CONTENT_CHECKED.clear()

    def open_and_list() -> None:
        with Project.open(path) as project:
            project.documents.summaries()
            project.actors.all()
            project.issues.all()
            project.actors.coding_counts()
            project.issues.coding_counts()

    timings = measure(_profile_first(context, "open (store)", open_and_list), runs, before=forget_checks)
    first = measure(lambda: Project.open(path).close(), runs, before=forget_checks)
    again = measure(lambda: Project.open(path, read_only=True).close(), runs)
    return [
        Row("open the project file (store: checks + lists)", median(timings), runs, samples=timings,
            note="Project.open, document summaries, codebook, coding counts"),
        Row("  of which: Project.open (identity, structure and content checks)", median(first), runs,
            samples=first),
        Row("  opening it again in the same process (e.g. a search worker)", median(again), runs, samples=again,
            note="content checks remembered for an unchanged file"),
    ]


# == GUI ==========================================================================================================


def _quiet_qt(mode, context, message: str) -> None:
    # The offscreen platform warns about window features it lacks; those lines are noise here.
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


class Gui:
    """A QApplication and the real main window, offscreen, with settings in the scratch folder."""

    def __init__(self, context: Context) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QSettings, qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        from posmap.gui.app import configure_application

        qInstallMessageHandler(_quiet_qt)
        self.app = QApplication.instance() or QApplication(["posmap-bench"])
        configure_application(self.app)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(context.scratch / "settings"))
        from posmap.gui.main_window import MainWindow

        self.window = MainWindow()
        self.window.resize(1400, 900)
        self.window.show()
        self.settle()

    def settle(self, seconds: float = 0.05) -> None:
        """Let posted events and short timers run, and delete what was left for deletion (as the event loop does)."""
        from PySide6.QtCore import QCoreApplication, QEvent

        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self.app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def wait_until(self, condition: Callable[[], bool], timeout: float = 120.0) -> None:
        end = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > end:
                raise TimeoutError("the window did not reach the expected state")
            self.app.processEvents()

    def filled(self, documents: int) -> bool:
        window = self.window
        return (window.documents_pane.model.rowCount() == documents
                and window.codebook_pane.actors.model.rowCount() > 0
                and window.codebook_pane.issues.model.rowCount() > 0)

    def open(self, path: Path, documents: int) -> None:
        if not self.window.open_project(path):
            raise RuntimeError(f"the window could not open {path}")
        self.wait_until(lambda: self.filled(documents))
        self.app.processEvents()
        self.window.repaint()


def _working_copy(context: Context) -> Path:
    copy = context.scratch / "working.posmap"
    shutil.copyfile(context.corpus.project, copy)
    return copy


def _document_count(path: Path) -> int:
    from posmap.store import Project

    with Project.open(path, read_only=True) as project:
        return project.documents.count()


def _count_text_reads() -> dict[str, int]:
    """Count, from now on, the document texts the store reads (calls and SQL that select a text)."""
    import posmap.store.project as store_project
    from posmap.store.documents import DocumentRepository

    counts = {"calls": 0, "statements": 0}
    original_text, original_connect = DocumentRepository.text, store_project._connect
    selects_text = re.compile(r"SELECT\s+(?:\w+\.)?text\b[^;]*\bFROM\s+document_texts", re.IGNORECASE)

    def counting_text(self, document_id: int) -> str:
        counts["calls"] += 1
        return original_text(self, document_id)

    def traced_connect(path: Path, *, read_only: bool):
        connection = original_connect(path, read_only=read_only)

        def trace(statement: str) -> None:
            if selects_text.search(statement):
                counts["statements"] += 1

        connection.set_trace_callback(trace)
        return connection

    DocumentRepository.text = counting_text  # type: ignore[method-assign]
    store_project._connect = traced_connect
    return counts


def op_gui_open(context: Context) -> list[Row]:
    """Open the project in a freshly started GUI process, several times (one process per run).

    The first run also makes the safety copy that opening for writing keeps (at most hourly);
    the others find it recent, as a user reopening the project would.
    """
    runs = context.runs_for(FAST_RUNS)
    path = _working_copy(context)
    env = {"BENCH_PROJECT": str(path), "BENCH_BACKUPS": str(context.scratch / "backups")}
    results = [run_child("gui_open_once", context, env, profile=context.profile if n == 0 else None)
               for n in range(runs)]
    rows = [Row(**result["rows"][0]) for result in results]
    timings = [row.seconds for row in rows]
    later = timings[1:] or timings
    documents = len(context.corpus.files)
    peak = max(result["peak_mb"] for result in results)
    notes = sorted({row.note for row in rows})
    no_text_read = all(row.condition for row in rows)
    return [
        Row(f"open the project in the GUI: {documents:,} documents listed, codebook filled", median(later),
            len(later), "< 1 s, no text read", 1.0, note="; ".join(notes), samples=later, peak_mb=peak,
            condition=no_text_read),
        Row("  first open, which also makes the hourly safety copy", timings[0], 1, "< 1 s", 1.0, peak_mb=peak,
            samples=timings[:1], note="store/backups.py: a copy of the whole file"),
    ]


def op_gui_open_once(context: Context) -> list[Row]:
    path = Path(os.environ["BENCH_PROJECT"])
    documents = len(context.corpus.files)
    gui = Gui(context)
    counts = _count_text_reads()
    began = time.perf_counter()
    with profiled(context, "open in the GUI"):
        gui.open(path, documents)
    seconds = time.perf_counter() - began
    return [Row("open once", seconds, 1, samples=[seconds], condition=not (counts["calls"] or counts["statements"]),
                note=f"document texts read: {counts['calls']} calls, {counts['statements']} SQL statements")]


def run_child(name: str, context: Context, env: dict[str, str], profile: Path | None = None) -> dict:
    """Run the operation ``name`` in a new process and return what it reports."""
    import json
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        output = Path(handle.name)
    command = [sys.executable, "-m", "bench", "op", name, "--size", context.corpus.size,
               "--seed", str(context.corpus.seed), "--json", str(output)]
    if profile is not None:
        command += ["--profile", str(profile)]
    try:
        subprocess.run(command, check=True, env={**os.environ, **env}, cwd=Path(__file__).resolve().parent.parent)
        return json.loads(output.read_text(encoding="utf-8"))
    finally:
        output.unlink(missing_ok=True)


def _other_document(corpus: Corpus) -> int:
    return corpus.big_document_id + 1


def op_gui_viewer(context: Context) -> list[Row]:
    runs = context.runs_for(FAST_RUNS)
    corpus = context.corpus
    path = _working_copy(context)
    gui = Gui(context)
    gui.open(path, _document_count(path))
    window, viewer = gui.window, gui.window.viewer
    big = corpus.big_document_id

    def show_other() -> None:
        window.show_document(_other_document(corpus))
        gui.settle()

    def show_big() -> None:
        window.show_document(big)
        gui.app.processEvents()
        viewer.text_view.viewport().repaint()

    timings = measure(_profile_first(context, "show the big document", show_big), runs, before=show_other)
    index = viewer._index
    highlights = index.coding_count if index is not None else 0
    characters = len(viewer._text)
    gui.settle(0.5)

    bar = viewer.text_view.verticalScrollBar()
    steps = []
    bar.setValue(0)
    for _ in range(60):
        began = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        viewer.text_view.viewport().repaint()
        steps.append(time.perf_counter() - began)
    jumps = []
    import random

    rng = random.Random(7)
    for _ in range(30):
        began = time.perf_counter()
        bar.setValue(rng.randrange(bar.maximum() + 1))
        viewer.text_view.viewport().repaint()
        jumps.append(time.perf_counter() - began)
    p95 = sorted(steps)[int(len(steps) * 0.95) - 1]
    jump95 = sorted(jumps)[int(len(jumps) * 0.95) - 1]
    return [
        Row(f"open a {characters / 1e6:.1f} MB document with {highlights:,} highlights in the viewer",
            median(timings), runs, "< 0.5 s", 0.5, samples=timings,
            note="MainWindow.show_document + first paint (codings pane included)"),
        Row("  scrolling one page (95th percentile of 60 steps)", p95, len(steps), "smooth (< 16 ms a frame)",
            1 / 60, note=f"median {median(steps) * 1000:.1f} ms", samples=steps),
        Row("  jumping to a random place (95th percentile of 30 jumps)", jump95, len(jumps),
            "smooth (< 16 ms a frame)", 1 / 60, note=f"median {median(jumps) * 1000:.1f} ms", samples=jumps),
    ]


_SENTENCE = re.compile(r"[^\s.][^.\n]*\.")


def op_gui_coding(context: Context) -> list[Row]:
    from posmap.gui.commands.codings import AddCodingCommand
    from posmap.model import Coding, Passage

    runs = context.runs_for(FAST_RUNS)
    corpus = context.corpus
    path = _working_copy(context)
    gui = Gui(context)
    gui.open(path, _document_count(path))
    window, viewer, session = gui.window, gui.window.viewer, gui.window.session
    window.show_document(corpus.big_document_id)
    gui.settle(0.3)
    project = session.require()
    text = project.documents.text(corpus.big_document_id)
    taken = {(start, end) for _, _, start, end, _ in project.codings.spans(corpus.big_document_id)}
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text[:20_000]) if (m.start(), m.end()) not in taken]
    actor = project.actors.all()[0].id
    issue = project.issues.all()[0]
    shown, settled = [], []
    for number in range(runs):
        start, end = spans[number]
        command = AddCodingCommand(
            session, Passage(document_id=corpus.big_document_id, start=start, end=end, quote=text[start:end]),
            Coding(actor_id=actor, issue_id=issue.id, position=issue.scale.points[0].value, coder="bench"))

        def code(command: AddCodingCommand = command, start: int = start) -> None:
            # The viewer refreshes its highlights when the command emits codingsChanged, inside push.
            if not session.push(command):
                raise RuntimeError(command.error)
            if command.coding_id not in viewer.coding_ids_at(start):
                raise RuntimeError("the new highlight is not in the viewer")
            viewer.text_view.viewport().repaint()

        began = time.perf_counter()
        with profiled(context, "code a passage") if number == 0 else contextlib.nullcontext():
            code()
        shown.append(time.perf_counter() - began)
        # The Codings pane refreshes on a short timer; count until it lists the new coding.
        gui.wait_until(lambda command=command: window.codings_pane.model.row_of(command.coding_id) is not None)
        settled.append(time.perf_counter() - began)
        gui.settle(0.1)
    return [
        Row("code a passage in the GUI (push to highlight painted)", median(shown), runs, "< 50 ms", 0.05,
            note=f"AddCodingCommand on the longest document ({len(text) / 1e6:.1f} MB), as the coding popup "
                 "pushes it", samples=shown),
        Row("  until every pane shows it (Codings pane's 0 ms timer included)", median(settled), runs,
            samples=settled),
    ]


def op_gui_memory(context: Context) -> list[Row]:
    """A working session on the large project: open, read the big document, search, look at the matrix."""
    corpus = context.corpus
    path = _working_copy(context)
    gui = Gui(context)
    began = time.perf_counter()
    gui.open(path, _document_count(path))
    window = gui.window
    window.show_document(corpus.big_document_id)
    gui.settle(0.3)
    bar = window.viewer.text_view.verticalScrollBar()
    while bar.value() < bar.maximum():
        bar.setValue(bar.value() + bar.pageStep() * 10)
        window.viewer.text_view.viewport().repaint()
    window.show_search()
    finished: list[int] = []
    window.search_pane.searchFinished.connect(finished.append)
    window.search_pane.search("ceasefire")
    gui.wait_until(lambda: bool(finished))
    window.show_matrix()
    gui.wait_until(lambda: window.matrix_view._report is not None, timeout=300)
    gui.settle(0.3)
    seconds = time.perf_counter() - began
    return [Row(f"peak memory with the {corpus.size} project open in the GUI", None, 1, "< 400 MB",
                memory_limit_mb=400, note=f"open, read the longest document, search, position matrix "
                f"({seconds:.1f} s session)")]


OPERATIONS: dict[str, Callable[[Context], list[Row]]] = {
    "import_text": op_import_text,
    "import_pdf": op_import_pdf,
    "open_store": op_open_store,
    "gui_open": op_gui_open,
    "gui_viewer": op_gui_viewer,
    "search": op_search,
    "matrix": op_matrix,
    "briefing": op_briefing,
    "gui_coding": op_gui_coding,
    "gui_memory": op_gui_memory,
}
"""Every operation, in the order of the results table."""

INTERNAL_OPERATIONS: dict[str, Callable[[Context], list[Row]]] = {"gui_open_once": op_gui_open_once}
"""Operations other operations run in a process of their own."""
