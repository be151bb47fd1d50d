#!/usr/bin/env bash
# Screenshots of the real console: runs the built `gantry` in tmux on seeded stores (the
# ScreenshotTests end-to-end tests), keeps the colour captures (tmux capture-pane -e) and
# renders them to PNG in screenshots/ (Python + Pillow, DejaVu Sans Mono).
set -euo pipefail
cd "$(dirname "$0")/.."
need() { command -v "$1" >/dev/null 2>&1; }
need tmux || { echo "error: tmux is missing (apt-get install tmux)" >&2; exit 1; }
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || { echo "error: apt-get install fonts-dejavu-core" >&2; exit 1; }
python3 -c "import PIL" 2>/dev/null || python3 -m pip install --quiet pillow
captures="$(mktemp -d)"
trap 'rm -rf "$captures"' EXIT
flock /tmp/gantry-build.lock swift build --product gantry >/dev/null
GANTRY_SCREENSHOTS_DIR="$captures" flock /tmp/gantry-build.lock swift test --filter 'GantryTerminalTests.ScreenshotTests' 2>&1 \
  | grep -E "error|Executed" || true
mkdir -p screenshots
for capture in "$captures"/*.ansi; do
  name="$(basename "$capture" .ansi)"          # e.g. main-canary.dark
  shot="${name%.dark}"
  flag=""
  case "$name" in *.light) flag="--light" ;; esac
  python3 scripts/ansi2png.py "$capture" "screenshots/$shot.png" $flag
  echo "screenshots/$shot.png"
done
