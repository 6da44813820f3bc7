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


class ServiceWorker(QObject):
    """Runs one service call against its own connection to the project; lives on a worker thread.

    Subclasses implement :meth:`work`; a :class:`Cancelled` from the service becomes ``cancelled``,
    anything else that goes wrong becomes one line on ``failed``.
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal(str)
    done = Signal()

    read_only = False
    description = "the work"

    def __init__(self, project_path: Path) -> None:
        super().__init__()
        self.project_path = Path(project_path)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check; safe to call from any thread."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def work(self, project: Project) -> object:
        raise NotImplementedError

    def failure_message(self, error: Exception) -> str | None:
        """The one line to show for an expected failure, or None for an unexpected one."""
        return _one_line(str(error)) if isinstance(error, ProjectError) else None

    @Slot()
    def run(self) -> None:
        try:
            with Project.open(self.project_path, read_only=self.read_only) as project:
                result = self.work(project)
        except Cancelled as exc:
            self.cancelled.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a worker must always report back, never die silently
            message = self.failure_message(exc)
            if message is None:
                log.exception("%s failed", self.description)
                message = f"{self.description} stopped because of an unexpected error ({_one_line(str(exc))})"
            self.failed.emit(message)
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()

    def report_progress(self, done: int, total: int, message: str) -> None:
        self.progress.emit(done, total, message)


class WorkerJob(QObject):
    """Runs one :class:`ServiceWorker` on its own QThread and reports the outcome on the GUI thread.

    Exactly one of ``succeeded``, ``failed`` or ``cancelled`` is emitted, then ``finished``,
    after the thread has stopped (so a handler may delete the job).
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal(str)
    finished = Signal()

    def __init__(self, worker: ServiceWorker, thread_name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.thread = QThread(self)
        self.thread.setObjectName(thread_name)
        self.worker.moveToThread(self.thread)
        self.result: object = None
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

    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        self._running = True
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel()

    def wait(self, milliseconds: int = 30_000) -> bool:
        """Block until the thread has stopped (used when a window closes mid-work)."""
        return self.thread.wait(milliseconds)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress.emit(done, total, message)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self.result = result
        self._outcome = (self.succeeded, result)

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


def _one_line(text: str) -> str:
    return " ".join(text.split())


class ImportWorker(ServiceWorker):
    """Imports files into the project at ``project_path``."""

    description = "the import"

    def __init__(
        self, project_path: Path, paths: Sequence[Path], overrides: MetadataOverrides | None = None
    ) -> None:
        super().__init__(project_path)
        self.paths = [Path(p) for p in paths]
        self.overrides = overrides

    def work(self, project: Project) -> ImportReport:
        return import_files(
            project, self.paths, self.overrides, progress=self.report_progress, cancelled=self.is_cancelled
        )


class ImportJob(WorkerJob):
    """An import on its own thread; ``report`` holds the :class:`ImportReport` once it succeeded."""

    def __init__(
        self,
        project_path: Path,
        paths: Sequence[Path],
        overrides: MetadataOverrides | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(ImportWorker(project_path, paths, overrides), "posmap-import", parent)

    @property
    def total(self) -> int:
        return len(self.worker.paths)

    @property
    def report(self) -> ImportReport | None:
        return self.result
