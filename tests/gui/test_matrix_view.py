"""MatrixView: the heat map over a real project — labels, counts, contested marks, statistics, filters,
evidence, jumping to a passage, refreshing when codings change, and exporting."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog

from posmap.analysis import ScaleBasis, Stat
from posmap.analysis.bargaining import nearest_point
from posmap.gui.matrix_model import CONTESTED_ROLE, LINES_ROLE, VALUE_ROLE, position_words
from posmap.gui.matrix_view import MatrixView, export_file_name
from posmap.gui.session import ProjectSession
from posmap.model import Actor, Coding, Document, Issue, PageSpan, Passage, Scale
from posmap.store import Project

STATEMENT = ("Valdoria will never accept a ceasefire that freezes the front line. "
             "Valdoria wants every prisoner home in a full exchange.\n")
INTERVIEW = ("Asked about the truce, the minister said Valdoria could accept a ceasefire under international "
             "monitoring.\n")
COMMENTARY = "🕊️ In our assessment Kestria wants a ceasefire before any talks begin.\n"

NEVER = "will never accept a ceasefire"
MONITORED = "could accept a ceasefire under international monitoring"
PRISONERS = "wants every prisoner home in a full exchange"
KESTRIA = "Kestria wants a ceasefire before any talks begin"
MINISTER = "the minister said"


def _code(project: Project, document_id: int, text: str, quote: str, actor: int, issue: int, position: int,
          **fields) -> int:
    start = text.index(quote)
    return project.codings.add(Passage(document_id=document_id, start=start, end=start + len(quote), quote=quote),
                               Coding(actor_id=actor, issue_id=issue, position=position, coder="anna", **fields))


@pytest.fixture
def matrix_project(tmp_path: Path) -> Path:
    """Three dated documents; Valdoria's sources disagree about the ceasefire (a contested cell)."""
    path = tmp_path / "talks.posmap"
    with Project.create(path, title="Peace talks: spring round") as project:
        for number, (title, date, text) in enumerate((
            ("Government statement", dt.date(2024, 3, 1), STATEMENT),
            ("Interview with the foreign minister", dt.date(2024, 5, 10), INTERVIEW),
            ("Analyst commentary", dt.date(2024, 6, 2), COMMENTARY),
        ), start=1):
            pages = [PageSpan(number=3, start=0, end=len(text))] if number == 1 else []
            project.documents.add(Document(title=title, date=date, text=text, pages=pages,
                                           sha256=hashlib.sha256(str(number).encode()).hexdigest()))
        valdoria = project.actors.add(Actor(name="Valdoria"))
        kestria = project.actors.add(Actor(name="Kestria"))
        minister = project.actors.add(Actor(name="Valdorian foreign minister", parent_id=valdoria))
        ceasefire = project.issues.add(Issue(name="Ceasefire"))
        prisoners = project.issues.add(
            Issue(name="Prisoners", scale=Scale.from_labels("no exchange;partial exchange;full exchange")))
        _code(project, 1, STATEMENT, NEVER, valdoria, ceasefire, -2)
        _code(project, 2, INTERVIEW, MONITORED, valdoria, ceasefire, 1, attribution="reported", kind="concession")
        _code(project, 1, STATEMENT, PRISONERS, valdoria, prisoners, 2, kind="demand")
        _code(project, 3, COMMENTARY, KESTRIA, kestria, ceasefire, 2, attribution="assessment")
        _code(project, 2, INTERVIEW, MINISTER, minister, ceasefire, 1)
    return path


@pytest.fixture
def session(qapp, matrix_project: Path):
    opened = ProjectSession()
    opened.open(matrix_project)
    yield opened
    opened.close()


