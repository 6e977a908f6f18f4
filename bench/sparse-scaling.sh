#!/usr/bin/env bash
# Epoch cost of the sparse model (model.weights = sparse) against the number of distinct training pairs, at a
# fixed vocabulary cap (vocab.size = 200,000).
#
#   bench/sparse-scaling.sh DATA_DIR [--mb 300] [--prefixes "0.2 10 30 100 300"] [--epochs 6] [--driver-memory 12g]
#                           [--big-mb "0"] [--fixed-v]
#
# Generates DATA_DIR/g<MB>.txt with bench/gen_corpus.py (--vocab 300000 --seed 7) when missing and cuts line
# prefixes of about each --prefixes size in MB (the smallest one is the "empty epoch" baseline: Spark's per-job
# overhead + O(V)). Each prefix is trained in local[*] under /usr/bin/time -v with
#   vocab.size=200000 vocab.min-count=1 model.weights=sparse train.max-epochs=<epochs> train.l2=1e-6
#   train.validation-fraction=0 early-stopping.patience=1000
# and `uptime` is recorded before each run. Prints a Markdown table (V, model pairs, median epoch / aggregate /
# update seconds over epochs 2..N, data pass seconds, wall, max RSS, load) and the least-squares fit through the
# origin of (epoch s - empty epoch s) = slope * pairs, with each point's residual.
# --big-mb "N ..." (each N > --mb): also trains a corpus of N MB for 10 epochs: the --mb MB seed-7 corpus followed
# by generated text that fills each next 1000 MB with its own seed: seed 8 up to 1000 MB (N - MB MB when N <= 1000),
# seed 9 from 1000 to 2000 MB, seed 10 beyond, ... (so --big-mb 1000 is the --mb corpus + 700 MB of seed 8, and
# 2000 adds 1000 MB of seed 9). Each seed has its own 300,000 words, so a larger corpus also has more word types.
# --fixed-v: every run also reads DATA_DIR/vocab-g<MB>.txt, every word of the --mb corpus on a line of its own
# (one-word lines make no pairs, and tokenizer.sentence-markers is off), so that every point, the smallest
# prefix (the empty-epoch baseline) included, has V = 200,000 and only the pairs vary. Run ids end in -fv.
# Heavy commands run under nice -n 19. Runs and logs stay in DATA_DIR/runs, DATA_DIR/logs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -ge 1 && "$1" != -* ]] || { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
DIR="$1"; shift
MB=300
PREFIXES="0.2 10 30 100 300"
EPOCHS=6
DRIVER_MEMORY=12g
BIG_MB=0
FIXED_V=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mb) MB="$2"; shift 2 ;;
    --prefixes) PREFIXES="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --driver-memory) DRIVER_MEMORY="$2"; shift 2 ;;
    --big-mb) BIG_MB="$2"; shift 2 ;;
    --fixed-v) FIXED_V=1; shift ;;
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

HEADER=()
SUFFIX=""
if (( FIXED_V )); then
  VOCAB_FILE="$DIR/vocab-g$MB.txt"
  if [[ ! -s "$VOCAB_FILE" ]]; then
    echo "Listing the words of $BASE into $VOCAB_FILE..." >&2
    nice -n 19 awk '{ for (i = 1; i <= NF; i++) if (!($i in s)) { s[$i] = 1; print $i } }' "$BASE" >"$VOCAB_FILE.tmp"
    mv "$VOCAB_FILE.tmp" "$VOCAB_FILE"
  fi
  HEADER=("$VOCAB_FILE")
  SUFFIX="-fv"
fi

train() {  # train ID INPUT EPOCHS
  local id="$1" input="$2" epochs="$3"
  { date -u +%FT%TZ; uptime; } >"$DIR/logs/$id.uptime"
  printf '%s\n' "${HEADER[@]}" "$input" >"$DIR/logs/$id.inputs"
  echo "$id: $(uptime)" >&2
  nice -n 19 /usr/bin/time -v -o "$DIR/logs/$id.time" "$ROOT/submit.sh" --driver-memory "$DRIVER_MEMORY" \
    train --input "${HEADER[@]}" "$input" --output "$DIR/runs" --run-id "$id" --overwrite \
    --set vocab.size=200000 --set vocab.min-count=1 --set model.weights=sparse --set train.max-epochs="$epochs" \
    --set train.l2=0.000001 --set train.validation-fraction=0 --set early-stopping.patience=1000 \
    >"$DIR/logs/$id.out" 2>"$DIR/logs/$id.log" || echo "warning: run $id failed (exit $?), see $DIR/logs/$id.log" >&2
}

ids=()
for p in $PREFIXES; do
  id="sparse-p$p$SUFFIX"
  [[ -s "$DIR/runs/$id/summary.json" ]] || train "$id" "$(prefix "$p")" "$EPOCHS"
  ids+=("$id")
done
for big in $BIG_MB; do
  (( big > 0 )) || continue
  (( big > MB )) || { echo "error: --big-mb $big is not above --mb $MB" >&2; exit 2; }
  BIG="$DIR/big$big.txt"
  if [[ ! -s "$BIG" ]]; then
    parts=("$BASE")
    lo=$MB; seed=8
    while (( lo < big )); do
      hi=$(( (lo / 1000 + 1) * 1000 )); (( hi > big )) && hi=$big
      part="$DIR/s$seed-$((hi - lo)).txt"
      [[ -s "$part" ]] || nice -n 19 python3 "$ROOT/bench/gen_corpus.py" --mb "$((hi - lo))" --vocab 300000 --seed "$seed" --out "$part" --quiet
      parts+=("$part")
      lo=$hi; seed=$((seed + 1))
    done
    cat "${parts[@]}" >"$BIG.tmp"
    mv "$BIG.tmp" "$BIG"
  fi
  id="sparse-big$big$SUFFIX"
  [[ -s "$DIR/runs/$id/summary.json" ]] || train "$id" "$BIG" 10
  ids+=("$id")
done

python3 "$ROOT/bench/sparse-scaling-table.py" "$DIR" "${ids[@]}"
