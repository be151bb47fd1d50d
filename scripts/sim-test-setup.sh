#!/bin/sh
# Installs what the GantrySim end-to-end tests drive for real: kubectl must already be on the machine
# (/usr/bin/kubectl); Prometheus comes from Debian's package when missing.
set -eu
if ! command -v kubectl >/dev/null 2>&1; then
    echo "sim-test-setup: kubectl is missing (expected /usr/bin/kubectl, v1.32)" >&2
    exit 1
fi
if ! command -v prometheus >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
fi
prometheus --version 2>&1 | head -1
