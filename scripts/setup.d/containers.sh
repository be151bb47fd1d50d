# Sourced by scripts/test.sh: a real container engine for the docker CLI that the executor's
# docker steps drive (podman's Docker-compatible service) and a registry to push to
# (docker-registry), both on 127.0.0.1 in a temporary directory, stopped by PID when the tests end.
need docker || { echo "error: the docker CLI is missing (expected /usr/local/bin/docker)" >&2; exit 1; }
for package in podman runc docker-registry busybox-static curl; do
    dpkg -s "$package" >/dev/null 2>&1 || apt_install podman runc docker-registry busybox-static curl
done
engine_dir=$(mktemp -d /tmp/gantry-engine.XXXXXX)
trap 'bash scripts/container-engine.sh stop "$engine_dir"; rm -rf "$engine_dir"' EXIT
registry_port=5000
while (exec 3<>"/dev/tcp/127.0.0.1/$registry_port") 2>/dev/null; do registry_port=$((registry_port + 1)); done
bash scripts/container-engine.sh start "$engine_dir" "$registry_port"
set -a
# shellcheck source=/dev/null
. "$engine_dir/engine.env"
set +a
