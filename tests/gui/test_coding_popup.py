"""CodingPopup: type-to-search, number keys, prefill, validation, editing, deleting, failures — all by keyboard."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt

from posmap.gui.coding_popup import CodingPopup, open_coding_popup, open_edit_popup
from posmap.gui.commands.codings import AddCodingCommand
from posmap.gui.session import ProjectSession
from posmap.model import Actor, Coding, Document, Issue, Passage, Scale
from posmap.store import Project

TEXT = "Пролог 😀🇺🇦. Kestria backs Resolution 2202 and wants the sanctions kept until withdrawal.\n"
QUOTE = "Kestria backs Resolution 2202"


@pytest.fixture
def session(qapp, tmp_path: Path):
    path = tmp_path / "popup.posmap"
    with Project.create(path) as project:
        project.documents.add(Document(title="Statement", sha256=hashlib.sha256(b"p").hexdigest(), text=TEXT))
        project.actors.add(Actor(name="Kestria", aliases=["Republic of Kestria"]))
        project.actors.add(Actor(name="Kestrian Federation"))
        project.actors.add(Actor(name="Norvald"))
        project.issues.add(Issue(name="UN Resolution 2202"))
        project.issues.add(Issue(name="Sanctions", scale=Scale.from_labels("lift;ease;keep;tighten")))
    opened = ProjectSession()
    opened.open(path)
    yield opened
    opened.close()


@pytest.fixture
def popups():
    """Popups delete themselves when they close; close whatever a test left open."""
    opened: list[CodingPopup] = []
    yield opened
    for popup in opened:
        if shiboken6.isValid(popup):
            popup.close()


@pytest.fixture
def popup(session, popups) -> CodingPopup:
    start = TEXT.index(QUOTE)
    opened = open_coding_popup(session, 1, start, start + len(QUOTE))
    popups.append(opened)
    return opened


def test_quote_and_source_are_shown(popup) -> None:
    assert QUOTE in popup.quote_label.text()
    assert popup.quote == QUOTE


def test_empty_fields_choose_nothing(qtbot, session, popup) -> None:
    assert popup.actor.highlighted() is None
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Return)
    assert popup.isVisible()
    assert popup.error_label.text() == "Choose an actor."
    assert session.project.codings.count() == 0


def test_aliases_arrows_and_digits_that_belong_to_a_name(qtbot, session, popup) -> None:
    qtbot.keyClicks(popup.actor.field, "republic")
    assert popup.actor.highlighted().name == "Kestria"
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Backspace)
    popup.actor.field.clear()
    qtbot.keyClicks(popup.actor.field, "kestr")
    assert popup.actor.highlighted().name == "Kestria"
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Down)
    assert popup.actor.highlighted().name == "Kestrian Federation"
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Tab)
    assert popup.actor.choice.name == "Kestrian Federation"
    # "2202" is part of an issue's name, so these digits are typed, not taken as positions.
    qtbot.keyClicks(popup.issue.field, "Resolution 22")
    assert popup.issue.field.text() == "Resolution 22"
    assert popup.position_value() is None
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_5)  # "Resolution 225" matches nothing: a position
    assert popup.issue.choice.name == "UN Resolution 2202"
    assert popup.position_value() == 2
    with qtbot.waitSignal(popup.codingSaved):
        qtbot.keyClick(popup.issue.field, Qt.Key.Key_Return)
    [record] = session.project.codings.records()
    assert (record.actor, record.issue, record.position) == ("Kestrian Federation", "UN Resolution 2202", 2)
    assert record.quote == QUOTE


def test_missing_position_keeps_the_popup_open(qtbot, session, popup) -> None:
    qtbot.keyClicks(popup.actor.field, "Norvald")
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Tab)
    qtbot.keyClicks(popup.issue.field, "Sanctions")
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_Return)
    assert popup.isVisible()
    assert "position" in popup.error_label.text()
    assert session.project.codings.count() == 0
    qtbot.keyClick(popup.position_list, Qt.Key.Key_3)
    assert popup.position_value() == 2  # "keep"
    assert "keep" in popup.summary.text()
    with qtbot.waitSignal(popup.codingSaved):
        qtbot.keyClick(popup.position_list, Qt.Key.Key_Return)
    assert session.project.codings.records()[0].position_label == "keep"


def test_escape_cancels(qtbot, session, popup) -> None:
    qtbot.keyClicks(popup.actor.field, "Norvald")
    with qtbot.waitSignal(popup.rejected):
        qtbot.keyClick(popup.actor.field, Qt.Key.Key_Escape)
    assert session.project.codings.count() == 0


def test_last_choices_are_prefilled_and_kind_has_letter_keys(qtbot, session, popup, popups) -> None:
    qtbot.keyClicks(popup.actor.field, "Norvald")
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Tab)
    qtbot.keyClicks(popup.issue.field, "Sanct")
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_4)
    qtbot.keyClick(popup.kind_combo, Qt.Key.Key_R)
    assert popup.kind_combo.currentText() == "Red line"
    qtbot.keyClick(popup.attribution_combo, Qt.Key.Key_R)
    assert popup.attribution_combo.currentText() == "Reported"
    popup.note_field.setText("said twice")
    with qtbot.waitSignal(popup.codingSaved):
        qtbot.keyClick(popup.note_field, Qt.Key.Key_Return)
    [record] = session.project.codings.records()
    assert (record.kind, record.attribution, record.note) == ("red_line", "reported", "said twice")

    start = TEXT.index("sanctions kept")
    second = open_coding_popup(session, 1, start, start + len("sanctions kept"))
    popups.append(second)
    assert second.actor.field.text() == "Norvald" and second.issue.field.text() == "Sanctions"
    assert second.kind_combo.currentText() == "Red line" and second.attribution_combo.currentText() == "Reported"
    qtbot.keyClick(second.actor.field, Qt.Key.Key_1)  # the actor's name is selected; "1" names no actor
    with qtbot.waitSignal(second.codingSaved):
        qtbot.keyClick(second.actor.field, Qt.Key.Key_Return)
    assert [r.position_label for r in session.project.codings.records()] == ["tighten", "lift"]


def test_create_a_new_issue_uses_the_agreement_scale(qtbot, session, popup) -> None:
    qtbot.keyClicks(popup.actor.field, "Kestria")
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Tab)
    qtbot.keyClicks(popup.issue.field, "Withdrawal")
    assert popup.issue.highlighted().entry_id is None
    assert popup.position_list.count() == 5
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_5)
    with qtbot.waitSignal(popup.codingSaved):
        qtbot.keyClick(popup.issue.field, Qt.Key.Key_Return)
    issue = session.project.issues.find("Withdrawal")
    assert issue is not None and issue.scale == Scale.agreement()
    assert session.project.codings.records()[0].position_label == "strongly supports"
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert session.project.issues.find("Withdrawal") is None


def test_edit_and_delete_an_existing_coding(qtbot, session, popups) -> None:
    start = TEXT.index(QUOTE)
    coding_id = session.project.codings.add(
        Passage(document_id=1, start=start, end=start + len(QUOTE), quote=QUOTE),
        Coding(actor_id=1, issue_id=1, position=0, note="first"),
    )
    editor = open_edit_popup(session, coding_id)
    popups.append(editor)
    assert editor.actor.field.text() == "Kestria" and editor.position_value() == 0
    assert editor.note_field.text() == "first" and editor.delete_button.isVisible()
    qtbot.keyClick(editor.position_list, Qt.Key.Key_1)
    with qtbot.waitSignal(editor.codingSaved):
        qtbot.keyClick(editor.position_list, Qt.Key.Key_Return)
    assert session.project.codings.get(coding_id).position == -2
    session.undo_stack.undo()
    assert session.project.codings.get(coding_id).position == 0

    deleter = open_edit_popup(session, coding_id)
    popups.append(deleter)
    with qtbot.waitSignal(deleter.codingDeleted):
        qtbot.mouseClick(deleter.delete_button, Qt.MouseButton.LeftButton)
    assert session.project.codings.count() == 0
    session.undo_stack.undo()
    assert session.project.codings.get(coding_id).note == "first"



def test_confidence_is_typed_in_per_cent_and_kept_exactly_when_untouched(qtbot, session, popup, popups) -> None:
    assert popup.confidence_spin.value() == 100  # a new coding starts fully confident
    qtbot.keyClicks(popup.actor.field, "Norvald")
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Tab)
    qtbot.keyClicks(popup.issue.field, "Sanct")
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_3)
    popup.confidence_spin.setFocus()
    popup.confidence_spin.selectAll()
    qtbot.keyClicks(popup.confidence_spin, "60")
    with qtbot.waitSignal(popup.codingSaved):
        qtbot.keyClick(popup.confidence_spin, Qt.Key.Key_Return)
    assert session.project.codings.get(popup.coding_id).confidence == pytest.approx(0.6)

    start = TEXT.index("sanctions kept")
    coding_id = session.project.codings.add(
        Passage(document_id=1, start=start, end=start + len("sanctions kept"), quote="sanctions kept"),
        Coding(actor_id=3, issue_id=2, position=2, confidence=0.855))
    editor = open_edit_popup(session, coding_id)
    popups.append(editor)
    assert editor.confidence_spin.value() == 86
    editor.note_field.setText("checked")
    with qtbot.waitSignal(editor.codingSaved):
        qtbot.keyClick(editor.note_field, Qt.Key.Key_Return)
    assert session.project.codings.get(coding_id).confidence == 0.855  # not rounded to what the field shows
    changed = open_edit_popup(session, coding_id)
    popups.append(changed)
    changed.confidence_spin.setValue(40)
    with qtbot.waitSignal(changed.codingSaved):
        qtbot.keyClick(changed.note_field, Qt.Key.Key_Return)
    assert session.project.codings.get(coding_id).confidence == pytest.approx(0.4)
    session.undo_stack.undo()
    assert session.project.codings.get(coding_id).confidence == 0.855

def test_a_refused_save_shows_the_reason_and_leaves_no_command(qtbot, session, popup) -> None:
    errors = []
    session.errorOccurred.connect(errors.append)
    popup.quote = "not the text at these offsets"
    qtbot.keyClicks(popup.actor.field, "Norvald")
    qtbot.keyClick(popup.actor.field, Qt.Key.Key_Tab)
    qtbot.keyClicks(popup.issue.field, "Sanctions")
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_2)
    qtbot.keyClick(popup.issue.field, Qt.Key.Key_Return)
    assert popup.isVisible()
    assert "quote" in popup.error_label.text()
    assert errors and session.undo_stack.count() == 0
    assert session.project.codings.count() == 0


def test_a_failing_command_is_dropped_from_the_stack(session) -> None:
    errors = []
    session.errorOccurred.connect(errors.append)
    command = AddCodingCommand(session, Passage(document_id=1, start=0, end=3, quote="xyz"),
                               Coding(actor_id=1, issue_id=1, position=0))
    assert session.push(command) is False
    assert command.failed and errors
    assert session.undo_stack.count() == 0


def test_enter_on_the_cancel_button_cancels(qtbot, session, popup) -> None:
    qtbot.keyClicks(popup.actor.field, "Norvald")
    popup.cancel_button.setFocus()
    with qtbot.waitSignal(popup.rejected):
        qtbot.keyClick(popup.cancel_button, Qt.Key.Key_Return)
    assert session.project.codings.count() == 0
