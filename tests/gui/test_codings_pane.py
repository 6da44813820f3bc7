"""CodingsPane: the table of codings — scope, filter, sort, selection, jump, delete with undo, refresh."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from posmap.gui.codings_pane import ACTOR, DOCUMENT, POSITION, CodingsPane
from posmap.gui.session import ProjectSession
from posmap.model import Actor, Coding, Document, Issue, PageSpan, Passage
from posmap.store import Project

FIRST = "Вступ 😀🇺🇦. Kestria wants a ceasefire. Norvald wants sanctions.\n"
SECOND = "Norvald opposes the ceasefire."


def code(project: Project, document_id: int, text: str, quote: str, actor: int, issue: int, position: int) -> int:
    start = text.index(quote)
    return project.codings.add(Passage(document_id=document_id, start=start, end=start + len(quote), quote=quote),
                               Coding(actor_id=actor, issue_id=issue, position=position, coder="anna"))


@pytest.fixture
def session(qapp, tmp_path: Path):
    path = tmp_path / "pane.posmap"
    with Project.create(path) as project:
        project.documents.add(Document(title="Statement", sha256=hashlib.sha256(b"1").hexdigest(), text=FIRST,
                                       pages=[PageSpan(number=4, start=0, end=len(FIRST))]))
        project.documents.add(Document(title="Interview", sha256=hashlib.sha256(b"2").hexdigest(), text=SECOND))
        project.actors.add(Actor(name="Kestria"))
        project.actors.add(Actor(name="Norvald"))
        project.issues.add(Issue(name="Ceasefire"))
        project.issues.add(Issue(name="Sanctions"))
        code(project, 1, FIRST, "Kestria wants a ceasefire", 1, 1, 2)
        code(project, 1, FIRST, "Norvald wants sanctions", 2, 2, 1)
        code(project, 2, SECOND, "Norvald opposes the ceasefire", 2, 1, -1)
    opened = ProjectSession()
    opened.open(path)
    yield opened
    opened.close()


@pytest.fixture
def pane(qtbot, session) -> CodingsPane:
    widget = CodingsPane(session)
    qtbot.addWidget(widget)
    widget.resize(1000, 300)
    widget.show()
    widget.set_document(1)
    return widget


def column(pane: CodingsPane, number: int) -> list[str]:
    return [pane.proxy.index(row, number).data() for row in range(pane.proxy.rowCount())]


def test_document_scope_and_whole_project(qtbot, pane) -> None:
    assert column(pane, ACTOR) == ["Kestria", "Norvald"]
    assert pane.table.isColumnHidden(DOCUMENT)
    assert pane.model.record(0).page == 4
    qtbot.mouseClick(pane.project_button, Qt.MouseButton.LeftButton)
    assert pane.whole_project
    assert pane.proxy.rowCount() == 3 and not pane.table.isColumnHidden(DOCUMENT)
    assert pane.count_label.text() == "3 codings"
    pane.set_whole_project(False)
    assert pane.document_button.isChecked() and pane.proxy.rowCount() == 2


def test_filter_and_sort(qtbot, pane) -> None:
    pane.set_whole_project(True)
    qtbot.keyClicks(pane.filter_field, "norvald CEASE")
    assert column(pane, ACTOR) == ["Norvald"]
    assert pane.count_label.text() == "1 of 3 codings"
    pane.filter_field.clear()
    pane.table.sortByColumn(POSITION, Qt.SortOrder.AscendingOrder)
    assert column(pane, POSITION) == ["opposes (-1)", "supports (+1)", "strongly supports (+2)"]


def test_select_codings_and_enter_jumps(qtbot, pane) -> None:
    pane.select_codings([2])
    assert pane.selected_coding_ids() == [2]
    pane.table.setFocus()
    with qtbot.waitSignal(pane.passageActivated) as activated:
        qtbot.keyClick(pane.table, Qt.Key.Key_Return)
    start = FIRST.index("Norvald wants sanctions")
    assert activated.args == [1, start, start + len("Norvald wants sanctions")]


def test_delete_key_deletes_with_undo(qtbot, session, pane) -> None:
    pane.select_codings([1, 2])
    qtbot.keyClick(pane.table, Qt.Key.Key_Delete)
    assert session.project.codings.count() == 1
    qtbot.waitUntil(lambda: pane.proxy.rowCount() == 0)
    session.undo_stack.undo()
    assert sorted(r.id for r in session.project.codings.records()) == [1, 2, 3]
    qtbot.waitUntil(lambda: pane.proxy.rowCount() == 2)


def test_refresh_keeps_the_selection(qtbot, session, pane) -> None:
    pane.select_codings([2])
    session.project.actors.rename(2, "Norvaldia")
    session.codebookChanged.emit()
    qtbot.waitUntil(lambda: "Norvaldia" in column(pane, ACTOR))
    assert pane.selected_coding_ids() == [2]


def test_edit_opens_the_popup(qtbot, pane) -> None:
    from posmap.gui.coding_popup import CodingPopup

    pane.select_codings([1])
    pane.edit_selected()
    popup = pane.findChild(CodingPopup)
    assert popup is not None and popup.coding.id == 1
    popup.close()
