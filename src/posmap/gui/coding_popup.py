"""CodingPopup: code a passage (or edit a coding) in a few keystrokes, in a small window beside the text.

Opening it (everything else is internal)::

    open_coding_popup(session, document_id, start, end, parent=widget, anchor=global_rect)  # new coding
    open_edit_popup(session, coding_id, parent=widget, anchor=global_rect)                  # edit one

Both show the popup window-modal but without blocking (``QDialog.open``) and return it; it
deletes itself when closed. The viewer, the codings pane and the search pane already call them.

Signals
    ``codingSaved(int)`` — the coding was written (its id); QDialog's ``finished(int)`` follows.
    ``codingDeleted(int)`` — the coding being edited was deleted from the popup.

Keyboard
    Type to filter actors (names and aliases) — Up/Down move, Tab takes the highlighted one and
    moves on — type to filter issues, press a number key for the n-th point of the issue's scale
    (0 is the tenth), Enter saves, Escape cancels. A name that matches nothing offers
    "Create actor/issue 'X'", made on save by the same undoable command. Alt+K / Alt+T focus kind
    and attribution (a letter then picks an item), Alt+F the confidence (in per cent; 100 % unless
    changed), Alt+N the note. The last actor, issue, kind and attribution used in this session are
    filled in for the next passage.

Saving pushes :class:`~posmap.gui.commands.codings.AddCodingCommand` or ``EditCodingCommand`` on
the session's undo stack; if the store refuses, the reason shows in the popup and it stays open.
"""

from __future__ import annotations

import html
import weakref
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from posmap.gui.coding_text import ATTRIBUTION_LABELS, KIND_LABELS, default_coder, elide_middle, position_text
from posmap.gui.commands.codings import AddCodingCommand, DeleteCodingsCommand, EditCodingCommand
from posmap.gui.session import ProjectSession
from posmap.model import Actor, Attribution, Coding, CodingKind, Issue, Passage, Scale
from posmap.services.coding import CodingRequest
from posmap.store import ProjectError

