# Sourced by scripts/test.sh: the simulator's end-to-end tests need kubectl and a real Prometheus.
sh scripts/sim-test-setup.sh
