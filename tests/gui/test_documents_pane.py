"""The documents pane: the table, its filter and sorting, editing details and deleting, undoably."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from posmap.gui.dialogs.metadata import DocumentMetadataDialog
from posmap.gui.documents_pane import DocumentTableModel
from posmap.model import DocumentMetadata
from posmap.store import Project


def _titles(pane) -> list[str]:
    proxy = pane.proxy
    return [proxy.index(row, DocumentTableModel.TITLE).data() for row in range(proxy.rowCount())]


def _select_title(pane, title: str) -> int:
    for row in range(pane.model.rowCount()):
        if pane.model.document(row).title == title:
            document_id = pane.model.document(row).id
            assert pane.select_document(document_id)
            return document_id
    raise AssertionError(title)


def test_the_table_lists_title_author_date_kind_and_codings(opened):
    pane = opened.documents_pane
    assert [pane.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Title", "Author", "Date", "Kind", "Codings"]
    counts = {pane.model.document(r).title: pane.model.index(r, DocumentTableModel.CODINGS).data()
              for r in range(pane.model.rowCount())}
    assert counts == {"statement": 3, "Interview": 1}


def test_filter_and_sort(opened, qtbot):
    pane = opened.documents_pane
    qtbot.keyClicks(pane.filter_edit, "INTERV")
    assert _titles(pane) == ["Interview"]
    pane.filter_edit.clear()
    pane.table.sortByColumn(DocumentTableModel.CODINGS, Qt.SortOrder.DescendingOrder)
    assert _titles(pane) == ["statement", "Interview"]
    pane.table.sortByColumn(DocumentTableModel.CODINGS, Qt.SortOrder.AscendingOrder)
    assert _titles(pane) == ["Interview", "statement"]


def test_edit_details_then_undo_and_redo(opened, qtbot):
    pane = opened.documents_pane
    document_id = _select_title(pane, "statement")
    dialog = pane.edit_metadata()
    assert isinstance(dialog, DocumentMetadataDialog)
    dialog.title_edit.selectAll()
    qtbot.keyClicks(dialog.title_edit, "Statement of the Valdorian government")
    qtbot.keyClicks(dialog.author_edit, "Ministry of Foreign Affairs")
    qtbot.keyClicks(dialog.date_edit, "2025-06-14")
    dialog.kind_combo.setCurrentText("official statement")
    qtbot.keyClicks(dialog.language_edit, "en")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)

    project = opened.session.require()
    edited = project.documents.get(document_id, with_text=False)
    assert (edited.title, edited.author, edited.date, edited.kind, edited.language) == (
        "Statement of the Valdorian government", "Ministry of Foreign Affairs", dt.date(2025, 6, 14),
        "official statement", "en")
    assert "Statement of the Valdorian government" in _titles(pane)
    assert pane.current_document_id() == document_id  # the selection survives the refresh

    opened.undo_action.trigger()
    assert project.documents.get(document_id, with_text=False).title == "statement"
    assert project.documents.get(document_id, with_text=False).date is None
    opened.redo_action.trigger()
    assert project.documents.get(document_id, with_text=False).author == "Ministry of Foreign Affairs"


def test_the_details_dialog_refuses_a_bad_date_and_an_empty_title(qtbot):
    dialog = DocumentMetadataDialog(DocumentMetadata(title="A title"))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.keyClicks(dialog.date_edit, "14/06/2025")
    assert not ok.isEnabled()
    assert "YYYY-MM-DD" in dialog.problem_label.text()
    dialog.date_edit.setText("2025-06-14")
    assert ok.isEnabled()
    dialog.title_edit.clear()
    assert not ok.isEnabled()
    assert dialog.problem_label.text() == "Title: a document needs a title."
    assert dialog.metadata() is None


def test_delete_a_document_with_its_codings_then_undo(opened, answer_yes):
    pane = opened.documents_pane
    path = opened.session.path
    with Project.open(path) as project:
        before = project.codings.records()
    document_id = _select_title(pane, "statement")
    pane.delete_action.trigger()
    assert "3 codings on it will be deleted too" in answer_yes[0]
    with Project.open(path) as project:
        assert [d.title for d in project.documents.summaries()] == ["Interview"]
        assert project.codings.count() == 1
    assert pane.model.rowCount() == 1
    assert opened.viewer.document_id != document_id

    opened.undo_action.trigger()
    with Project.open(path) as project:
        assert project.codings.records() == before  # same ids, passages and time stamps
        assert project.documents.get(document_id).text.startswith("The government of Valdoria")
        assert project.documents.search('"prisoner"')  # the full-text index has it again
    opened.redo_action.trigger()
    with Project.open(path) as project:
        assert project.documents.count() == 1


def test_declining_the_question_deletes_nothing(opened, answer_no):
    pane = opened.documents_pane
    _select_title(pane, "statement")
    assert not pane.delete_selected()
    assert pane.model.rowCount() == 2


def test_several_documents_can_be_deleted_at_once(opened, answer_yes):
    pane = opened.documents_pane
    pane.table.selectAll()
    assert len(pane.selected_document_ids()) == 2
    assert pane.delete_action.text() == "&Delete Documents…"
    assert pane.delete_selected()
    assert "Delete 2 documents?" in answer_yes[0]
    assert pane.empty_label.isVisible() or pane.model.rowCount() == 0
    opened.undo_action.trigger()
    assert pane.model.rowCount() == 2


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo_from_the_keyboard(opened, qtbot):
    pane = opened.documents_pane
    document_id = _select_title(pane, "Interview")
    project = opened.session.require()
    before = project.documents.get(document_id, with_text=False)
    after = DocumentMetadata(title="Interview with the minister")
    from posmap.gui.commands.documents import EditDocumentMetadataCommand

    metadata = DocumentMetadata(**before.model_dump(include=set(DocumentMetadata.model_fields)))
    opened.session.push(EditDocumentMetadataCommand(opened.session, document_id, metadata, after))
    opened.activateWindow()
    pane.table.setFocus()
    qtbot.waitUntil(lambda: opened.isActiveWindow())
    qtbot.keyClick(pane.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.documents.get(document_id, with_text=False).title == "Interview"
    qtbot.keyClick(pane.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert project.documents.get(document_id, with_text=False).title == "Interview with the minister"
    qtbot.keyClick(pane.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(pane.table, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert project.documents.get(document_id, with_text=False).title == "Interview with the minister"
