"""Coding, editing and deleting update the viewer's highlights and the panes in place, exactly as a reload would.

Every test drives the real main window. After each change it checks that the incremental path ran
(the viewer kept its highlight index, the tables and trees were not reset, the Documents pane read
just the documents named) and that what it produced equals what a full rebuild from the file gives;
changes from another program still reload everything.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication

from posmap.gui.codebook_pane import ENTRY_ID_ROLE, CodebookPane
from posmap.gui.codings_pane import ACTOR, COLUMNS, ISSUE, POSITION, QUOTE, SORT_ROLE, CodingTableModel
from posmap.gui.commands.codings import AddCodingCommand, DeleteCodingsCommand, EditCodingCommand
from posmap.gui.documents_pane import DocumentsPane, DocumentTableModel
from posmap.gui.highlights import HighlightIndex
from posmap.model import Actor, Coding, Document, Issue, Passage, Scale
from posmap.store import CodingFilter, Project
from posmap.store.documents import DocumentRepository

TEXT = (
    "Заява 😀🇺🇦 делегації. Kestria demands a ceasefire now. Norvald rejects the ceasefire proposal. "
    "Both sides want a prisoner exchange. Lumeria stays silent on sanctions. "
    "Kestria would lift sanctions after a ceasefire. Norvald keeps sanctions in place."
)
OTHER = "An interview: the ceasefire must hold, says Norvald. Kestria agrees."


def span_of(quote: str, occurrence: int = 0, text: str = TEXT) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def passage(quote: str, occurrence: int = 0, document_id: int = 1) -> Passage:
    text = TEXT if document_id == 1 else OTHER
    start, end = span_of(quote, occurrence, text)
    return Passage(document_id=document_id, start=start, end=end, quote=quote)


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "incremental.posmap"
    with Project.create(path) as project:
        project.documents.add(Document(title="Statement", sha256=hashlib.sha256(b"1").hexdigest(), text=TEXT))
        project.documents.add(Document(title="Interview", sha256=hashlib.sha256(b"2").hexdigest(), text=OTHER))
        for name in ("Kestria", "Norvald", "Lumeria"):
            project.actors.add(Actor(name=name))
        project.issues.add(Issue(name="Ceasefire", color="#DD8452"))
        project.issues.add(Issue(name="Sanctions", color="#4C9BB0", scale=Scale.from_labels("lift;ease;keep")))
        coded = [
            ("Kestria demands a ceasefire now", 1, 1, 2),
            ("Norvald rejects the ceasefire proposal", 2, 1, -2),
            ("ceasefire", 2, 1, -1),  # inside Norvald's passage: a second lane
            ("Both sides want a prisoner exchange", 1, 1, 1),
            ("Both sides want a prisoner exchange", 2, 1, 1),  # the same passage and issue: one layer
            ("Kestria would lift sanctions after a ceasefire", 1, 2, 0),
            ("Kestria would lift sanctions after a ceasefire", 1, 1, 1),  # the same passage, another issue
            ("Norvald keeps sanctions in place", 2, 2, 2),
        ]
        for quote, actor, issue, position in coded:
            occurrence = 1 if quote == "ceasefire" else 0
            project.codings.add(passage(quote, occurrence), Coding(actor_id=actor, issue_id=issue, position=position))
        project.codings.add(passage("the ceasefire must hold", document_id=2),
                            Coding(actor_id=2, issue_id=1, position=2))
    return path


@pytest.fixture
def main(window, project_path: Path, qtbot):
    """The main window with the project open and the statement shown."""
    assert window.open_project(project_path)
    window.show_document(1)
    qtbot.waitUntil(lambda: window.codings_pane.model.rowCount() == 8)
    return window


class Resets:
    """Counts the model resets of the Codings and Documents panes (a reset means a full reload)."""

    def __init__(self, window) -> None:
        self.codings = self.documents = 0
        window.codings_pane.model.modelReset.connect(self._codings)
        window.documents_pane.model.modelReset.connect(self._documents)

    def _codings(self) -> None:
        self.codings += 1

    def _documents(self) -> None:
        self.documents += 1


def fresh_index(window) -> HighlightIndex:
    viewer = window.viewer
    project = window.session.project
    colours = {issue.id: issue.color for issue in project.issues.all()}
    return HighlightIndex(project.codings.spans(viewer.document_id), colours, viewer._offsets)


def assert_highlights_as_rebuilt(window) -> None:
    index, fresh = window.viewer._index, fresh_index(window)
    assert index.layers == fresh.layers
    assert index.segments == fresh.segments
    assert (index.lane_count, index.coding_count) == (fresh.lane_count, fresh.coding_count)


def shown_rows(pane) -> list[list]:
    """What the Codings table shows, row by row: the coding id, then every column's text."""
    proxy = pane.proxy
    return [[proxy.index(row, 0).data(Qt.ItemDataRole.UserRole)]
            + [proxy.index(row, column).data() for column in range(len(COLUMNS))]
            for row in range(proxy.rowCount())]


