"""Importing files: good ones import, bad ones are named with a reason, duplicates are reported, cancel undoes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from posmap.services.importing import MetadataOverrides, import_files, sha256_of_file
from posmap.services.progress import Cancelled
from posmap.store import Project

HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Norland statement on the border</title><meta name="author" content="Press office of Norland">
<meta name="date" content="2023-11-05"></head>
<body><p>Norland will not sign any plan that moves the border.</p></body></html>
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    paths = {
        "text": folder / "interview.txt",
        "markdown": folder / "notes.md",
        "html": folder / "statement.html",
        "binary": folder / "photo.txt",
        "unknown": folder / "table.xyz",
    }
    paths["text"].write_text("Estmark's envoy: a ceasefire must come first.\n", encoding="utf-8")
    paths["markdown"].write_text("# Meeting notes\n\nSudria offered to host the talks.\n", encoding="utf-8")
    paths["html"].write_text(HTML, encoding="utf-8")
    paths["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    paths["unknown"].write_text("a;b;c\n", encoding="utf-8")
    return paths


def test_mixed_batch_imports_good_files_and_names_failures(project: Project, files: dict[str, Path],
                                                           tmp_path: Path) -> None:
    copy = tmp_path / "interview-copy.txt"
    copy.write_bytes(files["text"].read_bytes())
    paths = [files[k] for k in ["text", "binary", "markdown", "unknown", "html"]] + [copy]
    progress: list[tuple[int, int]] = []
    report = import_files(project, paths, progress=lambda d, t, m: progress.append((d, t)))

    assert [i.path for i in report.imported] == [files["text"], files["markdown"], files["html"]]
    assert [i.title for i in report.imported] == ["interview", "Meeting notes", "Norland statement on the border"]
    failures = {f.path: f.reason for f in report.failures}
    assert set(failures) == {files["binary"], files["unknown"]}
    assert "binary" in failures[files["binary"]]
    assert ".xyz" in failures[files["unknown"]]
    assert [(d.path, d.existing_document_id) for d in report.duplicates] == [(copy, report.imported[0].document_id)]
    assert project.documents.count() == 3
    assert progress[-1] == (6, 6)
    stored = project.documents.get(report.imported[0].document_id)
    assert stored.text == "Estmark's envoy: a ceasefire must come first."
    assert stored.sha256 == sha256_of_file(files["text"])
    assert stored.file_name == "interview.txt"


def test_duplicates_are_reported_with_the_existing_document(project: Project, files: dict[str, Path],
                                                            tmp_path: Path) -> None:
    first = import_files(project, [files["text"]]).imported[0].document_id
    copy = tmp_path / "same-interview.txt"
    copy.write_bytes(files["text"].read_bytes())
    report = import_files(project, [copy, files["markdown"]])
    assert [d.path for d in report.duplicates] == [copy]
    assert report.duplicates[0].existing_document_id == first
    assert "interview" in report.duplicates[0].reason
    assert [i.path for i in report.imported] == [files["markdown"]]
    assert project.documents.count() == 2


def test_same_file_twice_in_one_batch_imports_once(project: Project, files: dict[str, Path]) -> None:
    report = import_files(project, [files["text"], files["text"]])
    assert len(report.imported) == 1 and len(report.duplicates) == 1
    assert project.documents.count() == 1


def test_missing_file_and_folder_are_failures(project: Project, tmp_path: Path, files: dict[str, Path]) -> None:
    report = import_files(project, [tmp_path / "gone.txt", tmp_path, files["text"]])
    assert [f.path for f in report.failures] == [tmp_path / "gone.txt", tmp_path]
    assert all(f.reason for f in report.failures)
    assert len(report.imported) == 1


def test_cancel_after_the_first_file_imports_nothing(project: Project, files: dict[str, Path]) -> None:
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(Cancelled):
        import_files(project, [files["text"], files["markdown"], files["html"]], cancelled=cancelled)
    assert project.documents.count() == 0
    assert project.documents.search("ceasefire") == []
    # The project is still usable after the cancelled import.
    assert len(import_files(project, [files["text"]]).imported) == 1


def test_overrides_win_over_file_metadata(project: Project, files: dict[str, Path]) -> None:
    plain = import_files(project, [files["html"]]).imported[0].document_id
    document = project.documents.get(plain, with_text=False)
    assert (document.title, document.author, document.date, document.language) == (
        "Norland statement on the border", "Press office of Norland", dt.date(2023, 11, 5), "en"
    )
    project.documents.delete(plain)

    overrides = MetadataOverrides(title="Border statement", author="Ministry of Foreign Affairs",
                                  date=dt.date(2024, 1, 15), kind="statement", language="de")
    chosen = import_files(project, [files["html"]], overrides).imported[0]
    document = project.documents.get(chosen.document_id, with_text=False)
    assert chosen.title == "Border statement"
    assert (document.title, document.author, document.date, document.kind, document.language) == (
        "Border statement", "Ministry of Foreign Affairs", dt.date(2024, 1, 15), "statement", "de"
    )
