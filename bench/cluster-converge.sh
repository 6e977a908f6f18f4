#!/usr/bin/env bash
# Time to 0.5% of the training-loss floor on a 2-worker standalone cluster, client mode: the job as shipped
# (through ./submit.sh) against Spark MLlib's multinomial LogisticRegression on the same cluster.
#
#   bench/cluster-converge.sh --input FILE [--sizes "1001 2001"] [--exchanges "driver broadcast"]
#                             [--mllib-iter "1001:100 2001:50"] [--dir DIR]
#
# Starts a cluster with bench/cluster-demo.sh start (a master and two one-core workers on 127.0.0.1). For each V
# and each train.cluster-exchange it trains with vocab.size = V, train.l2 = 0 and train.validation-fraction = 0
# (so that the floor is the target), every other key as shipped, and sums the epoch seconds of the log lines
# through the first epoch whose training loss is within 0.5% of the floor (train - floor gap). Then it fits
# dev.bigram.bench.MllibPeer with the cluster as master (its driver is this machine's JVM, its gradient
# aggregation runs on the executors); MLlib's time is the fit's, prorated to the iteration that reaches 0.5%
# of the floor, or the whole fit as a lower bound when none does. One JSON line per measurement goes to
# DIR/results.jsonl (default DIR /tmp/bigram-cluster-converge); the cluster is stopped by process id on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INPUT=""
SIZES="1001 2001"
EXCHANGES="driver broadcast"
MLLIB_ITER="1001:100 2001:50"
DIR=/tmp/bigram-cluster-converge

while [[ $# -gt 0 ]]; do
  case "$1" in
    --input) INPUT="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --exchanges) EXCHANGES="$2"; shift 2 ;;
    --mllib-iter) MLLIB_ITER="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (bench/cluster-converge.sh --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$INPUT" && -r "$INPUT" ]] || { echo "error: --input FILE is needed and must be readable" >&2; exit 2; }
INPUT="$(cd "$(dirname "$INPUT")" && pwd)/$(basename "$INPUT")"

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
(cd "$ROOT" && mvn -B -q -DskipTests package) >&2
source "$ROOT/bench/cluster-lib.sh"
bench_cluster_start "$DIR"
results="$DIR/results.jsonl"

for v in $SIZES; do
  for exchange in $EXCHANGES; do
    id="job-v$v-$exchange"
    echo "$id..." >&2
    load="$(cut -d' ' -f1 /proc/loadavg)"
    "$ROOT/submit.sh" --master "$URL" --driver-memory 4g --executor-memory 2g \
      --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
      train --input "$INPUT" --output "$DIR/runs" --run-id "$id" --overwrite --set vocab.size="$v" \
      --set train.l2=0 --set train.validation-fraction=0 --set train.cluster-exchange="$exchange" \
      >"$DIR/$id.out" 2>"$DIR/$id.log" || { echo "error: run $id failed, see $DIR/$id.log" >&2; exit 1; }
    python3 - "$id" "$v" "$exchange" "$load" "$DIR/$id.log" "$DIR/runs/$id/summary.json" >>"$results" <<'PY'
import json, re, sys, datetime
rid, v, exchange, load, log, summary = sys.argv[1:]
s = json.load(open(summary))
line = re.compile(r"epoch (\d+)/\d+  train ([0-9.]+)  .*?floor gap ([0-9.-]+) .*?  ([0-9.]+) s  \(")
total, reached = 0.0, None
for m in line.finditer(open(log).read()):
    total += float(m.group(4))
    train, gap = float(m.group(2)), float(m.group(3))
    if train <= (train - gap) * 1.005:
        reached = int(m.group(1)); break
print(json.dumps({"date": datetime.date.today().isoformat(), "kind": "job", "run": rid, "vocab": int(v),
                  "exchange": s.get("exchange"), "epochs_to_within_0.5pct": reached,
                  "seconds_to_within_0.5pct": total if reached else None, "load_before": float(load)}))
PY
    tail -1 "$results" >&2
  done
done

CP_JARS="$ROOT/job/target/bigram-trainer.jar,$(ls "$ROOT"/bench/target/bigram-bench-*.jar | head -1)"
MLLIB_JAR="$(tr ':' '\n' <"$ROOT/bench/target/classpath.txt" | grep '/spark-mllib_2.13-' | head -1 || true)"
[[ -n "$MLLIB_JAR" ]] || { echo "error: no spark-mllib jar in bench/target/classpath.txt" >&2; exit 1; }
for pair in $MLLIB_ITER; do
  v="${pair%%:*}"; iter="${pair##*:}"
  [[ " $SIZES " == *" $v "* ]] || continue
  echo "MLlib, V = $v, $iter iterations..." >&2
  load="$(cut -d' ' -f1 /proc/loadavg)"
  "$ROOT/bench/java.sh" -Xmx8g -Dbench.master="$URL" -Dbench.jars="$CP_JARS,$MLLIB_JAR" \
    dev.bigram.bench.MllibPeer "$INPUT" "$v" "$iter" >"$DIR/mllib-v$v.out" 2>"$DIR/mllib-v$v.log" \
    || { echo "error: MLlib at V = $v failed, see $DIR/mllib-v$v.log" >&2; exit 1; }
  python3 - "$DIR/mllib-v$v.out" "$load" >>"$results" <<'PY'
import json, sys, datetime
out, load = sys.argv[1:]
r = json.loads([l[len("BENCH "):] for l in open(out) if l.startswith("BENCH ")][-1])
r.update({"date": datetime.date.today().isoformat(), "kind": "mllib-cluster", "load_before": float(load)})
print(json.dumps(r))
PY
  tail -1 "$results" >&2
done
