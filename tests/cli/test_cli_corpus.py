"""The two real documents in shared/corpus go through the command line as a user would take them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from posmap.store import Project

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
STUDY = CORPUS / "000_a6af4acaf8566da9.txt"
INTERVIEW = CORPUS / "003_8d5c19e75ababd7c.txt"

pytestmark = pytest.mark.skipif(
    not (STUDY.is_file() and INTERVIEW.is_file()), reason=f"the shared corpus is not at {CORPUS}"
)


def _sentence_with(path: Path, marker: str) -> str:
    """The sentence (or clause up to a colon) of ``path`` that holds ``marker``, read from the file itself."""
    line = next(line for line in path.read_text(encoding="utf-8").splitlines() if marker in line)
    at = line.index(marker)
    starts = [m.end() for m in re.finditer(r"[.:;!?]\s+", line[:at])]
    start = starts[-1] if starts else 0
    end_match = re.search(r"[.:;!?](\s|$)", line[at + len(marker):])
    end = at + len(marker) + end_match.start() + 1 if end_match else len(line)
    return line[start:end].strip()


def test_corpus_documents_import_and_code_exactly(run_posmap, tmp_path: Path) -> None:
    aydinlik = _sentence_with(INTERVIEW, "Aydınlık")
    footnoted = _sentence_with(STUDY, "theory of international negotiations⁴")
    assert "Aydınlık" in aydinlik and "negotiations⁴" in footnoted

    assert run_posmap("new", "corpus.posmap").returncode == 0
    imported = run_posmap("import", "corpus.posmap", STUDY, INTERVIEW, "--language", "en")
    assert imported.returncode == 0, imported.stderr
    ids = [int(line.split("\t")[0]) for line in imported.stdout.splitlines()]
    assert len(ids) == 2
    study_id, interview_id = ids

    for args in (["actor", "add", "corpus.posmap", "Ukraine", "--kind", "state"],
                 ["actor", "add", "corpus.posmap", "Russia", "--kind", "state"],
                 ["issue", "add", "corpus.posmap", "Negotiations", "--proposition", "Talks can end the war"]):
        assert run_posmap(*args).returncode == 0
    coded = [
        run_posmap("code", "corpus.posmap", interview_id, "--quote", aydinlik, "--actor", "Russia",
                   "--issue", "Negotiations", "--position", "neutral/ambivalent", "--attribution", "reported"),
        run_posmap("code", "corpus.posmap", study_id, "--quote", footnoted, "--actor", "Ukraine",
                   "--issue", "Negotiations", "--position", "supports", "--attribution", "assessment"),
    ]
    assert [c.returncode for c in coded] == [0, 0], [c.stderr for c in coded]

    listing = run_posmap("codings", "corpus.posmap", "--format", "json")
    rows = {row["document_id"]: row for row in json.loads(listing.stdout)}
    assert rows[interview_id]["quote"] == aydinlik
    assert rows[study_id]["quote"] == footnoted
    with Project.open(tmp_path / "corpus.posmap", read_only=True) as project:
        for row in rows.values():
            assert project.documents.text(row["document_id"])[row["start"]:row["end"]] == row["quote"]

    check = run_posmap("check", "corpus.posmap")
    assert check.returncode == 0, check.stdout + check.stderr