@pytest.fixture
def view(qtbot, session) -> MatrixView:
    widget = MatrixView(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    with qtbot.waitSignal(widget.matrixReady, timeout=10_000):
        widget.show()  # a view that has never read the project reads it when first shown
    return widget


def index_of(view: MatrixView, row_label: str, column_label: str):
    model = view.model
    rows = [model.matrix.rows[r].label for r in range(model.rowCount())]
    columns = [model.matrix.columns[c].label for c in range(model.columnCount())]
    return model.index(rows.index(row_label), columns.index(column_label))


def cell_text(view: MatrixView, row_label: str, column_label: str) -> str:
    return index_of(view, row_label, column_label).data(Qt.ItemDataRole.DisplayRole)


def click_cell(qtbot, view: MatrixView, row_label: str, column_label: str) -> None:
    index = index_of(view, row_label, column_label)
    view.table.scrollTo(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=view.table.visualRect(index).center())


def wait_recompute(qtbot, view: MatrixView, change) -> None:
    with qtbot.waitSignal(view.matrixReady, timeout=10_000):
        change()


def test_cells_show_the_position_label_and_count_and_mark_contested_cells(view) -> None:
    assert view.model.rowCount() == 3 and view.model.columnCount() == 2
    assert cell_text(view, "Kestria", "Ceasefire") == "strongly supports · 1"
    assert cell_text(view, "Valdoria", "Prisoners") == "full exchange · 1"  # a custom scale's own words
    assert index_of(view, "Valdoria", "Prisoners").data(LINES_ROLE) == ("full exchange", "1 coding")
    # −2 and +1 from two documents: the mean (−0.5) lies halfway between two points and reads as the
    # one nearer the centre; the sources disagree.
    contested = index_of(view, "Valdoria", "Ceasefire")
    assert contested.data(Qt.ItemDataRole.DisplayRole) == "≈ neutral/ambivalent · 2 ⚑"
    assert contested.data(VALUE_ROLE) == pytest.approx(-0.5)
    assert contested.data(CONTESTED_ROLE) is True
    assert index_of(view, "Kestria", "Ceasefire").data(CONTESTED_ROLE) is False
    tooltip = contested.data(Qt.ItemDataRole.ToolTipRole)
    assert "Sources disagree" in tooltip
    assert "Government statement (2024-03-01): <b>strongly opposes (−2)</b>" in tooltip
    assert "Interview with the foreign minister (2024-05-10): <b>supports (+1)</b>" in tooltip
    assert "Median" in tooltip and "Latest" in tooltip and "Spread" in tooltip
    # The latest reading names its source: the newer of the two documents.
    assert "supports (+1) <span style='font-size:small'>— Interview with the foreign minister, 2024-05-10" in tooltip
    assert cell_text(view, "Kestria", "Prisoners") == ""
    assert "2 contested" not in view.status_label.text() and "1 contested" in view.status_label.text()


def test_nested_rows_are_indented_and_parents_bold(view) -> None:
    header = [view.model.headerData(r, Qt.Orientation.Vertical) for r in range(view.model.rowCount())]
    assert header[0] == "Kestria" and header[1] == "Valdoria"
    assert header[2].endswith("Valdorian foreign minister") and header[2] != "Valdorian foreign minister"
    assert view.model.headerData(1, Qt.Orientation.Vertical, Qt.ItemDataRole.FontRole).bold()
    assert view.model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.FontRole) is None


def test_text_is_readable_on_every_cell(view) -> None:
    from posmap.gui.matrix_model import contrast_ratio

    for stat in Stat:
        view.set_statistic(stat)
        for row in range(view.model.rowCount()):
            for column in range(view.model.columnCount()):
                index = view.model.index(row, column)
                background = index.data(Qt.ItemDataRole.BackgroundRole)
                if background is not None:
                    assert contrast_ratio(background, index.data(Qt.ItemDataRole.ForegroundRole)) >= 4.5


def test_changing_the_statistic_changes_the_cells(qtbot, view) -> None:
    view.statistic_combo.setCurrentIndex(view.statistic_combo.findData("min"))
    assert cell_text(view, "Valdoria", "Ceasefire") == "strongly opposes · 2 ⚑"
    view.set_statistic(Stat.MAX)
    assert cell_text(view, "Valdoria", "Ceasefire") == "supports · 2 ⚑"
    view.set_statistic(Stat.LATEST)  # the interview is the more recent document
    assert cell_text(view, "Valdoria", "Ceasefire") == "supports · 2 ⚑"
    view.set_statistic(Stat.COUNT)
    assert cell_text(view, "Valdoria", "Ceasefire") == "2 codings ⚑"
    assert index_of(view, "Valdoria", "Ceasefire").data(LINES_ROLE) == ("2 codings", "⚑ 2 documents")
    view.set_statistic(Stat.SPREAD)
    assert cell_text(view, "Valdoria", "Ceasefire") == "spread 3 · 2 ⚑"
    assert view.report.statistic is Stat.SPREAD  # an export writes the statistic on screen


