"""The list of keyboard shortcuts, read from the window's own actions so it never goes stale."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")


def shortcut_rows(menu_bar: QMenuBar, extra: Iterable[tuple[str, str, str]] = ()) -> list[tuple[str, str, str]]:
    """(menu, command, keys) for every menu action with a shortcut, then ``extra`` rows."""
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} ▸ {_plain(action.menu().title())}")
                continue
            keys = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts() if not s.isEmpty()]
            if keys and action.text():
                rows.append((path, _plain(action.text()), ", ".join(keys)))

    for top in menu_bar.actions():
        if top.menu() is not None:
            walk(top.menu(), _plain(top.menu().title()))
    rows.extend(extra)
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, rows: Iterable[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setMinimumSize(520, 480)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Command", "Keys"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        groups: dict[str, QTreeWidgetItem] = {}
        for group, command, keys in rows:
            if group not in groups:
                groups[group] = QTreeWidgetItem([group, ""])
                font = groups[group].font(0)
                font.setBold(True)
                groups[group].setFont(0, font)
                self.tree.addTopLevelItem(groups[group])
            groups[group].addChild(QTreeWidgetItem([command, keys]))
        self.tree.expandAll()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)


def action_rows(group: str, actions: Iterable[QAction]) -> list[tuple[str, str, str]]:
    """Rows for actions that live outside the menus (e.g. inside the reading pane)."""
    rows = []
    for action in actions:
        keys = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts() if not s.isEmpty()]
        if keys:
            rows.append((group, _plain(action.text()), ", ".join(keys)))
    return rows
