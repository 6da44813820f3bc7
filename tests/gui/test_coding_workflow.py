"""The whole reading-and-coding loop, driven like a person would: select, code by keyboard, undo, jump, search."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from posmap.gui.coding_popup import CodingPopup
from posmap.gui.codings_pane import CodingsPane
from posmap.gui.search_pane import SearchPane
from posmap.gui.session import ProjectSession
from posmap.gui.viewer import DocumentViewer
from posmap.model import Actor, Document, Issue, Scale
from posmap.store import CodingFilter, Project

# Emoji (a flag is two non-BMP characters) and Cyrillic stand before the passage that gets coded,
# so any confusion of code points with UTF-16 units moves the offsets.
TEXT = (
    "Заява делегації 😀🇺🇦 після переговорів.\n\n"
    "Kestria insists on a full ceasefire before any talks begin. Norvald rejects sanctions relief.\n"
)
QUOTE = "a full ceasefire before any talks begin"


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture
def session(qapp, tmp_path: Path):
    path = tmp_path / "workflow.posmap"
    with Project.create(path) as project:
        project.documents.add(Document(title="Statement", sha256=hashlib.sha256(TEXT.encode()).hexdigest(), text=TEXT))
        other = "An interview: the ceasefire must hold, says Norvald."
        project.documents.add(Document(title="Interview", sha256=hashlib.sha256(other.encode()).hexdigest(),
                                       text=other))
        project.actors.add(Actor(name="Kestria", aliases=["Republic of Kestria"]))
        project.actors.add(Actor(name="Norvald", color="#C44E52"))
        project.issues.add(Issue(name="Ceasefire", color="#DD8452"))
        project.issues.add(Issue(name="Sanctions", scale=Scale.from_labels("lift;ease;keep;tighten")))
    opened = ProjectSession()
    opened.open(path)
    yield opened
    opened.close()


@pytest.fixture
def viewer(qtbot, session):
    widget = DocumentViewer(session)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    widget.show_document(1)
    return widget


def select(viewer: DocumentViewer, start: int, end: int) -> None:
    """Select code points ``start``–``end`` as a mouse drag would, in Qt's UTF-16 positions."""
    text = viewer.session.project.documents.text(viewer.document_id)
    cursor = viewer.text_view.textCursor()
    cursor.setPosition(utf16(text[:start]))
    cursor.setPosition(utf16(text[:end]), QTextCursor.MoveMode.KeepAnchor)
    viewer.text_view.setTextCursor(cursor)


def open_popup_with_keyboard(qtbot, viewer: DocumentViewer) -> CodingPopup:
    viewer.text_view.setFocus()
    qtbot.keyClick(viewer.text_view, Qt.Key.Key_Return)
    popup = viewer.findChild(CodingPopup)
    assert popup is not None and popup.isVisible()
    return popup


def test_code_a_selection_with_the_keyboard_then_undo_and_redo(qtbot, session, viewer) -> None:
    start = TEXT.index(QUOTE)
    select(viewer, start, start + len(QUOTE))
    assert viewer.selected_span() == (start, start + len(QUOTE))

    popup = open_popup_with_keyboard(qtbot, viewer)
    qtbot.keyClicks(popup.actor.field, "kest")
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Tab)
    qtbot.keyClicks(popup.issue.field, "cease")
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_4)  # the fourth point: "supports"
    assert popup.issue.field.text() == "Ceasefire"
    with qtbot.waitSignal(popup.codingSaved):
        qtbot.keyClick(popup.issue.field, Qt.Key.Key_Return)

    [record] = session.project.codings.records(CodingFilter(document_ids=[1]))
    assert (record.start, record.end, record.quote) == (start, start + len(QUOTE), QUOTE)
    assert (record.actor, record.issue, record.position, record.position_label) == (
        "Kestria", "Ceasefire", 1, "supports")
    # The highlight covers exactly the quote, emoji and all before it.
    assert [s.cursor.selectedText() for s in viewer.highlight_selections()] == [QUOTE]

    session.undo_stack.undo()
    assert session.project.codings.count() == 0
    assert viewer.highlight_selections() == []
    session.undo_stack.redo()
    [again] = session.project.codings.records()
    assert again.id == record.id and (again.start, again.end) == (record.start, record.end)
    assert [s.cursor.selectedText() for s in viewer.highlight_selections()] == [QUOTE]


def test_create_a_new_actor_from_the_popup(qtbot, session, viewer) -> None:
    start = TEXT.index("Norvald rejects")
    select(viewer, start, start + len("Norvald rejects sanctions relief"))
    popup = open_popup_with_keyboard(qtbot, viewer)
    qtbot.keyClicks(popup.actor.field, "Lumerian League")
    assert popup.actor.list.currentItem().text() == "＋ Create actor “Lumerian League”"
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Tab)
    qtbot.keyClicks(popup.issue.field, "sanc")
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_1)  # "lift"
    with qtbot.waitSignal(popup.codingSaved):
        qtbot.keyClick(popup.issue.field, Qt.Key.Key_Enter)

    actor = session.project.actors.find("Lumerian League")
    assert actor is not None
    [record] = session.project.codings.records()
    assert (record.actor_id, record.issue, record.position_label) == (actor.id, "Sanctions", "lift")
    # One undo takes back the coding and the actor it created; redo brings both back as they were.
    session.undo_stack.undo()
    assert session.project.actors.find("Lumerian League") is None
    assert session.project.codings.count() == 0
    session.undo_stack.redo()
    assert session.project.actors.find("Lumerian League").id == actor.id
    assert session.project.codings.records()[0].id == record.id


def test_codings_pane_double_click_jumps_to_the_passage(qtbot, session, viewer) -> None:
    pane = CodingsPane(session)
    qtbot.addWidget(pane)
    viewer.documentShown.connect(pane.set_document)
    pane.passageActivated.connect(viewer.open_passage)
    pane.set_document(viewer.document_id)
    pane.show()
    start = TEXT.index(QUOTE)
    select(viewer, start, start + len(QUOTE))
    popup = open_popup_with_keyboard(qtbot, viewer)
    qtbot.keyClicks(popup.actor.field, "Republic")  # an alias finds its actor
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Tab)
    qtbot.keyClicks(popup.issue.field, "Ceasefire")
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_5)
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1)
    assert pane.model.record(0).actor == "Kestria"

    viewer.text_view.moveCursor(QTextCursor.MoveOperation.Start)  # lose the selection
    index = pane.proxy.index(0, 1)
    rect = pane.table.visualRect(index)
    with qtbot.waitSignal(pane.passageActivated) as signal:
        # A real double-click is a click and then a double-click event (QTest sends only the latter).
        qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [1, start, start + len(QUOTE)]
    assert viewer.text_view.textCursor().selectedText() == QUOTE
    assert viewer.selected_span() == (start, start + len(QUOTE))


def test_search_and_jump_to_a_hit(qtbot, session, viewer) -> None:
    pane = SearchPane(session)
    qtbot.addWidget(pane)
    pane.show()
    pane.passageActivated.connect(viewer.open_passage)
    qtbot.keyClicks(pane.field, "sanctions")
    with qtbot.waitSignal(pane.searchFinished, timeout=10_000) as finished:
        qtbot.keyClick(pane.field, Qt.Key.Key_Return)
    assert finished.args == [1]
    [hit] = pane.hits()
    assert (hit.document_id, hit.match) == (1, "sanctions")
    assert hit.start == TEXT.index("sanctions")
    qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=pane.table.visualRect(pane.model.index(0, 3)).center())
    assert viewer.document_id == 1
    assert viewer.text_view.textCursor().selectedText() == "sanctions"
