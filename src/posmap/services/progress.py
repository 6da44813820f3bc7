"""How long-running services report progress and learn that the user cancelled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Cancelled(Exception):
    """Raised inside a service when its caller asked to stop; the current transaction is rolled back."""


class ProgressCallback(Protocol):
    def __call__(self, done: int, total: int, message: str) -> None: ...


CancelCheck = Callable[[], bool]


def no_progress(done: int, total: int, message: str) -> None:
    """A progress callback that ignores every report."""


def never_cancelled() -> bool:
    return False
