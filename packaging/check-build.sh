#!/usr/bin/env bash
# Run a built posmap binary the way a new user would and check what it writes.
#   packaging/check-build.sh dist/posmap/posmap
set -euo pipefail
binary="${1:?usage: check-build.sh PATH/TO/posmap}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen "$binary" demo --no-gui --out "$out" > "$out/printed.txt"
cat "$out/printed.txt"
for expected in demo.posmap matrix.xlsx briefing.pdf; do
    if [ ! -s "$out/$expected" ]; then
        echo "check-build: the built application did not write $expected" >&2
        exit 1
    fi
done
"$binary" check "$out/demo.posmap"
echo "check-build: ok ($binary)"