def assert_rows_as_reloaded(pane) -> None:
    """The table, its selection and its count equal what a reload from the file shows."""
    rows, selected, count = shown_rows(pane), pane.selected_coding_ids(), pane.count_label.text()
    pane.refresh()
    assert shown_rows(pane) == rows
    assert pane.selected_coding_ids() == selected
    assert pane.count_label.text() == count


def push(window, command) -> None:
    assert window.session.push(command), command.error


def add(window, quote: str, actor: int, issue: int, position: int, *, occurrence: int = 0,
        document_id: int = 1) -> AddCodingCommand:
    command = AddCodingCommand(window.session, passage(quote, occurrence, document_id),
                               Coding(actor_id=actor, issue_id=issue, position=position, coder="anna"))
    push(window, command)
    return command


def test_coding_a_passage_adds_one_layer_and_one_row(main, qtbot) -> None:
    pane, viewer = main.codings_pane, main.viewer
    pane.table.sortByColumn(ACTOR, Qt.SortOrder.DescendingOrder)
    qtbot.keyClicks(pane.filter_field, "ceasefire")
    resets, index = Resets(main), viewer._index

    # Overlaps two coded passages and pushes later layers to new lanes.
    command = add(main, "ceasefire now. Norvald rejects", 3, 1, 1)
    assert viewer._index is index  # updated in place, not rebuilt
    assert command.coding_id in viewer.coding_ids_at(span_of("now. Norvald")[0])
    assert_highlights_as_rebuilt(main)
    qtbot.waitUntil(lambda: pane.model.row_of(command.coding_id) is not None)
    assert resets.codings == 0
    actors = [row[ACTOR + 1] for row in shown_rows(pane)]
    assert "Lumeria" in actors and actors == sorted(actors, reverse=True)
    assert pane.count_label.text() == "8 of 9 codings"  # the issue's name matches too
    assert_rows_as_reloaded(pane)

    main.session.undo_stack.undo()
    assert viewer._index is index
    assert command.coding_id not in viewer.coding_ids_at(span_of("now. Norvald")[0])
    assert_highlights_as_rebuilt(main)
    qtbot.waitUntil(lambda: pane.model.row_of(command.coding_id) is None)
    assert pane.count_label.text() == "7 of 8 codings"
    main.session.undo_stack.redo()
    assert_highlights_as_rebuilt(main)
    qtbot.waitUntil(lambda: pane.model.row_of(command.coding_id) is not None)
    assert resets.codings == 1  # only the reload of the check above
    assert_rows_as_reloaded(pane)
    assert "9 codings" in viewer.header.text()


def test_a_coding_that_the_filter_hides_joins_the_table_hidden(main, qtbot) -> None:
    pane = main.codings_pane
    qtbot.keyClicks(pane.filter_field, "ceasefire")
    command = add(main, "Lumeria stays silent on sanctions", 3, 2, 1)
    qtbot.waitUntil(lambda: pane.model.row_of(command.coding_id) is not None)
    assert command.coding_id not in [row[0] for row in shown_rows(pane)]
    assert pane.count_label.text() == "7 of 9 codings"
    pane.filter_field.clear()
    assert command.coding_id in [row[0] for row in shown_rows(pane)]
    assert_rows_as_reloaded(pane)


