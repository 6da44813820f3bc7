"""Starting the desktop application."""

from __future__ import annotations

import logging
import sys
import traceback
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from posmap import __version__

ORGANISATION_NAME = "posmap"
ORGANISATION_DOMAIN = "posmap.org"
APPLICATION_NAME = "posmap"
DESKTOP_FILE_NAME = "io.github.posmap.Posmap"


def application_icon() -> QIcon | None:
    """The application icon shipped in the resources, if there is one."""
    try:
        icons = files("posmap.resources").joinpath("icons")
    except ModuleNotFoundError:
        return None
    for name in ("posmap.svg", "posmap.png", "posmap-256.png"):
        candidate = icons.joinpath(name)
        if candidate.is_file():
            icon = QIcon(str(candidate))
            if not icon.isNull():
                return icon
    return None


def configure_application(app: QCoreApplication) -> None:
    """Names QSettings and the desktop use; set before any setting is read."""
    app.setOrganizationName(ORGANISATION_NAME)
    app.setOrganizationDomain(ORGANISATION_DOMAIN)
    app.setApplicationName(APPLICATION_NAME)
    app.setApplicationVersion(__version__)
    if isinstance(app, QApplication):
        app.setApplicationDisplayName("posmap")
        app.setDesktopFileName(DESKTOP_FILE_NAME)
        icon = application_icon()
        if icon is not None:
            app.setWindowIcon(icon)


def install_error_dialog(window_getter) -> None:
    """Show exceptions that escape a slot as a dialog instead of a traceback on a console nobody sees."""

    def hook(kind, error, trace) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        details = "".join(traceback.format_exception(kind, error, trace))
        logging.getLogger("posmap").error("unexpected error\n%s", details)
        from posmap.gui.dialogs import show_unexpected_error

        show_unexpected_error(window_getter(), error, details)

    sys.excepthook = hook


def run_application(project: Path | None = None) -> int:
    """Open the main window (and ``project``, if given) and run until the user quits.

    Qt 6 scales for high-DPI screens by default and follows the system's light or dark
    colour scheme; posmap keeps the platform's own style and palette.
    """
    from posmap.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    window = MainWindow()
    install_error_dialog(lambda: window)
    window.show()
    if project is not None:
        # After the event loop starts, so an error box has a visible window to sit on.
        QTimer.singleShot(0, lambda: window.open_project(Path(project)))
    return app.exec()
