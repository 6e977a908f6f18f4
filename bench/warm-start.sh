#!/usr/bin/env bash
# Usage: bench/warm-start.sh [WORK_DIR]
#
# Warm start against cold start (BENCHMARKS.md, "Warm start"). Builds two nights of a synthetic corpus with
# bench/gen_corpus.py (night 1: 10 MB; night 2: the same 10 MB plus 2 MB more from the same generator, so
# the vocabulary shifts a little), then trains through ./submit.sh in local[2]:
#   cold1  night 1 from random weights
#   warm1  night 1 again, --init-from cold1            (unchanged data)
#   warm2  night 2, --init-from LATEST (= warm1)       (the nightly case: more data, changed vocabulary)
#   cold2  night 2 from random weights                 (what warm2 saves)
# and prints one line per run from its summary.json. Settings: vocab.size=$V (default 2000), the defaults
# of conf/trainer.conf otherwise (see docs/configuration.md),
# max-epochs 400. Needs python3 and the built job (submit.sh builds it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-/tmp/bigram-warm-start}"
V="${V:-2000}"
mkdir -p "$WORK"
[[ -f "$WORK/night1.txt" ]] || python3 "$ROOT/bench/gen_corpus.py" --mb 10 --vocab 5000 --seed 42 --out "$WORK/night1.txt"
[[ -f "$WORK/night2.txt" ]] || python3 "$ROOT/bench/gen_corpus.py" --mb 12 --vocab 5000 --seed 42 --out "$WORK/night2.txt"
rm -rf "$WORK/runs"

run() {
  local id=$1 input=$2
  shift 2
  "$ROOT/submit.sh" --master 'local[2]' --driver-memory 4g train --input "$input" --output "$WORK/runs" \
    --run-id "$id" --set vocab.size="$V" --set train.max-epochs=400 --set train.partitions=2 "$@" \
    >"$WORK/$id.out" 2>"$WORK/$id.log"
  tail -n 1 "$WORK/$id.out"
}

run cold1 "$WORK/night1.txt"
run warm1 "$WORK/night1.txt" --init-from "$WORK/runs/cold1"
run warm2 "$WORK/night2.txt" --init-from LATEST
run cold2 "$WORK/night2.txt"

python3 - "$WORK/runs" <<'PY'
import json, os, sys
runs = sys.argv[1]
print("| run | init from | words carried over | epochs run | best epoch | best validation loss | train loss floor | training s | total s |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for rid in ["cold1", "warm1", "cold2", "warm2"]:
    s = json.load(open(os.path.join(runs, rid, "summary.json")))
    src = os.path.basename(s["init_from"]) if s.get("init_from") else "-"
    print(f"| {rid} | {src} | {s['words_carried_over']} of {s['vocab_size']} | {s['epochs_run']} | {s['best_epoch']} | "
          f"{s['best_validation_loss']:.4f} | {s['train_loss_floor']:.4f} | {s['seconds_training']:.0f} | {s['seconds_total']:.0f} |")
PY