def test_one_more_coding_on_a_layer_joins_it(main, qtbot) -> None:
    viewer = main.viewer
    start, _end = span_of("Norvald keeps sanctions in place")
    command = add(main, "Norvald keeps sanctions in place", 3, 2, 0)
    layer = next(layer for layer in viewer._index.layers if layer.start == start)
    assert len(layer.coding_ids) == 2 and command.coding_id in layer.coding_ids
    assert_highlights_as_rebuilt(main)
    qtbot.waitUntil(lambda: main.codings_pane.model.row_of(command.coding_id) is not None)
    assert_rows_as_reloaded(main.codings_pane)


def test_editing_a_coding_moves_its_layer_and_its_row_and_keeps_it_selected(main, qtbot) -> None:
    pane, viewer, project = main.codings_pane, main.viewer, main.session.project
    pane.table.sortByColumn(ISSUE, Qt.SortOrder.AscendingOrder)
    pane.select_codings([1])
    resets, index = Resets(main), viewer._index
    before = project.codings.get(1)
    after = before.model_copy(update={"actor_id": 3, "issue_id": 2, "position": 2})
    push(main, EditCodingCommand(main.session, before, after, 1))
    assert viewer._index is index
    assert {layer.issue_id for layer in viewer._index.layers if 1 in layer.coding_ids} == {2}
    assert_highlights_as_rebuilt(main)
    qtbot.waitUntil(lambda: pane.model.record(pane.model.row_of(1)).issue == "Sanctions")
    assert resets.codings == 0
    assert pane.selected_coding_ids() == [1]
    assert_rows_as_reloaded(pane)

    main.session.undo_stack.undo()
    assert_highlights_as_rebuilt(main)
    qtbot.waitUntil(lambda: pane.model.record(pane.model.row_of(1)).issue == "Ceasefire")
    assert pane.selected_coding_ids() == [1]
    assert_rows_as_reloaded(pane)


def test_editing_the_position_changes_the_row_in_place(main, qtbot) -> None:
    pane, project = main.codings_pane, main.session.project
    pane.table.sortByColumn(ACTOR, Qt.SortOrder.AscendingOrder)
    rows = [row[0] for row in shown_rows(pane)]
    before = project.codings.get(4)
    push(main, EditCodingCommand(main.session, before, before.model_copy(update={"position": -2, "note": "later"}),
                                 1))
    qtbot.waitUntil(lambda: pane.model.record(pane.model.row_of(4)).note == "later")
    assert [row[0] for row in shown_rows(pane)] == rows
    assert shown_rows(pane)[rows.index(4)][POSITION + 1] == "strongly opposes (-2)"
    assert_rows_as_reloaded(pane)


def test_the_repainted_lines_show_what_a_full_repaint_shows(main, qtbot) -> None:
    """Only the lines a change touched are repainted; afterwards the viewer looks as if all of it was."""
    view = main.viewer.text_view
    main.documents_pane.table.setFocus()  # no blinking text cursor between the two pictures
    main.resize(1200, 800)

    def picture():
        QApplication.processEvents()
        corner = view.viewport().mapTo(main, QPoint(0, 0))
        window = main.screen().grabWindow(main.winId()).toImage()
        return window.copy(QRect(corner, view.viewport().size()))

    def assert_as_repainted():
        partial = picture()
        view.viewport().repaint()
        assert picture() == partial

    picture()
    command = add(main, "ceasefire now. Norvald rejects", 3, 2, 1)
    qtbot.waitUntil(lambda: main.codings_pane.model.row_of(command.coding_id) is not None)
    assert_as_repainted()
    main.session.undo_stack.undo()
    assert_as_repainted()
    push(main, DeleteCodingsCommand(main.session, [1, 2]))
    assert_as_repainted()


def test_deleting_codings_removes_their_layers_and_rows_and_undo_brings_them_back(main, qtbot) -> None:
    pane, viewer = main.codings_pane, main.viewer
    resets, index = Resets(main), viewer._index
    ids = [2, 3, 6]  # Norvald's passage, the passage inside it, one of two issues on a passage
    pane.select_codings([2, 4])
    push(main, DeleteCodingsCommand(main.session, ids))
    assert viewer._index is index
    assert not set(ids) & {cid for layer in viewer._index.layers for cid in layer.coding_ids}
    assert viewer._index.lane_count == 1
    assert_highlights_as_rebuilt(main)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 5)
    assert resets.codings == 0
    assert pane.selected_coding_ids() == [4]
    assert_rows_as_reloaded(pane)
    main.session.undo_stack.undo()
    assert_highlights_as_rebuilt(main)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 8)
    assert_rows_as_reloaded(pane)


