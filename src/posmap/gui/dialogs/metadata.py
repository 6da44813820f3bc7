"""Editing what a user can change about a document: title, author, outlet, date, kind, language, URL."""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from posmap.model import DocumentMetadata, describe_validation_error

DOCUMENT_KINDS = (
    "policy study", "interview", "official statement", "speech", "draft plan", "treaty", "news report",
    "press release", "transcript",
)


class DocumentMetadataDialog(QDialog):
    """Edit a document's metadata; OK stays disabled until :class:`DocumentMetadata` accepts the input."""

    def __init__(self, metadata: DocumentMetadata, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Document details")
        self.setMinimumWidth(460)
        self.title_edit = QLineEdit(metadata.title)
        self.author_edit = QLineEdit(metadata.author)
        self.outlet_edit = QLineEdit(metadata.outlet)
        self.outlet_edit.setPlaceholderText("publisher, newspaper or institution")
        self.date_edit = QLineEdit(metadata.date.isoformat() if metadata.date else "")
        self.date_edit.setPlaceholderText("YYYY-MM-DD (optional)")
        self.date_edit.setToolTip("The date the document was published or the statement was made")
        self.kind_combo = QComboBox()
        self.kind_combo.setEditable(True)
        self.kind_combo.addItems(DOCUMENT_KINDS)
        self.kind_combo.setCurrentText(metadata.kind)
        self.kind_combo.lineEdit().setPlaceholderText("e.g. interview, official statement")
        self.language_edit = QLineEdit(metadata.language)
        self.language_edit.setPlaceholderText("e.g. en, ru, uk, tr")
        self.url_edit = QLineEdit(metadata.url)
        self.url_edit.setPlaceholderText("https://…")

        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Author:", self.author_edit)
        form.addRow("&Outlet:", self.outlet_edit)
        form.addRow("&Date:", self.date_edit)
        form.addRow("&Kind:", self.kind_combo)
        form.addRow("&Language:", self.language_edit)
        form.addRow("&URL:", self.url_edit)

        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)

        for edit in (self.title_edit, self.author_edit, self.outlet_edit, self.date_edit, self.language_edit,
                     self.url_edit):
            edit.textChanged.connect(self._validate)
        self.kind_combo.currentTextChanged.connect(self._validate)
        self._validate()

    def metadata(self) -> DocumentMetadata | None:
        """The metadata as entered, or None while it is not valid."""
        return self._parse()[0]

    def accept(self) -> None:
        if self.metadata() is not None:
            super().accept()

    def _parse(self) -> tuple[DocumentMetadata | None, str]:
        date_text = self.date_edit.text().strip()
        date = None
        if date_text:
            try:
                date = dt.date.fromisoformat(date_text)
            except ValueError:
                return None, "Date: write it as YYYY-MM-DD, e.g. 2024-03-18, or leave it empty."
        try:
            return DocumentMetadata(
                title=self.title_edit.text(),
                author=self.author_edit.text().strip(),
                outlet=self.outlet_edit.text().strip(),
                date=date,
                kind=self.kind_combo.currentText().strip(),
                language=self.language_edit.text().strip(),
                url=self.url_edit.text().strip(),
            ), ""
        except ValidationError as exc:
            message = describe_validation_error(exc)
            if message.startswith("title:") and "at least" in message:
                message = "Title: a document needs a title."
            return None, message[0].upper() + message[1:]

    def _validate(self) -> None:
        metadata, problem = self._parse()
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(metadata is not None)
