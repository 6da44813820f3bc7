"""Writing a PDF briefing off the GUI thread.

Like the import (:mod:`posmap.gui.workers`), the worker opens its own read-only
:class:`~posmap.store.Project` connection — SQLite connections must not cross threads — and
reports only through signals, which Qt delivers to the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from posmap.services.briefing import BriefingOptions, write_briefing
from posmap.services.progress import Cancelled
from posmap.store import Project, ProjectError

log = logging.getLogger(__name__)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class BriefingWorker(QObject):
    """Writes the briefing ``options`` describe from the project at ``project_path``; lives on a worker thread."""

    progress = Signal(int, int, str)
    succeeded = Signal(object)  # posmap.export.briefing.BriefingResult
    failed = Signal(str)
    cancelled = Signal(str)
    done = Signal()

    def __init__(self, project_path: Path, options: BriefingOptions) -> None:
        super().__init__()
        self.project_path = Path(project_path)
        self.options = options
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the export to stop at its next check; safe to call from any thread."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            with Project.open(self.project_path, read_only=True) as project:
                result = write_briefing(project, self.options, progress=self._report, cancelled=self._cancel.is_set)
        except Cancelled as exc:
            self.cancelled.emit(str(exc))
        except (ProjectError, ValueError) as exc:
            self.failed.emit(_one_line(str(exc)))
        except OSError as exc:
            self.failed.emit(f"{self.options.output.name} could not be written: {_one_line(exc.strerror or str(exc))}")
        except Exception as exc:  # noqa: BLE001 - a worker must always report back, never die silently
            log.exception("briefing worker failed")
            self.failed.emit(f"the briefing could not be written because of an unexpected error "
                             f"({_one_line(str(exc))})")
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()

    def _report(self, done: int, total: int, message: str) -> None:
        self.progress.emit(done, total, message)


class BriefingJob(QObject):
    """Runs one :class:`BriefingWorker` on its own QThread and reports the outcome on the GUI thread.

    Exactly one of ``succeeded``, ``failed`` or ``cancelled`` is emitted, then ``finished``,
    after the thread has stopped (so a handler may delete the job).
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal(str)
    finished = Signal()

    def __init__(self, project_path: Path, options: BriefingOptions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.options = options
        self.worker = BriefingWorker(project_path, options)
        self.thread = QThread(self)
        self.thread.setObjectName("posmap-briefing")
        self.worker.moveToThread(self.thread)
        self._outcome: tuple[Signal, object] | None = None
        self._running = False
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self.progress)
        # Slots of this object (not lambdas), so Qt queues the calls to the GUI thread.
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
        """Block until the thread has stopped (used when the dialog closes mid-export)."""
        return self.thread.wait(milliseconds)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
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
