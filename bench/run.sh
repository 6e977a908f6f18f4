#!/usr/bin/env bash
# Usage: bench/run.sh [STEP...]     steps: corpora datapass scale epoch converge mllib quality render (default: all)
#
# Runs the benchmarks of BENCHMARKS.md and rewrites its generated part (between the bench markers) with
# the machine, the date, the load, the exact commands and the ratio tables. Everything runs in local[*] on
# this machine; corpora and results go to $BENCH_DIR (default /tmp/bigram-bench), never into the repository.
#
#   corpora   real English text (bench/real-corpus.sh: Debian packages, apt-get) -> real-100mb.txt, and its
#             first repetition split into real-train.txt / real-test.txt (every 10th line is test);
#             synthetic Zipf/Markov text (bench/gen_corpus.py) -> synth-1000mb.txt and 10/100 MB prefixes
#   datapass  the job's data pass vs the Spark SQL word count, same file, same session (DataPassBench)
#   scale     the data pass from 10 MB to 1 GB (synthetic)
#   epoch     seconds per epoch at V = 1k..20k, where they go, peak memory (ConvergeBench, /usr/bin/time)
#   converge  epochs and seconds to 0.5% of the floor without regularization, V = 1,001 and 2,001 (with
#             <unk>), every optimizer setting as shipped
#   mllib     Spark MLlib LogisticRegression on the same bigrams (MllibPeer)
#   quality   ./submit.sh train with the defaults on real-train, then evaluate --baseline kn,add-k on real-test
#   render    BENCHMARKS.md from $BENCH_DIR/results.jsonl
#
# bench/kernel-choice.sh (not a step here) compares two builds' kernel choice, 5 alternating rounds each.
# vector code; its table is in BENCHMARKS.md, "Kernel policy: scalar twins and the vector warm-up".
#
# Takes about 20 minutes on 2 cores (19 min for every step, corpora included, on 2026-11-26; MLlib 7 of
# them); 1 GB of synthetic text takes ~3.5 min of Python. Needs 20 GB of RAM for V = 20,000.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/bigram-bench}"
RESULTS="$BENCH_DIR/results.jsonl"
mkdir -p "$BENCH_DIR"
STEPS=("$@")
[[ ${#STEPS[@]} -eq 0 ]] && STEPS=(corpora datapass scale epoch converge mllib quality render)
JAVA="$ROOT/bench/java.sh"

log() { echo "bench: $*" >&2; }
# Runs a command, appends its BENCH lines (with the load average and peak RSS) to the results.
measure() {
  local label="$1"; shift
  local out="$BENCH_DIR/$label.log"
  local load invocation
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  invocation="$label-$(date +%s%N)"
  log "$label: $*"
  local cmd="$*"
  echo "${cmd//"$ROOT/"/}" > "$BENCH_DIR/$label.cmd" # as run from the repository's root
  /usr/bin/time -v "$@" > "$out" 2> "$out.err" || { log "$label failed: see $out.err"; return 1; }
  local rss
  rss="$(grep 'Maximum resident' "$out.err" | awk '{print $NF}')"
  { grep '^BENCH ' "$out" || true; } | sed 's/^BENCH //' | python3 -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line); r.update(step='$label', invocation='$invocation', load_before='$load', peak_rss_kb=int('$rss'), command=open('$BENCH_DIR/$label.cmd').read().strip())
    print(json.dumps(r))" >> "$RESULTS"
}

for step in "${STEPS[@]}"; do
  case "$step" in
    corpora)
      [[ -f "$BENCH_DIR/real-100mb.txt" ]] || bash "$ROOT/bench/real-corpus.sh" "$BENCH_DIR/real-100mb.txt" 100
      if [[ ! -f "$BENCH_DIR/real-test.txt" ]]; then
        bash "$ROOT/bench/real-corpus.sh" "$BENCH_DIR/real-base.txt" 7.95
        awk 'NR % 10 != 0' "$BENCH_DIR/real-base.txt" > "$BENCH_DIR/real-train.txt"
        awk 'NR % 10 == 0' "$BENCH_DIR/real-base.txt" > "$BENCH_DIR/real-test.txt"
      fi
      [[ -s "$BENCH_DIR/synth-1000mb.txt" ]] || python3 "$ROOT/bench/gen_corpus.py" --mb 1000 --vocab 50000 --seed 42 \
        --out "$BENCH_DIR/synth-1000mb.txt"
      for mb in 10 100; do
        [[ -s "$BENCH_DIR/synth-${mb}mb.txt" ]] || head -c "${mb}000000" "$BENCH_DIR/synth-1000mb.txt" \
          | sed '$d' > "$BENCH_DIR/synth-${mb}mb.txt"
      done
      (cd "$ROOT" && mvn -B -q -DskipTests package)
      ;;
    datapass)
      measure datapass-real100 "$JAVA" -Xmx8g dev.bigram.bench.DataPassBench "$BENCH_DIR/real-100mb.txt" 10000 2 ;;
    scale)
      for mb in 10 100 1000; do
        measure "datapass-synth$mb" "$JAVA" -Xmx8g dev.bigram.bench.DataPassBench "$BENCH_DIR/synth-${mb}mb.txt" 10000 2
      done ;;
    epoch)
      for v in 1000 2000 5000 10000; do
        measure "epoch-v$v" "$JAVA" -Xmx5g dev.bigram.bench.ConvergeBench "epoch" "$BENCH_DIR/real-train.txt" \
          "vocab.size=$v" "train.max-epochs=12" "early-stopping.patience=100"
      done
      measure "epoch-v10000-broadcast" "$JAVA" -Xmx8g dev.bigram.bench.ConvergeBench "epoch-spark-broadcast" \
        "$BENCH_DIR/real-train.txt" "vocab.size=10000" "train.max-epochs=8" "early-stopping.patience=100" \
        "train.local-exchange=false"
      measure "epoch-v20000" "$JAVA" -Xmx11g dev.bigram.bench.ConvergeBench "epoch" "$BENCH_DIR/real-train.txt" \
        "vocab.size=20000" "train.max-epochs=6" "early-stopping.patience=100" ;;
    converge)
      # The shipped optimizer defaults: only the vocabulary, no L2 and no validation split (so that the floor is
      # the target); learning rate, decay, minimum, patience, maximum epochs and initial bias as shipped.
      for v in 1001 2001; do
        measure "converge-v$v" "$JAVA" -Xmx5g dev.bigram.bench.ConvergeBench "converge" "$BENCH_DIR/real-train.txt" \
          "vocab.size=$v" "train.validation-fraction=0" "train.l2=0"
      done ;;
    mllib)
      # maxIter: enough to reach 0.5% of the floor at V = 1,000; at V = 2,000 an iteration costs 4x as much,
      # and the fit's time is then a lower bound if it has not reached it.
      measure "mllib-v1001" "$JAVA" -Xmx8g dev.bigram.bench.MllibPeer "$BENCH_DIR/real-train.txt" 1001 100
      measure "mllib-v2001" "$JAVA" -Xmx8g dev.bigram.bench.MllibPeer "$BENCH_DIR/real-train.txt" 2001 50 ;;
    quality)
      # Each V in its own output directory: in one, the second run's regression guard would judge it against the
      # first's published model of another vocabulary, and refuse to publish it (exit code 8).
      for v in 2000 10000; do
        id="quality-v$v"
        measure "$id-train" "$ROOT/submit.sh" --driver-memory 6g train --input "$BENCH_DIR/real-train.txt" \
          --output "$BENCH_DIR/runs-$id" --run-id "$id" --overwrite --set "vocab.size=$v"
        measure "$id-evaluate" "$ROOT/bench/evaluate-json.sh" "$BENCH_DIR/runs-$id/$id" "$BENCH_DIR/real-test.txt" \
          "$v"
      done ;;
    render)
      python3 "$ROOT/bench/render.py" "$RESULTS" "$ROOT/BENCHMARKS.md" ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
