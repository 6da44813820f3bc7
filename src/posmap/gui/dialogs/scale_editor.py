"""Editing an issue's scale: an ordered list of labelled points, lowest value first."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posmap.model import Scale, ScalePoint, describe_validation_error

PRESET_AGREEMENT = "Agreement with the proposition (−2 … +2)"
PRESET_OUTCOMES = "Custom outcomes (0, 1, 2 …)"
CUSTOM_OUTCOME_LABELS = ("first outcome", "middle outcome", "last outcome")


class ScaleEditor(QWidget):
    """A table of (value, label) rows with presets; :meth:`scale` returns the validated scale.

    Moving a row up or down moves its label and keeps the values where they are, so the
    values always stay in increasing order. ``used`` maps scale values to the number of
    codings that use them; removing such a point is refused here, with the reason shown.
    """

    changed = Signal()

    def __init__(self, scale: Scale, used: Mapping[int, int] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.used = dict(used or {})
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Value", "Label"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setToolTip("The points of the scale, from the lowest value to the highest")
        self.table.itemChanged.connect(self._on_changed)

        self.preset_combo = QComboBox()
        self.preset_combo.addItem("Apply a preset…")
        self.preset_combo.addItems([PRESET_AGREEMENT, PRESET_OUTCOMES])
        self.preset_combo.setToolTip("Replace the points with a ready-made scale")
        self.preset_combo.activated.connect(self._apply_preset)
        self.add_button = QPushButton("&Add point")
        self.add_button.setToolTip("Add a point above the highest one")
        self.add_button.clicked.connect(self.add_point)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button = QPushButton("Move &up")
        self.up_button.setToolTip("Move the selected label one step lower on the scale")
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton("Move do&wn")
        self.down_button.setToolTip("Move the selected label one step higher on the scale")
        self.down_button.clicked.connect(lambda: self.move_selected(1))

        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.preset_combo)

        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.problem_label)
        self.set_scale(scale)

    # -- reading and writing ---------------------------------------------------------------------

    def set_scale(self, scale: Scale | list[ScalePoint]) -> None:
        points = scale.points if isinstance(scale, Scale) else scale
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for point in points:
            self._append_row(point.value, point.label)
        self.table.blockSignals(False)
        self._on_changed()

    def points(self) -> list[tuple[int, str]]:
        rows = []
        for row in range(self.table.rowCount()):
            spin = self.table.cellWidget(row, 0)
            label_item = self.table.item(row, 1)
            rows.append((spin.value(), label_item.text().strip() if label_item else ""))
        return rows

    def scale(self) -> Scale | None:
        """The scale as entered, or None while it is not valid (the reason is in :meth:`problem`)."""
        return self._parse()[0]

    def problem(self) -> str:
        return self._parse()[1]

    # -- editing ------------------------------------------------------------------------------------

    def add_point(self) -> None:
        values = [value for value, _ in self.points()]
        value = (max(values) + 1) if values else 0
        self._append_row(value, "")
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 1)
        self.table.editItem(self.table.item(row, 1))
        self._on_changed()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        value = self.table.cellWidget(row, 0).value()
        if self.used.get(value):
            self.problem_label.setText(
                f"The point {value:+d} cannot go: {self.used[value]} coding(s) use it. Recode them first."
            )
            self.problem_label.setVisible(True)
            return
        self.table.removeRow(row)
        self._on_changed()

    def move_selected(self, step: int) -> None:
        row = self.table.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < self.table.rowCount():
            return
        self.table.blockSignals(True)
        first, second = self.table.item(row, 1), self.table.item(other, 1)
        first_text, second_text = first.text(), second.text()
        first.setText(second_text)
        second.setText(first_text)
        self.table.blockSignals(False)
        self.table.setCurrentCell(other, 1)
        self._on_changed()

    def _apply_preset(self, index: int) -> None:
        name = self.preset_combo.itemText(index)
        self.preset_combo.setCurrentIndex(0)
        if name == PRESET_AGREEMENT:
            self.set_scale(Scale.agreement())
        elif name == PRESET_OUTCOMES:
            self.set_scale([ScalePoint(value=i, label=label) for i, label in enumerate(CUSTOM_OUTCOME_LABELS)])
            self.table.setCurrentCell(0, 1)

    # -- helpers --------------------------------------------------------------------------------------

    def _append_row(self, value: int, label: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        spin = QSpinBox()
        spin.setRange(-1000, 1000)
        spin.setValue(value)
        spin.setFrame(False)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.valueChanged.connect(self._on_changed)
        self.table.setCellWidget(row, 0, spin)
        self.table.setItem(row, 1, QTableWidgetItem(label))

    def _parse(self) -> tuple[Scale | None, str]:
        points = self.points()
        if any(not label for _, label in points):
            return None, "Every point needs a label."
        try:
            scale = Scale(points=[ScalePoint(value=value, label=label) for value, label in points])
        except ValidationError as exc:
            message = describe_validation_error(exc).removeprefix("points: ")
            if "at least 2" in message:
                message = "A scale needs at least two points."
            return None, message[0].upper() + message[1:]
        missing = sorted(set(self.used) - {p.value for p in scale.points})
        if missing:
            detail = ", ".join(f"{value:+d} ({self.used[value]} codings)" for value in missing)
            return None, f"Codings use points this scale no longer has: {detail}. Recode them first."
        return scale, ""

    def _on_changed(self, *_: object) -> None:
        _, problem = self._parse()
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        self.changed.emit()
