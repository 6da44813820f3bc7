"""Helpers for command-line tests: the error contract, and projects prepared in-process to save subprocesses."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from posmap.model import Actor, ActorKind, Document, Issue, PageSpan, Scale
from posmap.store import Project

CliResult = subprocess.CompletedProcess[str]

SAMPLE_TEXT = (
    "Norland's foreign minister said: we support a ceasefire along the river.\n"
    "Estmark rejects a ceasefire until the withdrawal. 😀 Sudria will host the talks.\n"
    "Norland's foreign minister said: we support a ceasefire along the river."
)


@pytest.fixture
def expect_error() -> Callable[..., str]:
    """Check the error contract: the exit code, exactly one line on stderr, no traceback; returns that line."""

    def check(result: CliResult, code: int, *fragments: str) -> str:
        assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        for fragment in fragments:
            assert fragment in lines[0], (fragment, lines[0])
        return lines[0]

    return check


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A project with one paged document, two actors and two issues, written through the store."""
    path = tmp_path / "sample.posmap"
    first_page_end = SAMPLE_TEXT.index("Estmark")
    with Project.create(path, title="Sample") as project:
        project.documents.add(Document(
            title="Talks transcript", author="Observer", sha256=hashlib.sha256(SAMPLE_TEXT.encode()).hexdigest(),
            text=SAMPLE_TEXT, kind="transcript", language="en",
            pages=[PageSpan(number=1, start=0, end=first_page_end),
                   PageSpan(number=2, start=first_page_end, end=len(SAMPLE_TEXT))],
        ))
        project.actors.add(Actor(name="Norland", kind=ActorKind.STATE))
        project.actors.add(Actor(name="Estmark", kind=ActorKind.STATE))
        project.issues.add(Issue(name="Ceasefire", proposition="A ceasefire now"))
        project.issues.add(Issue(name="Venue", scale=Scale.from_labels("Geneva;Sudria;elsewhere")))
    return path
