"""Adding and editing actors and issues (with an issue's proposition and scale)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from posmap.gui.dialogs.colour import ColourButton, swatch_icon
from posmap.gui.dialogs.scale_editor import ScaleEditor
from posmap.model import Actor, ActorKind, Issue, describe_validation_error

ACTOR_KIND_LABELS = {
    ActorKind.STATE: "State",
    ActorKind.ORGANISATION: "Organisation",
    ActorKind.PERSON: "Person",
    ActorKind.GROUP: "Group",
    ActorKind.OTHER: "Other",
}


class _EntryDialog(QDialog):
    """What both editors share: name, colour, parent, a problem line and OK/Cancel."""

    def __init__(
        self, entry: Actor | Issue, parents: Sequence[Actor | Issue], title: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.entry = entry
        self.name_edit = QLineEdit(entry.name)
        self.name_edit.setPlaceholderText("a short name used everywhere")
        self.colour_button = ColourButton(entry.color)
        self.parent_combo = QComboBox()
        self.parent_combo.addItem("(none — top level)", None)
        for candidate in parents:
            self.parent_combo.addItem(swatch_icon(candidate.color), candidate.name, candidate.id)
        self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(entry.parent_id)))
        self.parent_combo.setToolTip("Nest this entry inside another one")
        self.form = QFormLayout()
        self.form.addRow("&Name:", self.name_edit)
        self.form.addRow("&Colour:", self.colour_button)
        self.form.addRow("&Inside:", self.parent_combo)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._validate)
        self.colour_button.colourChanged.connect(self._validate)

    def _finish_layout(self, *middle: QWidget) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        for widget in middle:
            layout.addWidget(widget)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self._validate()

    def result_entry(self) -> Actor | Issue | None:
        return self._parse()[0]

    def accept(self) -> None:
        if self.result_entry() is not None:
            super().accept()

    def _parse(self) -> tuple[Actor | Issue | None, str]:
        raise NotImplementedError

    def _validate(self, *_: object) -> None:
        entry, problem = self._parse()
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(entry is not None)

    @staticmethod
    def _readable(exc: ValidationError) -> str:
        message = describe_validation_error(exc)
        if message.startswith("name:") and "at least" in message:
            return "Give it a name."
        return message[0].upper() + message[1:]


class ActorDialog(_EntryDialog):
    """Add or edit an actor: name, kind, colour, aliases, parent."""

    def __init__(self, actor: Actor, parents: Sequence[Actor], parent: QWidget | None = None) -> None:
        super().__init__(actor, parents, "Edit actor" if actor.id else "New actor", parent)
        self.kind_combo = QComboBox()
        for kind, label in ACTOR_KIND_LABELS.items():
            self.kind_combo.addItem(label, kind.value)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(actor.kind.value))
        self.aliases_edit = QLineEdit("; ".join(actor.aliases))
        self.aliases_edit.setPlaceholderText("other names, separated by ;")
        self.aliases_edit.setToolTip("Other names the actor goes by; typing one finds the actor when coding")
        self.aliases_edit.textChanged.connect(self._validate)
        self.form.insertRow(1, "&Kind:", self.kind_combo)
        self.form.addRow("&Aliases:", self.aliases_edit)
        self.setMinimumWidth(420)
        self._finish_layout()

    def _parse(self) -> tuple[Actor | None, str]:
        aliases = [a.strip() for a in self.aliases_edit.text().split(";") if a.strip()]
        try:
            return Actor(
                id=self.entry.id,
                name=self.name_edit.text(),
                parent_id=self.parent_combo.currentData(),
                kind=ActorKind(self.kind_combo.currentData()),
                color=self.colour_button.colour(),
                aliases=aliases,
            ), ""
        except ValidationError as exc:
            return None, self._readable(exc)


class IssueDialog(_EntryDialog):
    """Add or edit an issue: name, colour, parent, proposition and scale."""

    def __init__(
        self, issue: Issue, parents: Sequence[Issue], used_positions: Mapping[int, int] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(issue, parents, "Edit issue" if issue.id else "New issue", parent)
        self.proposition_edit = QPlainTextEdit(issue.proposition)
        self.proposition_edit.setPlaceholderText(
            "The statement an agreement scale measures, e.g. “Ukraine should be allowed to join NATO.”"
        )
        self.proposition_edit.setTabChangesFocus(True)
        self.proposition_edit.setFixedHeight(64)
        self.proposition_edit.textChanged.connect(self._validate)
        self.form.addRow("&Proposition:", self.proposition_edit)
        self.scale_editor = ScaleEditor(issue.scale, used_positions)
        self.scale_editor.changed.connect(self._validate)
        scale_label = QLabel("<b>Scale</b> — the positions an actor can take on this issue, lowest first")
        scale_label.setWordWrap(True)
        self.setMinimumSize(520, 520)
        self._finish_layout(scale_label, self.scale_editor)

    def _parse(self) -> tuple[Issue | None, str]:
        # Called once by the base class before the scale editor exists.
        editor = getattr(self, "scale_editor", None)
        if editor is None:
            return None, ""
        scale = editor.scale()
        if scale is None:
            return None, ""  # the scale editor shows its own reason
        try:
            return Issue(
                id=self.entry.id,
                name=self.name_edit.text(),
                parent_id=self.parent_combo.currentData(),
                proposition=self.proposition_edit.toPlainText().strip(),
                color=self.colour_button.colour(),
                scale=scale,
            ), ""
        except ValidationError as exc:
            return None, self._readable(exc)