# Colours for actors and issues created from the popup (readable as tints and as underlines).
NEW_ACTOR_COLOURS = ("#4C72B0", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974")
NEW_ISSUE_COLOURS = ("#DD8452", "#4C9BB0", "#6BAF5B", "#C9556B", "#9A7BC8", "#D1A230", "#5B8FD1", "#B0695C")
LIST_ROWS = 7
_CREATE = -1


@dataclass(frozen=True)
class _Entry:
    id: int
    name: str
    aliases: tuple[str, ...]
    context: str
    colour: str


@dataclass(frozen=True)
class Choice:
    """An actor or issue picked in the popup: an existing one (its id) or a new one to create (id None)."""

    entry_id: int | None
    name: str


@dataclass
class _LastUsed:
    actor_id: int | None = None
    issue_id: int | None = None
    kind: CodingKind = CodingKind.POSITION
    attribution: Attribution = Attribution.OWN_WORDS


_last_used: weakref.WeakKeyDictionary[ProjectSession, _LastUsed] = weakref.WeakKeyDictionary()


_swatches: dict[str, QIcon] = {}


def colour_swatch(colour: str) -> QIcon:
    """A small round colour dot for a list or table row (shared with the codings pane)."""
    icon = _swatches.get(colour)
    if icon is None:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        icon = _swatches[colour] = QIcon(pixmap)
    return icon


def _rank(entry: _Entry, query: str) -> tuple[int, str] | None:
    """How well ``entry`` matches what was typed (lower is better), and the alias that matched."""
    if not query:
        return 0, ""
    name = entry.name.casefold()
    aliases = [alias.casefold() for alias in entry.aliases]
    if name == query:
        return 0, ""
    if name.startswith(query):
        return 1, ""
    if any(word.startswith(query) for word in name.split()):
        return 2, ""
    for alias, original in zip(aliases, entry.aliases, strict=True):
        if alias.startswith(query):
            return (0 if alias == query else 3), original
    if query in name:
        return 4, ""
    for alias, original in zip(aliases, entry.aliases, strict=True):
        if query in alias:
            return 5, original
    return None


class EntryPicker(QWidget):
    """Type-to-search over actors or issues: a field above a short list of the best matches."""

    choiceChanged = Signal()

    def __init__(self, noun: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.noun = noun
        self.choice: Choice | None = None
        self._entries: list[_Entry] = []
        self._recent: list[int] = []
        self.label = QLabel(label, self)
        self.field = QLineEdit(self)
        self.field.setPlaceholderText(f"Type to find an {noun}" if noun[0] in "aeiou" else f"Type to find a {noun}")
        self.label.setBuddy(self.field)
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setUniformItemSizes(True)
        self.list.setIconSize(QSize(12, 12))
        self.list.setFixedHeight(self.list.fontMetrics().height() * LIST_ROWS + 12)
        self.list.setMinimumWidth(200)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(self.field)
        layout.addWidget(self.list)
        self.field.textEdited.connect(self._on_edited)
        self.list.itemClicked.connect(lambda _item: self.commit())

    # -- contents ---------------------------------------------------------------------------

    def set_entries(self, entries: list[_Entry], recent: list[int]) -> None:
        self._entries = entries
        self._recent = recent
        self._refilter("")

    def set_choice(self, entry_id: int | None) -> None:
        entry = next((e for e in self._entries if e.id == entry_id), None)
        self.choice = Choice(entry.id, entry.name) if entry else None
        self.field.setText(entry.name if entry else "")
        self.field.selectAll()
        self._refilter("")
        self.choiceChanged.emit()

    def entry(self, entry_id: int) -> _Entry | None:
        return next((e for e in self._entries if e.id == entry_id), None)

    # -- filtering ----------------------------------------------------------------------------

    def matches(self, text: str) -> bool:
        """Whether any name or alias contains ``text`` (so a digit typed there is part of a name)."""
        query = text.strip().casefold()
        return bool(query) and any(_rank(entry, query) is not None for entry in self._entries)

    def text_after_typing(self, typed: str) -> str:
        text = self.field.text()
        if self.field.hasSelectedText():
            start = self.field.selectionStart()
            return text[:start] + typed + text[start + len(self.field.selectedText()):]
        position = self.field.cursorPosition()
        return text[:position] + typed + text[position:]

    def _on_edited(self, text: str) -> None:
        self.choice = None
        self._refilter(text)
        self.choiceChanged.emit()

    def _refilter(self, text: str) -> None:
        query = text.strip().casefold()
        ranked: list[tuple[tuple, _Entry, str]] = []
        recent = {entry_id: index for index, entry_id in enumerate(self._recent)}
        for entry in self._entries:
            rank = _rank(entry, query)
            if rank is None:
                continue
            order, alias = rank
            key = (order, recent.get(entry.id, len(recent)) if not query else 0, entry.name.casefold())
            ranked.append((key, entry, alias))
        ranked.sort(key=lambda item: item[0])
        self.list.clear()
        for _key, entry, alias in ranked:
            text_shown = entry.name
            if alias:
                text_shown += f"  (“{alias}”)"
            if entry.context:
                text_shown += f"  · {entry.context}"
            item = QListWidgetItem(text_shown)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setIcon(colour_swatch(entry.colour))
            item.setToolTip(entry.name + (f"\nalso: {', '.join(entry.aliases)}" if entry.aliases else ""))
            self.list.addItem(item)
        exact = any(e.name.casefold() == query or query in (a.casefold() for a in e.aliases) for e in self._entries)
        if query and not exact:
            item = QListWidgetItem(f"＋ Create {self.noun} “{text.strip()}”")
            item.setData(Qt.ItemDataRole.UserRole, _CREATE)
            font = QFont(item.font())
            font.setItalic(True)
            item.setFont(font)
            self.list.addItem(item)
        # Nothing is highlighted until something is typed or chosen, so an empty field never saves a guess.
        current = 0 if query else -1
        if self.choice is not None and not query:
            current = next((row for row in range(self.list.count())
                            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == self.choice.entry_id), -1)
        self.list.setCurrentRow(current)
        if self.list.currentItem() is not None:
            self.list.scrollToItem(self.list.currentItem())

    # -- choosing -------------------------------------------------------------------------------

    def move(self, step: int) -> None:
        if self.list.count():
            row = self.list.currentRow()
            row = 0 if row < 0 else max(0, min(self.list.count() - 1, row + step))
            self.list.setCurrentRow(row)
            self.choiceChanged.emit()

    def highlighted(self) -> Choice | None:
        item = self.list.currentItem()
        if item is None:
            return None
        entry_id = item.data(Qt.ItemDataRole.UserRole)
        if entry_id == _CREATE:
            return Choice(None, " ".join(self.field.text().split()))
        entry = self.entry(entry_id)
        return Choice(entry.id, entry.name) if entry else None

    def commit(self, *, allow_create: bool = True) -> Choice | None:
        """Take the highlighted row as the choice (when the typed text is not already the choice)."""
        if self.choice is not None and self.field.text() == self.choice.name:
            return self.choice
        choice = self.highlighted()
        if choice is None or (choice.entry_id is None and not allow_create):
            return self.choice
        self.choice = choice
        self.field.setText(choice.name)
        self._refilter("")
        self.choiceChanged.emit()
        return choice


class CodingPopup(QDialog):
    """The coding window; build it through :func:`open_coding_popup` or :func:`open_edit_popup`."""

    codingSaved = Signal(int)
    codingDeleted = Signal(int)

    def __init__(self, session: ProjectSession, document_id: int, start: int, end: int, *,
                 coding: Coding | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("CodingPopup")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.document_id = document_id
        self.start = start
        self.end = end
        self.coding = coding
        self.coding_id: int | None = coding.id if coding else None
        project = session.require()
        text = project.documents.text(document_id)
        self.quote = text[start:end]
        document = project.documents.get(document_id, with_text=False)
        page = document.page_at(start)
        self._actors = project.actors.all()
        self._issues = project.issues.all()
        self._position_values: list[int] = []
        self.setWindowTitle("Edit coding" if coding else "Code passage")

        frame = QFrame(self)
        frame.setObjectName("CodingPopupFrame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)

        heading = QLabel(("Edit coding" if coding else "Code passage")
                         + f"  ·  {document.title}" + (f", p. {page}" if page is not None else ""), frame)
        heading_font = QFont(heading.font())
        heading_font.setBold(True)
        heading.setFont(heading_font)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.quote_label = QLabel(f"“{elide_middle(self.quote, 240)}”", frame)
        self.quote_label.setTextFormat(Qt.TextFormat.PlainText)
        self.quote_label.setWordWrap(True)
        quote_font = QFont(self.quote_label.font())
        quote_font.setItalic(True)
        self.quote_label.setFont(quote_font)
        self.quote_label.setToolTip(self.quote[:2000])
        layout.addWidget(heading)
        layout.addWidget(self.quote_label)

        self.actor = EntryPicker("actor", "A&ctor", frame)
        self.issue = EntryPicker("issue", "&Issue", frame)
        position_box = QWidget(frame)
        position_layout = QVBoxLayout(position_box)
        position_layout.setContentsMargins(0, 0, 0, 0)
        position_layout.setSpacing(4)
        self.position_label = QLabel("&Position", position_box)
        self.position_hint = QLabel("", position_box)
        self.position_hint.setEnabled(False)
        self.position_hint.setMinimumHeight(self.actor.field.sizeHint().height())
        self.position_list = QListWidget(position_box)
        self.position_list.setFixedHeight(self.actor.list.height())
        self.position_list.setMinimumWidth(220)
        self.position_label.setBuddy(self.position_list)
        position_layout.addWidget(self.position_label)
        position_layout.addWidget(self.position_hint)
        position_layout.addWidget(self.position_list)
        pickers = QHBoxLayout()
        pickers.setSpacing(10)
        pickers.addWidget(self.actor, 1)
        pickers.addWidget(self.issue, 1)
        pickers.addWidget(position_box, 1)
        layout.addLayout(pickers)

        details = QGridLayout()
        details.setHorizontalSpacing(8)
        self.kind_combo = QComboBox(frame)
        for kind in CodingKind:
            self.kind_combo.addItem(KIND_LABELS[kind.value], kind)
        self.attribution_combo = QComboBox(frame)
        for attribution in Attribution:
            self.attribution_combo.addItem(ATTRIBUTION_LABELS[attribution.value], attribution)
        self.confidence_spin = QSpinBox(frame)
        self.confidence_spin.setRange(0, 100)
        self.confidence_spin.setSingleStep(10)
        self.confidence_spin.setSuffix(" %")
        self.confidence_spin.setValue(100)
        self.confidence_spin.setToolTip("How sure the reading is: 100 % for a plain statement, less for an inference")
        self.note_field = QLineEdit(frame)
        self.note_field.setPlaceholderText("Optional note")
        kind_label = QLabel("&Kind", frame)
        kind_label.setBuddy(self.kind_combo)
        attribution_label = QLabel("A&ttribution", frame)
        attribution_label.setBuddy(self.attribution_combo)
        confidence_label = QLabel("Con&fidence", frame)
        confidence_label.setBuddy(self.confidence_spin)
        note_label = QLabel("&Note", frame)
        note_label.setBuddy(self.note_field)
        details.addWidget(kind_label, 0, 0)
        details.addWidget(self.kind_combo, 0, 1)
        details.addWidget(attribution_label, 0, 2)
        details.addWidget(self.attribution_combo, 0, 3)
        details.addWidget(confidence_label, 0, 4)
        details.addWidget(self.confidence_spin, 0, 5)
        details.addWidget(note_label, 0, 6)
        details.addWidget(self.note_field, 0, 7)
        details.setColumnStretch(7, 1)
        layout.addLayout(details)

        self.summary = QLabel(frame)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.error_label = QLabel(frame)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #C0392B;")
        self.error_label.hide()
        layout.addWidget(self.summary)
        layout.addWidget(self.error_label)

        buttons = QHBoxLayout()
        self.delete_button = QPushButton("&Delete coding", frame)
        self.delete_button.setAutoDefault(False)
        self.delete_button.setVisible(coding is not None)
        self.cancel_button = QPushButton("Cancel", frame)
        self.cancel_button.setAutoDefault(False)
        self.save_button = QPushButton("&Save", frame)
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Save (Enter)")
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        hint = QLabel("Tab next · 1–9 position · Enter save · Esc cancel", frame)
        hint.setEnabled(False)
        buttons.addWidget(hint)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

        self.setTabOrder(self.actor.field, self.issue.field)
        self.setTabOrder(self.issue.field, self.position_list)
        self.setTabOrder(self.position_list, self.kind_combo)
        self.setTabOrder(self.kind_combo, self.attribution_combo)
        self.setTabOrder(self.attribution_combo, self.confidence_spin)
        self.setTabOrder(self.confidence_spin, self.note_field)
        self.setTabOrder(self.note_field, self.save_button)

        self._fill_entries()
        self.actor.choiceChanged.connect(self._update_summary)
        self.issue.choiceChanged.connect(self._on_issue_changed)
        self.position_list.currentRowChanged.connect(lambda _row: self._update_summary())
        self.kind_combo.currentIndexChanged.connect(lambda _index: self._update_summary())
        self.attribution_combo.currentIndexChanged.connect(lambda _index: self._update_summary())
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.delete_button.clicked.connect(self.delete_coding)
        for watched in (self.actor.field, self.issue.field, self.position_list, self.kind_combo,
                        self.attribution_combo):
            watched.installEventFilter(self)
        self._prefill()

    # -- set-up -------------------------------------------------------------------------------

    def _fill_entries(self) -> None:
        actor_names = {a.id: a.name for a in self._actors}
        issue_names = {i.id: i.name for i in self._issues}
        last = _last_used.get(self.session) or _LastUsed()
        self.actor.set_entries(
            [_Entry(a.id, a.name, tuple(a.aliases), actor_names.get(a.parent_id, ""), a.color) for a in self._actors],
            [last.actor_id] if last.actor_id else [],
        )
        self.issue.set_entries(
            [_Entry(i.id, i.name, (), issue_names.get(i.parent_id, ""), i.color) for i in self._issues],
            [last.issue_id] if last.issue_id else [],
        )

    def _prefill(self) -> None:
        if self.coding is not None:
            self.actor.set_choice(self.coding.actor_id)
            self.issue.set_choice(self.coding.issue_id)
            self._select_position_value(self.coding.position)
            self._set_combo(self.kind_combo, self.coding.kind)
            self._set_combo(self.attribution_combo, self.coding.attribution)
            self.confidence_spin.setValue(round(self.coding.confidence * 100))
            self.note_field.setText(self.coding.note)
        else:
            last = _last_used.get(self.session) or _LastUsed()
            if last.actor_id and self.actor.entry(last.actor_id):
                self.actor.set_choice(last.actor_id)
            if last.issue_id and self.issue.entry(last.issue_id):
                self.issue.set_choice(last.issue_id)
            self._set_combo(self.kind_combo, last.kind)
            self._set_combo(self.attribution_combo, last.attribution)
        self._on_issue_changed()

    @staticmethod
    def _set_combo(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.raise_()
        self.activateWindow()
        self.actor.field.setFocus()
        self.actor.field.selectAll()

    # -- position -------------------------------------------------------------------------------

    def scale(self) -> Scale | None:
        choice = self.issue.choice or self.issue.highlighted()
        if choice is None:
            return None
        if choice.entry_id is None:
            return Scale.agreement()
        issue = next((i for i in self._issues if i.id == choice.entry_id), None)
        return issue.scale if issue else None

    def _on_issue_changed(self) -> None:
        previous = self.position_value()
        scale = self.scale()
        self.position_list.clear()
        self._position_values = []
        if scale is None:
            self.position_hint.setText("choose an issue first")
        else:
            keys = len(scale.points)
            self.position_hint.setText(f"press 1–{min(keys, 9)}" if keys <= 9 else "press 1–9, 0")
            for number, point in enumerate(scale.points, start=1):
                key = str(number) if number <= 9 else ("0" if number == 10 else " ")
                item = QListWidgetItem(f"{key}   {point.label}")
                item.setToolTip(f"{point.label} ({point.value:+d})")
                self.position_list.addItem(item)
                self._position_values.append(point.value)
        if previous is not None and previous in self._position_values:
            self._select_position_value(previous)
        else:
            self.position_list.setCurrentRow(-1)
        self._update_summary()

    def _select_position_value(self, value: int) -> None:
        if value in self._position_values:
            self.position_list.setCurrentRow(self._position_values.index(value))

    def position_value(self) -> int | None:
        row = self.position_list.currentRow()
        if 0 <= row < len(self._position_values) and self.position_list.currentItem().isSelected():
            return self._position_values[row]
        return None

    def pick_position(self, number: int) -> bool:
        """Pick the ``number``-th point (1-based) of the issue's scale; False when there is none."""
        if not 1 <= number <= len(self._position_values):
            return False
        self.position_list.setCurrentRow(number - 1)
        self.error_label.hide()
        return True

    # -- keys -----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self._handle_key(watched, event):
                return True
        elif event.type() == QEvent.Type.FocusOut and watched in (self.actor.field, self.issue.field):
            picker = self.actor if watched is self.actor.field else self.issue
            if picker.choice is None and picker.field.text().strip():
                picker.commit(allow_create=False)
        return super().eventFilter(watched, event)

    def _handle_key(self, watched: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        picker = (self.actor if watched is self.actor.field
                  else self.issue if watched is self.issue.field else None)
        if picker is not None and modifiers == Qt.KeyboardModifier.NoModifier:
            if key == Qt.Key.Key_Down:
                picker.move(+1)
                return True
            if key == Qt.Key.Key_Up:
                picker.move(-1)
                return True
            if key == Qt.Key.Key_PageDown:
                picker.move(+LIST_ROWS)
                return True
            if key == Qt.Key.Key_PageUp:
                picker.move(-LIST_ROWS)
                return True
        if key == Qt.Key.Key_Tab and picker is not None:
            picker.commit()
            return False  # the Tab still moves the focus on
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and modifiers in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier):
            if picker is not None:
                picker.commit()
            self.save()
            return True
        text = event.text()
        if len(text) == 1 and text.isdigit() and not modifiers & ~Qt.KeyboardModifier.ShiftModifier:
            return self._digit(watched, picker, text)
        return False

    def _digit(self, watched: QObject, picker: EntryPicker | None, digit: str) -> bool:
        """A number key picks a position, unless it continues a name being typed."""
        if picker is not None:
            if picker.matches(picker.text_after_typing(digit)):
                return False
            if picker.choice is None and picker.highlighted() is None:
                return False
            picker.commit()
            if self.issue.choice is None and self.issue.highlighted() is not None and picker is self.actor:
                self.issue.commit(allow_create=False)
        number = 10 if digit == "0" else int(digit)
        picked = self.pick_position(number)
        return picked or watched in (self.position_list, self.kind_combo, self.attribution_combo)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton) and focused is not self.save_button:
                focused.click()  # Enter on Cancel or Delete means that button, not Save
            else:
                self.save()
            return
        super().keyPressEvent(event)

    # -- summary and saving -------------------------------------------------------------------------

    def _update_summary(self) -> None:
        actor = self.actor.choice or self.actor.highlighted()
        issue = self.issue.choice or self.issue.highlighted()
        value = self.position_value()
        scale = self.scale()

        def named(choice: Choice | None, noun: str) -> str:
            if choice is None:
                return f"<span style='color:gray'>no {noun}</span>"
            new = " <span style='color:gray'>(new)</span>" if choice.entry_id is None else ""
            return f"<b>{html.escape(choice.name)}</b>{new}"

        position = "<span style='color:gray'>no position</span>"
        if value is not None and scale is not None:
            label = position_text(scale.label_for(value) or "", value, signed=scale.minimum < 0)
            position = f"<b>{html.escape(label)}</b>"
        kind = html.escape(self.kind_combo.currentText().lower())
        attribution = html.escape(self.attribution_combo.currentText().lower())
        self.summary.setText(f"{named(actor, 'actor')} on {named(issue, 'issue')}: {position}"
                             f" <span style='color:gray'>— {kind}, {attribution}</span>")

    def kind(self) -> CodingKind:
        # Qt hands back item data as a plain str; the enums are rebuilt here.
        return CodingKind(self.kind_combo.currentData())

    def attribution(self) -> Attribution:
        return Attribution(self.attribution_combo.currentData())

    def confidence(self) -> float:
        """The confidence as a fraction; an edited coding keeps its exact value unless the field changed."""
        shown = self.confidence_spin.value()
        if self.coding is not None and shown == round(self.coding.confidence * 100):
            return self.coding.confidence
        return shown / 100

    def request(self) -> CodingRequest:
        """What is chosen, in the names the services understand (for callers that code through them)."""
        actor = self.actor.choice or self.actor.highlighted()
        issue = self.issue.choice or self.issue.highlighted()
        value = self.position_value()
        return CodingRequest(
            actor=actor.name if actor else "", issue=issue.name if issue else "",
            position=value if value is not None else "",
            kind=self.kind(), attribution=self.attribution(), confidence=self.confidence(),
            note=self.note_field.text().strip(), coder=self.coding.coder if self.coding else default_coder(),
        )

    def save(self) -> bool:
        """Validate, push the command and close; on a problem, say what is missing and stay open."""
        actor = self.actor.commit()
        issue = self.issue.commit()
        if actor is None:
            return self._complain("Choose an actor.", self.actor.field)
        if issue is None:
            return self._complain("Choose an issue.", self.issue.field)
        value = self.position_value()
        if value is None:
            return self._complain("Choose a position (press its number).", self.position_list)
        new_actor = new_issue = None
        if actor.entry_id is None:
            new_actor = Actor(name=actor.name, color=NEW_ACTOR_COLOURS[len(self._actors) % len(NEW_ACTOR_COLOURS)])
        if issue.entry_id is None:
            new_issue = Issue(name=issue.name, color=NEW_ISSUE_COLOURS[len(self._issues) % len(NEW_ISSUE_COLOURS)])
        kind = self.kind()
        attribution = self.attribution()
        note = self.note_field.text().strip()
        confidence = self.confidence()
        if self.coding is None:
            passage = Passage(document_id=self.document_id, start=self.start, end=self.end, quote=self.quote)
            coding = Coding(actor_id=actor.entry_id or 0, issue_id=issue.entry_id or 0, position=value, kind=kind,
                            attribution=attribution, confidence=confidence, note=note, coder=default_coder())
            command = AddCodingCommand(self.session, passage, coding, new_actor=new_actor, new_issue=new_issue)
        else:
            after = self.coding.model_copy(update={
                "actor_id": actor.entry_id or 0, "issue_id": issue.entry_id or 0, "position": value,
                "kind": kind, "attribution": attribution, "confidence": confidence, "note": note,
            })
            command = EditCodingCommand(self.session, self.coding, after, self.document_id,
                                        new_actor=new_actor, new_issue=new_issue)
        if not self.session.push(command):
            return self._complain(command.error or "The coding could not be saved.", None)
        self.coding_id = command.coding_id
        _last_used[self.session] = _LastUsed(
            actor_id=command.new_entries.actor_id or actor.entry_id,
            issue_id=command.new_entries.issue_id or issue.entry_id,
            kind=kind, attribution=attribution,
        )
        self.codingSaved.emit(self.coding_id)
        self.accept()
        return True

    def delete_coding(self) -> None:
        if self.coding is None or self.coding.id is None:
            return
        try:
            command = DeleteCodingsCommand(self.session, [self.coding.id])
        except ProjectError as exc:
            self._complain(str(exc), None)
            return
        if self.session.push(command):
            self.codingDeleted.emit(self.coding.id)
            self.accept()
        else:
            self._complain(command.error or "The coding could not be deleted.", None)

    def _complain(self, message: str, focus: QWidget | None) -> bool:
        self.error_label.setText(message)
        self.error_label.show()
        if focus is not None:
            focus.setFocus()
        return False

    # -- placement ------------------------------------------------------------------------------

    def place_near(self, anchor: QRect | None) -> None:
        """Put the popup just below ``anchor`` (global coordinates), or above it, kept on screen."""
        self.adjustSize()
        if anchor is None:
            parent = self.parentWidget()
            if parent is None:
                return
            centre = parent.mapToGlobal(parent.rect().center())
            anchor = QRect(centre, centre)
        screen = QGuiApplication.screenAt(anchor.center()) or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen else QRect(0, 0, 1600, 1000)
        size = self.sizeHint().expandedTo(self.size())
        # Stay inside the application window when it is large enough, so the popup never hangs
        # over another program.
        window = self.parentWidget().window() if self.parentWidget() else None
        if window is not None:
            frame = window.frameGeometry().intersected(available)
            if frame.width() >= size.width() and frame.height() >= size.height():
                available = frame
        x = anchor.left() - 24
        y = anchor.bottom() + 10
        if y + size.height() > available.bottom():
            y = anchor.top() - size.height() - 10
        x = max(available.left(), min(x, available.right() - size.width()))
        y = max(available.top(), min(y, available.bottom() - size.height()))
        self.move(x, y)


def open_coding_popup(session: ProjectSession, document_id: int, start: int, end: int, *,
                      parent: QWidget | None = None, anchor: QRect | None = None) -> CodingPopup | None:
    """Open the popup to code ``start``–``end`` (code points) of a document; None if it cannot open."""
    try:
        popup = CodingPopup(session, document_id, start, end, parent=parent)
    except (ProjectError, RuntimeError) as exc:
        session.errorOccurred.emit(str(exc))
        return None
    popup.place_near(anchor)
    popup.open()
    return popup


def open_edit_popup(session: ProjectSession, coding_id: int, *, parent: QWidget | None = None,
                    anchor: QRect | None = None) -> CodingPopup | None:
    """Open the popup to edit coding ``coding_id``; None if it cannot open (e.g. it was deleted)."""
    try:
        project = session.require()
        coding = project.codings.get(coding_id)
        passage = project.codings.passage(coding.passage_id)
        popup = CodingPopup(session, passage.document_id, passage.start, passage.end, coding=coding, parent=parent)
    except (ProjectError, RuntimeError) as exc:
        session.errorOccurred.emit(str(exc))
        return None
    popup.place_near(anchor)
    popup.open()
    return popup