def test_codings_of_another_document_show_only_in_the_whole_project_scope(main, qtbot) -> None:
    pane, viewer = main.codings_pane, main.viewer
    index = viewer._index
    command = add(main, "Kestria agrees", 1, 1, 1, document_id=2)
    assert viewer._index is index and len(index) == len(fresh_index(main))
    qtbot.wait(10)
    assert pane.model.row_of(command.coding_id) is None
    pane.set_whole_project(True)
    assert pane.model.row_of(command.coding_id) is not None
    resets = Resets(main)
    later = add(main, "says Norvald", 2, 2, 1, document_id=2)
    qtbot.waitUntil(lambda: pane.model.row_of(later.coding_id) is not None)
    assert resets.codings == 0
    assert_rows_as_reloaded(pane)


def test_a_change_by_another_program_still_reloads_everything(main, project_path, qtbot) -> None:
    pane, viewer = main.codings_pane, main.viewer
    pane.select_codings([4])
    resets, index = Resets(main), viewer._index
    with Project.open(project_path) as other:
        other.codings.add(passage("Lumeria stays silent on sanctions"), Coding(actor_id=3, issue_id=2, position=1))
        other.codings.delete(2)
    assert main.session.check_external_changes()
    assert viewer._index is not index  # rebuilt from the file
    assert_highlights_as_rebuilt(main)
    qtbot.waitUntil(lambda: resets.codings > 0)
    assert sorted(row[0] for row in shown_rows(pane)) == sorted(
        r.id for r in main.session.project.codings.records(CodingFilter(document_ids=[1])))
    assert pane.selected_coding_ids() == [4]
    assert resets.documents == 0 and pane.model.rowCount() == 8  # same documents: counts change in place


def test_documents_list_updates_counts_in_place_and_keeps_order_and_selection(main, qtbot) -> None:
    pane = main.documents_pane
    pane.table.sortByColumn(DocumentTableModel.CODINGS, Qt.SortOrder.AscendingOrder)
    pane.select_document(1)
    resets = Resets(main)

    def titles() -> list[str]:
        return [pane.proxy.index(row, 0).data() for row in range(pane.proxy.rowCount())]

    def counts() -> list[int]:
        return [pane.proxy.index(row, DocumentTableModel.CODINGS).data() for row in range(pane.proxy.rowCount())]

    assert titles() == ["Interview", "Statement"]
    for quote in ("Kestria agrees", "says Norvald", "An interview", "the ceasefire must hold", "Kestria"):
        for issue in (1, 2):
            add(main, quote, 1, issue, 1, document_id=2)
    qtbot.waitUntil(lambda: counts() == [8, 11])
    assert titles() == ["Statement", "Interview"]
    assert pane.current_document_id() == 1 and main.viewer.document_id == 1
    assert resets.documents == 0


def test_the_date_and_codings_columns_fit_their_contents(main) -> None:
    from PySide6.QtWidgets import QHeaderView

    pane = main.documents_pane
    header = pane.table.horizontalHeader()
    fitted = [header.sectionSize(column) for column in pane.FITTED_COLUMNS]
    for column in pane.FITTED_COLUMNS:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    assert [header.sectionSize(column) for column in pane.FITTED_COLUMNS] == fitted


