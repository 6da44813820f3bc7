"""Small controls of the matrix view and the briefing dialog: a button with a checkable list, the filter
controls both share, and the matrix's colour legend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QDate, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from posmap.analysis import RecordFilter, Stat
from posmap.analysis.catalogue import DocumentRef
from posmap.gui.coding_text import ATTRIBUTION_LABELS, KIND_LABELS
from posmap.gui.matrix_model import CONTESTED_MARK, COUNT_PALETTE, DIVERGING, SPREAD_PALETTE, blend


class ChecklistButton(QToolButton):
    """A button reading "Documents: all" that opens a checkable list (with a search field when long).

    Every item checked means no restriction. ``restriction()`` gives None then, or else the values
    of the checked items (possibly none). Items unchecked once stay unchecked when the list is
    refilled; new items come checked.
    """

    changed = Signal()

    SEARCH_FROM = 10  # items; shorter lists need no search field

    def __init__(self, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._noun = noun
        self._unchecked: set[object] = set()
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setArrowType(Qt.ArrowType.NoArrow)
        self.popup = QFrame(self, Qt.WindowType.Popup)
        self.popup.setFrameShape(QFrame.Shape.StyledPanel)
        self.search = QLineEdit(self.popup)
        self.search.setPlaceholderText(f"Find {noun.lower()}…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget(self.popup)
        self.list.setUniformItemSizes(True)
        self.all_button = QPushButton("All", self.popup)
        self.none_button = QPushButton("None", self.popup)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.popup)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.clicked.connect(self.show_popup)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.itemActivated.connect(self._toggle)
        self.search.textChanged.connect(self._on_search)
        self.all_button.clicked.connect(lambda: self.set_all_checked(True))
        self.none_button.clicked.connect(lambda: self.set_all_checked(False))
        self._update_text()

    # -- public API -------------------------------------------------------------------------------

    def set_items(self, items: Iterable[tuple[object, str, str]]) -> None:
        """Fill the list with ``(value, label, tooltip)`` items, keeping what the user unchecked."""
        self.list.blockSignals(True)
        self.list.clear()
        for value, label, tip in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setToolTip(tip or label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if value in self._unchecked else Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._unchecked &= set(self.values())
        self.search.setVisible(self.list.count() >= self.SEARCH_FROM)
        self._update_text()

    def values(self) -> list[object]:
        return [self.list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.list.count())]

    def checked_values(self) -> list[object]:
        return [self.list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.list.count())
                if self.list.item(row).checkState() == Qt.CheckState.Checked]

    def restriction(self) -> tuple[object, ...] | None:
        """None when every item is checked (no restriction), else the checked values."""
        checked = self.checked_values()
        return None if len(checked) == self.list.count() else tuple(checked)

    def set_checked(self, values: Iterable[object] | None) -> None:
        """Check exactly ``values`` (None or empty: check everything)."""
        wanted = set(values) if values else None
        self._apply(lambda value: wanted is None or value in wanted)

    def set_all_checked(self, checked: bool) -> None:
        self._apply(lambda _value: checked)

    def item_for(self, value: object) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == value:
                return self.list.item(row)
        return None

    def show_popup(self) -> None:
        widest = max((self.list.fontMetrics().horizontalAdvance(self.list.item(row).text())
                      for row in range(self.list.count())), default=0)
        self.popup.resize(max(self.width(), min(520, widest + 60)), min(420, 90 + 24 * max(3, self.list.count())))
        self.popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self.popup.show()
        (self.search if self.search.isVisible() else self.list).setFocus()

    # -- internals --------------------------------------------------------------------------------

    def _apply(self, keep) -> None:
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            state = Qt.CheckState.Checked if keep(item.data(Qt.ItemDataRole.UserRole)) else Qt.CheckState.Unchecked
            item.setCheckState(state)
        self.list.blockSignals(False)
        self._remember()
        self._update_text()
        self.changed.emit()

    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def _on_item_changed(self, _item: QListWidgetItem) -> None:
        self._remember()
        self._update_text()
        self.changed.emit()

    def _remember(self) -> None:
        self._unchecked = {self.list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.list.count())
                           if self.list.item(row).checkState() != Qt.CheckState.Checked}

    def _on_search(self, text: str) -> None:
        words = text.casefold().split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(words) and not all(w in item.text().casefold() for w in words))

    def _update_text(self) -> None:
        checked = [self.list.item(row) for row in range(self.list.count())
                   if self.list.item(row).checkState() == Qt.CheckState.Checked]
        total = self.list.count()
        if len(checked) == total:
            shown = "all"
        elif not checked:
            shown = "none"
        elif len(checked) == 1:
            shown = checked[0].text() if len(checked[0].text()) <= 22 else checked[0].text()[:21] + "…"
        else:
            shown = f"{len(checked)} of {total}"
        self.setText(f"{self._noun}: {shown} ▾")
        tip = f"Which {self._noun.lower()} count"
        if 0 < len(checked) < total:
            tip += ":\n" + "\n".join(item.text() for item in checked[:20]) + ("\n…" if len(checked) > 20 else "")
        self.setToolTip(tip)


class ColourLegend(QWidget):
    """What the heat colours mean for the shown statistic, as a small gradient with words at its ends."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._palette: Sequence[str] = DIVERGING
        self._low, self._high, self._note = "", "", ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_statistic(Stat.MEAN, 0)

    def set_statistic(self, stat: Stat, largest_count: int, *, normalised: bool = False) -> None:
        if stat is Stat.COUNT:
            self._palette, self._low = COUNT_PALETTE, "1 coding"
            self._high = f"{largest_count} codings" if largest_count > 1 else "most codings"
        elif stat is Stat.SPREAD:
            self._palette, self._low, self._high = SPREAD_PALETTE, "sources agree", "whole scale apart"
        else:
            self._palette = DIVERGING
            self._low, self._high = "low end of scale · opposes", "supports · high end of scale"
        notes = [f"{CONTESTED_MARK} dashed border: sources disagree"]
        if normalised and stat is not Stat.COUNT:
            notes.append("numbers without a label: mixed scales, normalised to −1…+1")
        self._note = "     ".join(notes)
        self.setToolTip(
            "Each cell's colour shows its value on its own issue's scale: red for the low end (e.g. "
            "“strongly opposes”, or the first outcome of a custom scale), pale for the middle, blue for the "
            "high end." if stat.is_position else
            "Deeper colour: more codings." if stat is Stat.COUNT else
            "Deeper colour: the sources' positions lie further apart on the issue's scale."
        )
        self.updateGeometry()
        self.update()

    def sizeHint(self):
        size = super().sizeHint()
        size.setHeight(self.fontMetrics().height() + 10)
        return size

    def minimumSizeHint(self):
        return self.sizeHint()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        metrics = self.fontMetrics()
        height = self.height()
        bar_width, bar_height = 150, max(10, metrics.height() - 4)
        low, high = self._low, self._high
        if metrics.horizontalAdvance(low + high) + bar_width + 28 > self.width():
            # Narrow: the short words, a shorter bar.
            low, high, bar_width = low.split(" · ")[-1], high.split(" · ")[0], 80
        x = 6
        text_colour = self.palette().windowText().color()
        painter.setPen(text_colour)
        low_width = metrics.horizontalAdvance(low)
        painter.drawText(QRect(x, 0, low_width, height), int(Qt.AlignmentFlag.AlignVCenter), low)
        x += low_width + 8
        gradient = QLinearGradient(x, 0, x + bar_width, 0)
        for step in range(11):
            gradient.setColorAt(step / 10, blend(self._palette, step / 10))
        bar = QRect(x, (height - bar_height) // 2, bar_width, bar_height)
        painter.fillRect(bar, gradient)
        painter.setPen(QColor(0, 0, 0, 60))
        painter.drawRect(bar.adjusted(0, 0, -1, -1))
        x += bar_width + 8
        painter.setPen(text_colour)
        high_width = metrics.horizontalAdvance(high)
        painter.drawText(QRect(x, 0, high_width, height), int(Qt.AlignmentFlag.AlignVCenter), high)
        x += high_width + 24
        note = metrics.elidedText(self._note, Qt.TextElideMode.ElideRight, max(0, self.width() - x - 6))
        painter.drawText(QRect(x, 0, self.width() - x, height), int(Qt.AlignmentFlag.AlignVCenter), note)
        painter.end()


def date_edit(parent: QWidget) -> QDateEdit:
    """A date field for a Since/Until filter: ISO format, calendar pop-up, off until its box is ticked."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setEnabled(False)
    edit.setDate(QDate.currentDate())
    return edit


class FilterControls(QObject):
    """The filter widgets of the matrix view and the briefing dialog, and what they mean.

    Documents, Since/Until dates, attributions and coding kinds, plus the host's Clear button. The
    host lays the widgets out as suits it (a toolbar, a grid); ``changed`` fires after any edit,
    once for :meth:`set_filter` and for Clear.
    """

    changed = Signal()

    def __init__(self, parent: QWidget, clear_button: QAbstractButton) -> None:
        super().__init__(parent)
        self.documents_button = ChecklistButton("Documents", parent)
        self.since_check = QCheckBox("Since", parent)
        self.since_edit = date_edit(parent)
        self.until_check = QCheckBox("Until", parent)
        self.until_edit = date_edit(parent)
        self.since_check.setToolTip("Only documents dated on or after this day (undated documents are left out)")
        self.until_check.setToolTip("Only documents dated on or before this day (undated documents are left out)")
        self.attribution_button = ChecklistButton("Attribution", parent)
        self.attribution_button.set_items((value, label, "") for value, label in ATTRIBUTION_LABELS.items())
        self.kind_button = ChecklistButton("Kind", parent)
        self.kind_button.set_items((value, label, "") for value, label in KIND_LABELS.items())
        self.clear_button = clear_button
        clear_button.setToolTip("Remove every filter")

        for button in self._checklists():
            button.changed.connect(self.changed)
        for check, edit in ((self.since_check, self.since_edit), (self.until_check, self.until_edit)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(lambda _on: self.changed.emit())
            edit.dateChanged.connect(lambda _date: self.changed.emit())
        clear_button.clicked.connect(lambda: self.set_filter(RecordFilter()))

    def _checklists(self) -> tuple[ChecklistButton, ChecklistButton, ChecklistButton]:
        return self.documents_button, self.attribution_button, self.kind_button

    def set_documents(self, documents: Iterable[DocumentRef]) -> None:
        """Offer these documents (keeping what was unticked) and start unticked date bounds at the
        first and last document date, where a user most likely begins."""
        documents = list(documents)
        self.documents_button.blockSignals(True)
        self.documents_button.set_items(
            (doc.id, f"{doc.date[:10]}  {doc.title}" if doc.date else doc.title,
             ", ".join(part for part in (doc.title, doc.author, doc.date or "", doc.kind) if part))
            for doc in documents)
        self.documents_button.blockSignals(False)
        dates = sorted(doc.date[:10] for doc in documents if doc.date)
        for check, edit, day in ((self.since_check, self.since_edit, dates[0] if dates else None),
                                 (self.until_check, self.until_edit, dates[-1] if dates else None)):
            parsed = QDate.fromString(day or "", "yyyy-MM-dd")
            if parsed.isValid() and not check.isChecked():
                edit.blockSignals(True)
                edit.setDate(parsed)
                edit.blockSignals(False)

    def record_filter(self) -> RecordFilter:
        """The filter the controls describe (see :meth:`problem` for whether it can select anything)."""
        return RecordFilter(
            document_ids=tuple(self.documents_button.restriction() or ()),
            since=self._day(self.since_check, self.since_edit),
            until=self._day(self.until_check, self.until_edit),
            attributions=tuple(self.attribution_button.restriction() or ()),
            kinds=tuple(self.kind_button.restriction() or ()),
        )

    def problem(self) -> str:
        """Why the filters select nothing at all ("" when they can select something)."""
        for button, noun in zip(self._checklists(), ("document", "attribution", "coding kind"), strict=True):
            if button.restriction() == ():
                return f"No {noun} is ticked in the filters, so no coding is shown."
        since = self._day(self.since_check, self.since_edit)
        until = self._day(self.until_check, self.until_edit)
        if since and until and since > until:
            return "The date range starts after it ends."
        return ""

    def set_filter(self, where: RecordFilter) -> None:
        """Set the controls to ``where`` (documents, dates, attributions and coding kinds)."""
        widgets = (*self._checklists(), self.since_check, self.since_edit, self.until_check, self.until_edit)
        for widget in widgets:
            widget.blockSignals(True)
        self.documents_button.set_checked(where.document_ids)
        self.attribution_button.set_checked(where.attributions)
        self.kind_button.set_checked(where.kinds)
        for check, edit, day in ((self.since_check, self.since_edit, where.since),
                                 (self.until_check, self.until_edit, where.until)):
            check.setChecked(day is not None)
            edit.setEnabled(day is not None)
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))
        for widget in widgets:
            widget.blockSignals(False)
        self.changed.emit()

    def active_count(self) -> int:
        """How many of the five controls restrict the selection."""
        return (sum(button.restriction() is not None for button in self._checklists())
                + self.since_check.isChecked() + self.until_check.isChecked())

    @staticmethod
    def _day(check: QCheckBox, edit: QDateEdit) -> dt.date | None:
        if not check.isChecked():
            return None
        day = edit.date()
        return dt.date(day.year(), day.month(), day.day())
