"""Long work off the GUI thread.

A worker opens its own :class:`~posmap.store.Project` connection to the file: SQLite
connections must not cross threads, and the window's connection stays free for reading
while the worker writes. Workers never touch widgets; they report through signals, which
Qt delivers to the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from posmap.services.importing import ImportReport, MetadataOverrides, import_files
from posmap.services.progress import Cancelled
from posmap.store import Project, ProjectError

log = logging.getLogger(__name__)


class ImportWorker(QObject):
    """Imports files into the project at ``project_path``; lives on a worker thread."""

    progress = Signal(int, int, str)
    succeeded = Signal(object)  # ImportReport
    failed = Signal(str)
    cancelled = Signal(str)
    done = Signal()

    def __init__(
        self, project_path: Path, paths: Sequence[Path], overrides: MetadataOverrides | None = None
    ) -> None:
        super().__init__()
        self.project_path = Path(project_path)
        self.paths = [Path(p) for p in paths]
        self.overrides = overrides
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the import to stop before its next file; safe to call from any thread."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            with Project.open(self.project_path) as project:
                report = import_files(
                    project, self.paths, self.overrides, progress=self._report, cancelled=self._cancel.is_set
                )
        except Cancelled as exc:
            self.cancelled.emit(str(exc))
        except ProjectError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a worker must always report back, never die silently
            log.exception("import worker failed")
            self.failed.emit(f"the import stopped because of an unexpected error ({exc})")
        else:
            self.succeeded.emit(report)
        finally:
            self.done.emit()

    def _report(self, done: int, total: int, message: str) -> None:
        self.progress.emit(done, total, message)


class ImportJob(QObject):
    """Runs one :class:`ImportWorker` on its own QThread and reports the outcome on the GUI thread.

    Exactly one of ``succeeded``, ``failed`` or ``cancelled`` is emitted, then ``finished``,
    after the thread has stopped.
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal(str)
    finished = Signal()

    def __init__(
        self,
        project_path: Path,
        paths: Sequence[Path],
        overrides: MetadataOverrides | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = ImportWorker(project_path, paths, overrides)
        self.thread = QThread(self)
        self.thread.setObjectName("posmap-import")
        self.worker.moveToThread(self.thread)
        self.report: ImportReport | None = None
        self._outcome: tuple[Signal, object] | None = None
        self._running = False
        self.thread.started.connect(self.worker.run)
        # Every worker signal goes to a slot of this object, so Qt delivers them in order on the GUI thread.
        self.worker.progress.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.done.connect(self.thread.quit)
        self.thread.finished.connect(self._on_thread_finished)

    @property
    def total(self) -> int:
        return len(self.worker.paths)

    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        self._running = True
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel()

    def wait(self, milliseconds: int = 30_000) -> bool:
        """Block until the thread has stopped (used when the window closes mid-import)."""
        return self.thread.wait(milliseconds)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress.emit(done, total, message)

    @Slot(object)
    def _on_succeeded(self, report: ImportReport) -> None:
        self.report = report
        self._outcome = (self.succeeded, report)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._outcome = (self.failed, message)

    @Slot(str)
    def _on_cancelled(self, message: str) -> None:
        self._outcome = (self.cancelled, message)

    @Slot()
    def _on_thread_finished(self) -> None:
        self._running = False
        if self._outcome is not None:
            signal, value = self._outcome
            signal.emit(value)
        self.worker.deleteLater()
        self.finished.emit()
