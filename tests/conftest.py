"""Fixtures shared by every test: projects in temporary folders and the command line as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

# GUI tests run without a display; this must be set before Qt is first imported.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Backups made while testing go to a throwaway folder, never into the user's data folder.
os.environ["POSMAP_BACKUP_DIR"] = tempfile.mkdtemp(prefix="posmap-test-backups-")

from posmap.store import Project  # noqa: E402


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "test.posmap"


@pytest.fixture
def project(project_path: Path):
    with Project.create(project_path, title="Test project") as opened:
        yield opened


@pytest.fixture
def run_posmap(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``posmap ARGS…`` in a subprocess, as a user would, and return the finished process."""

    def run(*args: object, input: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "POSMAP_CODER": "tester", "PYTHONUTF8": "1"}
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        return subprocess.run(
            [sys.executable, "-m", "posmap", *map(str, args)],
            capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, env=env, input=input, timeout=120,
        )

    return run
