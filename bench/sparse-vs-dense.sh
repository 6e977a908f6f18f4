#!/usr/bin/env bash
# Usage: bench/sparse-vs-dense.sh LABEL TRAIN_FILE TEST_FILE VOCAB WEIGHTS [--set key=value ...]
#
# One measurement of the dense-vs-sparse comparison: ./submit.sh train on TRAIN_FILE with
# vocab.size=VOCAB and model.weights=WEIGHTS (auto|dense|sparse; "default" passes no model.weights),
# under /usr/bin/time -v (wall seconds, max RSS of the driver JVM), then ./submit.sh evaluate on
# TEST_FILE with --baseline kn,add-k --json. The load average (uptime) is taken before each command.
# Each run gets its own output directory $BENCH_DIR/runs/LABEL, the run itself in runs/LABEL/LABEL, so no
# run is compared with (and refused against) another measurement's published model; logs in
# $BENCH_DIR/logs (default BENCH_DIR=/tmp/bigram-bench/sparse); one JSON line per measurement is appended to $BENCH_DIR/results.jsonl and printed.
# Nothing is written into the repository.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/bigram-bench/sparse}"
if [[ $# -lt 5 ]]; then sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
LABEL="$1"; TRAIN="$2"; TEST="$3"; VOCAB="$4"; WEIGHTS="$5"; shift 5
EXTRA=("$@")
mkdir -p "$BENCH_DIR/runs" "$BENCH_DIR/logs"
LOG="$BENCH_DIR/logs/$LABEL"
rm -rf "$BENCH_DIR/runs/$LABEL"

sets=(--set "vocab.size=$VOCAB")
[[ "$WEIGHTS" != default ]] && sets+=(--set "model.weights=$WEIGHTS")
train_cmd=("$ROOT/submit.sh" train --input "$TRAIN" --output "$BENCH_DIR/runs/$LABEL" --run-id "$LABEL" "${sets[@]}" "${EXTRA[@]}")
load_train="$(uptime)"
echo "[$LABEL] $load_train" >&2
echo "[$LABEL] ${train_cmd[*]}" >&2
/usr/bin/time -v "${train_cmd[@]}" > "$LOG.train.out" 2> "$LOG.train.err" \
  || { echo "[$LABEL] train failed (exit $?): $LOG.train.err" >&2; exit 1; }

python3 "$ROOT/bench/loss-check.py" "$LOG.train.err" > "$LOG.losscheck.json"
RUN="$BENCH_DIR/runs/$LABEL/$LABEL"
eval_cmd=("$ROOT/submit.sh" evaluate --model "$RUN" --input "$TEST" --baseline kn,add-k --json)
load_eval="$(uptime)"
echo "[$LABEL] ${eval_cmd[*]}" >&2
/usr/bin/time -v "${eval_cmd[@]}" > "$LOG.eval.out" 2> "$LOG.eval.err" \
  || { echo "[$LABEL] evaluate failed (exit $?): $LOG.eval.err" >&2; exit 1; }

python3 - "$LABEL" "$RUN" "$LOG" "$load_train" "$load_eval" "${train_cmd[*]}" "${eval_cmd[*]}" <<'PY' | tee -a "$BENCH_DIR/results.jsonl"
import json, re, sys
label, run, log, load_train, load_eval, train_cmd, eval_cmd = sys.argv[1:8]
s = json.load(open(f"{run}/summary.json"))
ev = None
for line in open(f"{log}.eval.out"):
    line = line.strip()
    if line.startswith("{"):
        ev = json.loads(line)
def timev(path):
    t = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", t).group(1).strip()
    parts = [float(p) for p in wall.split(":")]
    secs = 0.0
    for p in parts:
        secs = secs * 60 + p
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
    return round(secs, 1), rss
tw, trss = timev(f"{log}.train.err")
ew, erss = timev(f"{log}.eval.err")
trials = s.get("l2_trials") or []
def trial_epochs(t):
    for k in ("epochs_run", "epochs"):
        if k in t:
            return t[k]
    return None
te = [trial_epochs(t) for t in trials]
lc = json.load(open(f"{log}.losscheck.json"))
out = {
    "label": label, "run": run,
    "vocab_size": s.get("vocab_size"), "model_weights": s.get("model_weights", "dense"),
    "model_pairs": s.get("model_pairs"), "distinct_bigrams": s.get("distinct_bigrams"),
    "l2": s.get("l2"), "epochs_run": s.get("epochs_run"), "best_epoch": s.get("best_epoch"),
    "stop_reason": s.get("stop_reason"),
    "l2_trials": len(trials), "trial_epochs": te,
    "total_epochs_all_trials": (sum(e for e in te if e is not None) if te and None not in te else None),
    "seconds_all_trials": round(sum(t.get("seconds", 0) for t in trials), 1),
    "seconds_training": s.get("seconds_training"), "seconds_total": s.get("seconds_total"),
    "best_validation_loss": s.get("best_validation_loss"),
    "val_ppl_kn": s.get("kn_validation_perplexity"),
    "test_ppl_model": ev["perplexity"] if ev else None,
    "test_ppl_kn": ev["baselines"]["kn"]["perplexity"] if ev else None,
    "test_ppl_addk": ev["baselines"]["add-k"]["perplexity"] if ev else None,
    "kn_discount": ev["baselines"]["kn"]["parameter"] if ev else None,
    "addk_k": ev["baselines"]["add-k"]["parameter"] if ev else None,
    "test_bigrams": ev.get("bigrams") if ev else None, "test_oov_rate": ev.get("oov_rate") if ev else None,
    "train_wall_s": tw, "train_max_rss_kb": trss, "eval_wall_s": ew, "eval_max_rss_kb": erss,
    "train_loss_rises": sum(g["rises"] for g in lc["segments"]),
    "train_loss_max_rise": max([g["max_rise"] for g in lc["segments"]] or [0]),
    "log_warnings": len(lc["warnings"]),
    "load_train": load_train, "load_eval": load_eval,
    "train_command": train_cmd, "eval_command": eval_cmd,
}
print(json.dumps(out))
PY