class SortingProxy:
    """What the table did before it sorted in its model: a sorting proxy over the store's rows."""

    def __init__(self, records) -> None:
        self.model = CodingTableModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.sort(QUOTE, Qt.SortOrder.AscendingOrder)  # the pane's first sort, before any rows
        self.model.set_records(records, {}, {})

    def ids(self) -> list[int]:
        return [self.proxy.index(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(self.proxy.rowCount())]


@pytest.mark.parametrize("column", range(len(COLUMNS)))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_the_table_sorts_as_a_sorting_proxy_did(main, column, order) -> None:
    pane = main.codings_pane
    pane.set_whole_project(True)
    reference = SortingProxy(main.session.project.codings.records())
    # A second sort sorts the rows as they stand: ties keep the order of the first.
    for first in (column, ACTOR):
        reference.proxy.sort(first, order)
        pane.table.sortByColumn(first, order)
    reference.proxy.sort(column, order)
    pane.table.sortByColumn(column, order)
    assert [row[0] for row in shown_rows(pane)] == reference.ids()
    # A reload sorts the store's rows again, as a reset of the proxy's source did.
    reference.model.set_records(main.session.project.codings.records(), {}, {})
    pane.refresh()
    assert [row[0] for row in shown_rows(pane)] == reference.ids()


def test_sorting_keeps_the_selection_and_the_current_row(main) -> None:
    pane = main.codings_pane
    pane.select_codings([5, 2])
    for column, order in ((POSITION, Qt.SortOrder.DescendingOrder), (ACTOR, Qt.SortOrder.AscendingOrder),
                          (QUOTE, Qt.SortOrder.DescendingOrder)):
        pane.table.sortByColumn(column, order)
        assert sorted(pane.selected_coding_ids()) == [2, 5]
        assert pane.table.currentIndex().data(Qt.ItemDataRole.UserRole) == 5
        rows = [row[0] for row in shown_rows(pane)]
        assert pane.table.currentIndex().row() == rows.index(5)


def test_a_hidden_codings_pane_reloads_when_shown_again(main, qtbot) -> None:
    pane = main.codings_pane
    main.codings_dock.hide()
    command = add(main, "Lumeria stays silent on sanctions", 3, 2, 1)
    main.session.undo_stack.undo()
    main.session.undo_stack.redo()
    assert pane.model.row_of(command.coding_id) is None  # nothing read while hidden
    main.codings_dock.show()
    qtbot.waitUntil(lambda: pane.model.row_of(command.coding_id) is not None)
    assert_rows_as_reloaded(pane)


# -- the Documents pane and the Codebook pane catch up on the entries named ------------------------


def spy_on_summaries(monkeypatch) -> list:
    """Record the ``document_ids`` of every ``DocumentRepository.summaries`` call (None: the full list)."""
    calls: list = []
    summaries = DocumentRepository.summaries

    def recorded(self, document_ids=None):
        calls.append(None if document_ids is None else sorted(document_ids))
        return summaries(self, document_ids)

    monkeypatch.setattr(DocumentRepository, "summaries", recorded)
    return calls


def shown_documents(pane) -> list[list]:
    """What the Documents table shows, row by row, and its tooltips."""
    proxy = pane.proxy
    return [[proxy.index(row, column).data() for column in range(len(DocumentTableModel.COLUMNS))]
            + [proxy.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)] for row in range(proxy.rowCount())]


def test_the_documents_pane_reads_just_the_documents_whose_codings_changed(main, qtbot, monkeypatch) -> None:
    pane = main.documents_pane
    pane.table.sortByColumn(DocumentTableModel.CODINGS, Qt.SortOrder.DescendingOrder)
    pane.select_document(2)
    resets = Resets(main)
    reads = spy_on_summaries(monkeypatch)

    def as_fresh() -> list[list]:
        """What a pane made now shows, sorted the same way (its own reads are not counted)."""
        fresh = DocumentsPane(main.session)
        fresh.table.sortByColumn(DocumentTableModel.CODINGS, Qt.SortOrder.DescendingOrder)
        shown = shown_documents(fresh)
        shiboken6.delete(fresh)  # no longer listening to the session
        del reads[-1]
        return shown

    def check(expected_reads: list) -> None:
        expected = as_fresh()
        qtbot.waitUntil(lambda: shown_documents(pane) == expected)
        assert reads == expected_reads
        assert resets.documents == 0 and pane.selected_document_ids() == [2]
        reads.clear()

    add(main, "Kestria agrees", 1, 1, 1, document_id=2)
    check([[2]])
    delete = DeleteCodingsCommand(main.session, [1, 2, 9])  # two in the statement, one in the interview
    push(main, delete)
    check([[1, 2]])
    assert [row[DocumentTableModel.CODINGS] for row in shown_documents(pane)] == [6, 1]
    stack = main.session.undo_stack
    stack.undo()  # the delete
    check([[1, 2]])
    stack.undo()  # the coding in the interview
    check([[2]])
    stack.redo()
    check([[2]])
    # Several codings in a burst: one read, of the documents named.
    add(main, "says Norvald", 2, 2, 1, document_id=2)
    add(main, "Lumeria stays silent on sanctions", 3, 2, 0)
    check([[1, 2]])
    # A change from another program names no document: the whole list is read.
    with Project.open(main.session.path) as other:
        other.codings.delete(4)
    assert main.session.check_external_changes()
    check([None])


