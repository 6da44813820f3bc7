"""Take the screenshots in docs/images/ from the demo project.

Run under a virtual display so fonts and styles render as on a desktop:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py

Settings go to a temporary folder, so the user's recent files and layout are untouched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
WIDTH, HEIGHT = 1400, 900


def settle(app: QApplication, milliseconds: int = 300) -> None:
    """Let Qt lay out and paint before grabbing."""
    done = []
    QTimer.singleShot(milliseconds, lambda: done.append(True))
    while not done:
        app.processEvents()


def grab(app: QApplication, widget: QWidget, name: str) -> Path:
    settle(app)
    path = OUT / name
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)
    return path


def build_project(folder: Path) -> Path:
    """The demo project, or a small stand-in when the demo resources are not there yet."""
    try:
        from posmap.services.demo import build_demo_project

        return build_demo_project(folder).path
    except Exception as exc:  # noqa: BLE001 - screenshots should still come out
        print(f"demo project unavailable ({exc}); using a small stand-in", file=sys.stderr)
    from posmap.model import Actor, Issue
    from posmap.services.coding import CodingRequest, code_quote
    from posmap.services.importing import import_files
    from posmap.store import Project

    path = folder / "stand-in.posmap"
    source = folder / "statement.txt"
    source.write_text("The government will not accept any ceasefire that freezes the front line.\n", encoding="utf-8")
    with Project.create(path, title="Stand-in project") as project:
        project.actors.add(Actor(name="Valdoria"))
        project.issues.add(Issue(name="Ceasefire"))
        document_id = import_files(project, [source]).imported[0].document_id
        code_quote(project, document_id, "will not accept any ceasefire",
                   CodingRequest(actor="Valdoria", issue="Ceasefire", position=-2))
    return path


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from posmap.gui.app import configure_application
    from posmap.gui.main_window import MainWindow

    configure_application(app)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
        project_path = build_project(tmp_path)

        window = MainWindow()
        window.resize(WIDTH, HEIGHT)
        window.show()
        settle(app)
        grab(app, window, "welcome.png")

        window.open_project(project_path)
        window.resize(WIDTH, HEIGHT)
        interview = _select_document(window, "interview")
        settle(app)
        grab(app, window, "main-window.png")

        if interview is not None:
            _coding_popup_shot(app, window)
        _search_shot(app, window)
        _issue_editor_shot(app, window)
        _matrix_shot(app, window)
        window.close()
        _briefing_page(tmp_path)
    return 0


def _select_document(window, word: str) -> int | None:
    """Select the first document whose title or kind contains ``word`` (else the first one)."""
    pane = window.documents_pane
    for row in range(pane.model.rowCount()):
        summary = pane.model.document(row)
        if word in summary.title.casefold() or word in summary.kind.casefold():
            pane.select_document(summary.id)
            return summary.id
    if pane.model.rowCount():
        pane.select_document(pane.model.document(0).id)
        return pane.model.document(0).id
    return None


def grab_screen_area(app: QApplication, window: QWidget, name: str, extra: QWidget | None = None) -> Path:
    """Grab the window's area of the screen (and ``extra``'s), so top-level popups are in the picture."""
    settle(app, 400)
    screen = QGuiApplication.primaryScreen()
    frame = window.frameGeometry()
    if extra is not None:
        frame = frame.united(extra.frameGeometry()).intersected(screen.geometry())
    picture = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    path = OUT / name
    if not picture.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)
    return path


def _coding_popup_shot(app: QApplication, window) -> None:
    """Select a sentence in the viewer and open the coding popup for it."""
    viewer = window.viewer
    project = window.session.require()
    text = project.documents.text(viewer.document_id)
    start = text.find("Tessaly strongly supports")
    if start < 0:
        start = max(0, len(text) // 3)
    end = text.find(".", start) + 1 or min(len(text), start + 80)
    viewer.scroll_to_span(start, end)
    settle(app, 200)
    viewer.code_selection()
    popup = next((w for w in QApplication.topLevelWidgets()
                  if w.isVisible() and w.__class__.__name__ == "CodingPopup"), None)
    if popup is None:
        print("the coding popup did not open", file=sys.stderr)
        return
    grab_screen_area(app, window, "coding-popup.png", popup)
    popup.reject()


def _issue_editor_shot(app: QApplication, window) -> None:
    """The issue editor with its scale, for the codebook documentation."""
    section = window.codebook_pane.issues
    entries = sorted(section.model.entries.values(), key=lambda e: (-len(e.scale.points), e.name))
    custom = next((e for e in entries if e.scale.points[0].value >= 0), entries[0] if entries else None)
    if custom is None:
        return
    section.select(custom.id)
    dialog = section.edit_entry(custom.id)
    settle(app, 300)
    grab(app, dialog, "issue-editor.png")
    dialog.reject()


def _search_shot(app: QApplication, window) -> None:
    pane = window.search_pane
    window.show_search()
    finished = []
    pane.searchFinished.connect(lambda count: finished.append(count))
    pane.search("ceasefire")
    for _ in range(100):
        if finished:
            break
        settle(app, 50)
    if pane.hits():
        pane.table.selectRow(0)
    grab(app, window, "search-pane.png")

def _matrix_shot(app: QApplication, window) -> None:
    """The heat map on its own, with the evidence of a contested cell."""
    view = window.matrix_view
    view.setParent(None)
    view.resize(1440, 860)
    view.show()
    view.reload()
    for _ in range(200):
        if not view.loading:
            break
        settle(app, 50)
    project = window.session.require()
    actor, issue = project.actors.find("Commonwealth of Norvald"), project.issues.find("Sanctions relief")
    if actor is not None and issue is not None:
        view.select_cell_of(actor.id, issue.id)
    settle(app)
    grab(app, view, "matrix-view.png")
    view.close()


def _briefing_page(tmp_path: Path) -> None:
    """A page of the demo's briefing (the issue with red lines and a zone of agreement), as PNG."""
    from posmap.services.demo import build_demo_files

    files = build_demo_files(tmp_path / "briefing")
    pages = tmp_path / "pages"
    pages.mkdir()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(files.briefing), str(pages / "page")], check=True)
    from pypdf import PdfReader

    reader = PdfReader(files.briefing)
    chosen = next(
        (number for number, page in enumerate(reader.pages, start=1)
         if "Territory" in (page.extract_text() or "") and "Position map" in (page.extract_text() or "")),
        1,
    )
    picture = sorted(pages.glob("page-*.png"))[chosen - 1]
    shutil.copyfile(picture, OUT / "briefing-page.png")


if __name__ == "__main__":
    sys.exit(main())
