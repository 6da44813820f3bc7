"""The single-shot timers widgets use to do work once after a burst of signals."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def single_shot(parent: QObject, slot: Callable[[], object], interval_ms: int = 0) -> QTimer:
    """A stopped single-shot timer that calls ``slot``.

    ``start()`` runs ``slot`` once, ``interval_ms`` later (0: as soon as the event loop is free);
    starting it again before then moves that run, so a burst of starts makes one call.
    """
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer
