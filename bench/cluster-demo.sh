#!/usr/bin/env bash
# The bigram trainer on a real Spark standalone cluster, on this machine: a master and two workers started from
# the Spark jars Maven resolved (job/target/spark-home), all on 127.0.0.1, one core and 1 GB per worker.
#
#   bench/cluster-demo.sh [--auth] [train options]   start a cluster, train on sample-data/ on it through ./submit.sh,
#                                                ask the model a question, stop the cluster
#   bench/cluster-demo.sh start DIR [cluster options]  start a cluster that lives in DIR; prints its master URL
#   bench/cluster-demo.sh stop DIR                     stop it: executors, workers, master, by process id
#
# Cluster options: --workers N (default 2), --cores N per worker (1), --worker-memory SIZE per worker (1g),
# --auth: the daemons and the job require spark.authenticate with a fresh secret, and the job encrypts its RPC
# and its local I/O (shuffle, spills, cached blocks on disk). Train options (the demo) go to `train`, e.g.
# --set vocab.size=2000 (the demo trains V = 1,000 for 20 epochs); its run is published under runs/
# (BIGRAM_OUTPUT_DIR to change it).
#
# Ports are free ones (web UIs included); the REST submission server is off. Stopping kills only the processes
# this script started (their ids are in DIR/pids) and the executor JVMs their workers spawned.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPARK_DIST="$ROOT/job/target/spark-home"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
START_TIMEOUT=180

usage() {
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
  echo "error: $*" >&2
  exit 2
}

ensure_built() {
  if [[ ! -d "$SPARK_DIST/jars" || ! -f "$ROOT/job/target/bigram-trainer.jar" ]]; then
    echo "cluster-demo.sh: building the job and its Spark home (mvn package, tests skipped)..." >&2
    (cd "$ROOT" && mvn -B -q -DskipTests -pl job -am package) >&2
  fi
}

# Starts a Spark daemon the way bin/spark-class does: Spark's launcher prints the java command (daemon memory,
# module options, classpath with SPARK_CONF_DIR), NUL-separated. The daemon replaces its subshell (exec), so
# LAUNCHED_PID is the JVM's own process id.
launch() {
  local dir="$1" log="$2"
  shift 2
  local env_cmd=(env -u SPARK_MASTER_OPTS -u SPARK_WORKER_OPTS -u SPARK_DAEMON_JAVA_OPTS
    SPARK_HOME="$SPARK_DIST" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
    SPARK_CONF_DIR="$dir/conf" SPARK_LOCAL_DIRS="$dir/local" SPARK_DAEMON_MEMORY=256m)
  local parts=() cmd=() part
  while IFS= read -r -d '' part; do parts+=("$part"); done < <("${env_cmd[@]}" \
    "$JAVA" -Xmx128m -cp "$SPARK_DIST/jars/*" org.apache.spark.launcher.Main "$@")
  for part in "${parts[@]}"; do
    part="${part#$'\n'}"
    [[ -n "$part" ]] && cmd+=("$part")
  done
  [[ ${#cmd[@]} -gt 0 ]] || die "Spark's launcher printed no command for $1"
  (exec "${env_cmd[@]}" "${cmd[@]}" </dev/null >"$log" 2>&1) &
  LAUNCHED_PID=$!
}

# Waits until LOG has a line matching PATTERN, or the process PID has died, or START_TIMEOUT passed.
await_log() {
  local log="$1" pattern="$2" pid="$3" name="$4" waited=0
  until grep -q -E "$pattern" "$log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$log" >&2 || true
      die "$name exited before it was ready (log: $log)"
    fi
    if (( waited >= START_TIMEOUT * 5 )); then
      tail -n 30 "$log" >&2 || true
      die "$name was not ready after $START_TIMEOUT s (log: $log)"
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
}

cmd_start() {
  local dir="" workers=2 cores=1 memory=1g auth=false
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --workers) workers="$2"; shift 2 ;;
      --cores) cores="$2"; shift 2 ;;
      --worker-memory) memory="$2"; shift 2 ;;
      --auth) auth=true; shift ;;
      -*) die "unknown cluster option $1 (bench/cluster-demo.sh --help)" ;;
      *) [[ -z "$dir" ]] || die "start takes one directory"; dir="$1"; shift ;;
    esac
  done
  [[ -n "$dir" ]] || die "start needs a directory: bench/cluster-demo.sh start DIR"
  [[ ! -e "$dir/pids" ]] || die "$dir/pids exists: a cluster may be running there (bench/cluster-demo.sh stop $dir)"
  ensure_built
  mkdir -p "$dir/conf" "$dir/local"
  dir="$(cd "$dir" && pwd)"

  # Daemon settings, readable only by their owner (the secret is in there with --auth).
  (umask 077 && {
    echo "spark.master.rest.enabled false"
    if $auth; then
      secret="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
      echo "spark.authenticate true"
      echo "spark.authenticate.secret $secret"
    fi
  } >"$dir/daemon.conf")
  # The application side: the same secret, and encryption of RPC and of local I/O.
  if $auth; then
    (umask 077 && {
      grep '^spark.authenticate' "$dir/daemon.conf"
      echo "spark.network.crypto.enabled true"
      echo "spark.io.encryption.enabled true"
    } >"$dir/app.conf")
  fi

  launch "$dir" "$dir/master.log" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 \
    --webui-port 0 --properties-file "$dir/daemon.conf"
  echo "master $LAUNCHED_PID" >"$dir/pids"
  await_log "$dir/master.log" "I have been elected leader" "$LAUNCHED_PID" master
  local url
  url="$(grep -o -E 'Starting Spark master at spark://[0-9.]+:[0-9]+' "$dir/master.log" | head -n 1 | awk '{print $NF}')"
  [[ -n "$url" ]] || die "no master URL in $dir/master.log"
  echo "$url" >"$dir/master-url"

  local i
  for ((i = 1; i <= workers; i++)); do
    mkdir -p "$dir/worker-$i"
    launch "$dir" "$dir/worker-$i.log" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 \
      --webui-port 0 --cores "$cores" --memory "$memory" --work-dir "$dir/worker-$i" \
      --properties-file "$dir/daemon.conf" "$url"
    echo "worker-$i $LAUNCHED_PID" >>"$dir/pids"
  done
  while read -r name pid; do
    [[ "$name" == worker-* ]] && await_log "$dir/$name.log" "Successfully registered with master" "$pid" "$name"
  done <"$dir/pids"
  echo "$url"
}

