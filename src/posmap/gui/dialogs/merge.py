"""Choosing the actor or issue another one is merged into."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posmap.gui.dialogs.colour import swatch_icon
from posmap.model import Actor, Issue


class MergeDialog(QDialog):
    """Lists the entries ``source`` can be merged into, with a filter; :meth:`target_id` is the choice."""

    def __init__(
        self, source: Actor | Issue, candidates: Sequence[Actor | Issue], coding_count: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        noun = "actor" if isinstance(source, Actor) else "issue"
        self.setWindowTitle(f"Merge {noun}")
        self.setMinimumSize(380, 420)
        alias_note = " Its name is kept as an alias." if noun == "actor" else ""
        self.intro = intro = QLabel(
            f"Merge “{source.name}” into the {noun} chosen below. Its {coding_count} coding"
            f"{'s' if coding_count != 1 else ''} and any nested entries move there, and “{source.name}” is "
            f"removed.{alias_note}"
        )
        intro.setWordWrap(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(f"Type to find the {noun}…")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget()
        for candidate in candidates:
            item = QListWidgetItem(swatch_icon(candidate.color), candidate.name)
            item.setData(Qt.ItemDataRole.UserRole, candidate.id)
            self.list.addItem(item)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton("&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list)
        layout.addWidget(self.buttons)
        self.filter_edit.textChanged.connect(self._filter)
        self.list.currentItemChanged.connect(self._update_button)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update_button()

    def target_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None and not item.isHidden() else None

    def select_target(self, entry_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == entry_id:
                self.list.setCurrentRow(row)
                return

    def accept(self) -> None:
        if self.target_id() is not None:
            super().accept()

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        first_visible = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = bool(needle) and needle not in item.text().casefold()
            item.setHidden(hidden)
            if not hidden and first_visible is None:
                first_visible = row
        current = self.list.currentItem()
        if (current is None or current.isHidden()) and first_visible is not None:
            self.list.setCurrentRow(first_visible)
        self._update_button()

    def _update_button(self, *_: object) -> None:
        self.merge_button.setEnabled(self.target_id() is not None)
