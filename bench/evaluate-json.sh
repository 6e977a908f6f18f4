#!/usr/bin/env bash
# Usage: bench/evaluate-json.sh RUN_DIR TEST_FILE V
# Runs ./submit.sh evaluate --baseline kn,mkn,add-k --json and prints its result as a BENCH line for bench/run.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
json="$("$ROOT/submit.sh" --driver-memory 6g evaluate --model "$1" --input "$2" --baseline kn,mkn,add-k --json | tail -1)"
summary="$(cat "$1/summary.json")"
python3 - "$json" "$summary" "$3" <<'PY'
import json, sys
r, s = json.loads(sys.argv[1]), json.loads(sys.argv[2])
out = {"benchmark": "quality", "vocab": int(sys.argv[3]), "model_perplexity": r["perplexity"],
       "kn_perplexity": r["baselines"]["kn"]["perplexity"], "kn_discount": r["baselines"]["kn"]["parameter"],
       "mkn_perplexity": r["baselines"]["mkn"]["perplexity"], "mkn_discounts": r["baselines"]["mkn"]["parameter"],
       "addk_perplexity": r["baselines"]["add-k"]["perplexity"], "addk_k": r["baselines"]["add-k"]["parameter"],
       "test_bigrams": r["bigrams"], "oov_rate": r["oov_rate"], "l2": s.get("l2"), "epochs": s.get("epochs_run"),
       "l2_trials": len(s.get("l2_trials", [])), "seconds_training": s.get("seconds_training"),
       "seconds_total_train": s.get("seconds_total")}
print("BENCH " + json.dumps(out))
PY
