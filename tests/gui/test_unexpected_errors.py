"""An exception that escapes a slot reaches the user as a plain dialog, with the traceback only behind Details."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from posmap.gui.app import install_error_dialog


def test_an_unexpected_error_becomes_a_plain_dialog(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    install_error_dialog(lambda: parent)
    try:
        raise ZeroDivisionError("the numbers did not add up")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    boxes = [
        widget for widget in QApplication.topLevelWidgets()
        if isinstance(widget, QMessageBox) and widget.objectName() == "unexpectedError"
    ]
    assert boxes, "no dialog was shown"
    box = boxes[-1]
    assert "Traceback" not in box.text() + box.informativeText()
    assert "the numbers did not add up" in box.informativeText()
    assert "Traceback" in box.detailedText()
    box.close()
