#!/usr/bin/env bash
# The one-line run (README.md "Run it"): installs what building and the demo need when it is
# missing (as root, Debian packages: libsqlite3-dev, libncurses-dev; kubectl must be there), then
# `swift run -c release gantry demo`. Arguments go to `gantry demo` (e.g. --theme light).
set -euo pipefail
cd "$(dirname "$0")/.."
need() { command -v "$1" >/dev/null 2>&1; }
if ! need swift && [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
need swift || { echo "error: swift is not installed (Swift 6.x on PATH or in /opt/swift)" >&2; exit 1; }
missing=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
dpkg -s libncurses-dev >/dev/null 2>&1 || missing+=(libncurses-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && need apt-get; then
    echo "==> installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
  else
    echo "error: ${missing[*]} missing: install them (apt-get install ${missing[*]}) or run this as root" >&2; exit 1
  fi
fi
need kubectl || { echo "error: kubectl is missing: Gantry talks to clusters, the demo's simulated one too, only through it (install kubectl 1.32)" >&2; exit 1; }
export LANG="${LANG:-C.UTF-8}"
exec swift run -c release gantry demo "$@"
