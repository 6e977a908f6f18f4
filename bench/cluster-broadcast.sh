#!/usr/bin/env bash
# Bytes shipped per epoch on a real Spark standalone cluster: the sharded broadcast (each executor fetches only
# the rows of W that its row blocks own) against one whole-matrix broadcast (every executor fetches all of W).
#
#   bench/cluster-broadcast.sh [--sizes "2000 10000"] [--models "dense sparse"] [--epochs 3] [--worker-memory 3g]
#                              [--executor-memory 3g] [--driver-memory 6g] [--dir DIR] [--set key=value]...
#
# Starts a cluster with bench/cluster-demo.sh start (a master and two one-core workers on 127.0.0.1), generates a
# corpus with more than max(--sizes) words (bench/gen_corpus.py, 10 MB, cached in DIR), then trains each
# (V, model, broadcast) for --epochs epochs with SGD on 2 row blocks, one per executor, and prints a Markdown table.
# Every run goes through Spark's broadcast and task results (train.cluster-exchange = broadcast), which the dense
# model does not use by default on a cluster (bench/cluster-epoch.sh compares the two paths).
# The dense model is run with both broadcasts; the sparse one (model.weights = sparse) is always sharded.
# Every number comes from the job itself: the shipped bytes are Spark's own block reports and task metrics,
# gathered by dev.bigram.train.ShippingMeter (summary.json shipped_*_per_epoch); seconds are the means of the
# epoch log lines, epoch 1 excluded (JIT warm-up). The cluster is stopped by process id on exit.
#
# Memory: at V = 10,000, W is 400 MB. The driver needs about 3 GB (SGD), an executor about 2 GB with the whole
# broadcast (W's pieces and W itself, its gradient rows in double and their serialized copy): the defaults leave
# room for both. Logs and runs stay in DIR (default /tmp/bigram-cluster-broadcast).
# --set key=value (repeatable) is passed on to every training, e.g. --set train.l2=0.000001 to skip the L2
# search and --set train.learning-rate=2 so that 3 SGD epochs beat the unigram model (otherwise the job refuses
# to publish a run that "did not learn" and exits non-zero; the shipped bytes do not depend on either).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="2000 10000"
MODELS="dense sparse"
EPOCHS=3
WORKER_MEMORY=3g
EXECUTOR_MEMORY=3g
DRIVER_MEMORY=6g
DIR=/tmp/bigram-cluster-broadcast
EXTRA=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --models) MODELS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --worker-memory) WORKER_MEMORY="$2"; shift 2 ;;
    --executor-memory) EXECUTOR_MEMORY="$2"; shift 2 ;;
    --driver-memory) DRIVER_MEMORY="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --set) EXTRA+=(--set "$2"); shift 2 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (bench/cluster-broadcast.sh --help)" >&2; exit 2 ;;
  esac
done
(( EPOCHS >= 2 )) || { echo "error: --epochs must be at least 2 (epoch 1 is left out of the seconds)" >&2; exit 2; }

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
max_v=0
for v in $SIZES; do (( v > max_v )) && max_v=$v; done
CORPUS="$DIR/corpus-$((max_v + max_v / 5)).txt"
if [[ ! -s "$CORPUS" ]]; then
  echo "Generating $CORPUS..." >&2
  python3 "$ROOT/bench/gen_corpus.py" --mb 10 --vocab $((max_v + max_v / 5)) --seed 42 --out "$CORPUS"
fi

source "$ROOT/bench/cluster-lib.sh"
bench_cluster_start "$DIR" "$WORKER_MEMORY"

results="$DIR/results.tsv"
: >"$results"
for v in $SIZES; do
  for model in $MODELS; do
    modes="sharded whole"
    [[ "$model" == sparse ]] && modes="sharded"
    for mode in $modes; do
      id="v$v-$model-$mode"
      echo "V = $v, $model, broadcast $mode..." >&2
      "$ROOT/submit.sh" --master "$URL" --driver-memory "$DRIVER_MEMORY" --executor-memory "$EXECUTOR_MEMORY" \
        --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
        train --input "$CORPUS" --output "$DIR/runs" --run-id "$id" --overwrite \
        --set vocab.size="$v" --set vocab.min-count=1 --set train.optimizer=sgd --set train.max-epochs="$EPOCHS" \
        --set train.partitions=2 --set train.broadcast="$mode" --set train.cluster-exchange=broadcast \
        --set early-stopping.patience=1000 \
        --set model.weights="$model" "${EXTRA[@]+"${EXTRA[@]}"}" \
        >"$DIR/$id.out" 2>"$DIR/$id.log" || { echo "error: run $id failed, see $DIR/$id.log" >&2; exit 1; }
      echo -e "$v\t$model\t$mode\t$DIR/runs/$id/summary.json\t$DIR/$id.log" >>"$results"
    done
  done
done

python3 - "$results" <<'EOF'
import json, re, sys

num = r"([0-9.]+)"
epoch_re = re.compile(r"epoch (\d+)/\d+ .* " + num + r" s  \(broadcast " + num + r" MB in " + num
                      + r" s, aggregate " + num + r" s, gradient " + num + r" MB, update " + num
                      + r" s\)  \[shipped: weights " + num + r" MB to (\d+) executors?, read in " + num
                      + r" s; gradient " + num + r" MB back, fetched in " + num + r" s\]")
print("| V | model | broadcast | W payload per epoch | shipped to executors per epoch | executors fetching "
      "| shipped / payload | gradient back per epoch | broadcast s (driver) | weight read s (tasks, summed) "
      "| aggregate s | result fetch s | epoch s |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for line in open(sys.argv[1]):
    v, model, mode, summary_path, log_path = line.rstrip("\n").split("\t")
    s = json.load(open(summary_path))
    rows = [m for m in (epoch_re.search(l) for l in open(log_path)) if m and int(m.group(1)) > 1]
    if not rows:
        sys.exit(f"no epoch lines with shipped bytes in {log_path}")
    mean = lambda i: sum(float(m.group(i)) for m in rows) / len(rows)
    executors = max(int(m.group(9)) for m in rows)
    payload = s["broadcast_bytes_per_epoch"]
    shipped = s["shipped_broadcast_bytes_per_epoch"]
    print(f"| {int(v):,} | {model} | {mode} | {payload / 1e6:.3f} MB | {shipped / 1e6:.3f} MB | {executors} "
          f"| {shipped / payload:.2f} | {s['shipped_result_bytes_per_epoch'] / 1e6:.3f} MB "
          f"| {mean(4):.2f} | {mean(10):.2f} | {mean(5):.2f} | {mean(12):.2f} | {mean(2):.2f} |")
EOF
