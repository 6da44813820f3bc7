"""Fixtures for GUI tests: isolated QSettings, a project with content, and the main window.

PySide6 is imported at module level on purpose: a missing or broken Qt must fail the suite
loudly, never skip the GUI tests.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import PySide6  # noqa: F401 - fail loudly when Qt is missing
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from posmap.gui.app import configure_application
from posmap.model import Actor, Issue, Scale
from posmap.services.coding import CodingRequest, code_quote
from posmap.services.importing import import_files
from posmap.store import Project

STATEMENT = (
    "The government of Valdoria will never accept a ceasefire that freezes the front line. "
    "Kestria insists on a ceasefire before any talks begin. "
    "Both sides support a prisoner exchange."
)


@pytest.fixture(autouse=True)
def isolated_settings(qapp: QApplication, tmp_path: Path) -> Iterator[Path]:
    """Point QSettings at a temporary folder so tests never touch the user's settings."""
    folder = tmp_path / "settings"
    folder.mkdir()
    configure_application(qapp)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def no_unexpected_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal question nobody answers would hang the suite: answer No and fail the test instead."""

    def question(parent, title, text, *args, **kwargs):
        pytest.fail(f"unexpected question: {text}", pytrace=False)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


def _write_sources(folder: Path) -> tuple[Path, Path]:
    first = folder / "statement.txt"
    first.write_text(STATEMENT + "\n", encoding="utf-8")
    second = folder / "interview.md"
    second.write_text("# Interview\n\nValdoria supports a prisoner exchange, says the minister.\n", encoding="utf-8")
    return first, second


@pytest.fixture(scope="session")
def filled_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per run; each test gets its own copy through :func:`filled_project`."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "talks.posmap"
    first, second = _write_sources(folder)
    with Project.create(path, title="Peace talks") as project:
        project.actors.add(Actor(name="Valdoria", color="#4C72B0"))
        project.actors.add(Actor(name="Kestria", color="#DD8452"))
        project.actors.add(Actor(name="Kestrian Federation", color="#55A868"))
        project.issues.add(Issue(name="Ceasefire", proposition="A ceasefire should come first."))
        project.issues.add(Issue(name="Prisoners", scale=Scale.from_labels("no exchange;partial;full exchange")))
        report = import_files(project, [first, second])
        doc_id = report.imported[0].document_id
        code_quote(project, doc_id, "will never accept a ceasefire",
                   CodingRequest(actor="Valdoria", issue="Ceasefire", position=-2))
        code_quote(project, doc_id, "insists on a ceasefire before any talks",
                   CodingRequest(actor="Kestria", issue="Ceasefire", position=2))
        code_quote(project, doc_id, "Both sides support a prisoner exchange",
                   CodingRequest(actor="Kestria", issue="Prisoners", position="full exchange"))
        code_quote(project, report.imported[1].document_id, "Valdoria supports a prisoner exchange",
                   CodingRequest(actor="Valdoria", issue="Prisoners", position=2))
    return path


@pytest.fixture
def filled_project(filled_template: Path, tmp_path: Path) -> Path:
    """A project with two documents, three actors, two issues and four codings (its sources lie beside it)."""
    path = tmp_path / "talks.posmap"
    shutil.copyfile(filled_template, path)
    _write_sources(tmp_path)
    return path


@pytest.fixture
def window(qtbot):
    """The main window with no project open."""
    from posmap.gui.main_window import MainWindow

    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    yield main
    if main.import_job is not None:  # a test that failed mid-import: stop it before the window closes
        main.import_job.cancel()
        main.import_job.wait()
        qtbot.waitUntil(lambda: main.import_job is None, timeout=5000)


@pytest.fixture
def opened(window, filled_project: Path):
    """The main window with ``filled_project`` open."""
    assert window.open_project(filled_project)
    return window


@pytest.fixture
def answer_yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Accept every confirmation question; returns the questions asked."""
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


@pytest.fixture
def answer_no(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


@pytest.fixture
def shown_errors():
    """A function listing the error messages :func:`posmap.gui.dialogs.show_error` shows on a widget."""

    def find(widget) -> list[str]:
        return [box.text() for box in widget.findChildren(QMessageBox, "errorMessage") if box.isVisible()]

    return find
