"""The ``posmap`` entry point: the desktop application or a command-line command."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from posmap import cli


def display_available() -> bool:
    """Whether a desktop session is there to show a window in."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return False
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_gui(project: Path | None = None) -> int:
    if not display_available():
        print(
            "posmap: no display is available for the desktop application; "
            "use the commands listed by 'posmap --help'",
            file=sys.stderr,
        )
        return cli.EXIT_USER_ERROR
    from posmap.gui.app import run_application

    return run_application(project)


def main(argv: Sequence[str] | None = None) -> int:
    args = cli.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        return run_gui()
    if args.command == "gui":
        return run_gui(args.project)
    if args.command == "demo" and not args.no_gui:
        if display_available():
            from posmap.services.demo import build_demo_project

            demo = build_demo_project(args.out or Path("posmap-demo"))
            return run_gui(demo.path)
        print("posmap: no display is available; writing the demo files instead", file=sys.stderr)
    return cli.run(args)


def gui_main() -> int:
    """Entry point of the ``posmap-gui`` launcher used by desktop menus."""
    return run_gui(Path(sys.argv[1]) if len(sys.argv) > 1 else None)


if __name__ == "__main__":
    sys.exit(main())
