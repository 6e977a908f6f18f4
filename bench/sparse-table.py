#!/usr/bin/env python3
"""Usage: bench/sparse-table.py [RESULTS_JSONL]   (default /tmp/bigram-bench/sparse/results.jsonl)

Prints the measurements of bench/sparse-vs-dense.sh as a Markdown table (the last line per label wins), then
the model's held-out perplexity relative to the dense run of the same corpus and V, and to Kneser-Ney."""
import json, math, sys

path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bigram-bench/sparse/results.jsonl"
rows = {}
for line in open(path):
    r = json.loads(line)
    rows[r["label"]] = r

def f(x, d=2):
    return "-" if x is None else (f"{x:.{d}f}" if isinstance(x, float) else str(x))

cols = ["label", "V", "weights", "pairs", "test ppl model", "KN", "add-k", "model/KN", "val ppl model / KN", "l2", "epochs all trials",
        "published epochs (best)", "train wall s", "training s (all trials)", "s/epoch", "max RSS MB (train / eval)", "loss rises", "load (1/5/15) at train"]
print("| " + " | ".join(cols) + " |")
print("|" + "---|" * len(cols))
for r in rows.values():
    print("| " + " | ".join([
        r["label"], f(r["vocab_size"]), r["model_weights"], f(r.get("model_pairs")),
        f(r["test_ppl_model"]), f(r["test_ppl_kn"]), f(r["test_ppl_addk"]),
        f(r["test_ppl_model"] / r["test_ppl_kn"], 4),
        f"{math.exp(r['best_validation_loss']):.2f} / {r['val_ppl_kn']:.2f}", f"{r['l2']:.3g}" if r["l2"] is not None else "-",
        f"{r['total_epochs_all_trials']} ({'+'.join(map(str, r['trial_epochs']))})" if r["trial_epochs"]
        else f"{r['epochs_run']} (fixed l2)",
        f"{r['epochs_run']} ({r['best_epoch']})", f(r["train_wall_s"], 1), f(r["seconds_all_trials"] or r["seconds_training"], 1),
        f((r["seconds_all_trials"] or r["seconds_training"]) / (r["total_epochs_all_trials"] or r["epochs_run"]), 3),
        f"{r['train_max_rss_kb'] // 1024} / {r['eval_max_rss_kb'] // 1024}", f(r["train_loss_rises"]),
        r["load_train"].split("load average:")[1].strip()]) + " |")
print()
def inp(cmd):
    return cmd.split("--input ")[1].split()[0]
for r in rows.values():
    if r["model_weights"] == "sparse":
        for d in rows.values():
            if d["model_weights"] == "dense" and d["vocab_size"] == r["vocab_size"] and \
                    inp(d["train_command"]) == inp(r["train_command"]) and d["eval_command"].split("--input")[1] == \
                    r["eval_command"].split("--input")[1]:
                print(f"{r['label']} vs {d['label']}: perplexity {r['test_ppl_model']:.3f} vs {d['test_ppl_model']:.3f}"
                      f" = {100 * (r['test_ppl_model'] / d['test_ppl_model'] - 1):+.2f}%")
