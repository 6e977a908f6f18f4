#!/usr/bin/env bash
# Usage: bench/kernel-choice.sh OLD_ROOT NEW_ROOT [BENCH_DIR]
#
# The fast kernel's choice, before and after: OLD_ROOT is a checkout whose kernel starts on the scalar twins
# and moves to the vector code after a background warm-up (run with its default, -Dbigram.vector.warm-up-after-ms
# =2000); NEW_ROOT one that chooses once per JVM and run from V (run with no -D flag). Both must be built
# (mvn -B -DskipTests package: job/target/bigram-trainer.jar and bench/target/classpath.txt).
#
# The training: real-train.txt of bench/run.sh's corpora, no validation split, no
# L2, unigram initial bias, Adam lr 0.3, decay 0.99, 40 epochs. For V = 1,000, 2,000 and 10,000, 5 rounds;
# a round runs both builds, OLD first in odd rounds and NEW first in even ones. Before every run the script
# waits (10 s at a time) until the 1-minute load average is under $KERNEL_CHOICE_MAX_LOAD (default 2.0), and
# records that load with the result.
#
# Every result is appended, as a JSON line (ConvergeBench's BENCH line plus build, round, position, load,
# session), to BENCH_DIR/kernel-choice.jsonl; the JVM's stderr goes to BENCH_DIR/kernel-choice-logs/.
# Prints, from this session's lines: a Markdown table of medians over the rounds, then every run.
#
# Environment: KERNEL_CHOICE_VOCABS (default "1000 2000 10000"), KERNEL_CHOICE_ROUNDS (default 5),
# KERNEL_CHOICE_MAX_LOAD (default 2.0). With KERNEL_CHOICE_TABLE=SESSION it runs nothing and prints the
# tables of that session's lines (SESSION = the "session" field; "all" for every line of the file).
set -euo pipefail
if [[ $# -lt 2 || $# -gt 3 ]]; then
  sed -n '2p' "$0" | sed 's/^# //' >&2
  exit 2
fi
OLD_ROOT="$(cd "$1" && pwd)"
NEW_ROOT="$(cd "$2" && pwd)"
BENCH_DIR="${3:-${BENCH_DIR:-/tmp/bigram-bench}}"
VOCABS="${KERNEL_CHOICE_VOCABS:-1000 2000 10000}"
ROUNDS="${KERNEL_CHOICE_ROUNDS:-5}"
MAX_LOAD="${KERNEL_CHOICE_MAX_LOAD:-2.0}"
OUT="$BENCH_DIR/kernel-choice.jsonl"
LOGS="$BENCH_DIR/kernel-choice-logs"

table() {
  python3 - "$OUT" "$1" <<'PY'
import json, statistics, sys
path, session = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(path) if l.strip()]
rows = [r for r in rows if session == "all" or r.get("session") == session]
if not rows:
    sys.exit(f"kernel-choice: no lines of session {session} in {path}")
med = statistics.median

def per_epoch_after_first(r):
    return (r["seconds_all_epochs"] - r["seconds_first_epoch"]) / (r["epochs_run"] - 1)

print("| V | build | median first epoch (s) | median all 40 epochs (s) | median epoch 2-40 (s per epoch) "
      "| median seconds to 0.5% of the floor (epochs) | loads |")
print("| ---: | --- | ---: | ---: | ---: | ---: | --- |")
vocabs = sorted({r["vocab"] for r in rows if "vocab" in r})
for v in vocabs:
    for build in ("old", "new"):
        rs = sorted((r for r in rows if r.get("vocab") == v and r["build"] == build and "seconds_all_epochs" in r),
                    key=lambda r: r["round"])
        if not rs:
            continue
        reached = [r for r in rs if r["seconds_to_within_0.5pct"] is not None]
        if len(reached) == len(rs):
            epochs = sorted({r["epochs_to_within_0.5pct"] for r in rs})
            reach = f"{med([r['seconds_to_within_0.5pct'] for r in rs]):.3f} ({'/'.join(map(str, epochs))})"
        elif not reached:
            reach = f"not in {rs[0]['epochs_run']}"
        else:
            reach = (f"{len(reached)} of {len(rs)} runs: "
                     f"{med([r['seconds_to_within_0.5pct'] for r in reached]):.3f}")
        n = "" if len(rs) == 5 else f" (n={len(rs)})"
        print(f"| {v:,} | {build}{n} | {med([r['seconds_first_epoch'] for r in rs]):.3f} "
              f"| {med([r['seconds_all_epochs'] for r in rs]):.3f} "
              f"| {med([per_epoch_after_first(r) for r in rs]):.4f} | {reach} "
              f"| {', '.join(r['load_1min'] for r in rs)} |")
failed = [r for r in rows if "seconds_all_epochs" not in r]
print()
print("Every run (round.position build: first epoch / all epochs / epochs 2-40 per epoch / within-run median "
      "epoch 2-40 / to 0.5% (epochs) / data pass; load):")
for v in vocabs:
    print(f"- V = {v:,}:")
    for r in sorted((r for r in rows if r.get("vocab") == v), key=lambda r: (r["round"], r["position"])):
        reach = ("-" if r["seconds_to_within_0.5pct"] is None
                 else f"{r['seconds_to_within_0.5pct']:.3f} ({r['epochs_to_within_0.5pct']})")
        print(f"  - {r['round']}.{r['position']} {r['build']}: {r['seconds_first_epoch']:.3f} / "
              f"{r['seconds_all_epochs']:.3f} / {per_epoch_after_first(r):.4f} / {r['seconds_epoch_median']:.4f} / "
              f"{reach} / {r['seconds_data_pass']:.2f}; load {r['load_1min']}"
              + ("; " + " | ".join(r["kernel_log"]) if r.get("kernel_log") else ""))
for r in failed:
    print(f"- FAILED: V = {r['requested_vocab']}, round {r['round']}, {r['build']}: see {r['log']}")
loads = [float(r["load_1min"]) for r in rows]
print(f"\nLoad (1-minute, before each run): {min(loads):.2f} to {max(loads):.2f}; {len(rows)} runs.")
PY
}

if [[ -n "${KERNEL_CHOICE_TABLE:-}" ]]; then
  table "$KERNEL_CHOICE_TABLE"
  exit 0
fi

[[ -f "$BENCH_DIR/real-train.txt" ]] || { echo "no $BENCH_DIR/real-train.txt: run bench/run.sh corpora first" >&2; exit 2; }
for root in "$OLD_ROOT" "$NEW_ROOT"; do
  [[ -f "$root/job/target/bigram-trainer.jar" && -f "$root/bench/target/classpath.txt" ]] \
    || { echo "kernel-choice: $root is not built: run mvn -B -DskipTests package there" >&2; exit 2; }
done
mkdir -p "$LOGS"
SESSION="$(date -u +%Y%m%dT%H%M%SZ)"
OLD_COMMIT="$(git -C "$OLD_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
NEW_COMMIT="$(git -C "$NEW_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "kernel-choice: session $SESSION, old $OLD_ROOT ($OLD_COMMIT), new $NEW_ROOT ($NEW_COMMIT), $OUT" >&2

# Waits until the 1-minute load average is under MAX_LOAD; prints it.
wait_for_load() {
  local load
  while true; do
    load="$(cut -d' ' -f1 /proc/loadavg)"
    if python3 -c "import sys; sys.exit(0 if float('$load') < float('$MAX_LOAD') else 1)"; then
      echo "$load"
      return
    fi
    echo "kernel-choice: load $load, waiting" >&2
    sleep 10
  done
}

# run BUILD V ROUND POSITION
run() {
  local build="$1" v="$2" round="$3" position="$4"
  local root flag commit
  if [[ "$build" == old ]]; then
    root="$OLD_ROOT"; flag=(-Dbigram.vector.warm-up-after-ms=2000); commit="$OLD_COMMIT"
  else
    root="$NEW_ROOT"; flag=(); commit="$NEW_COMMIT"
  fi
  local t_wait load started t0 t1 log line
  t_wait="$(date +%s)"
  load="$(wait_for_load)"
  started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  t0="$(date +%s.%N)"
  log="$LOGS/$SESSION-v$v-r$round-$build.log"
  echo "kernel-choice: V=$v round $round.$position $build (load $load)" >&2
  line="$("$root/bench/java.sh" -Xmx5g "${flag[@]}" dev.bigram.bench.ConvergeBench "$build" \
    "$BENCH_DIR/real-train.txt" "vocab.size=$v" train.validation-fraction=0 train.l2=0 model.init-bias=unigram \
    train.learning-rate=0.3 train.decay=0.99 train.min-learning-rate=0.01 train.max-epochs=40 \
    early-stopping.patience=400 early-stopping.min-delta=0 2> "$log" | grep '^BENCH ' | sed 's/^BENCH //' || true)"
  t1="$(date +%s.%N)"
  python3 - "$line" "$build" "$commit" "$v" "$round" "$position" "$load" "$started" "$t0" "$t1" "$t_wait" \
    "$SESSION" "$log" "${flag[*]:-}" >> "$OUT" <<'PY'
import json, sys
line, build, commit, v, rnd, pos, load, started, t0, t1, t_wait, session, log, flag = sys.argv[1:]
r = json.loads(line) if line.strip() else {"error": "no BENCH line"}
# The old build logs when its warm-up ends (vector code in use, or staying scalar); the new one logs nothing.
notes = [l.strip() for l in open(log, errors="replace") if "Vector kernels" in l or "stays scalar" in l]
r["kernel_log"] = notes
r.update(build=build, commit=commit, requested_vocab=int(v), round=int(rnd), position=int(pos), load_1min=load,
         started=started, wall_seconds=round(float(t1) - float(t0), 3),
         waited_seconds=round(float(t0) - float(t_wait), 1), session=session, log=log, jvm_flag=flag)
print(json.dumps(r))
PY
  [[ -n "$line" ]] || echo "kernel-choice: V=$v round $round $build failed: see $log" >&2
}

for v in $VOCABS; do
  for ((round = 1; round <= ROUNDS; round++)); do
    if (( round % 2 == 1 )); then order=(old new); else order=(new old); fi
    run "${order[0]}" "$v" "$round" 1
    run "${order[1]}" "$v" "$round" 2
  done
done
echo "kernel-choice: session $SESSION done" >&2
table "$SESSION"
