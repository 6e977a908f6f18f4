#!/usr/bin/env bash
# The dense epoch at V = 10,000 on a 2-worker standalone cluster, client mode, on both of the cluster's paths,
# against the wire's limit on this machine.
#
#   bench/cluster-epoch.sh --input FILE [--v 10000] [--weights dense] [--epochs 10]
#                          [--exchanges "driver broadcast"] [--driver-memory 4g] [--executor-memory 2g]
#                          [--defaults] [--dir DIR]
#
# Starts a cluster with bench/cluster-demo.sh start (a master and two one-core workers on 127.0.0.1), then for
# each train.cluster-exchange trains the model of --weights (dense or sparse) through ./submit.sh under
# /usr/bin/time -v: --epochs epochs of a cold training at a fixed train.l2 = 1e-6, every other key as shipped
# (Adam, learning rate, decay). With --defaults it also runs the job as shipped (only vocab.size set: the L2
# search included). Per run it reports the median epoch (every epoch but each training's first, which includes
# collecting the counts or the JIT; with --defaults, over all of the L2 search's trials), the driver's peak
# RSS, the executors lost, and the bytes Spark shipped per epoch (summary.json). Then it copies the broadcast path's bytes of one epoch once through a loopback socket
# (dev.bigram.bench.LoopbackCopy, median of 5) and prints each run's epoch against that copy.
# One JSON line per run goes to DIR/results.jsonl (default DIR /tmp/bigram-cluster-epoch); the cluster is
# stopped by process id on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INPUT=""
V=10000
WEIGHTS=dense
EPOCHS=10
EXCHANGES="driver broadcast"
DRIVER_MEMORY=4g
EXECUTOR_MEMORY=2g
DEFAULTS=false
DIR=/tmp/bigram-cluster-epoch

while [[ $# -gt 0 ]]; do
  case "$1" in
    --input) INPUT="$2"; shift 2 ;;
    --v) V="$2"; shift 2 ;;
    --weights) WEIGHTS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --exchanges) EXCHANGES="$2"; shift 2 ;;
    --driver-memory) DRIVER_MEMORY="$2"; shift 2 ;;
    --executor-memory) EXECUTOR_MEMORY="$2"; shift 2 ;;
    --defaults) DEFAULTS=true; shift ;;
    --dir) DIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (bench/cluster-epoch.sh --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$INPUT" && -r "$INPUT" ]] || { echo "error: --input FILE is needed and must be readable" >&2; exit 2; }
(( EPOCHS >= 3 )) || { echo "error: --epochs must be at least 3" >&2; exit 2; }

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
(cd "$ROOT" && mvn -B -q -DskipTests package) >&2
source "$ROOT/bench/cluster-lib.sh"
bench_cluster_start "$DIR"

results="$DIR/results.jsonl"
runs="$DIR/runs.tsv"
: >"$runs"
run() { # run LABEL [--set ...]
  local id="$1"; shift
  echo "$id..." >&2
  local load; load="$(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -v -o "$DIR/$id.time" "$ROOT/submit.sh" --master "$URL" --driver-memory "$DRIVER_MEMORY" \
    --executor-memory "$EXECUTOR_MEMORY" --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
    train --input "$INPUT" --output "$DIR/runs" --run-id "$id" --overwrite \
    --set vocab.size="$V" "$@" \
    >"$DIR/$id.out" 2>"$DIR/$id.log" || { echo "error: run $id failed, see $DIR/$id.log" >&2; exit 1; }
  echo -e "$id\t$load\t$DIR/runs/$id/summary.json\t$DIR/$id.log\t$DIR/$id.time" >>"$runs"
}
cold=(--set train.l2=0.000001 --set train.max-epochs="$EPOCHS" --set early-stopping.patience=1000)
for exchange in $EXCHANGES; do
  run "v$V-$WEIGHTS-$exchange" --set model.weights="$WEIGHTS" --set train.cluster-exchange="$exchange" "${cold[@]}"
done
if $DEFAULTS; then run "v$V-defaults"; fi

# The wire's limit: the bytes the broadcast path shipped in an epoch (W out, the gradient back), copied once.
# Without a broadcast run, the dense model's 8 bytes per weight.
bytes="$(python3 - "$runs" "$((8 * V * V))" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    s = json.load(open(line.rstrip("\n").split("\t")[2]))
    if "shipped_broadcast_bytes_per_epoch" in s:
        print(s["shipped_broadcast_bytes_per_epoch"] + s["shipped_result_bytes_per_epoch"]); break
else:
    print(sys.argv[2])
PY
)"
echo "Copying $bytes bytes through a loopback socket..." >&2
"$ROOT/bench/java.sh" dev.bigram.bench.LoopbackCopy "$bytes" 5 >"$DIR/loopback.out"
wire="$(sed -n 's/^median_seconds=//p' "$DIR/loopback.out")"

python3 - "$runs" "$wire" "$bytes" "$results" <<'PY'
import json, re, statistics, sys, datetime
runs, wire, wire_bytes, results = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
epoch_re = re.compile(r"epoch (\d+)/\d+ .*?  ([0-9.]+) s  \(")
print(f"Loopback copy of {wire_bytes / 1e6:.1f} MB (one broadcast-path epoch's bytes): {wire:.3f} s "
      f"({wire_bytes / wire / 1e6:.0f} MB/s)\n")
print("| run | exchange | epochs | median epoch s (epochs 2..N) | / loopback copy | driver peak RSS | "
      "shipped per epoch (out + back) | executors lost | load before |")
print("|---|---|---|---|---|---|---|---|---|")
with open(results, "a") as out:
    for line in open(runs):
        rid, load, summary, log, timef = line.rstrip("\n").split("\t")
        s = json.load(open(summary))
        text = open(log).read()
        secs = [float(m.group(2)) for m in epoch_re.finditer(text) if int(m.group(1)) > 1]
        if not secs:
            sys.exit(f"no epoch lines after a first epoch in {log}")
        med = statistics.median(secs)
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(timef).read()).group(1)) / 1e6
        shipped = s.get("shipped_broadcast_bytes_per_epoch", 0) + s.get("shipped_result_bytes_per_epoch", 0)
        lost = text.count("Lost executor")
        row = {"date": datetime.date.today().isoformat(), "run": rid, "exchange": s.get("exchange"),
               "epochs": s["epochs_run"], "median_epoch_s": med, "loopback_s": wire, "loopback_bytes": wire_bytes,
               "driver_peak_rss_gb": rss, "shipped_bytes_per_epoch": shipped, "executors_lost": lost,
               "load_before": float(load), "l2_search_epochs": s.get("l2_search_epochs")}
        out.write(json.dumps(row) + "\n")
        print(f"| {rid} | {s.get('exchange')} | {s['epochs_run']} | {med:.3f} | {med / wire:.2f} | {rss:.2f} GB "
              f"| {shipped / 1e6:.1f} MB | {lost} | {load} |")
PY
