"""Importing files from the window: on a worker thread, with progress, cancel and a summary."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QPushButton

from posmap.store import Project


def _wait_for_import(qtbot, window, timeout: int = 20_000) -> None:
    job = window.import_job
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=timeout):
        pass
    qtbot.waitUntil(lambda: window.import_job is None)


def _documents(path: Path) -> list[str]:
    with Project.open(path) as project:
        return [d.title for d in project.documents.summaries()]


def test_import_reports_the_file_that_failed_and_keeps_the_good_one(opened, filled_project, tmp_path, qtbot,
                                                                     monkeypatch):
    good = tmp_path / "briefing.txt"
    good.write_text("Norvald proposes a phased lifting of sanctions.\n", encoding="utf-8")
    bad = tmp_path / "scan.txt"
    bad.write_bytes(bytes(range(256)) * 40)  # binary content behind a .txt name
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(good), str(bad)], "")))
    opened.import_action.trigger()
    _wait_for_import(qtbot, opened)

    assert "briefing" in _documents(filled_project)
    assert len(_documents(filled_project)) == 3
    summary = opened.last_import_summary
    assert summary is not None and summary.isVisible()
    rows = summary.rows()
    assert [name for name, _ in rows] == ["scan.txt"]
    assert rows[0][1]  # the reason, in words
    assert "1 document imported" in summary.summary_label.text()
    assert "1 could not be read" in summary.summary_label.text()
    # The new document is listed and selected.
    assert opened.documents_pane.model.rowCount() == 3
    assert opened.viewer.document_id == opened.last_import_report.imported[0].document_id


def test_an_import_can_be_undone_and_redone(opened, filled_project, tmp_path, qtbot):
    files = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.md"
        path.write_text(f"# Document {name}\n\nSome text {name}.\n", encoding="utf-8")
        files.append(path)
    opened.import_paths(files)
    _wait_for_import(qtbot, opened)
    ids = [item.document_id for item in opened.last_import_report.imported]
    assert len(_documents(filled_project)) == 4
    assert opened.undo_action.text() == "&Undo Import 2 documents"

    opened.undo_action.trigger()
    assert len(_documents(filled_project)) == 2
    assert opened.documents_pane.model.rowCount() == 2
    opened.redo_action.trigger()
    with Project.open(filled_project) as project:
        assert sorted(d.id for d in project.documents.summaries())[-2:] == ids


def test_duplicates_are_listed_in_the_summary(opened, filled_project, tmp_path, qtbot):
    again = tmp_path / "statement.txt"  # the fixture imported this very file
    opened.import_paths([again])
    _wait_for_import(qtbot, opened)
    rows = opened.last_import_summary.rows()
    assert rows[0][0] == "statement.txt"
    assert "already in the project" in rows[0][1]
    assert len(_documents(filled_project)) == 2


def test_cancelling_after_the_first_file_imports_nothing(opened, filled_project, tmp_path, qtbot):
    files = []
    for index in range(5):
        path = tmp_path / f"note-{index}.txt"
        path.write_text(f"Note number {index} about the talks.\n", encoding="utf-8")
        files.append(path)
    seen: list[int] = []

    def watch(job) -> None:
        def on_progress(done: int, total: int, message: str) -> None:
            seen.append(done)
            if done >= 1:
                job.cancel()

        # Direct: runs on the worker thread, so the cancel lands before the next file.
        job.worker.progress.connect(on_progress, Qt.ConnectionType.DirectConnection)

    opened.importStarting.connect(watch)
    job = opened.import_paths(files)
    cancelled: list[str] = []
    job.cancelled.connect(cancelled.append)
    _wait_for_import(qtbot, opened)

    assert cancelled and "nothing was imported" in cancelled[0]
    assert seen[:2] == [0, 1]
    assert len(_documents(filled_project)) == 2
    assert opened.documents_pane.model.rowCount() == 2
    assert opened.session.undo_stack.count() == 0
    assert "cancelled" in opened.statusBar().currentMessage()


def test_the_cancel_button_of_the_progress_dialog_stops_the_import(opened, filled_project, tmp_path, qtbot):
    path = tmp_path / "note.txt"
    path.write_text("A note.\n", encoding="utf-8")

    def press_cancel(job) -> None:
        button = opened.import_dialog.findChild(QPushButton)
        assert button.text() == "Cancel"
        button.click()
        assert job.worker.is_cancelled()

    opened.importStarting.connect(press_cancel)
    opened.import_paths([path])
    _wait_for_import(qtbot, opened)
    assert len(_documents(filled_project)) == 2


def test_a_hundred_files_import_while_the_window_stays_responsive(opened, filled_project, tmp_path, qtbot):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for index in range(100):
        (folder / f"statement-{index:03d}.txt").write_text(
            f"Statement {index}: the delegation repeats its position on item {index % 7}.\n" * 20,
            encoding="utf-8",
        )
    ticks: list[float] = []
    progress: list[tuple[float, int]] = []
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def slow_down(job) -> None:
        # A little work per file on the worker thread, so the import takes long enough to watch.
        job.worker.progress.connect(lambda *_: time.sleep(0.004), Qt.ConnectionType.DirectConnection)
        job.progress.connect(lambda done, total, msg: progress.append((time.perf_counter(), done)))

    opened.importStarting.connect(slow_down)
    timer.start()
    started = time.perf_counter()
    opened.import_paths([folder])  # a folder contributes the files inside it
    _wait_for_import(qtbot, opened, timeout=60_000)
    finished = time.perf_counter()
    timer.stop()

    assert len(_documents(filled_project)) == 102
    assert opened.documents_pane.model.rowCount() == 102
    # Progress reached the GUI thread as the import went, not all at the end.
    assert [done for _, done in progress][-1] == 100 and len(progress) > 50
    assert progress[-1][0] - progress[0][0] > 0.2
    # The event loop kept turning: the timer ticked all through the import, never stalled long.
    during = [t for t in ticks if started <= t <= finished]
    assert len(during) >= 20
    gaps = [b - a for a, b in zip([started, *during], [*during, finished], strict=True)]
    assert max(gaps) < 0.25


def test_dropping_files_on_the_window_imports_them(opened, filled_project, tmp_path, qtbot):
    path = tmp_path / "dropped.html"
    path.write_text("<html><head><title>Dropped page</title></head><body><p>Text.</p></body></html>",
                    encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(opened.rect().center(), Qt.DropAction.CopyAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    opened.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(opened.rect().center()), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    finished: list[bool] = []
    opened.importStarting.connect(lambda job: job.finished.connect(lambda: finished.append(True)))
    opened.dropEvent(drop)  # the import starts once the drop handler has returned
    qtbot.waitUntil(lambda: bool(finished), timeout=20_000)
    assert "Dropped page" in _documents(filled_project)
    qtbot.waitUntil(lambda: opened.documents_pane.model.rowCount() == 3)


def test_dropping_a_project_file_opens_it(window, filled_project, qtbot):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(filled_project))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: window.session.project is not None)
    assert window.session.path == filled_project


def test_importing_without_a_project_explains_what_to_do(window, tmp_path, shown_errors):
    path = tmp_path / "x.txt"
    path.write_text("x\n", encoding="utf-8")
    assert window.import_paths([path]) is None
    assert "open or create a project first" in shown_errors(window)[0].lower()
