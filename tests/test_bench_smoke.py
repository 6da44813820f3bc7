"""The benchmark runs end to end on a tiny corpus and prints a row for every operation.

Nothing here looks at a timing: the figures depend on the machine. The benchmark itself is run by
hand (``python -m bench run --size large``, see ``bench/README.md``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

EXPECTED_ROWS = [
    "import 13 text/HTML/DOCX documents",
    "import 3 PDFs",
    "open the project file (store: checks + lists)",
    "  of which: Project.open",
    "  opening it again in the same process",
    "open the project in the GUI: 16 documents listed, codebook filled",
    "  first open, which also makes the hourly safety copy",
    "open a 0.1 MB document with 150 highlights in the viewer",
    "  scrolling one page",
    "  jumping to a random place",
    "search ceasefire (common word)",
    "search rapprochement (rare word)",
    'search "security guarantees" (phrase)',
    "search aydinlik (folded Turkish ı)",
    "search negot (prefix)",
    "search pane worker",
    "position matrix over 400 codings (read + compute)",
    "  of which: reading the codings' points",
    "  of which: in-memory analysis (matrix_report)",
    "  listing the largest cell's evidence",
    "  the same matrix with every coding's full record",
    "briefing PDF with 60 quotes",
    "code a passage in the GUI",
    "  until every pane shows it",
    "peak memory with the tiny project open in the GUI",
]


@pytest.mark.slow
def test_tiny_benchmark_prints_every_row(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    env = {**os.environ, "POSMAP_BENCH_OUT": str(tmp_path / "out"), "QT_QPA_PLATFORM": "offscreen",
           "POSMAP_BACKUP_DIR": str(tmp_path / "backups"), "PYTHONUTF8": "1"}
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--size", "tiny", "--runs", "1", "--json", str(results)],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600,
    )
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    rows = json.loads(results.read_text(encoding="utf-8"))
    operations = [row["operation"] for row in rows]
    for expected in EXPECTED_ROWS:
        matching = [op for op in operations if op.startswith(expected)]
        assert matching, f"no row for {expected!r} in {operations}"
        assert any(line.startswith(expected) for line in finished.stdout.splitlines()), expected
    assert len(operations) == len(EXPECTED_ROWS)
    for row in rows:
        assert row["seconds"] is not None or row["operation"].startswith("peak memory")
        assert row["peak_mb"] and row["peak_mb"] > 0
    assert "median" in finished.stdout and "peak RSS" in finished.stdout