def test_a_document_the_list_does_not_hold_yet_makes_it_read_the_whole_list(main, qtbot, monkeypatch) -> None:
    pane = main.documents_pane
    with Project.open(main.session.path) as other:  # not noticed yet: the window's watch has not looked
        third = other.documents.add(Document(title="Communiqué", sha256=hashlib.sha256(b"3").hexdigest(),
                                             text=OTHER))
    reads = spy_on_summaries(monkeypatch)
    add(main, "Kestria agrees", 1, 1, 1, document_id=third)
    qtbot.waitUntil(lambda: pane.model.row_of(third) is not None)
    assert reads == [[third], None]
    assert pane.model.document(pane.model.row_of(third)).coding_count == 1


def codebook_rows(section) -> list[tuple]:
    """Each entry of a codebook tree in order: depth, id, name, count, tooltip."""
    model, rows = section.model, []

    def walk(parent: QModelIndex, depth: int) -> None:
        for row in range(model.rowCount(parent)):
            name = model.index(row, 0, parent)
            rows.append((depth, name.data(ENTRY_ID_ROLE), name.data(), name.siblingAtColumn(1).data(),
                         name.data(Qt.ItemDataRole.ToolTipRole)))
            walk(name, depth + 1)

    walk(QModelIndex(), 0)
    return rows


@pytest.fixture
def nested(main):
    """The main window with an actor nested in Kestria and an issue nested in Ceasefire, both with codings."""
    project = main.session.project
    army = project.actors.add(Actor(name="Kestrian army", parent_id=1))
    truce = project.issues.add(Issue(name="Truce lines", parent_id=1))
    project.codings.add(passage("Kestria demands a ceasefire now"), Coding(actor_id=army, issue_id=truce, position=1))
    main.session.notify_all()
    return main, army, truce


def test_the_codebook_pane_changes_the_counts_of_the_entries_named_in_place(nested, qtbot, monkeypatch) -> None:
    main, army, truce = nested
    pane, session = main.codebook_pane, main.session
    actors, issues = pane.actors, pane.issues
    actors.tree.collapse(actors.model.index_of(1))
    actors.select(2)
    issues.select(truce)
    # A rebuild of the trees would invalidate these.
    kept = [QPersistentModelIndex(section.model.index_of(entry_id))
            for section, entry_id in ((actors, 1), (actors, army), (issues, 1), (issues, 2))]

    def check() -> None:
        """The trees show what panes made now show, and are the same trees, collapsed and selected as before."""
        fresh = CodebookPane(session)
        expected = codebook_rows(fresh.actors), codebook_rows(fresh.issues)
        shiboken6.delete(fresh)
        qtbot.waitUntil(lambda: (codebook_rows(actors), codebook_rows(issues)) == expected)
        assert all(index.isValid() for index in kept)
        assert not actors.tree.isExpanded(actors.model.index_of(1))
        assert issues.tree.isExpanded(issues.model.index_of(1))
        assert (actors.current_id(), issues.current_id()) == (2, truce)

    def count(section, entry_id: int) -> str:
        return section.model.index_of(entry_id).siblingAtColumn(1).data()

    # Counts are of the codings coded to the entry itself, not to the entries nested in it.
    assert (count(actors, 1), count(actors, army), count(issues, 1), count(issues, truce)) == ("4", "1", "7", "1")
    coded = add(main, "Lumeria stays silent on sanctions", army, truce, 1)
    check()
    assert (count(actors, 1), count(actors, army), count(issues, 1), count(issues, truce)) == ("4", "2", "7", "2")
    before = session.project.codings.get(1)  # Kestria on the ceasefire
    push(main, EditCodingCommand(session, before, before.model_copy(update={"actor_id": army, "issue_id": 2}), 1))
    check()
    assert (count(actors, 1), count(actors, army), count(issues, 1), count(issues, 2)) == ("3", "3", "6", "3")
    push(main, DeleteCodingsCommand(session, [coded.coding_id, 2, 6, 9]))
    check()
    for step in (session.undo_stack.undo, session.undo_stack.undo, session.undo_stack.undo,
                 session.undo_stack.redo, session.undo_stack.redo, session.undo_stack.redo):
        step()
        check()
    # Many entries named: their counts are read in one query, and still changed in place.
    monkeypatch.setattr("posmap.gui.codebook_pane.MAX_ENTRIES_RECOUNTED", 1)
    session.undo_stack.undo()
    check()
    # A change from another program names no entry: the trees are rebuilt.
    with Project.open(session.path) as other:
        other.codings.delete(4)
    assert session.check_external_changes()
    qtbot.waitUntil(lambda: not any(index.isValid() for index in kept))
    fresh = CodebookPane(session)
    assert (codebook_rows(actors), codebook_rows(issues)) == (codebook_rows(fresh.actors), codebook_rows(fresh.issues))
    shiboken6.delete(fresh)


