"""`posmap demo --no-gui`: the sample project is written, coded and sound, and its files are printed."""

from __future__ import annotations

from pathlib import Path

from posmap.services.checking import integrity_problems
from posmap.store import Project


def test_demo_writes_a_coded_project_and_prints_its_files(run_posmap, tmp_path: Path) -> None:
    result = run_posmap("demo", "--no-gui", "--out", "demo-files")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    printed = [Path(line) for line in result.stdout.splitlines()]
    assert printed and printed[0].name.endswith(".posmap")
    for path in printed:
        assert (tmp_path / path).is_file(), path
        assert (tmp_path / path).parent == tmp_path / "demo-files"
    assert sorted(path.name for path in printed) == ["briefing.pdf", "demo.posmap", "matrix.xlsx"]
    assert (tmp_path / "demo-files" / "briefing.pdf").read_bytes().startswith(b"%PDF")
    with Project.open(tmp_path / printed[0], read_only=True) as project:
        assert project.documents.count() >= 2
        assert project.codings.count() >= 5
        assert integrity_problems(project) == []

    # Running it again replaces the earlier demo instead of failing.
    assert run_posmap("demo", "--no-gui", "--out", "demo-files").returncode == 0
