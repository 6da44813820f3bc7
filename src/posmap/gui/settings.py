"""What the application remembers between runs: recent projects, window geometry and dock layout.

Everything goes through QSettings under the organisation and application names set in
:mod:`posmap.gui.app`, so tests can point QSettings at a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT_PROJECTS = 10

_RECENT = "projects/recent"
_GEOMETRY = "window/geometry"
_STATE = "window/state"
_LAST_FOLDER = "files/last_folder"


class AppSettings:
    """Typed access to the few values posmap keeps in QSettings."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    # -- recent projects ----------------------------------------------------------------------

    def recent_projects(self) -> list[Path]:
        value = self._settings.value(_RECENT, [])
        if isinstance(value, str):  # QSettings gives a lone string for a one-item list in INI files
            value = [value]
        return [Path(item) for item in (value or []) if item]

    def add_recent_project(self, path: str | Path) -> None:
        """Put ``path`` first in the recent list (once), keeping at most :data:`MAX_RECENT_PROJECTS`."""
        path = Path(path).resolve()
        recent = [p for p in self.recent_projects() if p != path]
        recent.insert(0, path)
        self._settings.setValue(_RECENT, [str(p) for p in recent[:MAX_RECENT_PROJECTS]])
        self._settings.sync()

    def remove_recent_project(self, path: str | Path) -> None:
        path = Path(path).resolve()
        self._settings.setValue(_RECENT, [str(p) for p in self.recent_projects() if p != path])
        self._settings.sync()

    def clear_recent_projects(self) -> None:
        self._settings.setValue(_RECENT, [])
        self._settings.sync()

    # -- window layout ------------------------------------------------------------------------

    def window_geometry(self) -> QByteArray | None:
        return self._bytes(_GEOMETRY)

    def window_state(self) -> QByteArray | None:
        return self._bytes(_STATE)

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._settings.setValue(_GEOMETRY, geometry)
        self._settings.setValue(_STATE, state)
        self._settings.sync()

    # -- file dialogs -----------------------------------------------------------------------------

    def last_folder(self) -> str:
        value = self._settings.value(_LAST_FOLDER, "")
        return value if isinstance(value, str) and Path(value).is_dir() else str(Path.home())

    def set_last_folder(self, folder: str | Path) -> None:
        self._settings.setValue(_LAST_FOLDER, str(folder))

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None