# -- the viewer builds its highlights once for a codebook change with codings ------------------------


class IndexWork:
    """Counts the highlight index builds and in-place updates of every viewer."""

    def __init__(self, monkeypatch) -> None:
        self.builds = self.updates = 0
        build, update = HighlightIndex.__init__, HighlightIndex.update

        def counted_build(index, *args, **kwargs):
            self.builds += 1
            build(index, *args, **kwargs)

        def counted_update(index, *args, **kwargs):
            self.updates += 1
            return update(index, *args, **kwargs)

        monkeypatch.setattr(HighlightIndex, "__init__", counted_build)
        monkeypatch.setattr(HighlightIndex, "update", counted_update)

    def take(self) -> tuple[int, int]:
        counts, self.builds, self.updates = (self.builds, self.updates), 0, 0
        return counts


def test_coding_with_a_new_issue_builds_the_highlights_once_in_its_colour(main, qtbot, monkeypatch) -> None:
    session, viewer = main.session, main.viewer
    work = IndexWork(monkeypatch)
    command = AddCodingCommand(session, passage("Lumeria stays silent on sanctions"),
                               Coding(actor_id=0, issue_id=0, position=1),
                               new_actor=Actor(name="Ostmark"), new_issue=Issue(name="Water", color="#7A3E9D"))
    start = span_of("Lumeria stays silent")[0]
    for step, coded in ((lambda: push(main, command), True), (session.undo_stack.undo, False),
                        (session.undo_stack.redo, True)):
        step()
        assert (command.coding_id in viewer.coding_ids_at(start)) == coded  # at once, not after the event loop
        assert work.take() == (1, 0)
        qtbot.wait(20)
        assert work.take() == (0, 0)  # and nothing more when the event loop runs
        assert_highlights_as_rebuilt(main)
        work.take()
    [layer] = [layer for layer in viewer._index.layers if command.coding_id in layer.coding_ids]
    assert layer.colour == "#7A3E9D"
    codebook = main.codebook_pane
    qtbot.waitUntil(lambda: codebook.actors.model.index_of(command.new_entries.actor_id).isValid())
    assert codebook.actors.model.index_of(command.new_entries.actor_id).siblingAtColumn(1).data() == "1"


def test_a_codebook_edit_builds_the_highlights_once(main, qtbot, monkeypatch) -> None:
    from posmap.gui.commands.codebook import recolour_command

    session, viewer = main.session, main.viewer
    work = IndexWork(monkeypatch)
    push(main, recolour_command(session, session.project.issues.get(2), "#112233"))
    assert {layer.colour for layer in viewer._index.layers if layer.issue_id == 2} == {"#112233"}
    assert work.take() == (1, 0)
    session.notify_all()  # as after an import
    assert work.take() == (1, 0)
    # Alone, a codebook change rebuilds when the event loop runs, once however often it came.
    with Project.open(session.path) as other:
        issue = other.issues.get(1)
        other.issues.update(issue.model_copy(update={"color": "#445566"}))
    for _ in range(3):
        session.codebookChanged.emit()
    assert work.take() == (0, 0)
    qtbot.waitUntil(lambda: work.builds > 0)
    qtbot.wait(20)
    assert work.take() == (1, 0)
    assert {layer.colour for layer in viewer._index.layers if layer.issue_id == 1} == {"#445566"}
    assert_highlights_as_rebuilt(main)
