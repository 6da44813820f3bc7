"""The About box."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from posmap import __version__


def about_text() -> str:
    return (
        f"<h3>posmap {__version__}</h3>"
        "<p>Structured position mapping for negotiation analysts: import documents, code passages to "
        "actors, issues and positions, and export matrices and briefing papers.</p>"
        "<p>Everything stays in one local SQLite project file; posmap never needs a network connection.</p>"
        f"<p>Licence: GPL-3.0-or-later.<br>Qt {qVersion()}, PySide6 {PySide6.__version__}.</p>"
    )


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "About posmap", about_text())
