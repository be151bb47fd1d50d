#!/usr/bin/env bash
# The test command (README.md "Test it"): sets up what the tests need on a fresh machine,
# builds everything, runs every test. CI runs it through .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }

# --- tools -------------------------------------------------------------------
if ! need swift; then
  if [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; else
    echo "error: swift is not installed (expected Swift 6.x on PATH or in /opt/swift)" >&2; exit 1; fi
fi
apt_install() {
  if [ "$(id -u)" = 0 ] && need apt-get; then
    echo "==> installing $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null; }
  else
    echo "error: $* missing and cannot be installed (need root and apt-get)" >&2; exit 1
  fi
}
# GRDB links the system SQLite library.
dpkg -s libsqlite3-dev >/dev/null 2>&1 || apt_install libsqlite3-dev
for extra in scripts/setup.d/*.sh; do
  [ -e "$extra" ] || continue
  # shellcheck source=/dev/null
  source "$extra"
done

# --- build and test -----------------------------------------------------------
set +e
echo "==> swift build"
swift build 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] '
build=${PIPESTATUS[0]}
[ "$build" = 0 ] || { echo "error: swift build failed (exit $build)" >&2; exit "$build"; }
echo "==> swift test"
swift test 2>&1 | grep -vE "^(Test Case '.*' (started|passed)|\[[0-9]+/[0-9]+\] |.*Test .* started)"
status=${PIPESTATUS[0]}
echo "==> swift test exit status: $status"
exit "$status"
