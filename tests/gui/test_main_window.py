"""The application shell: projects, recent files, copies, layout, menus and outside changes."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog

from posmap.gui.main_window import MainWindow
from posmap.gui.settings import AppSettings
from posmap.model import Actor
from posmap.store import Project


def test_opening_a_project_shows_its_title_documents_and_counts(opened, filled_project):
    assert opened.windowTitle() == f"Peace talks — {filled_project.name}"
    assert opened.documents_pane.model.rowCount() == 2
    assert opened.codebook_pane.actors.model.rowCount() == 3
    assert opened.counts_label.text() == "2 documents · 4 codings · 3 actors · 2 issues"
    assert opened.central_stack.currentWidget() is opened.no_document_label


def test_selecting_a_document_shows_it_in_the_viewer(opened, qtbot):
    table = opened.documents_pane.table
    rect = table.visualRect(table.model().index(1, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    document_id = opened.documents_pane.current_document_id()
    assert document_id is not None
    assert opened.viewer.document_id == document_id
    assert opened.central_stack.currentWidget() is opened.viewer


def test_a_file_that_is_not_a_project_gives_a_one_line_message(window, tmp_path, shown_errors):
    bogus = tmp_path / "notes.posmap"
    bogus.write_text("just some notes\n", encoding="utf-8")
    assert not window.open_project(bogus)
    messages = shown_errors(window)
    assert len(messages) == 1
    assert "not a posmap project" in messages[0]
    assert "Traceback" not in messages[0] and "\n" not in messages[0]
    assert window.session.project is None


def test_new_project_through_the_file_dialog(window, tmp_path, monkeypatch, qtbot):
    target = tmp_path / "fresh"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.new_action.trigger()
    assert window.session.path == target.with_suffix(".posmap")
    assert "fresh.posmap" in window.windowTitle()
    assert window.documents_pane.empty_label.isVisible()
    assert window.import_action.isEnabled()


def test_new_project_refuses_to_overwrite(window, filled_project, shown_errors):
    assert not window.new_project(filled_project)
    assert "already exists" in shown_errors(window)[0]
    with Project.open(filled_project) as project:
        assert project.documents.count() == 2


def test_close_returns_to_the_welcome_page_with_the_recent_project(opened, filled_project, qtbot):
    qtbot.keyClick(opened, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    if opened.session.project is not None:  # keyboard focus may be elsewhere in offscreen runs
        opened.close_action.trigger()
    assert opened.session.project is None
    assert opened.windowTitle() == "posmap"
    assert opened.central_stack.currentWidget() is opened.welcome
    items = [opened.welcome.recent_list.item(i).data(Qt.ItemDataRole.UserRole)
             for i in range(opened.welcome.recent_list.count())]
    assert items == [str(filled_project.resolve())]


def test_recent_projects_are_remembered_between_runs(window, filled_project, tmp_path, qtbot):
    other = tmp_path / "other.posmap"
    Project.create(other, title="Other").close()
    assert window.open_project(filled_project)
    assert window.open_project(other)
    window.close()

    second = MainWindow()
    qtbot.addWidget(second)
    assert AppSettings().recent_projects() == [other.resolve(), filled_project.resolve()]
    second.recent_menu.aboutToShow.emit()
    actions = [a for a in second.recent_menu.actions() if a.text()[1:2].isdigit()]
    assert [a.text() for a in actions] == ["&1 other.posmap", "&2 talks.posmap"]
    actions[1].trigger()
    assert second.session.path == filled_project
    assert AppSettings().recent_projects()[0] == filled_project.resolve()


def test_a_vanished_recent_project_is_dropped_from_the_list(window, tmp_path, shown_errors):
    gone = tmp_path / "gone.posmap"
    Project.create(gone).close()
    assert window.open_project(gone)
    window.close_project()
    gone.unlink()
    assert not window.open_project(gone)
    assert "no project file" in shown_errors(window)[0]
    assert AppSettings().recent_projects() == []


def test_save_a_copy_writes_a_complete_single_file(opened, tmp_path, monkeypatch):
    target = tmp_path / "copies" / "handover.posmap"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    opened.save_copy_action.trigger()
    assert sorted(p.name for p in target.parent.iterdir()) == ["handover.posmap"]
    with Project.open(target) as copy:
        assert copy.documents.count() == 2
        assert copy.codings.count() == 4
        assert copy.title == "Peace talks"
    # The open project is untouched and still the one in the window.
    assert opened.session.path.name == "talks.posmap"


def test_save_a_copy_replaces_a_file_the_user_chose_to_overwrite(opened, tmp_path):
    target = tmp_path / "old.posmap"
    target.write_text("an older file", encoding="utf-8")
    assert opened.save_copy(target)
    with Project.open(target) as copy:
        assert copy.codings.count() == 4


def test_save_a_copy_over_the_open_project_is_refused(opened, filled_project, shown_errors):
    assert not opened.save_copy(filled_project)
    assert "cannot replace the project that is open" in shown_errors(opened)[0]


def test_window_geometry_and_dock_layout_are_remembered(window, qtbot, monkeypatch):
    window.codebook_dock.hide()
    window.close()
    saved = AppSettings().window_geometry()
    assert saved is not None and AppSettings().window_state() is not None

    restored: list[bytes] = []
    original = MainWindow.restoreGeometry
    monkeypatch.setattr(MainWindow, "restoreGeometry",
                        lambda self, geometry: restored.append(bytes(geometry)) or original(self, geometry))
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    assert restored == [bytes(saved)]
    assert second.codebook_dock.isHidden()
    assert not second.documents_dock.isHidden()
    second.reset_layout_action.trigger()
    assert not second.codebook_dock.isHidden()
    assert second.matrix_dock.isHidden()


def test_undo_and_redo_have_the_standard_shortcuts(window):
    undo_keys = [k.toString() for k in window.undo_action.shortcuts()]
    redo_keys = [k.toString() for k in window.redo_action.shortcuts()]
    assert "Ctrl+Z" in undo_keys
    assert "Ctrl+Shift+Z" in redo_keys and "Ctrl+Y" in redo_keys
    assert window.new_action.shortcut() == QKeySequence("Ctrl+N")
    assert window.open_action.shortcut() == QKeySequence("Ctrl+O")
    assert window.close_action.shortcut() == QKeySequence("Ctrl+W")
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    assert window.import_action.shortcut() == QKeySequence("Ctrl+I")


def test_menus_hold_the_commands(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Code", "&Help"]
    view = [a.text() for a in window.view_menu.actions() if a.text()]
    assert "Documents" in view and "Codebook" in view
    assert all(action.toolTip() for action in window.toolbar.actions() if action.text())


def test_the_shortcut_list_reads_the_menus(window):
    dialog = window.show_shortcuts()
    rows = []
    for i in range(dialog.tree.topLevelItemCount()):
        group = dialog.tree.topLevelItem(i)
        rows += [(group.text(0), group.child(j).text(0), group.child(j).text(1)) for j in range(group.childCount())]
    assert ("File", "Import Files", "Ctrl+I") in rows
    assert any(command == "Undo" and "Ctrl+Z" in keys for _, command, keys in rows)
    assert any(keys == "F2" for _, _, keys in rows)
    dialog.close()


def test_about_names_the_version_and_licence():
    from posmap import __version__
    from posmap.gui.dialogs.about import about_text

    assert __version__ in about_text() and "GPL" in about_text()


def test_a_change_by_another_program_refreshes_the_views(opened, filled_project, tmp_path, qtbot):
    opened.session._watch.setInterval(20)
    opened.session._watch.start()
    extra = tmp_path / "late.txt"
    extra.write_text("A statement that arrived while the window was open.\n", encoding="utf-8")
    from posmap.services.importing import import_files

    with Project.open(filled_project) as other:
        import_files(other, [extra])
        other.actors.add(Actor(name="Norvald"))
    qtbot.waitUntil(lambda: opened.documents_pane.model.rowCount() == 3, timeout=3000)
    qtbot.waitUntil(lambda: opened.codebook_pane.actors.model.rowCount() == 4, timeout=3000)
    qtbot.waitUntil(lambda: opened.counts_label.text().startswith("3 documents"))


def test_run_application_opens_the_window_and_the_project(filled_project, monkeypatch, qtbot):
    from posmap.gui import app as app_module

    shown: list[MainWindow] = []
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    assert app_module.run_application(filled_project) == 0
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    assert shown
    main = shown[-1]
    qtbot.addWidget(main)
    qtbot.waitUntil(lambda: main.session.project is not None)
    assert main.session.path == filled_project
    assert QApplication.organizationName() == "posmap"


def test_void_qt_calls_keep_none_alive():
    """PySide6 6.12.0 dropped a reference to None on every void call on Python 3.11, crashing later."""
    from PySide6.QtCore import QCoreApplication

    before = sys.getrefcount(None)
    for _ in range(2000):
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) > before - 500


def test_the_application_has_its_names_and_icon(qapp):
    from posmap.gui.app import application_icon, configure_application

    configure_application(qapp)
    assert (qapp.organizationName(), qapp.applicationName()) == ("posmap", "posmap")
    icon = application_icon()
    assert icon is not None and not icon.pixmap(32, 32).isNull()
    assert not qapp.windowIcon().isNull()


def test_the_demo_button_builds_and_opens_the_demo(window, tmp_path, monkeypatch, qtbot):
    from PySide6.QtCore import QStandardPaths

    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(lambda location: str(tmp_path / "data")))
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert window.session.path == tmp_path / "data" / "demo" / "demo.posmap"
    assert window.documents_pane.model.rowCount() >= 6
    assert window.codebook_pane.actors.model.rowCount() > 0


def test_a_backup_that_cannot_be_made_is_reported_in_the_status_bar(window, filled_project, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backup folder should be", encoding="utf-8")
    monkeypatch.setenv("POSMAP_BACKUP_DIR", str(blocked))
    window.open_project(filled_project)
    assert window.session.is_open
    assert "no backup of" in window.statusBar().currentMessage()
