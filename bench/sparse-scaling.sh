#!/usr/bin/env bash
# Epoch cost of the sparse model (model.weights = sparse) against the number of distinct training pairs, at a
# fixed vocabulary cap (vocab.size = 200,000).
#
#   bench/sparse-scaling.sh DATA_DIR [--mb 300] [--prefixes "0.2 10 30 100 300"] [--epochs 6] [--driver-memory 12g]
#                           [--big-mb 0]
#
# Generates DATA_DIR/g<MB>.txt with bench/gen_corpus.py (--vocab 300000 --seed 7) when missing and cuts line
# prefixes of about each --prefixes size in MB (the smallest one is the "empty epoch" baseline: Spark's per-job
# overhead + O(V)). Each prefix is trained in local[*] under /usr/bin/time -v with
#   vocab.size=200000 vocab.min-count=1 model.weights=sparse train.max-epochs=<epochs> train.l2=1e-6
#   train.validation-fraction=0 early-stopping.patience=1000
# and `uptime` is recorded before each run. Prints a Markdown table (V, model pairs, median epoch / aggregate /
# update seconds over epochs 2..N, data pass seconds, wall, max RSS, load) and the least-squares fit through the
# origin of (epoch s - empty epoch s) = slope * pairs, with each point's residual.
# --big-mb N (N > --mb): also trains one corpus of N MB for 10 epochs: the --mb MB seed-7 corpus followed by
# N - MB MB generated with --seed 8.
# Heavy commands run under nice -n 19. Runs and logs stay in DATA_DIR/runs, DATA_DIR/logs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -ge 1 && "$1" != -* ]] || { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
DIR="$1"; shift
MB=300
PREFIXES="0.2 10 30 100 300"
EPOCHS=6
DRIVER_MEMORY=12g
BIG_MB=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mb) MB="$2"; shift 2 ;;
    --prefixes) PREFIXES="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --driver-memory) DRIVER_MEMORY="$2"; shift 2 ;;
    --big-mb) BIG_MB="$2"; shift 2 ;;
    *) echo "error: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$DIR/logs" "$DIR/runs"
DIR="$(cd "$DIR" && pwd)"
BASE="$DIR/g$MB.txt"
if [[ ! -s "$BASE" ]]; then
  echo "Generating $BASE..." >&2
  nice -n 19 python3 "$ROOT/bench/gen_corpus.py" --mb "$MB" --vocab 300000 --seed 7 --out "$BASE" --quiet
fi

# A prefix of about $1 MB of $BASE, cut at a line end.
prefix() {
  local mb="$1" out="$DIR/p$1.txt"
  if [[ ! -s "$out" ]]; then
    local bytes; bytes=$(python3 -c "print(int(float('$mb') * 1e6))")
    if (( bytes >= $(stat -c %s "$BASE") )); then cp "$BASE" "$out"
    else head -c "$bytes" "$BASE" | sed '$d' >"$out"; fi
  fi
  echo "$out"
}

train() {  # train ID INPUT EPOCHS
  local id="$1" input="$2" epochs="$3"
  { date -u +%FT%TZ; uptime; } >"$DIR/logs/$id.uptime"
  echo "$id: $(uptime)" >&2
  nice -n 19 /usr/bin/time -v -o "$DIR/logs/$id.time" "$ROOT/submit.sh" --driver-memory "$DRIVER_MEMORY" \
    train --input "$input" --output "$DIR/runs" --run-id "$id" --overwrite \
    --set vocab.size=200000 --set vocab.min-count=1 --set model.weights=sparse --set train.max-epochs="$epochs" \
    --set train.l2=0.000001 --set train.validation-fraction=0 --set early-stopping.patience=1000 \
    >"$DIR/logs/$id.out" 2>"$DIR/logs/$id.log" || echo "warning: run $id failed (exit $?), see $DIR/logs/$id.log" >&2
}

ids=()
for p in $PREFIXES; do
  id="sparse-p$p"
  [[ -s "$DIR/runs/$id/summary.json" ]] || train "$id" "$(prefix "$p")" "$EPOCHS"
  ids+=("$id")
done
if (( BIG_MB > 0 )); then
  BIG="$DIR/big$BIG_MB.txt"
  if [[ ! -s "$BIG" ]]; then
    rest=$((BIG_MB - MB))
    [[ -s "$DIR/s8-$rest.txt" ]] || nice -n 19 python3 "$ROOT/bench/gen_corpus.py" --mb "$rest" --vocab 300000 --seed 8 --out "$DIR/s8-$rest.txt" --quiet
    cat "$BASE" "$DIR/s8-$rest.txt" >"$BIG"
  fi
  [[ -s "$DIR/runs/sparse-big$BIG_MB/summary.json" ]] || train "sparse-big$BIG_MB" "$BIG" 10
  ids+=("sparse-big$BIG_MB")
fi

python3 "$ROOT/bench/sparse-scaling-table.py" "$DIR" "${ids[@]}"
