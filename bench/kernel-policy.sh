#!/usr/bin/env bash
# Usage: bench/kernel-policy.sh [BENCH_DIR]
#
# When the fast kernel should move from its scalar twins to the vector code (VectorSupport): the same training
# (real-train.txt of bench/run.sh's corpora, no validation split, no L2, Adam lr 0.3, 40 epochs) under three
# policies, at V = 1,000, 2,000 and 10,000:
#   twins only        -Dbigram.vector.disable=true
#   warm-up at once   -Dbigram.vector.warm-up-after-ms=0   (vector code as soon as it is compiled)
#   default           warm-up after 2 s of scalar work in the JVM
# Prints a Markdown table: first epoch, epochs 2-40 summed, all 40, and the seconds to 0.5% of the floor.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${1:-${BENCH_DIR:-/tmp/bigram-bench}}"
[[ -f "$BENCH_DIR/real-train.txt" ]] || { echo "no $BENCH_DIR/real-train.txt: run bench/run.sh corpora first" >&2; exit 2; }
OUT="$BENCH_DIR/kernel-policy.jsonl"
: > "$OUT"
for v in 1000 2000 10000; do
  for policy in "twins only:-Dbigram.vector.disable=true" "warm-up at once:-Dbigram.vector.warm-up-after-ms=0" \
      "default:-Dbigram.vector.warm-up-after-ms=2000"; do
    name="${policy%%:*}"
    flag="${policy#*:}"
    echo "kernel-policy: V=$v, $name" >&2
    "$ROOT/bench/java.sh" -Xmx5g "$flag" dev.bigram.bench.ConvergeBench "$name" "$BENCH_DIR/real-train.txt" \
      "vocab.size=$v" train.validation-fraction=0 train.l2=0 model.init-bias=unigram train.learning-rate=0.3 \
      train.decay=0.99 train.min-learning-rate=0.01 train.max-epochs=40 early-stopping.patience=400 \
      early-stopping.min-delta=0 2>/dev/null | grep '^BENCH ' | sed "s/^BENCH //" >> "$OUT"
  done
done
python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| V | policy | first epoch (s) | epochs 2-40 (s) | all 40 epochs (s) | to 0.5% of the floor (s, epochs) |")
print("| ---: | --- | ---: | ---: | ---: | --- |")
for r in rows:
    reach = r["seconds_to_within_0.5pct"]
    reach = "not in 40" if reach is None else f"{reach:.2f} ({r['epochs_to_within_0.5pct']})"
    print(f"| {r['vocab']:,} | {r['label']} | {r['seconds_first_epoch']:.2f} | "
          f"{r['seconds_all_epochs'] - r['seconds_first_epoch']:.2f} | {r['seconds_all_epochs']:.2f} | {reach} |")
PY
