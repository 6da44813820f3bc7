"""EmptyHint: a centred, word-wrapped hint laid over an item view while it has nothing to show.

Usage::

    hint = EmptyHint(table)               # call once the view has its parent; hidden at first
    hint.show_text("Nothing here yet.")   # covers the whole view (headers and scroll bars too)
    hint.show_text("")                    # hides it again

The hint is a sibling laid over the view rather than its child, so the view's own children
(scroll bars that Qt raises when they appear) never end up on top of it. Its text is the
palette's placeholder-text colour on the view's base colour, so it reads as a hint in light and
dark palettes alike, and it follows palette changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QWidget


def hint_colour(palette: QPalette) -> QColor:
    """The placeholder-text colour made opaque over the base colour (styles often give it an alpha)."""
    text = palette.color(QPalette.ColorRole.PlaceholderText)
    base = palette.color(QPalette.ColorRole.Base)
    alpha = text.alphaF()
    return QColor.fromRgbF(*(alpha * t + (1 - alpha) * b for t, b in (
        (text.redF(), base.redF()), (text.greenF(), base.greenF()), (text.blueF(), base.blueF()))))


class EmptyHint(QLabel):
    """See the module docstring."""

    def __init__(self, view: QWidget) -> None:
        super().__init__(view.parentWidget() or view)
        self._view = view
        self.setObjectName("emptyHint")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMargin(16)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setForegroundRole(QPalette.ColorRole.WindowText)  # else Qt pairs the Base background with Text
        self._apply_palette()
        view.installEventFilter(self)
        self.hide()

    def show_text(self, text: str) -> None:
        """Show ``text`` over the view; an empty text hides the hint."""
        self.setText(text)
        self._update_visibility()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view:
            kind = event.type()
            if kind in (QEvent.Type.Resize, QEvent.Type.Move):
                self._fit()
            elif kind == QEvent.Type.ParentChange:  # e.g. the view was put into a layout of another widget
                self.setParent(self._view.parentWidget() or self._view)
                self._update_visibility()
            elif kind in (QEvent.Type.Show, QEvent.Type.Hide):
                self._update_visibility()
            elif kind in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
                self._apply_palette()
        return False

    def _fit(self) -> None:
        """Cover the view inside its frame (headers and scroll bars included), so the frame stays drawn."""
        area = self._view.rect() if self.parentWidget() is self._view else self._view.geometry()
        frame = self._view.frameWidth() if isinstance(self._view, QFrame) else 0
        self.setGeometry(area.adjusted(frame, frame, -frame, -frame))

    def _update_visibility(self) -> None:
        if self.text() and not self._view.isHidden():
            self._fit()
            self.raise_()
            self.show()
        else:
            self.hide()

    def _apply_palette(self) -> None:
        palette = self.palette()
        view_palette = self._view.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
            view_palette.setCurrentColorGroup(group)
            palette.setColor(group, QPalette.ColorRole.WindowText, hint_colour(view_palette))
            palette.setColor(group, QPalette.ColorRole.Base, view_palette.color(QPalette.ColorRole.Base))
        self.setPalette(palette)
