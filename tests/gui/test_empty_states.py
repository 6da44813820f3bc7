"""Every pane says what to do when it has nothing to show, and gets out of the way once it has."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFileDialog

from posmap.gui.empty_hint import EmptyHint, hint_colour
from posmap.model import Actor, Issue
from posmap.services.coding import CodingRequest, code_quote
from posmap.services.importing import import_files

START_HINT = "Type words to search all documents; put a phrase in quotes."
MATRIX_INTRO = "The matrix fills in as you code passages: each cell shows an actor's position on an issue."
NO_CODINGS_HERE = "No codings in this document yet. Select text in the viewer and press Enter to code it."


@pytest.fixture
def empty(window, tmp_path: Path):
    """The main window with a new, empty project open."""
    assert window.new_project(tmp_path / "empty.posmap", title="Empty")
    return window


def shown_hint(hint: EmptyHint) -> str:
    """The hint's text when it is visible, "" when it is hidden."""
    return hint.text() if hint.isVisible() else ""


def covers(hint: EmptyHint, view) -> bool:
    """The hint lies over the whole view, inside its frame."""
    frame = view.frameWidth()
    return hint.geometry() == view.geometry().adjusted(frame, frame, -frame, -frame)


def add_document(window, tmp_path: Path, text: str = "Valdoria wants a ceasefire now.") -> int:
    source = tmp_path / "note.txt"
    source.write_text(text + "\n", encoding="utf-8")
    report = import_files(window.session.project, [source])
    window.session.documentsChanged.emit()
    return report.imported[0].document_id


def add_coding(window, document_id: int, quote: str = "wants a ceasefire") -> None:
    project = window.session.project
    if not project.actors.all():
        project.actors.add(Actor(name="Valdoria"))
        project.issues.add(Issue(name="Ceasefire"))
        window.session.codebookChanged.emit()
    code_quote(project, document_id, quote, CodingRequest(actor="Valdoria", issue="Ceasefire", position=2))
    window.session.codingsChanged.emit([document_id])


# -- documents ----------------------------------------------------------------------------------------


def test_documents_pane_offers_an_import_button_that_imports(qtbot, empty, tmp_path, monkeypatch) -> None:
    pane = empty.documents_pane
    assert pane.empty_label.isVisible() and "No documents yet" in pane.empty_label.text()
    assert pane.empty_import_button.isVisible() and pane.empty_import_button.isEnabled()
    assert not pane.table.isVisible()

    source = tmp_path / "briefing.txt"
    source.write_text("Norvald proposes a phased lifting of sanctions.\n", encoding="utf-8")
    asked: list[str] = []

    def choose(*args, **kwargs):
        asked.append("asked")
        return [str(source)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(choose))
    qtbot.mouseClick(pane.empty_import_button, Qt.MouseButton.LeftButton)
    assert asked == ["asked"]  # the window's own import, with its file dialog
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=20_000)
    qtbot.waitUntil(lambda: empty.import_job is None, timeout=20_000)
    assert pane.model.document(0).title == "briefing"
    assert pane.table.isVisible()
    assert not pane.empty_label.isVisible() and not pane.empty_import_button.isVisible()


def test_documents_pane_without_a_project_has_no_import_button(window) -> None:
    window.documents_dock.show()
    pane = window.documents_pane
    assert pane.empty_label.text() == "No project is open."
    assert not pane.empty_import_button.isVisible()


# -- codings ------------------------------------------------------------------------------------------


def test_codings_pane_hints_follow_the_document_the_scope_and_the_filter(qtbot, empty, tmp_path) -> None:
    pane = empty.codings_pane
    empty.codings_dock.show()
    empty.codings_dock.raise_()
    qtbot.waitUntil(lambda: shown_hint(pane.empty_hint) == "Select a document to see its codings.")

    document_id = add_document(empty, tmp_path)
    empty.show_document(document_id)
    qtbot.waitUntil(lambda: pane.document_id == document_id)
    qtbot.waitUntil(lambda: shown_hint(pane.empty_hint) == NO_CODINGS_HERE)
    assert covers(pane.empty_hint, pane.table)  # covers the whole empty table

    pane.set_whole_project(True)
    assert shown_hint(pane.empty_hint) == "No codings in the project yet."
    pane.set_whole_project(False)
    assert shown_hint(pane.empty_hint) == NO_CODINGS_HERE

    add_coding(empty, document_id)
    qtbot.waitUntil(lambda: pane.proxy.rowCount() == 1)
    assert shown_hint(pane.empty_hint) == ""

    pane.filter_field.setText("zeppelin")
    assert pane.proxy.rowCount() == 0
    assert shown_hint(pane.empty_hint) == "No coding matches the filter."
    pane.filter_field.clear()
    assert shown_hint(pane.empty_hint) == ""


