"""Colour swatches for actors and issues, and a button that picks a colour."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QColorDialog, QToolButton, QWidget


def swatch_icon(colour: str, size: int = 14) -> QIcon:
    """A filled square in ``colour`` with a thin outline that shows on light and dark palettes."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    outline = QApplication.palette().color(QPalette.ColorRole.WindowText)
    outline.setAlpha(110)
    painter.setPen(outline)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


def pick_colour(parent: QWidget | None, current: str, title: str = "Choose a colour") -> str | None:
    """Ask for a colour; returns ``#RRGGBB`` or None when the user cancels."""
    chosen = QColorDialog.getColor(QColor(current), parent, title)
    return chosen.name().upper() if chosen.isValid() else None


class ColourButton(QToolButton):
    """Shows a colour swatch with its hex code; a click opens the colour dialog."""

    colourChanged = Signal(str)

    def __init__(self, colour: str = "#4C72B0", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setIconSize(QSize(16, 16))
        self.setToolTip("Choose the colour used for highlights and charts")
        self._colour = ""
        self.set_colour(colour)
        self.clicked.connect(self._choose)

    def colour(self) -> str:
        return self._colour

    def set_colour(self, colour: str) -> None:
        colour = QColor(colour).name().upper()
        if colour == self._colour:
            return
        self._colour = colour
        self.setIcon(swatch_icon(colour, 16))
        self.setText(colour)
        self.colourChanged.emit(colour)

    def _choose(self) -> None:
        chosen = pick_colour(self, self._colour)
        if chosen:
            self.set_colour(chosen)
