#!/usr/bin/env bash
# A real container engine for the docker CLI, on 127.0.0.1 only, inside one directory:
# Debian's podman serving the Docker-compatible API on a unix socket, and Debian's docker-registry
# on 127.0.0.1:PORT. See ../shared/reference/container-engine.md for why each setting is there.
#
#   scripts/container-engine.sh start DIR [REGISTRY_PORT]   starts both, writes DIR/engine.env
#   scripts/container-engine.sh stop DIR                    stops both by PID, removes nothing else
#
# DIR/engine.env holds the variables the tests read:
#   GANTRY_TEST_DOCKER_HOST=unix://DIR/podman.sock
#   GANTRY_TEST_REGISTRY=127.0.0.1:PORT
#   GANTRY_TEST_BUSYBOX=/bin/busybox
set -euo pipefail

usage() { echo "usage: $0 start DIR [REGISTRY_PORT] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)

stop_pid() { # name pidfile
    local pidfile=$2
    [ -f "$pidfile" ] || return 0
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

case "$action" in
stop)
    # The podman service first: stopping it deletes its socket file.
    stop_pid podman "$dir/podman.pid"
    stop_pid registry "$dir/registry.pid"
    # Containers a test left behind are children of conmon, not of the service.
    if [ -d "$dir/storage" ] && command -v podman >/dev/null 2>&1; then
        CONTAINERS_CONF="$dir/containers.conf" podman --root "$dir/storage" --runroot "$dir/run" \
            rm -af -t 0 >/dev/null 2>&1 || true
    fi
    # Build steps leave overlay mounts behind (and podman bind-mounts its overlay directory):
    # unmount everything below DIR, deepest first, so DIR can be removed.
    awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
        umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
    done
    exit 0
    ;;
start) ;;
*) usage ;;
esac

port=${3:-5000}
for tool in podman docker-registry busybox runc docker curl; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/bin/$tool" ] || {
        echo "container-engine: $tool is missing (apt-get install -y podman runc docker-registry busybox-static)" >&2
        exit 1
    }
done

cat >"$dir/containers.conf" <<'EOF'
[containers]
# the host's hard limit is nofile=20000 and raising rlimits is refused; podman's default fails
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
# crun refuses cgroup v1+v2 hybrid hosts; runc works
runtime = "runc"
EOF
cat >"$dir/registries.conf" <<EOF
unqualified-search-registries = []
[[registry]]
location = "127.0.0.1:$port"
insecure = true
[[registry]]
location = "localhost:$port"
insecure = true
EOF
mkdir -p "$dir/registry-data" "$dir/storage" "$dir/run"
cat >"$dir/registry.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem:
    rootdirectory: $dir/registry-data
http:
  addr: 127.0.0.1:$port
EOF

docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
echo $! >"$dir/registry.pid"

CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_REGISTRIES_CONF="$dir/registries.conf" \
    podman --root "$dir/storage" --runroot "$dir/run" --log-level=error \
    system service --time=0 "unix://$dir/podman.sock" >"$dir/podman.log" 2>&1 &
echo $! >"$dir/podman.pid"

ready=no
for _ in $(seq 1 100); do
    if [ -S "$dir/podman.sock" ] && DOCKER_HOST="unix://$dir/podman.sock" docker version >/dev/null 2>&1 \
        && curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
        ready=yes; break
    fi
    sleep 0.1
done
if [ "$ready" != yes ]; then
    echo "container-engine: podman or docker-registry did not start within 10 s; logs:" >&2
    tail -5 "$dir/podman.log" "$dir/registry.log" >&2 || true
    "$0" stop "$dir"
    exit 1
fi

busybox=$(command -v busybox || echo /bin/busybox)
cat >"$dir/engine.env" <<EOF
GANTRY_TEST_DOCKER_HOST=unix://$dir/podman.sock
GANTRY_TEST_REGISTRY=127.0.0.1:$port
GANTRY_TEST_BUSYBOX=$busybox
EOF
echo "container-engine: podman on unix://$dir/podman.sock, registry on 127.0.0.1:$port"
