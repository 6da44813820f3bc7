"""Progress while files import, and the summary afterwards (what failed, and why)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posmap.services.importing import ImportReport


class ImportProgressDialog(QProgressDialog):
    """A window-modal progress dialog with Cancel; the import itself runs on a worker thread."""

    def __init__(self, total: int, parent: QWidget | None = None) -> None:
        super().__init__("Preparing the import…", "Cancel", 0, max(total, 1), parent)
        self.setWindowTitle("Importing documents")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(300)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(420)
        self.setValue(0)

    def report(self, done: int, total: int, message: str) -> None:
        self.setMaximum(max(total, 1))
        self.setValue(min(done, max(total, 1)))
        self.setLabelText(f"{message}\n{done} of {total} files")

    def cancelling(self) -> None:
        self.setLabelText("Cancelling… the files read so far are not kept.")
        self.setCancelButton(None)


def summary_text(report: ImportReport) -> str:
    parts = [f"{len(report.imported)} document{'s' if len(report.imported) != 1 else ''} imported"]
    if report.duplicates:
        parts.append(f"{len(report.duplicates)} already in the project")
    if report.failures:
        parts.append(f"{len(report.failures)} could not be read")
    return ", ".join(parts) + "."


class ImportSummaryDialog(QDialog):
    """What an import did, with one row per file that was not imported and the reason."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        self.setMinimumSize(560, 300)
        self.report = report
        self.summary_label = QLabel(summary_text(report))
        self.summary_label.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["File", "Why it was not imported"])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        for skipped in report.failures:
            item = QTreeWidgetItem([skipped.path.name, skipped.reason])
            item.setToolTip(0, str(skipped.path))
            item.setToolTip(1, skipped.reason)
            self.tree.addTopLevelItem(item)
        for skipped in report.duplicates:
            item = QTreeWidgetItem([skipped.path.name, skipped.reason])
            item.setToolTip(0, str(skipped.path))
            self.tree.addTopLevelItem(item)
        self.tree.setVisible(bool(report.failures or report.duplicates))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str]]:
        return [
            (self.tree.topLevelItem(i).text(0), self.tree.topLevelItem(i).text(1))
            for i in range(self.tree.topLevelItemCount())
        ]