def test_low_positions_are_red_high_ones_blue(view) -> None:
    low = index_of(view, "Valdoria", "Ceasefire")
    view.set_statistic(Stat.MIN)
    red = low.data(Qt.ItemDataRole.BackgroundRole)
    assert red.red() > 150 and red.blue() < 80
    view.set_statistic(Stat.MAX)
    blue = index_of(view, "Valdoria", "Prisoners").data(Qt.ItemDataRole.BackgroundRole)  # top of a 0…2 scale
    assert blue.blue() > 150 and blue.red() < 80
    assert index_of(view, "Kestria", "Ceasefire").data(Qt.ItemDataRole.BackgroundRole) == blue


def test_rollup_counts_nested_actors_in_their_parent(view) -> None:
    assert cell_text(view, "Valdoria", "Ceasefire").endswith("· 2 ⚑")
    view.rollup_check.setChecked(True)
    assert view.report.matrix.rollup
    stats = view.model.cell(index_of(view, "Valdoria", "Ceasefire").row(), 0)
    assert stats.count == 3


def test_attribution_filter_changes_the_counts(qtbot, view) -> None:
    item = view.filters.attribution_button.item_for("reported")
    wait_recompute(qtbot, view, lambda: item.setCheckState(Qt.CheckState.Unchecked))
    assert cell_text(view, "Valdoria", "Ceasefire") == "strongly opposes · 1"
    assert view.report.filter.attributions == ("own_words", "assessment")
    assert view.filters.attribution_button.text() == "Attribution: 2 of 3 ▾"
    assert view.filters_button.text() == "Filters (1)"
    assert "4 of 5 codings" in view.status_label.text()
    wait_recompute(qtbot, view, view.clear_filters)
    assert cell_text(view, "Valdoria", "Ceasefire") == "≈ neutral/ambivalent · 2 ⚑"


def test_document_and_date_filters(qtbot, view) -> None:
    statement = view.filters.documents_button.item_for(1)
    wait_recompute(qtbot, view, lambda: statement.setCheckState(Qt.CheckState.Unchecked))
    assert cell_text(view, "Valdoria", "Prisoners") == ""
    assert cell_text(view, "Valdoria", "Ceasefire") == "supports · 1"
    wait_recompute(qtbot, view, lambda: view.filters.documents_button.set_all_checked(True))

    view.filters.since_edit.setDate(QDate(2024, 5, 1))
    wait_recompute(qtbot, view, lambda: view.filters.since_check.setChecked(True))
    assert view.report.filter.since == dt.date(2024, 5, 1)
    assert cell_text(view, "Valdoria", "Ceasefire") == "supports · 1"
    assert cell_text(view, "Kestria", "Ceasefire") == "strongly supports · 1"
    view.filters.until_edit.setDate(QDate(2024, 5, 31))
    wait_recompute(qtbot, view, lambda: view.filters.until_check.setChecked(True))
    assert cell_text(view, "Kestria", "Ceasefire") == ""

    # A range that ends before it starts selects nothing and says why; nothing can be exported.
    wait_recompute(qtbot, view, lambda: view.filters.until_edit.setDate(QDate(2024, 1, 1)))
    assert view.report is None and view.model.rowCount() == 0
    assert view.status_label.text() == "The date range starts after it ends."
    assert not view.export_actions[".csv"].isEnabled()


