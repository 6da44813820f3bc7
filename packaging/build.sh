#!/usr/bin/env bash
# Build the one-folder desktop application with PyInstaller and prove it works:
# the built binary must write the demo project, matrix workbook and briefing without a display.
#   packaging/build.sh            -> dist/posmap/posmap
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

python="${PYTHON:-$root/.venv/bin/python}"
if [ ! -x "$python" ]; then
    python3 -m venv .venv
    python="$root/.venv/bin/python"
fi
"$python" -m pip install -q -e '.[dev]'

"$python" -m PyInstaller --noconfirm --clean --distpath "$root/dist" --workpath "$root/build/pyinstaller" \
    packaging/posmap.spec

"$root/packaging/check-build.sh" "$root/dist/posmap/posmap"
