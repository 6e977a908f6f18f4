#!/usr/bin/env python3
"""Markdown table and fit for bench/sparse-scaling.sh: sparse-scaling-table.py DATA_DIR RUN_ID...

Reads DATA_DIR/runs/ID/summary.json, DATA_DIR/logs/ID.{log,time,uptime}. Epoch statistics are medians over
epochs 2..N (epoch 1 is JIT warm-up). The first run is the 'empty epoch' baseline; the fit is
(epoch s - baseline epoch s) = slope * model_pairs, least squares through the origin, over the other runs of
the same epoch count (the --big-mb run, with 10 epochs, is fitted too when present, but marked)."""
import json
import os
import re
import statistics
import sys

num = r"([0-9.]+)"
epoch_re = re.compile(r"epoch (\d+)/(\d+) .*?" + num + r" s  \(broadcast " + num + r" MB in " + num
                      + r" s, aggregate " + num + r" s, gradient " + num + r" MB, update " + num + r" s\)")


def wall(text):
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    if not m:
        return float("nan")
    parts = [float(x) for x in m.group(1).split(":")]
    s = 0.0
    for p in parts:
        s = s * 60 + p
    return s


def read(d, rid):
    logs = os.path.join(d, "logs")
    row = {"id": rid}
    try:
        s = json.load(open(os.path.join(d, "runs", rid, "summary.json")))
    except OSError as e:
        row["error"] = str(e)
        s = {}
    row["V"] = s.get("vocab_size")
    row["pairs"] = s.get("model_pairs")
    row["distinct"] = s.get("distinct_bigrams")
    row["tokens"] = s.get("tokens")
    row["data_pass"] = s.get("seconds_data_pass")
    row["training"] = s.get("seconds_training")
    epochs = []
    try:
        for line in open(os.path.join(logs, rid + ".log"), errors="replace"):
            m = epoch_re.search(line)
            if m:
                epochs.append((int(m.group(1)), float(m.group(3)), float(m.group(6)), float(m.group(8))))
    except OSError:
        pass
    later = [e for e in epochs if e[0] >= 2]
    row["n_epochs"] = len(epochs)
    row["epoch"] = statistics.median(e[1] for e in later) if later else float("nan")
    row["aggregate"] = statistics.median(e[2] for e in later) if later else float("nan")
    row["update"] = statistics.median(e[3] for e in later) if later else float("nan")
    try:
        t = open(os.path.join(logs, rid + ".time")).read()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
        row["rss_gb"] = int(m.group(1)) / 1e6 if m else float("nan")
        row["wall"] = wall(t)
        m = re.search(r"Exit status: (\d+)", t)
        row["exit"] = int(m.group(1)) if m else None
    except OSError:
        row["rss_gb"], row["wall"], row["exit"] = float("nan"), float("nan"), None
    try:
        u = open(os.path.join(logs, rid + ".uptime")).read()
        m = re.search(r"load average: ([0-9.]+), ([0-9.]+), ([0-9.]+)", u)
        row["load"] = m.group(1) if m else "?"
    except OSError:
        row["load"] = "?"
    try:
        # the corpus is the last input (a --fixed-v run reads the word list first); older runs have no .inputs
        inputs = [l.strip() for l in open(os.path.join(logs, rid + ".inputs")) if l.strip()]
        corpus = inputs[-1]
    except OSError:
        corpus = os.path.join(d, rid.replace("sparse-", "") + ".txt")
    try:
        row["mb"] = os.path.getsize(corpus) / 1e6
    except OSError:
        row["mb"] = float("nan")
    return row


def fmt(x, spec):
    return "n/a" if x is None or (isinstance(x, float) and x != x) else format(x, spec)


def main():
    d, ids = sys.argv[1], sys.argv[2:]
    rows = [read(d, i) for i in ids]
    print("| run | corpus MB | tokens | V | model_pairs | epochs | median epoch s (2..N) | median aggregate s "
          "| median update s | data pass s | training s | wall s | max RSS GB | load (1 min) before | exit |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['id']} | {fmt(r['mb'], '.1f')} | {fmt(r['tokens'], ',')} | {fmt(r['V'], ',')} "
              f"| {fmt(r['pairs'], ',')} | {r['n_epochs']} | {fmt(r['epoch'], '.3f')} | {fmt(r['aggregate'], '.3f')} "
              f"| {fmt(r['update'], '.3f')} | {fmt(r['data_pass'], '.1f')} | {fmt(r['training'], '.1f')} "
              f"| {fmt(r['wall'], '.1f')} | {fmt(r['rss_gb'], '.2f')} | {r['load']} | {r['exit']} |")
    ok = [r for r in rows if r["pairs"] and r["epoch"] == r["epoch"]]
    if len(ok) < 2:
        print("\n(fewer than two finished runs: no fit)")
        return
    base, pts = ok[0], ok[1:]
    y = [(r["epoch"] - base["epoch"], r["pairs"]) for r in pts]
    slope = sum(dy * p for dy, p in y) / sum(p * p for _, p in y)
    print(f"\nFit: epoch_s - {base['epoch']:.3f} s (empty epoch, {base['id']}, V = {base['V']:,}, "
          f"{base['pairs']:,} pairs) = slope * pairs, least squares through the origin over {len(pts)} points:")
    print(f"slope = {slope * 1e9:.1f} ns per pair\n")
    vs = sorted({r["V"] for r in ok})
    if len(vs) > 1:
        print(f"Note: V is not fixed across these points ({', '.join(f'{v:,}' for v in vs)}): the empty epoch's "
              "O(V) part differs between them (bench/sparse-scaling.sh --fixed-v holds V).\n")
    print("| run | pairs | epoch s - empty | fitted | residual % |")
    print("|---|---|---|---|---|")
    for r, (dy, p) in zip(pts, y):
        fit = slope * p
        print(f"| {r['id']} | {p:,} | {dy:.3f} | {fit:.3f} | {100 * (dy - fit) / fit:+.1f} % |")
    # The target's own terms: from 10^6 pairs up, residuals relative to the fit. Least squares through the origin
    # lets the largest points set the slope; least squares of the relative residuals weighs every point alike.
    inside = [(dy, p) for dy, p in y if p >= 1e6]
    if len(inside) >= 2:
        rel = sum((dy / p) ** 2 for dy, p in inside) / sum(dy / p for dy, p in inside)
        print(f"\nFrom 10^6 pairs up ({len(inside)} points), least squares of the relative residuals: "
              f"slope = {rel * 1e9:.1f} ns per pair; residuals "
              + ", ".join(f"{100 * (dy - rel * p) / (rel * p):+.1f} % ({p / 1e6:.2f} M)" for dy, p in inside))


if __name__ == "__main__":
    main()
