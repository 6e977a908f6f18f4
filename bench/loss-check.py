#!/usr/bin/env python3
"""Usage: bench/loss-check.py TRAIN_LOG

Reads the EpochLoop lines of a `./submit.sh train` log (stderr) and prints, per training segment (an L2 trial,
or the published run when it is trained separately; a segment starts where the epoch number goes back to 1),
the epochs, the first and last train loss, and every epoch whose train loss went UP from the epoch before
(count and the largest rise), plus the WARN/ERROR lines of the log. One JSON object on stdout."""
import json, re, sys

EPOCH = re.compile(r"EpochLoop: epoch (\d+)/\d+\s+train ([0-9.eE+-]+)\s+validation ([0-9.eE+-]+)")
segments, cur, warns = [], None, []
for line in open(sys.argv[1], errors="replace"):
    m = EPOCH.search(line)
    if m:
        ep, tr, va = int(m.group(1)), float(m.group(2)), float(m.group(3))
        if ep == 1 or cur is None:
            cur = {"epochs": 0, "first_train": tr, "rises": 0, "max_rise": 0.0, "rise_epochs": [],
                   "val_rises": 0}
            segments.append(cur)
            prev_tr = prev_va = None
        cur["epochs"] = ep
        cur["last_train"] = tr
        cur["last_validation"] = va
        if prev_tr is not None and tr > prev_tr:
            cur["rises"] += 1
            cur["max_rise"] = max(cur["max_rise"], tr - prev_tr)
            if len(cur["rise_epochs"]) < 10:
                cur["rise_epochs"].append(ep)
        if prev_va is not None and va > prev_va:
            cur["val_rises"] += 1
        prev_tr, prev_va = tr, va
    elif re.search(r"\b(WARN|ERROR|Exception)\b", line) and "Command being timed" not in line:
        warns.append(line.strip()[:300])
print(json.dumps({"segments": segments, "warnings": sorted(set(warns))[:20]}))
