# Sourced by the cluster benchmarks (needs ROOT). bench_cluster_start DIR [WORKER_MEMORY]: starts a master and two
# one-core workers on 127.0.0.1 in DIR/cluster with bench/cluster-demo.sh (WORKER_MEMORY per worker, default 3g),
# stops them by process id when the script exits, and sets URL to the master's URL.
bench_cluster_start() {
  CLUSTER="$1/cluster"
  "$ROOT/bench/cluster-demo.sh" stop "$CLUSTER" 2>/dev/null || true
  rm -rf "$CLUSTER"
  trap '"$ROOT/bench/cluster-demo.sh" stop "$CLUSTER" >/dev/null 2>&1 || true' EXIT
  URL="$("$ROOT/bench/cluster-demo.sh" start "$CLUSTER" --worker-memory "${2:-3g}")"
  echo "Cluster at $URL" >&2
}