def test_rows_can_be_documents_and_axes_never_repeat(view) -> None:
    view.rows_combo.setCurrentIndex(view.rows_combo.findData("documents"))
    assert [e.label for e in view.report.matrix.rows] == [
        "Government statement", "Interview with the foreign minister", "Analyst commentary"]
    assert cell_text(view, "Government statement", "Ceasefire") == "strongly opposes · 1"
    view.rows_combo.setCurrentIndex(view.rows_combo.findData("issues"))  # issues × issues would repeat
    assert (view.rows.value, view.columns.value) == ("issues", "actors")
    assert cell_text(view, "Ceasefire", "Kestria") == "strongly supports · 1"


def test_clicking_a_cell_lists_its_evidence(qtbot, view) -> None:
    click_cell(qtbot, view, "Valdoria", "Ceasefire")
    assert [r.quote for r in view.evidence_records()] == [NEVER, MONITORED]  # oldest source first
    assert "2 codings from 2 documents" in view.evidence_title.text()
    assert "sources disagree" in view.evidence_title.text()
    first = view.evidence_model.index(0)
    assert first.data(Qt.ItemDataRole.DisplayRole) == (
        f"strongly opposes (-2): “{NEVER}” — Government statement — 2024-03-01, p. 3")
    click_cell(qtbot, view, "Kestria", "Prisoners")
    assert view.evidence_records() == []
    assert "no codings" in view.evidence_title.text()
    click_cell(qtbot, view, "Kestria", "Ceasefire")
    assert [r.quote for r in view.evidence_records()] == [KESTRIA]


