"""Dialogs of the application shell, and the two helpers every window uses to talk to the user."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def show_error(parent: QWidget | None, message: str, *, title: str = "posmap") -> QMessageBox:
    """Show a one-line error without blocking the caller (never a traceback).

    The box is window-modal and opened with ``open()``, so it can be raised from inside an
    undo command or a signal handler without starting a nested event loop.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, _sentence(message), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorMessage")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_unexpected_error(parent: QWidget | None, error: BaseException, details: str) -> QMessageBox:
    """Tell the user, in plain words, that something unforeseen went wrong; the traceback waits behind
    the Details button for a bug report. Nothing the user committed is lost: every edit is already saved."""
    box = QMessageBox(
        QMessageBox.Icon.Critical, "posmap",
        "Something unexpected went wrong. Your work up to the last action is saved in the project file.",
        QMessageBox.StandardButton.Ok, parent,
    )
    box.setObjectName("unexpectedError")
    box.setInformativeText(_sentence(f"{type(error).__name__}: {error}"))
    box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def confirm(parent: QWidget | None, title: str, text: str, *, informative: str = "") -> bool:
    """Ask a yes/no question (No is the default, so a stray Enter deletes nothing)."""
    full = text if not informative else f"{text}\n\n{informative}"
    answer = QMessageBox.question(
        parent, title, full, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def _sentence(message: str) -> str:
    message = message.strip()
    if not message:
        return "Something went wrong."
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."
