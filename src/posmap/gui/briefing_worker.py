"""Writing a PDF briefing off the GUI thread.

Like the import (:mod:`posmap.gui.workers`), the worker opens its own read-only
:class:`~posmap.store.Project` connection — SQLite connections must not cross threads — and
reports only through signals, which Qt delivers to the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from posmap.gui.workers import ServiceWorker, WorkerJob
from posmap.services.briefing import BriefingOptions, write_briefing
from posmap.store import Project, ProjectError


class BriefingWorker(ServiceWorker):
    """Writes the briefing ``options`` describe from the project at ``project_path``."""

    read_only = True
    description = "the briefing"

    def __init__(self, project_path: Path, options: BriefingOptions) -> None:
        super().__init__(project_path)
        self.options = options

    def work(self, project: Project) -> object:
        return write_briefing(project, self.options, progress=self.report_progress, cancelled=self.is_cancelled)

    def failure_message(self, error: Exception) -> str | None:
        if isinstance(error, ProjectError | ValueError):
            return " ".join(str(error).split())
        if isinstance(error, OSError):
            reason = " ".join((error.strerror or str(error)).split())
            return f"{self.options.output.name} could not be written: {reason}"
        return None


class BriefingJob(WorkerJob):
    """A briefing export on its own thread."""

    def __init__(self, project_path: Path, options: BriefingOptions, parent: QObject | None = None) -> None:
        super().__init__(BriefingWorker(project_path, options), "posmap-briefing", parent)
        self.options = options