def test_double_click_or_enter_on_evidence_jumps_to_the_passage(qtbot, view) -> None:
    click_cell(qtbot, view, "Valdoria", "Ceasefire")
    second = view.evidence_model.index(1)
    centre = view.evidence_list.visualRect(second).center()
    with qtbot.waitSignal(view.passageActivated) as signal:
        qtbot.mouseClick(view.evidence_list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseDClick(view.evidence_list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    start = INTERVIEW.index(MONITORED)
    assert signal.args == [2, start, start + len(MONITORED)]

    # Keyboard: Enter on a cell moves into its evidence, Enter there jumps.
    click_cell(qtbot, view, "Kestria", "Ceasefire")
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert view.evidence_list.hasFocus() or view.evidence_list.currentIndex().row() == 0
    with qtbot.waitSignal(view.passageActivated) as signal:
        qtbot.keyClick(view.evidence_list, Qt.Key.Key_Return)
    start = COMMENTARY.index(KESTRIA)  # code points: the dove before it is one, not two
    assert signal.args == [3, start, start + len(KESTRIA)]


def test_new_codings_update_the_cell(qtbot, session, view) -> None:
    click_cell(qtbot, view, "Kestria", "Ceasefire")
    # Another pane codes a passage: it writes through the store and the session reports it.
    project = session.project
    _code(project, 3, COMMENTARY, "before any talks begin", 2, 1, -1, attribution="assessment")
    with qtbot.waitSignal(view.matrixReady, timeout=10_000):
        session.codingsChanged.emit([3])
    assert cell_text(view, "Kestria", "Ceasefire") == "≈ neutral/ambivalent · 2"
    # The cell stays selected and its evidence follows.
    assert view.table.currentIndex() == index_of(view, "Kestria", "Ceasefire")
    assert [r.quote for r in view.evidence_records()] == [KESTRIA, "before any talks begin"]


def test_a_burst_of_changes_reads_once_and_a_hidden_view_waits_until_shown(qtbot, session, view) -> None:
    reads: list[int] = []
    view.matrixReady.connect(lambda: reads.append(1))
    with qtbot.waitSignal(view.matrixReady, timeout=10_000):
        for _ in range(5):
            session.codingsChanged.emit([])
    qtbot.wait(400)
    assert len(reads) == 1

    view.hide()
    _code(session.project, 1, STATEMENT, "freezes the front line", 2, 1, -2)
    with qtbot.assertNotEmitted(view.matrixReady, wait=400):
        session.codingsChanged.emit([1])
    assert cell_text(view, "Kestria", "Ceasefire") == "strongly supports · 1"  # not read yet
    with qtbot.waitSignal(view.matrixReady, timeout=10_000):
        view.show()
    assert cell_text(view, "Kestria", "Ceasefire") == "neutral/ambivalent · 2 ⚑"  # −2 and +2: contested


def test_closing_the_project_empties_the_view(qtbot, session, view) -> None:
    session.close()
    assert view.model.rowCount() == 0 and view.report is None
    assert view.evidence_records() == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_export_writes_the_matrix_as_shown(qtbot, monkeypatch, tmp_path, view, suffix) -> None:
    target = tmp_path / "out" / f"matrix{suffix}"
    target.parent.mkdir()
    asked: list[str] = []

    def save_name(parent, caption, suggestion, *args, **kwargs):
        asked.append(suggestion)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    item = view.filters.attribution_button.item_for("reported")
    wait_recompute(qtbot, view, lambda: item.setCheckState(Qt.CheckState.Unchecked))
    view.set_statistic(Stat.COUNT)
    with qtbot.waitSignal(view.exportFinished, timeout=30_000) as finished:
        view.export_actions[suffix].trigger()
    assert finished.args == [str(target), ""]
    assert Path(asked[0]).name == f"Peace talks spring round matrix{suffix}"
    assert Path(asked[0]).parent == view.session.path.parent
    assert view.export_button.isEnabled()
    if suffix == ".csv":
        lines = target.read_text(encoding="utf-8-sig").splitlines()
        valdoria = next(line for line in lines if line.startswith("Valdoria,"))
        assert valdoria.split(",")[1:3] == ["1", "1"]  # the reported coding is filtered out
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(target, read_only=True)
        assert "Evidence" in workbook.sheetnames
        workbook.close()
    else:
        data = json.loads(target.read_text(encoding="utf-8"))
        assert "own_words" in json.dumps(data) and data


def test_export_errors_are_one_line_messages(qtbot, monkeypatch, tmp_path, view, shown_errors) -> None:
    missing = tmp_path / "no such folder" / "matrix.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(missing), "")))
    with qtbot.waitSignal(view.exportFinished, timeout=30_000) as finished:
        view.export_actions[".csv"].trigger()
    assert finished.args[1]
    [message] = shown_errors(view)
    assert "does not exist" in message and "\n" not in message
    assert not missing.exists()


def test_export_file_name_comes_from_the_title() -> None:
    assert export_file_name("Peace talks: spring/summer", ".xlsx") == "Peace talks spring summer matrix.xlsx"
    assert export_file_name("  ", ".csv") == "posmap matrix.csv"


def test_wired_into_the_main_window_jumps_to_the_passage_in_the_viewer(qtbot, window, matrix_project) -> None:
    view = getattr(window, "matrix_view", None)
    if view is None:
        pytest.skip("the matrix view is not wired into the main window")
    with qtbot.waitSignal(view.matrixReady, timeout=10_000):
        assert window.open_project(matrix_project)
        window.matrix_dock.show()
        window.matrix_dock.raise_()
    click_cell(qtbot, view, "Kestria", "Ceasefire")
    index = view.evidence_model.index(0)
    centre = view.evidence_list.visualRect(index).center()
    qtbot.mouseClick(view.evidence_list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.evidence_list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    start = COMMENTARY.index(KESTRIA)
    assert window.viewer.document_id == 3
    assert window.viewer.selected_span() == (start, start + len(KESTRIA))
    assert window.viewer.text_view.textCursor().selectedText() == KESTRIA


@pytest.mark.parametrize(("mean", "expected"), [(0.5, 0), (-0.5, 0), (1.5, 1), (-1.5, -1), (1.4, 1), (1.6, 2)])
def test_a_mean_between_two_points_reads_as_the_briefing_reads_it(mean: float, expected: int) -> None:
    # Ties go to the point nearer the scale's centre, in the heat map as in the briefing.
    scale = Scale.agreement()
    basis = ScaleBasis(scale=scale, step=1.0)
    assert position_words(mean, basis) == f"≈ {scale.label_for(expected)}"
    assert position_words(mean, basis) == f"≈ {scale.label_for(nearest_point(mean, scale))}"
