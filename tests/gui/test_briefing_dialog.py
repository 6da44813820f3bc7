"""File ▸ Export Briefing…: the options dialog driven as a user would, the PDF read back with pypdf."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QPushButton

import posmap.gui.briefing_worker as briefing_worker
from posmap.analysis import RecordFilter
from posmap.gui.dialogs.briefing_dialog import BriefingDialog, briefing_file_name

EXPORT_TIMEOUT_MS = 60_000


@pytest.fixture
def opened_urls(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """Record what the dialog asks the desktop to open instead of starting a PDF viewer."""
    urls: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


@pytest.fixture
def out_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "briefings"
    folder.mkdir()
    return folder


def open_dialog(qtbot, window) -> BriefingDialog:
    window.export_briefing_action.trigger()
    dialog = window.briefing_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def choose_output(monkeypatch: pytest.MonkeyPatch, qtbot, dialog: BriefingDialog, target: Path) -> list[str]:
    """Pick ``target`` with Browse… (the file dialog answered by the test); returns the suggestions shown."""
    suggested: list[str] = []

    def save_name(parent, caption, suggestion, *args, **kwargs):
        suggested.append(suggestion)
        return str(target), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    return suggested


def type_into(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def export_and_wait(qtbot, dialog: BriefingDialog) -> None:
    assert dialog.export_button.isEnabled(), dialog.problem_label.text()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    job = dialog.job
    assert job is not None, "the export did not start"
    with qtbot.waitSignal(job.finished, timeout=EXPORT_TIMEOUT_MS):
        pass


def set_checked(box, names: set[str]) -> None:
    """Tick exactly ``names`` in an issues or actors list, clicking None first as a user would."""
    box.none_button.click()
    for row in range(box.list.count()):
        item = box.list.item(row)
        if item.data(Qt.ItemDataRole.UserRole) in names:
            item.setCheckState(Qt.CheckState.Checked)


def pdf_pages(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def test_export_writes_the_pdf_with_title_marking_and_author(qtbot, opened, out_folder, monkeypatch,
                                                              opened_urls) -> None:
    dialog = open_dialog(qtbot, opened)
    type_into(qtbot, dialog.title_edit, "Ceasefire talks: where the parties stand")
    type_into(qtbot, dialog.subtitle_edit, "Before the spring round")
    type_into(qtbot, dialog.author_edit, "Analysis Unit")
    dialog.marking_combo.setCurrentIndex(dialog.marking_combo.findText("RESTRICTED"))
    dialog.paper_combo.setCurrentIndex(dialog.paper_combo.findData("letter"))
    dialog.open_check.setChecked(False)
    target = out_folder / "ceasefire.pdf"
    choose_output(monkeypatch, qtbot, dialog, target)

    export_and_wait(qtbot, dialog)

    assert target.is_file()
    reader = PdfReader(target)
    assert reader.metadata.title == "Ceasefire talks: where the parties stand"
    assert reader.metadata.author == "Analysis Unit"
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    pages = pdf_pages(target)
    assert len(pages) > 1
    assert all("RESTRICTED" in page for page in pages)
    assert "Before the spring round" in pages[0]
    assert "Prisoners" in " ".join(pages)  # every issue, when all are ticked
    assert sorted(p.name for p in out_folder.iterdir()) == ["ceasefire.pdf"]  # no temporary file left
    # Not opened; the status bar names the file instead, and the dialog has closed.
    assert opened_urls == []
    assert str(target) in opened.statusBar().currentMessage()
    qtbot.waitUntil(lambda: opened.briefing_dialog is None)


def test_author_open_when_done_paper_and_folder_are_remembered(qtbot, opened, out_folder, monkeypatch,
                                                               opened_urls) -> None:
    dialog = open_dialog(qtbot, opened)
    type_into(qtbot, dialog.author_edit, "Mediation Support Unit")
    dialog.open_check.setChecked(False)
    dialog.paper_combo.setCurrentIndex(dialog.paper_combo.findData("letter"))
    choose_output(monkeypatch, qtbot, dialog, out_folder / "first.pdf")
    export_and_wait(qtbot, dialog)
    qtbot.waitUntil(lambda: opened.briefing_dialog is None)

    again = open_dialog(qtbot, opened)
    assert again.author_edit.text() == "Mediation Support Unit"
    assert not again.open_check.isChecked()
    assert again.paper_combo.currentData() == "letter"
    assert again.output_path() == out_folder / "Peace talks.pdf"  # the project title, in the last folder
    assert again.marking == ""  # the marking is chosen afresh for every paper
    assert QSettings().value("briefing/author") == "Mediation Support Unit"


def test_choosing_one_issue_leaves_the_other_issue_out(qtbot, opened, out_folder, monkeypatch, opened_urls) -> None:
    dialog = open_dialog(qtbot, opened)
    assert dialog.issues_box.title() == "Issues (all)"
    set_checked(dialog.issues_box, {"Ceasefire"})
    assert dialog.issues_box.title() == "Issues (1 of 2)"
    assert dialog.options().issues == ("Ceasefire",)
    dialog.open_check.setChecked(False)
    target = out_folder / "one issue.pdf"
    choose_output(monkeypatch, qtbot, dialog, target)

    export_and_wait(qtbot, dialog)

    text = " ".join(pdf_pages(target))
    assert "Ceasefire" in text
    assert "will never accept a ceasefire" in text
    assert "Prisoners" not in text
    assert "prisoner exchange" not in text


def test_no_issue_ticked_disables_export_and_says_why(qtbot, opened) -> None:
    dialog = open_dialog(qtbot, opened)
    dialog.issues_box.none_button.click()
    assert not dialog.export_button.isEnabled()
    assert dialog.problem_label.isVisible()
    assert dialog.problem_label.text() == "Tick at least one issue."
    dialog.issues_box.all_button.click()
    assert dialog.export_button.isEnabled()
    assert not dialog.problem_label.isVisible()


def test_cancel_during_progress_leaves_no_file(qtbot, opened, out_folder, monkeypatch, opened_urls) -> None:
    real_write = briefing_worker.write_briefing
    held: list[str] = []

    def held_in_layout(project, options, progress, cancelled):
        """The real export, held while it lays out pages (the file is open) until the user cancels."""

        def report(done: int, total: int, message: str) -> None:
            progress(done, total, message)
            if message.startswith("Laying out"):
                held.append(message)
                deadline = time.monotonic() + 30
                while not cancelled() and time.monotonic() < deadline:
                    time.sleep(0.01)

        return real_write(project, options, progress=report, cancelled=cancelled)

    monkeypatch.setattr(briefing_worker, "write_briefing", held_in_layout)
    dialog = open_dialog(qtbot, opened)
    target = out_folder / "cancelled.pdf"
    choose_output(monkeypatch, qtbot, dialog, target)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    job, progress = dialog.job, dialog.progress_dialog
    assert job is not None and progress is not None
    qtbot.waitUntil(lambda: progress.isVisible() and progress.labelText().startswith("Laying out"), timeout=30_000)
    assert not dialog.export_button.isEnabled()

    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "Cancel")
    with qtbot.waitSignal(job.finished, timeout=EXPORT_TIMEOUT_MS):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)

    assert not target.exists()
    assert held  # cancelled while the pages were being laid out
    assert list(out_folder.iterdir()) == []  # not even a temporary file is left
    assert opened_urls == []
    assert "cancelled" in opened.statusBar().currentMessage()
    # The options stay open to change and try again.
    assert dialog.isVisible()
    assert dialog.job is None
    assert dialog.export_button.isEnabled()


def test_open_when_done_opens_the_written_file(qtbot, opened, out_folder, monkeypatch, opened_urls) -> None:
    dialog = open_dialog(qtbot, opened)
    dialog.open_check.setChecked(True)
    target = out_folder / "open me.pdf"
    choose_output(monkeypatch, qtbot, dialog, target)

    export_and_wait(qtbot, dialog)

    assert target.is_file()
    assert opened_urls == [QUrl.fromLocalFile(str(target))]


def test_an_output_folder_that_does_not_exist_is_an_error_and_nothing_is_written(
    qtbot, opened, tmp_path, opened_urls, shown_errors
) -> None:
    dialog = open_dialog(qtbot, opened)
    missing = tmp_path / "no such folder" / "brief.pdf"
    type_into(qtbot, dialog.output_edit, str(missing))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    [message] = shown_errors(dialog)
    assert "does not exist" in message and "\n" not in message
    assert dialog.job is None
    assert not missing.parent.exists()
    assert opened_urls == []
    assert dialog.isVisible()  # the user can correct the path


def test_an_error_from_the_export_is_one_line_and_keeps_the_dialog(qtbot, opened, out_folder, opened_urls,
                                                                    shown_errors) -> None:
    dialog = open_dialog(qtbot, opened)
    # Red lines only: the project has none, so the service refuses with a ProjectError.
    dialog.filters.kind_button.set_checked(["red_line"])
    dialog.set_output(out_folder / "empty.pdf")

    export_and_wait(qtbot, dialog)

    [message] = shown_errors(dialog)
    assert "No codings match" in message and "\n" not in message and "Traceback" not in message
    assert list(out_folder.iterdir()) == []
    assert opened_urls == []
    assert dialog.isVisible() and dialog.export_button.isEnabled()


def test_typed_name_without_suffix_gets_pdf_and_an_existing_file_needs_confirmation(
    qtbot, opened, out_folder, opened_urls, answer_no
) -> None:
    dialog = open_dialog(qtbot, opened)
    existing = out_folder / "old.pdf"
    existing.write_bytes(b"%PDF-1.4 keep me")
    type_into(qtbot, dialog.output_edit, str(out_folder / "old"))
    assert dialog.output_path() == existing
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    assert answer_no and "old.pdf already exists" in answer_no[0]
    assert dialog.job is None
    assert existing.read_bytes() == b"%PDF-1.4 keep me"


def test_defaults_come_from_the_project(qtbot, opened) -> None:
    dialog = open_dialog(qtbot, opened)
    assert dialog.windowTitle() == "Export Briefing"
    assert dialog.title_edit.text() == "Peace talks"
    assert dialog.output_path().name == "Peace talks.pdf"
    assert dialog.marking == "" and dialog.marking_combo.currentText() == "None"
    assert dialog.max_quotes_spin.value() == 5
    assert dialog.paper_combo.currentData() == "a4"
    assert dialog.open_check.isChecked()
    assert dialog.filters.documents_button.list.count() == 2
    options = dialog.options()
    assert options.issues == () and options.actors == ()  # all of them
    assert options.coding_filter.document_ids == () and options.coding_filter.kinds == ()
    # While the user has not named the file, it follows the title.
    type_into(qtbot, dialog.title_edit, "Spring: round two")
    assert dialog.output_path().name == "Spring round two.pdf"
    assert opened.export_briefing_action.shortcut().toString() == "Ctrl+Shift+B"
    assert opened.export_briefing_action in opened.file_menu.actions()


def test_filters_become_the_briefings_coding_filter(qtbot, opened) -> None:
    dialog = open_dialog(qtbot, opened)
    dialog.set_filter(RecordFilter(since=dt.date(2024, 1, 1), attributions=("own_words",), kinds=("position",)))
    where = dialog.options().coding_filter
    assert where.since == dt.date(2024, 1, 1) and where.until is None
    assert where.attributions == ("own_words",) and where.kinds == ("position",)
    assert dialog.filters.since_edit.isEnabled() and not dialog.filters.until_edit.isEnabled()
    assert dialog.filters_box.title() == "Filters (3 active)"
    dialog.filters.clear_button.click()
    assert dialog.options().coding_filter.attributions == ()
    assert dialog.filters_box.title() == "Filters"


def test_export_needs_an_open_project(window) -> None:
    assert not window.export_briefing_action.isEnabled()
    assert window.export_briefing() is None


def test_cancel_button_closes_the_dialog(qtbot, opened) -> None:
    dialog = open_dialog(qtbot, opened)
    dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: opened.briefing_dialog is None)  # closed and deleted


def test_briefing_file_name_is_safe() -> None:
    assert briefing_file_name("Peace talks: spring/summer") == "Peace talks spring summer.pdf"
    assert briefing_file_name("  ") == "posmap briefing.pdf"
