#!/usr/bin/env bash
# The strongest interpolated Kneser-Ney on a corpus, the "oracle" that issue 14's held-out target compares with:
# counted on all of TRAIN (no validation split), its discount chosen on TEST itself.
#
#   bench/kn-oracle.sh TRAIN TEST V [DIR]
#
# Counts TRAIN once through the job (./submit.sh train with vocab.size = V, train.validation-fraction = 0, a
# short training at train.l2 = 0: only the counts and the vocabulary matter, the same vocabulary as a default run
# of V, which counts words on all lines), then scores Kneser-Ney on TEST with `evaluate --baseline kn` for each
# discount of a grid (0.50 to 0.95, step 0.01), by setting kn_discount in a copy of the run's summary.json.
# Prints one line per discount and, last, `oracle V=... discount=... perplexity=...`. Runs stay in DIR
# (default /tmp/bigram-kn-oracle).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -ge 3 ]] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
TRAIN="$1"; TEST="$2"; V="$3"; DIR="${4:-/tmp/bigram-kn-oracle}"
mkdir -p "$DIR"
run="all-v$V"
"$ROOT/submit.sh" --driver-memory 6g train --input "$TRAIN" --output "$DIR/runs" --run-id "$run" --overwrite \
  --set vocab.size="$V" --set train.validation-fraction=0 --set train.l2=0 --set train.max-epochs=30 \
  >"$DIR/$run.out" 2>"$DIR/$run.log" || { echo "error: counting failed, see $DIR/$run.log" >&2; exit 1; }
scan="$DIR/scan-v$V"
rm -rf "$scan"
cp -r "$DIR/runs/$run" "$scan"
rm -f "$scan/.summary.json.crc"
best=""
for d in $(seq 0.50 0.01 0.95); do
  python3 - "$scan/summary.json" "$d" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["kn_discount"] = float(sys.argv[2]); json.dump(s, open(sys.argv[1], "w"))
PY
  ppl="$("$ROOT/submit.sh" evaluate --model "$scan" --input "$TEST" --baseline kn --json 2>/dev/null | tail -1 \
    | python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["baselines"]["kn"]["perplexity"])')"
  echo "V=$V discount=$d perplexity=$ppl"
  best="$(printf '%s\n%s %s\n' "$best" "$ppl" "$d" | sed '/^$/d' | sort -g | head -1)"
done
echo "oracle V=$V discount=${best#* } perplexity=${best%% *}"
