"""DocumentViewer: highlights on exactly the coded characters, overlaps, tooltips, clicks, find, pages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCursor

from posmap.gui.session import ProjectSession
from posmap.gui.viewer import DocumentViewer
from posmap.model import Actor, Coding, Document, Issue, PageSpan, Passage
from posmap.store import Project

PAGE_ONE = "Заява 😀🇺🇦 делегації: Kestria demands a ceasefire now.\n\n"
PAGE_TWO = "Сторінка два. Norvald rejects the ceasefire proposal and the sanctions relief.\n"
TEXT = PAGE_ONE + PAGE_TWO


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def code(project: Project, quote: str, *, actor: int = 1, issue: int = 1, position: int = 1, occurrence: int = 0):
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(quote, start + 1)
    return project.codings.add(
        Passage(document_id=1, start=start, end=start + len(quote), quote=quote),
        Coding(actor_id=actor, issue_id=issue, position=position),
    )


@pytest.fixture
def session(qapp, tmp_path: Path):
    path = tmp_path / "viewer.posmap"
    with Project.create(path) as project:
        pages = [PageSpan(number=1, start=0, end=len(PAGE_ONE)), PageSpan(number=2, start=len(PAGE_ONE), end=len(TEXT))]
        project.documents.add(Document(title="Statement", author="Ministry", sha256=hashlib.sha256(b"1").hexdigest(),
                                       text=TEXT, pages=pages))
        project.actors.add(Actor(name="Kestria"))
        project.actors.add(Actor(name="Norvald"))
        project.issues.add(Issue(name="Ceasefire", color="#DD8452"))
        project.issues.add(Issue(name="Sanctions", color="#4C9BB0"))
        code(project, "Kestria demands a ceasefire now")
        code(project, "Norvald rejects the ceasefire proposal", actor=2, position=-2)
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
    qtbot.waitExposed(widget)
    widget.show_document(1)
    return widget


def point_of(viewer: DocumentViewer, offset: int) -> QPoint:
    """The viewport point over the middle of the character at code-point ``offset``."""
    cursor = QTextCursor(viewer.text_view.document())
    cursor.setPosition(utf16(TEXT[:offset]))
    rect = viewer.text_view.cursorRect(cursor)
    return QPoint(rect.x() + 3, rect.center().y())


def test_highlights_cover_exactly_the_coded_characters(viewer) -> None:
    texts = [s.cursor.selectedText() for s in viewer.highlight_selections()]
    assert texts == ["Kestria demands a ceasefire now", "Norvald rejects the ceasefire proposal"]
    assert viewer.document_id == 1
    assert "2 codings" in viewer.header.text() and "2 pages" in viewer.header.text()


def test_overlapping_codings_get_lanes_and_deeper_tints(session, viewer) -> None:
    code(session.project, "ceasefire", issue=2, occurrence=1)  # inside Norvald's passage
    session.codingsChanged.emit([1])
    texts = [s.cursor.selectedText() for s in viewer.highlight_selections()]
    assert texts == ["Kestria demands a ceasefire now", "Norvald rejects the ", "ceasefire", " proposal"]
    layers = viewer._index.layers
    assert [layer.lane for layer in layers] == [0, 0, 1]
    selections = viewer.highlight_selections()
    outer = QColor(selections[1].format.background().color())
    inner = QColor(selections[2].format.background().color())
    assert inner.alphaF() > outer.alphaF()
    assert inner.rgb() != outer.rgb()  # the inner passage shows its own issue's colour
    viewer.grab()  # paints tints, lanes of underlines and page markers without error


def test_refresh_on_codings_changed_for_this_document_only(session, viewer) -> None:
    code(session.project, "sanctions relief", issue=2)
    session.codingsChanged.emit([99])
    assert len(viewer.highlight_selections()) == 2
    session.codingsChanged.emit([1])
    assert [s.cursor.selectedText() for s in viewer.highlight_selections()][-1] == "sanctions relief"


def test_hover_shows_the_codings_and_click_activates_them(qtbot, viewer) -> None:
    start = TEXT.index("demands")
    html = viewer._tooltip_at(point_of(viewer, start))
    assert "Kestria" in html and "Ceasefire" in html and "Statement" in html
    assert viewer._tooltip_at(point_of(viewer, TEXT.index("делегації"))) == ""
    with qtbot.waitSignal(viewer.codingsActivated) as activated:
        qtbot.mouseClick(viewer.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(viewer, start))
    assert activated.args == [[1]]
    assert viewer.coding_ids_at(TEXT.index("rejects")) == [2]


def test_selected_span_is_in_code_points_and_trims_white_space(viewer) -> None:
    start = TEXT.index(" Kestria")
    end = TEXT.index("now") + 3
    cursor = viewer.text_view.textCursor()
    cursor.setPosition(utf16(TEXT[:start]))
    cursor.setPosition(utf16(TEXT[:end + 1]), QTextCursor.MoveMode.KeepAnchor)  # takes the "." too
    viewer.text_view.setTextCursor(cursor)
    assert viewer.selected_span() == (start + 1, end + 1)
    viewer.text_view.moveCursor(QTextCursor.MoveOperation.End)
    assert viewer.selected_span() is None


def test_scroll_to_span_selects_it(viewer) -> None:
    start = TEXT.index("sanctions relief")
    viewer.scroll_to_span(start, start + len("sanctions relief"))
    assert viewer.text_view.textCursor().selectedText() == "sanctions relief"
    assert viewer.selected_span() == (start, start + len("sanctions relief"))
    assert viewer._flash is not None


def test_find_bar_counts_steps_and_closes(qtbot, viewer) -> None:
    viewer.text_view.setFocus()
    viewer.show_find_bar()
    assert viewer.find_bar.isVisible()
    qtbot.keyClicks(viewer.find_bar.field, "CEASEFIRE")
    viewer.find_bar.flush()
    first = TEXT.index("ceasefire")
    second = TEXT.index("ceasefire", first + 1)
    assert viewer.find_matches() == [(first, first + 9), (second, second + 9)]
    assert viewer.find_bar.count_label.text() == "1 of 2"
    qtbot.keyClick(viewer.find_bar.field, Qt.Key.Key_Return)
    assert viewer.find_bar.count_label.text() == "2 of 2"
    assert viewer.selected_span() == (second, second + 9)
    qtbot.keyClick(viewer.find_bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert viewer.selected_span() == (first, first + 9)
    qtbot.keyClicks(viewer.find_bar.field, "zzz")
    viewer.find_bar.flush()
    assert viewer.find_bar.count_label.text() == "No matches"
    qtbot.keyClick(viewer.find_bar.field, Qt.Key.Key_Escape)
    assert not viewer.find_bar.isVisible()
    assert viewer.find_matches() == []


def test_page_markers_sit_at_page_starts_without_changing_the_text(viewer) -> None:
    assert viewer._page_starts == [(1, 0), (2, utf16(PAGE_ONE))]
    assert viewer.text_view.toPlainText() == TEXT


def test_code_key_without_a_selection_asks_for_one(qtbot, viewer) -> None:
    viewer.text_view.moveCursor(QTextCursor.MoveOperation.Start)
    with qtbot.waitSignal(viewer.statusMessage) as message:
        qtbot.keyClick(viewer.text_view, Qt.Key.Key_C)
    assert "Select" in message.args[0]


def test_deleting_the_shown_document_empties_the_viewer(qtbot, session, viewer) -> None:
    with qtbot.waitSignal(viewer.documentShown) as shown:
        session.project.documents.delete(1)
        session.documentsChanged.emit()
    assert shown.args == [None]
    assert viewer.document_id is None and viewer.highlight_selections() == []


def test_many_highlights_in_a_large_document_stay_fast(qtbot, tmp_path) -> None:
    import time

    text = ("Переговори 😀 about the ceasefire and the territory. " * 20_000)[:1_000_000]
    path = tmp_path / "large.posmap"
    with Project.create(path) as project:
        document = project.documents.add(Document(title="Large", sha256=hashlib.sha256(b"large").hexdigest(),
                                                  text=text))
        actor = project.actors.add(Actor(name="A"))
        issue = project.issues.add(Issue(name="I"))
        # Written straight into the table: the store's checks would make setting up 5,000 codings slow.
        connection = project.connection
        with project.transaction():
            for number in range(5_000):
                start = number * 199
                cursor = connection.execute(
                    "INSERT INTO passages (document_id, start_offset, end_offset, quote) VALUES (?, ?, ?, ?)",
                    (document, start, start + 120, text[start:start + 120]))
                connection.execute(
                    "INSERT INTO codings (passage_id, actor_id, issue_id, position, kind, attribution, confidence, "
                    "note, coder, created_at, updated_at) VALUES (?, ?, ?, 0, 'position', 'own_words', 1, '', '', "
                    "'2024-01-01', '2024-01-01')", (cursor.lastrowid, actor, issue))
    session = ProjectSession()
    session.open(path)
    try:
        widget = DocumentViewer(session)
        qtbot.addWidget(widget)
        widget.resize(900, 600)
        widget.show()
        began = time.perf_counter()
        widget.show_document(document)
        widget.text_view.viewport().repaint()
        opened = time.perf_counter() - began
        assert widget._index.coding_count == 5_000
        began = time.perf_counter()
        session.codingsChanged.emit([document])
        widget.text_view.viewport().repaint()
        refreshed = time.perf_counter() - began
        # Generous bounds for a slow CI machine; typically 0.25 s and 0.06 s.
        assert opened < 3.0 and refreshed < 1.5
    finally:
        session.close()


def test_new_codings_repaint_without_rebuilding_the_text(session, viewer) -> None:
    document = viewer.text_view.document()
    code(session.project, "sanctions relief", issue=2)
    session.codingsChanged.emit([1])
    assert viewer.text_view.document() is document
    start = TEXT.index("sanctions relief")
    assert session.project.codings.spans(1)[-1] == (3, 3, start, start + len("sanctions relief"), 2)
