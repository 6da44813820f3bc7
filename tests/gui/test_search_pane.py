"""SearchPane: keyword-in-context hits from every document, jumping to a hit and coding it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from posmap.gui.coding_popup import CodingPopup
from posmap.gui.search_pane import AFTER, BEFORE, MATCH, SearchPane
from posmap.gui.session import ProjectSession
from posmap.model import Actor, Document, Issue, PageSpan
from posmap.store import Project

FIRST = "Заява 😀🇺🇦: Kestria calls for an immediate ceasefire along the whole front.\n"
SECOND = "Interview. The Ceasefire talks stalled; Norvald wants guarantees first."


@pytest.fixture
def session(qapp, tmp_path: Path):
    path = tmp_path / "search.posmap"
    with Project.create(path) as project:
        project.documents.add(Document(title="Statement", sha256=hashlib.sha256(b"1").hexdigest(), text=FIRST,
                                       pages=[PageSpan(number=2, start=0, end=len(FIRST))]))
        project.documents.add(Document(title="Interview", sha256=hashlib.sha256(b"2").hexdigest(), text=SECOND))
        project.actors.add(Actor(name="Kestria"))
        project.issues.add(Issue(name="Ceasefire"))
    opened = ProjectSession()
    opened.open(path)
    yield opened
    opened.close()


@pytest.fixture
def pane(qtbot, session) -> SearchPane:
    widget = SearchPane(session)
    qtbot.addWidget(widget)
    widget.resize(900, 300)
    widget.show()
    return widget


def run(qtbot, pane: SearchPane, query: str) -> int:
    pane.field.setText(query)
    with qtbot.waitSignal(pane.searchFinished, timeout=10_000) as finished:
        qtbot.keyClick(pane.field, Qt.Key.Key_Return)
    return finished.args[0]


def test_hits_from_every_document_in_context(qtbot, pane) -> None:
    assert run(qtbot, pane, "ceasefire") == 2
    hits = sorted(pane.hits(), key=lambda hit: hit.document_id)
    first, second = hits
    assert first.start == FIRST.index("ceasefire") and first.page == 2
    assert (second.document_id, second.match, second.page) == (2, "Ceasefire", None)
    row = next(r for r in range(pane.model.rowCount()) if pane.model.hits[r].document_id == 1)
    assert pane.model.index(row, BEFORE).data().endswith("for an immediate")
    assert pane.model.index(row, MATCH).data() == "ceasefire"
    assert pane.model.index(row, AFTER).data().startswith("along the whole")
    assert pane.model.index(row, MATCH).data(Qt.ItemDataRole.FontRole).bold()
    assert "2 hits in 2 documents" in pane.status_label.text()


def test_no_hits_and_empty_query(qtbot, pane) -> None:
    assert run(qtbot, pane, "zeppelin") == 0
    assert "No hits" in pane.status_label.text()
    assert run(qtbot, pane, "   ") == 0


def test_choosing_a_hit_activates_its_passage(qtbot, pane) -> None:
    run(qtbot, pane, "guarantees")
    with qtbot.waitSignal(pane.passageActivated) as activated:
        pane.table.selectRow(0)
    start = SECOND.index("guarantees")
    assert activated.args == [2, start, start + len("guarantees")]
    with qtbot.waitSignal(pane.passageActivated):
        qtbot.keyClick(pane.table, Qt.Key.Key_Return)


def test_code_this_hit_opens_the_popup_on_its_span(qtbot, pane) -> None:
    run(qtbot, pane, "immediate")
    pane.table.selectRow(0)
    assert pane.code_button.isEnabled()
    qtbot.keyClick(pane.table, Qt.Key.Key_C)
    popup = pane.findChild(CodingPopup)
    assert popup is not None
    assert popup.quote == "immediate" and popup.start == FIRST.index("immediate")
    qtbot.keyClicks(popup.actor.field, "Kestria")
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Tab)
    qtbot.keyClicks(popup.issue.field, "Ceasefire")
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_5)
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_Return)
    [record] = pane.session.project.codings.records()
    assert (record.document_id, record.quote) == (1, "immediate")
