"""The desktop integration files pass the freedesktop validators."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parents[1] / "packaging" / "linux"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing; .ci/run installs it")
        pytest.skip(f"{name} is not installed here (Debian: desktop-file-utils, appstream)")
    return found


def test_desktop_entry_is_valid() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(LINUX / "io.github.posmap.Posmap.desktop")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout + result.stderr


def test_appstream_metainfo_is_valid() -> None:
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", str(LINUX / "io.github.posmap.Posmap.metainfo.xml")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_matches_the_application_id() -> None:
    from posmap.gui.app import DESKTOP_FILE_NAME

    assert (LINUX / f"{DESKTOP_FILE_NAME}.desktop").is_file()
