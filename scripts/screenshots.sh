#!/usr/bin/env bash
# The README's pictures, from a real `gantry demo` run: scripts/demo-tour.py drives the demo in
# tmux with keys like a person would (deploy staging, production through its gate, tick, approve,
# canary, manual and automatic rollback, history and replay, 80x24, light theme), renders each
# moment to PNG (Python + Pillow, DejaVu Sans Mono), records the whole run as an asciicast and a
# GIF, and prints how many keys each task took. Everything goes to screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
need() { command -v "$1" >/dev/null 2>&1; }
need tmux || { echo "error: tmux is missing (apt-get install tmux)" >&2; exit 1; }
need kubectl || { echo "error: kubectl is missing (the demo's cluster is driven through it)" >&2; exit 1; }
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || { echo "error: apt-get install fonts-dejavu-core" >&2; exit 1; }
python3 -c "import PIL" 2>/dev/null || python3 -m pip install --quiet pillow
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
swift build --product gantry >/dev/null
# A copy, so a build during the tour cannot swap the binary under it.
cp "$(swift build --show-bin-path)/gantry" "$work/gantry"
mkdir -p screenshots
python3 scripts/demo-tour.py "$work/gantry" screenshots