def test_codings_pane_hint_disappears_in_a_project_with_codings(qtbot, opened) -> None:
    pane = opened.codings_pane
    opened.codings_dock.show()
    opened.codings_dock.raise_()
    pane.set_whole_project(True)
    qtbot.waitUntil(lambda: pane.proxy.rowCount() == 4)
    assert shown_hint(pane.empty_hint) == ""
    opened.session.close()
    qtbot.waitUntil(lambda: shown_hint(pane.empty_hint) == "No project is open.")


# -- search -------------------------------------------------------------------------------------------


def run_search(qtbot, pane, query: str) -> int:
    pane.field.setText(query)
    with qtbot.waitSignal(pane.searchFinished, timeout=10_000) as finished:
        qtbot.keyClick(pane.field, Qt.Key.Key_Return)
    return finished.args[0]


def test_search_pane_hints_before_a_search_and_when_nothing_is_found(qtbot, opened) -> None:
    pane = opened.search_pane
    opened.search_dock.show()
    opened.search_dock.raise_()
    qtbot.waitUntil(lambda: pane.isVisible())
    assert shown_hint(pane.empty_hint) == START_HINT

    assert run_search(qtbot, pane, "zeppelin") == 0
    assert shown_hint(pane.empty_hint) == "Nothing found for “zeppelin”."

    assert run_search(qtbot, pane, "ceasefire") > 0
    assert shown_hint(pane.empty_hint) == ""

    assert run_search(qtbot, pane, "  ") == 0
    assert shown_hint(pane.empty_hint) == START_HINT


def test_search_pane_nothing_found_is_searched_again_when_documents_arrive(qtbot, empty, tmp_path) -> None:
    pane = empty.search_pane
    empty.search_dock.show()
    empty.search_dock.raise_()
    assert run_search(qtbot, pane, "ceasefire") == 0
    assert shown_hint(pane.empty_hint) == "Nothing found for “ceasefire”."
    with qtbot.waitSignal(pane.searchFinished, timeout=10_000) as finished:
        add_document(empty, tmp_path)
    assert finished.args == [1]
    assert shown_hint(pane.empty_hint) == ""


# -- matrix -------------------------------------------------------------------------------------------


def show_matrix(qtbot, window):
    view = window.matrix_view
    with qtbot.waitSignal(view.matrixReady, timeout=10_000):
        window.matrix_dock.show()
        window.matrix_dock.raise_()
    return view


def test_matrix_explains_itself_until_there_are_codings(qtbot, empty, tmp_path) -> None:
    view = show_matrix(qtbot, empty)
    assert shown_hint(view.empty_hint) == MATRIX_INTRO
    assert covers(view.empty_hint, view.table)  # instead of the empty grid, headers included
    assert view.empty_hint.parentWidget() is view.table.parentWidget()

    document_id = add_document(empty, tmp_path)
    with qtbot.waitSignal(view.matrixReady, timeout=10_000):
        add_coding(empty, document_id)
    assert view.report is not None and view.report.matrix.non_empty()
    assert shown_hint(view.empty_hint) == ""


def test_matrix_says_when_the_filters_leave_nothing(qtbot, opened) -> None:
    view = show_matrix(qtbot, opened)
    assert shown_hint(view.empty_hint) == ""

    view.filters.kind_button.set_all_checked(False)  # no coding kind ticked: filter_problem() says why
    view.recompute()
    assert view.filter_problem()
    assert shown_hint(view.empty_hint) == "No coding matches the filters."

    view.clear_filters()
    assert shown_hint(view.empty_hint) == ""

    view.filters.until_check.setChecked(True)  # a date range that selects no coding at all
    view.filters.until_edit.setDate(view.filters.until_edit.minimumDate())
    view.recompute()
    assert view.report is not None and not view.report.records
    assert shown_hint(view.empty_hint) == "No coding matches the filters."


# -- the hint itself ----------------------------------------------------------------------------------


def test_the_hint_uses_the_palette_placeholder_colour_and_follows_palette_changes(qtbot, empty) -> None:
    hint = empty.codings_pane.empty_hint
    table = empty.codings_pane.table
    assert hint.wordWrap() and hint.alignment() & Qt.AlignmentFlag.AlignHCenter
    assert hint.foregroundRole() == QPalette.ColorRole.WindowText  # the role the colour is set on
    assert hint.palette().color(QPalette.ColorRole.WindowText) == hint_colour(table.palette())

    dark = QPalette(table.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.PlaceholderText, QColor(255, 255, 255, 128))
    table.setPalette(dark)
    text = hint.palette().color(QPalette.ColorRole.WindowText)
    assert hint.palette().color(QPalette.ColorRole.Base) == QColor("#202020")
    assert text.alpha() == 255 and 0x80 < text.red() < 0xA0  # half-way between the base and white: readable


def test_hint_colour_is_opaque_and_between_text_and_base() -> None:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("white"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(0, 0, 0, 128))
    colour = hint_colour(palette)
    assert colour.alpha() == 255 and 120 <= colour.red() == colour.green() == colour.blue() <= 135
