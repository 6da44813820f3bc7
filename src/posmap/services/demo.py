"""The demo project: sample documents and a codebook written for posmap, coded as a showcase."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

from posmap.model import Attribution, CodingKind
from posmap.services.codebook import import_codebook, read_codebook_file
from posmap.services.coding import CodingRequest, code_quote
from posmap.services.importing import MetadataOverrides, import_files
from posmap.services.progress import ProgressCallback, no_progress
from posmap.store import Project, ProjectError

DEMO_PROJECT_NAME = "demo.posmap"
DEMO_CODER = "posmap demo"


@dataclass(frozen=True)
class DemoProject:
    path: Path
    documents: int
    codings: int


@dataclass(frozen=True)
class DemoFiles:
    """What ``posmap demo --no-gui`` writes."""

    project: Path
    matrix: Path
    briefing: Path


def build_demo_project(out_dir: str | Path, *, progress: ProgressCallback = no_progress) -> DemoProject:
    """Write the demo project into ``out_dir`` (replacing an earlier demo there)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / DEMO_PROJECT_NAME
    target.unlink(missing_ok=True)
    with as_file(files("posmap.resources").joinpath("demo")) as demo_dir:
        manifest = json.loads((demo_dir / "manifest.json").read_text(encoding="utf-8"))
        with Project.create(target, title="Meridan peace talks (demo)") as project:
            import_codebook(project, read_codebook_file(demo_dir / "codebook.json"))
            document_ids: dict[str, int] = {}
            entries = manifest["documents"]
            for index, entry in enumerate(entries):
                progress(index, len(entries) + 1, f"Importing {entry['file']}")
                report = import_files(project, [demo_dir / entry["file"]], _overrides(entry))
                if report.failures:
                    raise ProjectError(f"the demo document {entry['file']} did not import: {report.failures[0].reason}")
                document_ids[entry["file"]] = report.imported[0].document_id
            progress(len(entries), len(entries) + 1, "Coding the demo documents")
            with project.transaction():
                for coding in manifest["codings"]:
                    code_quote(
                        project,
                        document_ids[coding["file"]],
                        coding["quote"],
                        CodingRequest(
                            actor=coding["actor"],
                            issue=coding["issue"],
                            position=coding["position"],
                            kind=CodingKind(coding.get("kind", "position")),
                            attribution=Attribution(coding.get("attribution", "own_words")),
                            confidence=float(coding.get("confidence", 1.0)),
                            note=coding.get("note", ""),
                            coder=DEMO_CODER,
                        ),
                        occurrence=coding.get("occurrence", 1),
                    )
            result = DemoProject(target, project.documents.count(), project.codings.count())
    progress(1, 1, "Demo project ready")
    return result


def _overrides(entry: dict) -> MetadataOverrides:
    return MetadataOverrides(
        title=entry.get("title"),
        author=entry.get("author"),
        outlet=entry.get("outlet"),
        date=dt.date.fromisoformat(entry["date"]) if entry.get("date") else None,
        kind=entry.get("kind"),
        language=entry.get("language"),
    )


def build_demo_files(out_dir: str | Path, *, progress: ProgressCallback = no_progress) -> DemoFiles:
    """Write the demo project, its matrix workbook and its briefing paper into ``out_dir``."""
    # Imported here: the matrix and briefing writers load openpyxl and reportlab, which the
    # GUI's demo (project only) does not need.
    from posmap.services.briefing import BriefingOptions, write_briefing
    from posmap.services.matrix import MatrixOptions, write_matrix

    out_dir = Path(out_dir)
    demo = build_demo_project(out_dir, progress=progress)
    with Project.open(demo.path) as project:
        matrix = write_matrix(project, MatrixOptions(), out_dir / "matrix.xlsx")
        briefing = write_briefing(
            project,
            BriefingOptions(
                output=out_dir / "briefing.pdf",
                title="The Meridan peace talks",
                subtitle="Positions of the parties and mediators, June 2025 to March 2026",
                author="posmap demo · Negotiation Analysis Unit",
                marking="DEMO — FICTIONAL",
            ),
        )
    return DemoFiles(project=demo.path, matrix=Path(matrix), briefing=briefing.path)
