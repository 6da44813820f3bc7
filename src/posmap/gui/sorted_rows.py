"""A table model that keeps its rows sorted itself, so the proxy in front of it only filters."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt


class SortedRowsModel(QAbstractTableModel):
    """Rows (``_items``) kept in the order of the sort column, as a sorting proxy would keep them.

    A subclass fills ``_items`` sorted with :meth:`_sorted` and gives :meth:`_item_id` (unique per
    row), :meth:`_sort_key` (a row's key for a column) and :meth:`_unsorted_key` (the order without a
    sort column). :meth:`sort` sorts the rows as they stand, so ties keep the order of the previous
    sort, and moves persistent indexes (selections) with their rows. One Python key per row, where a
    sorting proxy would ask ``data()`` at every comparison.
    """

    def __init__(self, column_count: int, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []
        self._column_count = column_count
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    def _item_id(self, item: Any) -> int:
        raise NotImplementedError

    def _sort_key(self, item: Any, column: int) -> Any:
        raise NotImplementedError

    def _unsorted_key(self, item: Any) -> Any:
        raise NotImplementedError

    def _rows_moved(self) -> None:
        """Called when rows changed places; a subclass drops what it remembers of row numbers."""

    @property
    def sorting(self) -> bool:
        """True when the rows are sorted by a column (not in their unsorted order)."""
        return 0 <= self._sort_column < self._column_count

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by ``column`` (-1: unsorted order), ties as they stand; persistent indexes follow."""
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._item_id(self._items[index.row()]) for index in persistent]
        self._items = self._sorted(self._items)
        self._rows_moved()
        rows = {self._item_id(item): row for row, item in enumerate(self._items)}
        moved = [self.index(rows[item_id], index.column()) for item_id, index in zip(ids, persistent, strict=True)]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _sorted(self, items: list[Any]) -> list[Any]:
        """``items`` stably sorted by the sort column (ties keep their order), or in unsorted order."""
        if not self.sorting:
            return sorted(items, key=self._unsorted_key)
        column = self._sort_column
        return sorted(items, key=lambda item: self._sort_key(item, column),
                      reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
