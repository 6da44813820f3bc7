"""DocumentViewer: read a document with its codings as coloured highlights, select text and code it.

Wiring for the main window (everything else is internal)::

    viewer = DocumentViewer(session)
    documents_pane.documentActivated.connect(viewer.show_document)      # or whatever the pane emits
    viewer.documentShown.connect(codings_pane.set_document)              # int, or None when cleared
    viewer.codingsActivated.connect(codings_pane.select_codings)         # clicked highlight -> rows
    codings_pane.passageActivated.connect(viewer.open_passage)           # (document_id, start, end)
    search_pane.passageActivated.connect(viewer.open_passage)
    viewer.statusMessage.connect(status_bar.showMessage)
    edit_menu.addAction(viewer.find_action); coding_menu.addAction(viewer.code_action)

Signals
    ``codingsActivated(list[int])`` — the user clicked a highlight; the ids of the codings under it.
    ``codeSelectionRequested()`` — the user asked to code the selection (Enter, C, Ctrl+Return or the
    context menu). The viewer itself answers by opening the coding popup (:meth:`code_selection`);
    listen only to react, do not open a second popup.
    ``documentShown(object)`` — the shown document changed: its id, or None when the viewer is empty.
    ``statusMessage(str)`` — a short hint for the status bar (e.g. "Select some text to code it").

Reading and coding
    Hovering a highlight shows its codings (actor, issue, position, kind, attribution, coder, note,
    source); its context menu offers "Code selection…", "Edit <coding>…" and "Delete coding".
    Ctrl+F opens the find bar (Enter/F3 next, Shift+Enter/Shift+F3 previous, Escape closes); its
    shortcuts work while the focus is in the viewer, also when ``find_action`` sits in a menu.

Methods and attributes
    ``document_id`` (int | None), ``show_document(document_id | None)``,
    ``open_passage(document_id, start, end)`` (show + scroll), ``scroll_to_span(start, end)`` (select,
    centre and flash a span), ``selected_span() -> (start, end) | None``, ``code_selection()``,
    ``show_find_bar()``, ``find_next()``, ``find_previous()``, ``code_action`` and ``find_action``
    (QActions to put in menus), ``text_view`` (the QTextEdit), ``highlight_selections()``,
    ``coding_ids_at(offset)``, ``selection_rect()`` (global rectangle, to place a popup).

All offsets in and out are code points into the stored text; conversion to Qt's UTF-16
positions happens only through :class:`posmap.gui.offsets.OffsetMap`.

How highlights are drawn: the text sits unchanged in a QTextDocument (never rebuilt when codings
change). Coded text gets a light tint in its issue's colour (one tint per stretch with the same
covering codings, deeper where codings overlap) and an underline per coding layer in its issue's
colour, stacked in lanes where layers overlap. Both are painted for the visible lines only, from a
:class:`~posmap.gui.highlights.HighlightIndex`, so a 1 MB document with thousands of codings opens
without laying out the whole text. A coding added, edited or deleted through the undo stack
updates the index in place (:meth:`HighlightIndex.update`, for just the codings the command
names) and repaints only the lines it changed; the index is rebuilt when a document opens and
after any wider change (the codebook, another program writing to the file). A codebook change
(colours) asks for the rebuild when control returns to the event loop, so that the change of
codings that comes with it (a coding that created its issue, a deleted actor's codings) is
served by the same single rebuild.
:meth:`DocumentViewer.highlight_selections` gives the painted stretches as
``QTextEdit.ExtraSelection`` objects for inspection. Find matches and the flash after a jump are
painted the same way. Page starts of paged documents get a "p. N" label in the left margin and
a thin rule, drawn without adding a character to the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from posmap.gui.coding_text import coding_tooltip_html, kind_label, position_text
from posmap.gui.highlights import HighlightIndex, Layer
from posmap.gui.offsets import OffsetMap, qt_text
from posmap.gui.session import ProjectSession
from posmap.gui.timers import single_shot
from posmap.model import CodingRecord, PageSpan
from posmap.store import CodingFilter, NotFoundError, ProjectError

MAX_FIND_MATCHES = 10_000
FLASH_MS = 1200
LINE_HEIGHT_PERCENT = 150
GUTTER = 64  # room in the left margin for "p. 123"
TEXT_COLUMN_CHARS = 86  # a comfortable reading width
# More changed codings than this (a large delete, say) and the highlights are read again in one go.
MAX_CODINGS_UPDATED = 100
UNDERLINE_THICKNESS = 2


def _tint(colours: tuple[str, ...], dark: bool) -> QColor:
    """Background for text under ``colours`` (by lane): a light tint, deeper for each overlapping layer.

    The innermost layer (the highest lane) gives the hue, so a short passage inside a longer one
    stands out in its own colour instead of a muddy mix; the underlines show every layer.
    """
    colour = QColor(colours[-1])
    if dark:
        colour = colour.lighter(125)
    depth = len(colours)
    colour.setAlphaF(min(0.7, (0.34 if dark else 0.24) + 0.16 * (depth - 1)))
    return colour


def _line_colour(colour: str, dark: bool) -> QColor:
    line = QColor(colour)
    return line.lighter(140) if dark else line.darker(110)


def _selection(document: QTextDocument, qt_start: int, qt_end: int,
               char_format: QTextCharFormat) -> QTextEdit.ExtraSelection:
    cursor = QTextCursor(document)
    cursor.setPosition(qt_start)
    cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
    selection = QTextEdit.ExtraSelection()
    selection.cursor = cursor
    selection.format = char_format
    return selection


class _Page(QTextEdit):
    """The read-only text: QTextEdit's own drawing plus coding underlines and page markers."""

    def __init__(self, viewer: DocumentViewer) -> None:
        super().__init__(viewer)
        self._viewer = viewer
        self._press: QPoint | None = None
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setPlaceholderText("Choose a document to read it here.")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)

    # -- geometry ---------------------------------------------------------------------------

    def visible_range(self) -> tuple[int, int]:
        rect = self.viewport().rect()
        first = self.cursorForPosition(rect.topLeft()).position()
        last = self.cursorForPosition(rect.bottomRight()).position()
        return first, last

    def update_span(self, qt_start: int, qt_end: int, lanes: int) -> None:
        """Repaint the lines showing Qt range [qt_start, qt_end), if any of it is in view; ``lanes``
        underlines may hang below each line."""
        first, last = self.visible_range()
        start, end = max(qt_start, first), min(qt_end, last + 1)
        if start >= end:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        top = self.cursorRect(cursor).top()
        cursor.setPosition(end)
        bottom = self.cursorRect(cursor).bottom()
        below = 4 + lanes * (UNDERLINE_THICKNESS + 2)
        self.viewport().update(QRect(0, top, self.viewport().width(), bottom - top + 1 + below))

    def line_pieces(self, qt_start: int, qt_end: int, first: int, last: int):
        """(x1, x2, top, height, baseline) in viewport coordinates for each line piece of [qt_start, qt_end)."""
        document = self.document()
        dx = -self.horizontalScrollBar().value()
        dy = -self.verticalScrollBar().value()
        block = document.findBlock(max(qt_start, first))
        stop = min(qt_end, last + 1)
        while block.isValid() and block.position() < stop:
            layout = block.layout()
            origin = layout.position()
            base = block.position()
            for index in range(layout.lineCount()):
                line = layout.lineAt(index)
                line_start = base + line.textStart()
                line_end = line_start + line.textLength()
                start, end = max(qt_start, line_start), min(qt_end, line_end)
                while end > start and document.characterAt(end - 1).isspace():
                    end -= 1  # no underline under the space where a line wraps
                if start >= end:
                    if line_start >= qt_end:
                        break
                    continue
                x1 = line.cursorToX(start - base)[0]
                x2 = line.cursorToX(end - base)[0]
                top = origin.y() + line.y() + dy
                yield (origin.x() + min(x1, x2) + dx, origin.x() + max(x1, x2) + dx, top, line.height(),
                       top + line.ascent())
            block = block.next()

    def character_at(self, point: QPoint) -> int | None:
        """The Qt position of the character under viewport ``point``, or None over blank space."""
        cursor = self.cursorForPosition(point)
        position = cursor.position()
        rect = self.cursorRect(cursor)
        if point.x() < rect.x() and position > 0:
            position -= 1
        probe = QTextCursor(self.document())
        probe.setPosition(position)
        left = self.cursorRect(probe)
        if not left.top() - 2 <= point.y() <= left.bottom() + 4:
            return None
        block = self.document().findBlock(position)
        if position >= block.position() + block.length() - 1:
            return None  # past the end of the line
        return position

    # -- painting ---------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        viewer = self._viewer
        first, last = self.visible_range()
        # Tints go under the text: painted first, then QTextEdit draws the text (and the selection) on top.
        painter = QPainter(self.viewport())
        try:
            self._paint_tints(painter, first, last)
        finally:
            painter.end()
        super().paintEvent(event)
        if viewer._index is None or (not len(viewer._index) and not viewer._page_starts):
            return
        painter = QPainter(self.viewport())
        try:
            self._paint_underlines(painter, viewer._index.layers_between(first, last + 1), first, last)
            self._paint_pages(painter, first, last)
        finally:
            painter.end()

    def _paint_tints(self, painter: QPainter, first: int, last: int) -> None:
        viewer = self._viewer
        if viewer._index is not None:
            for segment in viewer._index.segments_between(first, last + 1):
                colour = viewer._tint_for(segment.colours)
                for x1, x2, top, height, _baseline in self.line_pieces(segment.qt_start, segment.qt_end, first, last):
                    painter.fillRect(QRectF(x1, top, x2 - x1, height), colour)
        matches = viewer._find_matches
        if matches:
            colour = viewer._find_colour()
            index = max(0, bisect_left(viewer._find_starts, first) - 1)
            while index < len(matches) and matches[index][0] <= last:
                qt_start, qt_end = matches[index]
                for x1, x2, top, height, _baseline in self.line_pieces(qt_start, qt_end, first, last):
                    painter.fillRect(QRectF(x1, top, x2 - x1, height), colour)
                index += 1
        if viewer._flash is not None:
            colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            colour.setAlphaF(0.35)
            for x1, x2, top, height, _baseline in self.line_pieces(*viewer._flash, first, last):
                painter.fillRect(QRectF(x1 - 3, top - 2, x2 - x1 + 6, height + 4), colour)

    def _paint_underlines(self, painter: QPainter, layers: list[Layer], first: int, last: int) -> None:
        dark = self._viewer.is_dark()
        thickness = UNDERLINE_THICKNESS
        for layer in layers:
            painter.setPen(QPen(_line_colour(layer.colour, dark), thickness))
            offset = 3 + layer.lane * (thickness + 2)
            for x1, x2, _top, _height, baseline in self.line_pieces(layer.qt_start, layer.qt_end, first, last):
                y = round(baseline + offset)
                painter.drawLine(round(x1), y, round(x2), y)

    def _paint_pages(self, painter: QPainter, first: int, last: int) -> None:
        starts = self._viewer._page_starts
        if not starts:
            return
        dy = -self.verticalScrollBar().value()
        dx = -self.horizontalScrollBar().value()
        label_font = QFont(self.font())
        label_font.setPointSizeF(max(6.0, label_font.pointSizeF() * 0.8))
        painter.setFont(label_font)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        frame = self.document().rootFrame().frameFormat()
        text_left = frame.leftMargin() + dx
        text_right = self.document().textWidth() - frame.rightMargin() + dx
        for number, position in starts:
            if position < first or position > last + 1:
                continue
            block = self.document().findBlock(position)
            layout = block.layout()
            line = layout.lineForTextPosition(position - block.position())
            if not line.isValid():
                continue
            top = layout.position().y() + line.y() + dy
            painter.setPen(muted)
            label_rect = QRect(0, round(top), round(text_left) - 14, round(line.height()))
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, f"p. {number}")
            if number > 1:
                pen = QPen(muted, 1, Qt.PenStyle.DotLine)
                painter.setPen(pen)
                y = round(top) - 3
                painter.drawLine(round(text_left), y, round(text_right), y)

    # -- interaction ------------------------------------------------------------------------

    def viewportEvent(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            html = self._viewer._tooltip_at(event.pos())
            if html:
                QToolTip.showText(event.globalPos(), html, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        point = event.position().toPoint()
        if (event.button() == Qt.MouseButton.LeftButton and press is not None
                and (point - press).manhattanLength() < QApplication.startDragDistance()
                and not self.textCursor().hasSelection()):
            self._viewer._activate_at(point)

    def keyPressEvent(self, event) -> None:
        # Enter or C codes the selection: the text is read-only, so these keys are free.
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and modifiers in (
            Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier)
        if enter or (key == Qt.Key.Key_C and modifiers == Qt.KeyboardModifier.NoModifier):
            self._viewer.codeSelectionRequested.emit()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu(event.pos())
        self._viewer._extend_context_menu(menu, event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._viewer._update_margins()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (event.Type.PaletteChange, event.Type.StyleChange):
            self._viewer._restyle()


class FindBar(QWidget):
    """The find-in-document strip under the text: query, match count, previous/next, close."""

    queryChanged = Signal(str)
    nextRequested = Signal()
    previousRequested = Signal()
    closeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.field = QLineEdit(self)
        self.field.setPlaceholderText("Find in document")
        self.field.setClearButtonEnabled(True)
        self.field.installEventFilter(self)
        self.count_label = QLabel(self)
        self.count_label.setMinimumWidth(90)
        previous = QToolButton(self)
        previous.setArrowType(Qt.ArrowType.UpArrow)
        previous.setToolTip("Previous match (Shift+Enter, Shift+F3)")
        following = QToolButton(self)
        following.setArrowType(Qt.ArrowType.DownArrow)
        following.setToolTip("Next match (Enter, F3)")
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Close (Escape)")
        layout.addWidget(QLabel("Find:", self))
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(close)
        self._debounce = single_shot(self, lambda: self.queryChanged.emit(self.field.text()), 120)
        self.field.textChanged.connect(lambda _text: self._debounce.start())
        previous.clicked.connect(self.previousRequested)
        following.clicked.connect(self.nextRequested)
        close.clicked.connect(self.closeRequested)

    def flush(self) -> None:
        """Search now for what is typed, instead of after the typing pause."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.queryChanged.emit(self.field.text())

    def eventFilter(self, watched, event) -> bool:
        if watched is self.field and event.type() == event.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F3):
                self.flush()
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.previousRequested.emit()
                else:
                    self.nextRequested.emit()
                return True
            if key == Qt.Key.Key_Escape:
                self.closeRequested.emit()
                return True
        return super().eventFilter(watched, event)


class DocumentViewer(QWidget):
    """Shows one document of the session's project with its codings; see the module docstring."""

    codingsActivated = Signal(list)
    codeSelectionRequested = Signal()
    documentShown = Signal(object)
    statusMessage = Signal(str)

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._document_id: int | None = None
        self._text = ""
        self._offsets = OffsetMap("")
        self._index: HighlightIndex | None = None
        self._page_starts: list[tuple[int, int]] = []  # (page number, Qt position)
        self._pages: list[PageSpan] = []
        self._tints: dict[tuple[str, ...], QColor] = {}
        self._unsigned_issues: set[int] = set()
        self._flash: tuple[int, int] | None = None  # Qt span flashed after a jump
        self._find_matches: list[tuple[int, int]] = []  # Qt spans
        self._find_starts: list[int] = []
        self._find_current = -1
        self._dark = False

        self.header = QLabel(self)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setContentsMargins(12, 6, 12, 6)
        self.header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.header.hide()
        self.text_view = _Page(self)
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.text_view, 1)
        layout.addWidget(self.find_bar)

        self.code_action = QAction("Code selection…", self)
        # Enter and C (handled in the text view's keyPressEvent) do the same while the text has focus.
        self.code_action.setShortcut(QKeySequence("Ctrl+Return"))
        self.code_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.code_action.setToolTip("Code the selected text (Enter or C)")
        self.code_action.triggered.connect(self.codeSelectionRequested)
        self.text_view.addAction(self.code_action)
        self.find_action = QAction("Find in document…", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_action.triggered.connect(self.show_find_bar)
        self.addAction(self.find_action)
        self._find_next_action = QAction("Find next", self)
        self._find_next_action.setShortcut(QKeySequence.StandardKey.FindNext)
        self._find_next_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._find_next_action.triggered.connect(self.find_next)
        self.addAction(self._find_next_action)
        self._find_previous_action = QAction("Find previous", self)
        self._find_previous_action.setShortcut(QKeySequence.StandardKey.FindPrevious)
        self._find_previous_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._find_previous_action.triggered.connect(self.find_previous)
        self.addAction(self._find_previous_action)

        self.find_bar.queryChanged.connect(self._run_find)
        self.find_bar.nextRequested.connect(self.find_next)
        self.find_bar.previousRequested.connect(self.find_previous)
        self.find_bar.closeRequested.connect(self.hide_find_bar)
        self.codeSelectionRequested.connect(self.code_selection)

        self._flash_timer = single_shot(self, self._end_flash, FLASH_MS)
        self._rebuild_timer = single_shot(self, self.refresh_highlights)

        session.codingsChanged.connect(self._on_codings_changed)
        session.codebookChanged.connect(self._rebuild_timer.start)
        session.documentsChanged.connect(self._on_documents_changed)
        session.projectOpened.connect(lambda: self.show_document(None))
        session.projectClosed.connect(lambda: self.show_document(None))
        self._restyle()

    # -- public API ---------------------------------------------------------------------------

    @property
    def document_id(self) -> int | None:
        return self._document_id

    def show_document(self, document_id: int | None) -> None:
        """Show ``document_id`` (None empties the viewer); showing the shown document again is cheap."""
        if document_id is not None and document_id == self._document_id:
            return
        project = self.session.project
        text, pages = "", []
        if document_id is not None and project is not None:
            try:
                text = project.documents.text(document_id)
                pages = project.documents.pages(document_id)
            except ProjectError as exc:
                self.session.errorOccurred.emit(str(exc))
                document_id = None
        else:
            document_id = None
        self._document_id = document_id
        self._text = text
        self._pages = pages
        self._offsets = OffsetMap(text)
        self._page_starts = [
            (page.number, self._offsets.to_qt(page.start)) for page in pages if 0 <= page.start <= len(text)
        ]
        self._find_matches, self._find_starts, self._find_current = [], [], -1
        self._flash = None
        self.text_view.setDocument(self._make_document(text))
        self._update_margins()
        self.refresh_highlights()
        self._update_header()
        if self.find_bar.isVisible() and self.find_bar.field.text():
            self._run_find(self.find_bar.field.text())
        self.documentShown.emit(document_id)

    def open_passage(self, document_id: int, start: int, end: int) -> None:
        """Show ``document_id`` and select, centre and flash the span ``start``–``end``."""
        self.show_document(document_id)
        if self._document_id == document_id:
            self.scroll_to_span(start, end)

    def selected_span(self) -> tuple[int, int] | None:
        """The selection as code-point offsets, without surrounding white space; None when empty."""
        cursor = self.text_view.textCursor()
        if not cursor.hasSelection() or self._document_id is None:
            return None
        start, end = self._offsets.span_from_qt(cursor.selectionStart(), cursor.selectionEnd())
        while start < end and self._text[start].isspace():
            start += 1
        while end > start and self._text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def scroll_to_span(self, start: int, end: int) -> None:
        """Select the span (code points), bring it to the upper third of the view and flash it."""
        if self._document_id is None:
            return
        start = max(0, min(start, len(self._text)))
        end = max(start, min(end, len(self._text)))
        qt_start, qt_end = self._offsets.span_to_qt(start, end)
        cursor = QTextCursor(self.text_view.document())
        cursor.setPosition(qt_start)
        cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
        self.text_view.setTextCursor(cursor)
        self._centre_on(qt_start)
        self._flash = (qt_start, qt_end)
        self.text_view.viewport().update()
        self._flash_timer.start(FLASH_MS)

    def selection_rect(self) -> QRect:
        """Where the selection ends, in global coordinates (to place a popup beside it)."""
        cursor = QTextCursor(self.text_view.textCursor())
        cursor.setPosition(cursor.selectionEnd())
        rect = self.text_view.cursorRect(cursor)
        top_left = self.text_view.viewport().mapToGlobal(rect.topLeft())
        return QRect(top_left, rect.size())

    def code_selection(self) -> None:
        """Open the coding popup for the selected text (the answer to ``codeSelectionRequested``)."""
        span = self.selected_span()
        if span is None or self._document_id is None:
            self.statusMessage.emit("Select some text to code it.")
            return
        from posmap.gui.coding_popup import open_coding_popup

        open_coding_popup(self.session, self._document_id, *span, parent=self, anchor=self.selection_rect())

    def highlight_selections(self) -> list[QTextEdit.ExtraSelection]:
        """What the viewer paints as tints, as ExtraSelections (one per stretch with the same covering codings).

        Made on demand for inspection (tests, accessibility tools); drawing does not use them.
        """
        if self._index is None:
            return []
        document = self.text_view.document()
        return [
            _selection(document, segment.qt_start, segment.qt_end, self._tint_format(segment.colours))
            for segment in self._index.segments
        ]

    def _tint_for(self, colours: tuple[str, ...]) -> QColor:
        colour = self._tints.get(colours)
        if colour is None:
            colour = self._tints[colours] = _tint(colours, self._dark)
        return colour

    def _tint_format(self, colours: tuple[str, ...]) -> QTextCharFormat:
        char_format = QTextCharFormat()
        char_format.setBackground(self._tint_for(colours))
        return char_format

    def _find_colour(self) -> QColor:
        return QColor(255, 200, 0, 150 if self._dark else 120)

    def coding_ids_at(self, offset: int) -> list[int]:
        """The codings whose passages cover the character at code-point ``offset``."""
        if self._index is None or not 0 <= offset < len(self._text):
            return []
        return self._index.coding_ids_at(self._offsets.to_qt(offset))

    def is_dark(self) -> bool:
        return self._dark

    # -- find ---------------------------------------------------------------------------------

    def show_find_bar(self) -> None:
        self.find_bar.show()
        selected = self.text_view.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) < 100:
            self.find_bar.field.setText(selected)
        self.find_bar.field.setFocus()
        self.find_bar.field.selectAll()

    def hide_find_bar(self) -> None:
        self.find_bar.hide()
        self._find_matches, self._find_starts, self._find_current = [], [], -1
        self.text_view.viewport().update()
        self.text_view.setFocus()

    def find_next(self) -> None:
        self._step_find(+1)

    def find_previous(self) -> None:
        self._step_find(-1)

    def find_matches(self) -> list[tuple[int, int]]:
        """The current find bar matches as code-point spans."""
        return [self._offsets.span_from_qt(s, e) for s, e in self._find_matches]

    def _run_find(self, query: str) -> None:
        self._find_matches, self._find_current = [], -1
        if query and self._text:
            pattern = re.compile(re.escape(query), re.IGNORECASE)
            for count, match in enumerate(pattern.finditer(self._text)):
                if count >= MAX_FIND_MATCHES:
                    break
                self._find_matches.append(self._offsets.span_to_qt(match.start(), match.end()))
        self._find_starts = [start for start, _end in self._find_matches]
        self.text_view.viewport().update()
        if self._find_matches:
            # Start from where the reader is, not from the top of the document.
            here = self.text_view.textCursor().selectionStart()
            self._find_current = next(
                (i for i, (s, _e) in enumerate(self._find_matches) if s >= here), 0
            )
            self._select_find_match()
        self._update_find_count()

    def _step_find(self, step: int) -> None:
        if not self.find_bar.isVisible():
            self.show_find_bar()
            return
        self.find_bar.flush()
        if not self._find_matches:
            return
        self._find_current = (self._find_current + step) % len(self._find_matches)
        self._select_find_match()
        self._update_find_count()

    def _select_find_match(self) -> None:
        qt_start, qt_end = self._find_matches[self._find_current]
        cursor = QTextCursor(self.text_view.document())
        cursor.setPosition(qt_start)
        cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
        self.text_view.setTextCursor(cursor)
        self._centre_on(qt_start)

    def _update_find_count(self) -> None:
        query = self.find_bar.field.text()
        total = len(self._find_matches)
        if not query:
            text = ""
        elif not total:
            text = "No matches"
        else:
            more = "+" if total >= MAX_FIND_MATCHES else ""
            text = f"{self._find_current + 1} of {total}{more}"
        self.find_bar.count_label.setText(text)

    # -- highlights ---------------------------------------------------------------------------

    def refresh_highlights(self) -> None:
        """Re-read this document's codings and repaint the highlights (the text and the scroll stay)."""
        self._rebuild_timer.stop()
        project = self.session.project
        if self._document_id is None or project is None:
            self._index = HighlightIndex([], {}, self._offsets)
        else:
            try:
                spans = project.codings.spans(self._document_id)
                issues = project.issues.all()
                colours = {issue.id: issue.color for issue in issues}
                self._unsigned_issues = {issue.id for issue in issues if issue.scale.minimum >= 0}
            except ProjectError as exc:
                self.session.errorOccurred.emit(str(exc))
                return
            self._index = HighlightIndex(spans, colours, self._offsets)
        self.text_view.viewport().update()
        self._update_header()

    def _end_flash(self) -> None:
        if self._flash is not None:
            self._flash = None
            self.text_view.viewport().update()

    def _update_highlights(self, coding_ids: frozenset[int]) -> None:
        """Re-read just these codings (added, edited or deleted) and repaint where their highlights changed."""
        project = self.session.project
        if project is None or self._index is None:
            return
        spans = []
        try:
            for coding_id in sorted(coding_ids):
                try:
                    coding = project.codings.get(coding_id)
                    passage = project.codings.passage(coding.passage_id)
                except NotFoundError:
                    continue  # deleted
                if passage.document_id == self._document_id:
                    spans.append((coding_id, passage.id, passage.start, passage.end, coding.issue_id))
        except ProjectError as exc:
            self.session.errorOccurred.emit(str(exc))
            return
        changed = self._index.update(coding_ids, spans)
        if changed is not None:
            self.text_view.update_span(*changed, self._index.lane_count)
        self._update_header()

    def _on_codings_changed(self, document_ids: list) -> None:
        if self._document_id is None or (document_ids and self._document_id not in document_ids):
            return
        coding_ids = self.session.changed_coding_ids
        if (coding_ids is None or self._index is None or len(coding_ids) > MAX_CODINGS_UPDATED
                or self._rebuild_timer.isActive()):  # a codebook change is waiting for a rebuild: do it now
            self.refresh_highlights()
        else:
            self._update_highlights(coding_ids)

    def _on_documents_changed(self) -> None:
        project = self.session.project
        if self._document_id is not None and (project is None or not project.documents.exists(self._document_id)):
            self.show_document(None)
        else:
            self._update_header()

    # -- tooltips, clicks and the context menu ------------------------------------------------------

    def _tooltip_at(self, point: QPoint) -> str:
        position = self.text_view.character_at(point)
        if position is None or self._index is None:
            return ""
        records = self._records(self._index.coding_ids_at(position))
        return coding_tooltip_html(records, self._unsigned_issues) if records else ""

    def _activate_at(self, point: QPoint) -> None:
        position = self.text_view.character_at(point)
        if position is None or self._index is None:
            return
        ids = self._index.coding_ids_at(position)
        if ids:
            self.codingsActivated.emit(ids)

    def _extend_context_menu(self, menu: QMenu, point: QPoint) -> None:
        first = menu.actions()[0] if menu.actions() else None
        self.code_action.setEnabled(self.selected_span() is not None)
        menu.insertAction(first, self.code_action)
        menu.insertSeparator(first)
        position = self.text_view.character_at(point)
        ids = self._index.coding_ids_at(position) if self._index is not None and position is not None else []
        records = self._records(ids)
        if records:
            from posmap.gui.coding_popup import open_edit_popup

            menu.addSeparator()
            for record in records:
                position = position_text(record.position_label, record.position,
                                         signed=record.issue_id not in self._unsigned_issues)
                label = f"Edit {record.actor} — {record.issue}: {position} ({kind_label(record.kind)})…"
                action = menu.addAction(label)
                action.triggered.connect(
                    lambda _checked=False, cid=record.id: open_edit_popup(
                        self.session, cid, parent=self, anchor=self._global_rect(point))
                )
            delete = menu.addAction("Delete coding" if len(records) == 1 else f"Delete {len(records)} codings here")
            delete.triggered.connect(lambda _checked=False, cids=tuple(ids): self._delete_codings(list(cids)))

    def _records(self, coding_ids: list[int]) -> list[CodingRecord]:
        project = self.session.project
        if not coding_ids or project is None:
            return []
        try:
            return project.codings.records(CodingFilter(coding_ids=coding_ids))
        except ProjectError:
            return []

    def _delete_codings(self, coding_ids: list[int]) -> None:
        from posmap.gui.commands.codings import DeleteCodingsCommand

        try:
            command = DeleteCodingsCommand(self.session, coding_ids)
        except ProjectError as exc:
            self.session.errorOccurred.emit(str(exc))
            return
        self.session.push(command)

    def _global_rect(self, point: QPoint) -> QRect:
        return QRect(self.text_view.viewport().mapToGlobal(point), self.text_view.viewport().mapToGlobal(point))

    # -- presentation ---------------------------------------------------------------------------

    def _make_document(self, text: str) -> QTextDocument:
        document = QTextDocument(self.text_view)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self._reading_font())
        document.setPlainText(qt_text(text))
        if text:
            cursor = QTextCursor(document)
            cursor.select(QTextCursor.SelectionType.Document)
            block_format = QTextBlockFormat()
            block_format.setLineHeight(LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            cursor.mergeBlockFormat(block_format)
        old = self.text_view.document()
        if old is not None and old.parent() is self.text_view:
            old.deleteLater()
        return document

    def _reading_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.15)
        return font

    def _update_margins(self) -> None:
        """Keep the text in a centred column of comfortable width, with room for page labels on the left."""
        view = self.text_view
        width = view.viewport().width()
        column = QFontMetrics(view.document().defaultFont()).averageCharWidth() * TEXT_COLUMN_CHARS
        side = max(GUTTER, (width - column) // 2)
        right = max(24, width - side - column)
        root = view.document().rootFrame()
        frame_format = root.frameFormat()
        if (frame_format.leftMargin(), frame_format.rightMargin()) != (side, right):
            frame_format.setLeftMargin(side)
            frame_format.setRightMargin(right)
            frame_format.setTopMargin(20)
            frame_format.setBottomMargin(48)
            root.setFrameFormat(frame_format)

    def _centre_on(self, qt_position: int) -> None:
        cursor = QTextCursor(self.text_view.document())
        cursor.setPosition(qt_position)
        rect = self.text_view.cursorRect(cursor)
        bar = self.text_view.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - self.text_view.viewport().height() // 3)

    def _restyle(self) -> None:
        base = self.text_view.palette().color(QPalette.ColorRole.Base)
        dark = base.lightnessF() < 0.5
        if dark != self._dark:
            self._dark = dark
            self._tints.clear()
            self.text_view.viewport().update()

    def _update_header(self) -> None:
        project = self.session.project
        if self._document_id is None or project is None:
            self.header.hide()
            return
        try:
            document = project.documents.get(self._document_id, with_text=False)
        except ProjectError:
            self.header.hide()
            return
        details = [part for part in (document.author, document.outlet,
                                     document.date.isoformat() if document.date else "") if part]
        count = self._index.coding_count if self._index is not None else 0
        facts = [f"{count} coding{'s' if count != 1 else ''}"]
        if self._pages:
            facts.append(f"{len(self._pages)} page{'s' if len(self._pages) != 1 else ''}")
        line = document.title + (" — " + ", ".join(details) if details else "") + "  ·  " + ", ".join(facts)
        self.header.setText(line)
        self.header.setToolTip(line)
        self.header.show()