# Kills PID (and first the executors it spawned) if it is still the Spark daemon this script started.
stop_daemon() {
  local pid="$1" class="$2" child
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$class" || return 0
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
    kill -KILL "$child" 2>/dev/null || true
  done
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

cmd_stop() {
  local dir="${1:-}"
  [[ -n "$dir" && -f "$dir/pids" ]] || die "no cluster in '${dir}': expected $dir/pids"
  local name pid
  # Workers first (with their executors), the master last.
  while read -r name pid; do
    [[ "$name" == worker-* ]] && stop_daemon "$pid" org.apache.spark.deploy.worker.Worker
  done <"$dir/pids"
  while read -r name pid; do
    [[ "$name" == master ]] && stop_daemon "$pid" org.apache.spark.deploy.master.Master
  done <"$dir/pids"
  rm -f "$dir/pids"
}

cmd_demo() {
  local auth=() train_opts=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --auth) auth=(--auth); shift ;;
      *) train_opts+=("$1"); shift ;;
    esac
  done
  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/bigram-cluster-demo.XXXXXX")"
  trap 'cmd_stop "'"$dir"'" 2>/dev/null || true; rm -rf "'"$dir"'"' EXIT
  echo "Starting a standalone cluster in $dir: a master and 2 workers on 127.0.0.1..." >&2
  local url
  url="$(cmd_start "$dir" "${auth[@]+"${auth[@]}"}")"
  echo "Cluster up at $url (pids: $(awk '{printf "%s=%s ", $1, $2}' "$dir/pids"))" >&2

  local app=(--master "$url" --executor-memory 512m --conf spark.scheduler.minRegisteredResourcesRatio=1.0)
  if [[ -f "$dir/app.conf" ]]; then
    app+=(--properties-file "$dir/app.conf" --load-spark-defaults)
  fi
  local out="${BIGRAM_OUTPUT_DIR:-$ROOT/runs}"
  local id
  id="cluster-demo-$(date +%Y%m%d-%H%M%S)"
  "$ROOT/submit.sh" "${app[@]}" train --input "$ROOT/sample-data" --output "$out" --run-id "$id" \
    --set vocab.size=1000 --set train.max-epochs=20 "${train_opts[@]+"${train_opts[@]}"}"
  "$ROOT/submit.sh" predict --model "$out/$id" --word the --top 5
  echo "Executors that ran the job (one JVM per worker):" >&2
  find "$dir" -path '*/app-*/*' -name stderr -printf '  %P\n' >&2
}

case "${1:-}" in
  -h|--help) usage ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) cmd_demo "$@" ;;
esac
