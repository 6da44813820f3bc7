"""The codebook pane: add, rename, recolour, nest, merge, delete and scales, all undoable."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QColorDialog, QLineEdit

from posmap.gui.commands.codebook import UpdateEntryCommand
from posmap.gui.dialogs.scale_editor import PRESET_AGREEMENT, PRESET_OUTCOMES
from posmap.model import Scale
from posmap.store import Project


def _ids(path, noun: str) -> dict[str, int]:
    with Project.open(path) as project:
        repo = project.actors if noun == "actor" else project.issues
        return {entry.name: entry.id for entry in repo.all()}


def _select(section, name: str) -> QModelIndex:
    entry_id = next(e.id for e in section.model.entries.values() if e.name == name)
    index = section.model.index_of(entry_id)
    section.tree.setCurrentIndex(index)
    return index


def _codings_of(path, actor: str) -> list[int]:
    with Project.open(path) as project:
        actor_id = project.actors.by_name(actor).id
        return [r.id for r in project.codings.records() if r.actor_id == actor_id]


def test_trees_show_nesting_colours_and_counts(opened):
    actors = opened.codebook_pane.actors
    assert actors.model.rowCount() == 3
    kestria = actors.model.index_of(_ids(opened.session.path, "actor")["Kestria"])
    assert kestria.siblingAtColumn(1).data() == "2"
    assert not kestria.data(Qt.ItemDataRole.DecorationRole).isNull()
    issues = opened.codebook_pane.issues
    assert "Scale:" in issues.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_add_an_actor_through_the_dialog_and_undo_redo(opened, qtbot):
    dialog = opened.codebook_pane.actors.add_entry()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "Norvald")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("state"))
    qtbot.keyClicks(dialog.aliases_edit, "Kingdom of Norvald; Norvalders")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    path = opened.session.path
    with Project.open(path) as project:
        norvald = project.actors.by_name("Norvald")
        assert norvald.kind == "state" and norvald.aliases == ["Kingdom of Norvald", "Norvalders"]
    assert opened.codebook_pane.actors.current_id() == norvald.id
    opened.undo_action.trigger()
    assert "Norvald" not in _ids(path, "actor")
    opened.redo_action.trigger()
    assert _ids(path, "actor")["Norvald"] == norvald.id


def test_an_actor_without_a_name_cannot_be_added(opened, qtbot):
    dialog = opened.codebook_pane.actors.add_entry()
    dialog.name_edit.clear()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    assert dialog.problem_label.text() == "Give it a name."
    dialog.reject()


def test_rename_in_place(opened, qtbot):
    section = opened.codebook_pane.actors
    index = _select(section, "Valdoria")
    section.tree.edit(index)
    editor = QApplication.focusWidget()
    if not isinstance(editor, QLineEdit):
        editor = section.tree.findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Republic of Valdoria")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Republic of Valdoria" in _ids(opened.session.path, "actor"))
    assert opened.undo_action.text() == "&Undo Rename actor “Valdoria” to “Republic of Valdoria”"


def test_a_refused_rename_shows_the_reason_and_leaves_no_command(opened, shown_errors):
    section = opened.codebook_pane.actors
    before = opened.session.undo_stack.count()
    valdoria = _ids(opened.session.path, "actor")["Valdoria"]
    assert not section.rename(valdoria, "KESTRIA")
    assert "already an actor named 'Kestria'" in shown_errors(opened)[0]
    assert opened.session.undo_stack.count() == before
    assert not opened.undo_action.isEnabled()
    assert "Valdoria" in _ids(opened.session.path, "actor")


def test_a_store_error_during_a_command_drops_it_from_the_stack(opened, shown_errors):
    project = opened.session.require()
    ceasefire = project.issues.by_name("Ceasefire")
    # Codings sit at -2 and +2; a 0..2 scale would strand the -2 one.
    stranding = ceasefire.model_copy(update={"scale": Scale.from_labels("no;maybe;yes")})
    errors: list[str] = []
    opened.session.errorOccurred.connect(errors.append)
    assert not opened.session.push(UpdateEntryCommand(opened.session, ceasefire, stranding))
    assert opened.session.undo_stack.count() == 0
    assert errors and "drops points that codings use" in errors[0]
    assert project.issues.scale(ceasefire.id) == ceasefire.scale


def test_recolour_and_undo(opened, monkeypatch):
    monkeypatch.setattr(QColorDialog, "getColor", staticmethod(lambda *a, **k: QColor("#123456")))
    section = opened.codebook_pane.issues
    _select(section, "Prisoners")
    section.colour_action.trigger()
    with Project.open(opened.session.path) as project:
        assert project.issues.by_name("Prisoners").color == "#123456"
    opened.undo_action.trigger()
    with Project.open(opened.session.path) as project:
        assert project.issues.by_name("Prisoners").color == "#DD8452"


def test_nest_by_drag_and_drop_then_undo(opened, qtbot):
    section = opened.codebook_pane.actors
    ids = _ids(opened.session.path, "actor")
    model = section.model
    source = model.index_of(ids["Kestria"])
    target = model.index_of(ids["Kestrian Federation"])
    data = model.mimeData([source, source.siblingAtColumn(1)])
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target)
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target) is False  # the store decides
    qtbot.waitUntil(lambda: opened.session.require().actors.get(ids["Kestria"]).parent_id == ids["Kestrian Federation"])
    nested = model.index_of(ids["Kestria"])
    assert nested.parent().data(Qt.ItemDataRole.DisplayRole) == "Kestrian Federation"
    opened.undo_action.trigger()
    assert opened.session.require().actors.get(ids["Kestria"]).parent_id is None
    assert not section.model.index_of(ids["Kestria"]).parent().isValid()


def test_dropping_on_empty_space_moves_to_the_top_level(opened, qtbot):
    project = opened.session.require()
    ids = _ids(opened.session.path, "issue")
    opened.codebook_pane.issues.reparent(ids["Prisoners"], ids["Ceasefire"])
    model = opened.codebook_pane.issues.model
    data = model.mimeData([model.index_of(ids["Prisoners"])])
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    qtbot.waitUntil(lambda: project.issues.get(ids["Prisoners"]).parent_id is None)


def test_nesting_an_entry_inside_its_own_child_is_refused(opened, qtbot, shown_errors):
    section = opened.codebook_pane.actors
    ids = _ids(opened.session.path, "actor")
    assert section.reparent(ids["Kestria"], ids["Kestrian Federation"])
    count = opened.session.undo_stack.count()
    model = section.model
    data = model.mimeData([model.index_of(ids["Kestrian Federation"])])
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index_of(ids["Kestria"]))
    qtbot.waitUntil(lambda: bool(shown_errors(opened)))
    assert "cannot be nested inside itself" in shown_errors(opened)[0]
    assert opened.session.undo_stack.count() == count
    assert opened.session.require().actors.get(ids["Kestrian Federation"]).parent_id is None


def test_a_drop_from_the_other_tree_is_ignored(opened):
    actors, issues = opened.codebook_pane.actors.model, opened.codebook_pane.issues.model
    data = issues.mimeData([issues.index(0, 0)])
    assert not actors.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, actors.index(0, 0))


def test_merge_two_actors_moves_their_codings(opened, qtbot):
    path = opened.session.path
    ids = _ids(path, "actor")
    moved = _codings_of(path, "Kestria")
    assert len(moved) == 2
    section = opened.codebook_pane.actors
    _select(section, "Kestria")
    dialog = section.merge_entry()
    assert "Its 2 codings and any nested entries move there" in dialog.intro.text()
    qtbot.keyClicks(dialog.filter_edit, "federation")
    assert dialog.target_id() == ids["Kestrian Federation"]
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    with Project.open(path) as project:
        assert project.actors.find("Kestria").name == "Kestrian Federation"  # kept as an alias
        assert sorted(_codings_of(path, "Kestrian Federation")) == sorted(moved)
        assert project.actors.get(ids["Kestrian Federation"]).aliases == ["Kestria"]
    assert section.current_id() == ids["Kestrian Federation"]
    assert section.model.index_of(ids["Kestrian Federation"]).siblingAtColumn(1).data() == "2"

    opened.undo_action.trigger()
    with Project.open(path) as project:
        assert project.actors.by_name("Kestria").id == ids["Kestria"]
        assert project.actors.get(ids["Kestrian Federation"]).aliases == []
    assert sorted(_codings_of(path, "Kestria")) == sorted(moved)
    opened.redo_action.trigger()
    assert "Kestria" not in _ids(path, "actor")


def test_merge_dialog_offers_neither_the_entry_nor_its_children(opened):
    section = opened.codebook_pane.actors
    ids = _ids(opened.session.path, "actor")
    section.reparent(ids["Kestria"], ids["Kestrian Federation"])
    _select(section, "Kestrian Federation")
    dialog = section.merge_entry()
    offered = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert offered == ["Valdoria"]
    dialog.reject()


def test_delete_an_issue_after_confirmation_and_undo(opened, answer_yes, qtbot):
    path = opened.session.path
    ids = _ids(path, "issue")
    with Project.open(path) as project:
        ceasefire_codings = [r for r in project.codings.records() if r.issue == "Ceasefire"]
        scale = project.issues.get(ids["Ceasefire"]).scale
    section = opened.codebook_pane.issues
    _select(section, "Ceasefire")
    section.delete_action.trigger()
    assert answer_yes and "“Ceasefire”" in answer_yes[0]
    with Project.open(path) as project:
        assert project.issues.find("Ceasefire") is None
        assert project.codings.count() == 2
    qtbot.waitUntil(lambda: opened.counts_label.text() == "2 documents · 2 codings · 3 actors · 1 issue")

    opened.undo_action.trigger()
    with Project.open(path) as project:
        restored = project.issues.get(ids["Ceasefire"])
        assert restored.scale == scale and restored.proposition == "A ceasefire should come first."
        again = [r for r in project.codings.records() if r.issue == "Ceasefire"]
        assert again == ceasefire_codings  # same ids, passages, positions and time stamps
    opened.redo_action.trigger()
    assert "Ceasefire" not in _ids(path, "issue")


def test_the_delete_question_says_how_many_codings_go(opened, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    texts: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        texts.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    section = opened.codebook_pane.issues
    _select(section, "Ceasefire")
    assert not section.delete_entry()
    assert "2 codings of “Ceasefire” will be deleted too" in texts[0]
    assert "Ceasefire" in _ids(opened.session.path, "issue")


def test_edit_an_issue_scale_with_a_preset(opened, qtbot):
    section = opened.codebook_pane.issues
    _select(section, "Prisoners")
    dialog = section.edit_entry()
    editor = dialog.scale_editor
    editor.preset_combo.setCurrentIndex(editor.preset_combo.findText(PRESET_AGREEMENT))
    editor.preset_combo.activated.emit(editor.preset_combo.findText(PRESET_AGREEMENT))
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    # Prisoners' codings use 2 ("full exchange"), which the agreement scale has: allowed.
    assert ok.isEnabled()
    editor.preset_combo.activated.emit(editor.preset_combo.findText(PRESET_OUTCOMES))
    assert [label for _, label in editor.points()] == ["first outcome", "middle outcome", "last outcome"]
    editor.table.item(0, 1).setText("no exchange")
    editor.table.item(1, 1).setText("partial")
    editor.table.item(2, 1).setText("all for all")
    editor.table.setCurrentCell(2, 1)
    editor.add_point()
    editor.table.item(3, 1).setText("all for all, plus civilians")
    editor.table.setCurrentCell(3, 1)
    editor.move_selected(-1)
    assert [label for _, label in editor.points()][2:] == ["all for all, plus civilians", "all for all"]
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    with Project.open(opened.session.path) as project:
        scale = project.issues.by_name("Prisoners").scale
    assert [(p.value, p.label) for p in scale.points] == [
        (0, "no exchange"), (1, "partial"), (2, "all for all, plus civilians"), (3, "all for all")]
    opened.undo_action.trigger()
    with Project.open(opened.session.path) as project:
        assert project.issues.by_name("Prisoners").scale.points[2].label == "full exchange"


def test_the_scale_editor_keeps_points_that_codings_use(opened):
    section = opened.codebook_pane.issues
    _select(section, "Ceasefire")
    dialog = section.edit_entry()
    editor = dialog.scale_editor
    editor.table.setCurrentCell(0, 1)  # −2, used by Valdoria's coding
    editor.remove_selected()
    assert editor.table.rowCount() == 5
    assert "cannot go: 1 coding(s) use it" in editor.problem_label.text()
    editor.preset_combo.activated.emit(editor.preset_combo.findText(PRESET_OUTCOMES))
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    assert "Codings use points this scale no longer has" in editor.problem_label.text()
    dialog.reject()


def test_import_codebook_and_undo(opened, tmp_path):
    codebook = tmp_path / "shared.json"
    codebook.write_text(
        '{"format": "posmap-codebook", "version": 1, '
        '"actors": [{"name": "Norvald"}, {"name": "Valdoria", "color": "#000000"}], '
        '"issues": [{"name": "Sanctions", "scale": {"points": [{"value": 0, "label": "keep"}, '
        '{"value": 1, "label": "lift"}]}}]}', encoding="utf-8")
    assert opened.import_codebook(codebook)
    path = opened.session.path
    assert "Norvald" in _ids(path, "actor") and "Sanctions" in _ids(path, "issue")
    opened.undo_action.trigger()
    with Project.open(path) as project:
        assert project.actors.find("Norvald") is None and project.issues.find("Sanctions") is None
        assert project.actors.by_name("Valdoria").color == "#4C72B0"
    opened.redo_action.trigger()
    with Project.open(path) as project:
        assert project.actors.by_name("Valdoria").color == "#000000"
        assert project.actors.find("Norvald") is not None


def test_export_codebook(opened, tmp_path):
    target = tmp_path / "out.json"
    assert opened.export_codebook(target)
    assert '"posmap-codebook"' in target.read_text(encoding="utf-8")


def test_delete_and_f2_keys_in_the_tree(opened, qtbot, answer_yes):
    section = opened.codebook_pane.issues
    _select(section, "Prisoners")
    opened.activateWindow()
    section.tree.setFocus()
    qtbot.waitUntil(lambda: opened.isActiveWindow())
    qtbot.keyClick(section.tree, Qt.Key.Key_F2)
    assert section.tree.state() == section.tree.State.EditingState
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.keyClick(section.tree, Qt.Key.Key_Delete)
    assert answer_yes and "Prisoners" in answer_yes[0]
    assert "Prisoners" not in _ids(opened.session.path, "issue")
