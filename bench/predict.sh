#!/usr/bin/env bash
# Usage: bench/predict.sh [RUNS_DIR] [--repeat N]
#
# Times what a user of a published model waits for, through ./submit.sh with no --master (a plain JVM, no Spark):
#   - `predict --word the`, JVM start included (after one run that writes the class-data archive);
#   - `predict --words-from` a batch of 10,000 words of held-out text (one per line, as they come);
#   - `evaluate` of the held-out file, which runs without Spark for one local file up to 100 MB.
# RUNS_DIR holds a V = 10,000 run of real-train.txt; without one, a short training makes it (the model's quality
# does not matter here, only its size: 5 epochs at a fixed L2). The corpora come from bench/real-corpus.sh.
# Prints one BENCH line per measurement (median of N, default 5) with the load average before it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${BENCH_DATA:-/tmp/bigram-bench}"
RUNS="${1:-$DATA/predict-runs}"
REPEAT=5
if [[ "${2:-}" == "--repeat" ]]; then REPEAT="$3"; fi

[[ -f "$DATA/real-train.txt" ]] || "$ROOT/bench/real-corpus.sh"
if [[ ! -f "$RUNS/LATEST" ]]; then
  "$ROOT/submit.sh" --driver-memory 8g train --input "$DATA/real-train.txt" --output "$RUNS" \
    --set vocab.size=10000 --set train.l2=1e-6 --set train.max-epochs=5 >&2
fi
words="$DATA/predict-words-10k.txt"
if [[ ! -f "$words" ]]; then
  tr -cs "[:alpha:]'" '\n' < "$DATA/real-test.txt" | grep -v '^$' | head -n 10000 > "$words"
fi

load() { cut -d' ' -f1 /proc/loadavg; }
# Median wall seconds of REPEAT runs of the command (its output discarded).
median_seconds() {
  local times=()
  for ((i = 0; i < REPEAT; i++)); do
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    times+=("$(awk -v a="$end" -v b="$start" 'BEGIN { printf "%.3f", a - b }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

"$ROOT/submit.sh" predict --model "$RUNS" --word the > /dev/null  # writes the class-data archive once
l=$(load)
one=$(median_seconds "$ROOT/submit.sh" predict --model "$RUNS" --word the)
echo "BENCH {\"benchmark\": \"predict-word\", \"seconds\": $one, \"load\": $l}"
l=$(load)
batch=$(median_seconds "$ROOT/submit.sh" predict --model "$RUNS" --words-from "$words")
distinct=$(sort -u "$words" | wc -l)
echo "BENCH {\"benchmark\": \"predict-batch\", \"words\": $(wc -l < "$words"), \"distinct\": $distinct, \"seconds\": $batch, \"beyond_one\": $(awk -v a="$batch" -v b="$one" 'BEGIN { printf "%.3f", a - b }'), \"load\": $l}"
l=$(load)
eval_s=$(median_seconds "$ROOT/submit.sh" evaluate --model "$RUNS" --input "$DATA/real-test.txt")
echo "BENCH {\"benchmark\": \"evaluate-local\", \"seconds\": $eval_s, \"load\": $l}"
