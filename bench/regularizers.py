#!/usr/bin/env python3
"""Can a better regularizer take the bigram softmax 2% below the oracle Kneser-Ney? (issue 14, target 2)

    python3 bench/regularizers.py TRAIN TEST V [--epochs 800] [--quick | --ranks 4,8,16]   (needs python3-numpy)

A numpy twin of the job's dense model and optimizer: p(next | prev) = softmax(W[prev] + b), full-batch Adam with
the job's defaults (learning rate 0.3, decay 0.99, floor 0.001, weight epsilon max(1e-8, l2 / 10), unigram start
of the bias), trained on all of TRAIN. Tokens as the job's default tokenizer ([\\p{L}\\p{N}']+, lowercased, one
line a sentence, no markers); the vocabulary is the V - 1 most frequent words of TRAIN and <unk>.

Every variant is scored on TEST every 10 epochs and keeps its best score: an oracle choice of the epoch, as the
Kneser-Ney's discount is chosen on TEST. Strengths are in units of 1 / N (N training bigrams), the scale of a
prior on the sum of the log-likelihoods. Variants:
  - L2 on W (the job's regularizer) at several strengths;
  - L1 + L2 (an elastic net, the prior of Chen's exponential n-gram models): a proximal step after Adam's, so
    that pairs the data does not support stay at exactly 0 and seen pairs are discounted, as Kneser-Ney does;
  - L2 scaled per row by (row count / mean row count)^alpha;
  - the best L2 plus a low-rank term A[prev] B[:, next] (rank 32, its own L2): a change of the model, not of the
    regularizer, where contexts that predict alike share parameters;
  - the best L2 model interpolated with the oracle Kneser-Ney.
Prints one line per variant: its test perplexity and the ratio to the oracle Kneser-Ney (interpolated, discounts
0.50 to 0.99 scored on TEST).
"""
import argparse
import collections
import re
import time

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("train"); p.add_argument("test"); p.add_argument("v", type=int)
p.add_argument("--epochs", type=int, default=800)
p.add_argument("--ranks", default="",
               help="only the L2 at 0.3 / N and the low-rank term at these ranks, comma-separated (e.g. 4,8,16)")
p.add_argument("--quick", action="store_true",
               help="only the L2 at 0.3 / N, one L1 + L2 and one low-rank variant (a tenth of the time)")
a = p.parse_args()
V = a.v
TOKEN = re.compile(r"(?:[^\W_]|')+")


def lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            t = TOKEN.findall(line.lower())
            if t:
                yield t


train, test = list(lines(a.train)), list(lines(a.test))
counts = collections.Counter(w for s in train for w in s)
ids = {w: i + 1 for i, (w, _) in enumerate(counts.most_common(V - 1))}  # 0 is <unk>


def pairs(data):
    prev, nxt = [], []
    for s in data:
        seq = [ids.get(w, 0) for w in s]
        prev += seq[:-1]; nxt += seq[1:]
    return np.array(prev), np.array(nxt)


tp, tn = pairs(train)
sp, sn = pairs(test)
C = np.zeros((V, V), np.float32)
np.add.at(C, (tp, tn), 1)
N = float(C.sum()); n = C.sum(1)


def ppl(P):
    return float(np.exp(-np.mean(np.log(P[sp, sn]))))


def kneser_ney(D):
    cont = (C > 0).sum(0).astype(float); cont /= cont.sum()
    types = (C > 0).sum(1)
    back = np.where(n > 0, D * types / np.maximum(n, 1), 1.0)
    return np.maximum(C - D, 0) / np.maximum(n, 1)[:, None] + back[:, None] * cont[None, :]


kn, kn_d = min((ppl(kneser_ney(D)), D) for D in np.arange(0.50, 1.0, 0.01))
print(f"V = {V}: {N:.0f} training bigrams, {len(sp)} test bigrams; oracle Kneser-Ney {kn:.3f} (D = {kn_d:.2f})",
      flush=True)


def probs(W, b):
    Z = W + b[None, :]
    Z -= Z.max(1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(1, keepdims=True)


class AdamState:
    def __init__(self, x):
        self.m, self.v = np.zeros_like(x), np.zeros_like(x)

    def step(self, x, g, step, eps, c2):
        self.m = 0.9 * self.m + 0.1 * g
        self.v = 0.999 * self.v + 0.001 * g * g
        return (x - step * self.m / (np.sqrt(self.v) + eps * np.sqrt(c2))).astype(np.float32)


def fit(l1, l2, rows=None, rank=0, l2_low=0.0, lr=0.3, decay=0.99, floor=0.001):
    rows = np.ones(V, np.float32) if rows is None else rows
    W = np.zeros((V, V), np.float32)
    u = C.sum(0) + 1
    b = np.log(u / u.sum()).astype(np.float32)
    mW, vW, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
    # An optional low-rank term A[prev] . B[:, next] beside W: rows that share next words share parameters.
    rng = np.random.default_rng(1)
    A = (0.01 * rng.standard_normal((V, max(rank, 1)))).astype(np.float32)
    B = (0.01 * rng.standard_normal((max(rank, 1), V))).astype(np.float32)
    sA, sB = AdamState(A), AdamState(B)
    eps = max(1e-8, 0.1 * l2)
    best = (np.inf, 0, None)
    for t in range(1, a.epochs + 1):
        low = A @ B if rank else 0.0
        G = (n[:, None] * probs(W + low, b) - C) / N
        gW = G + l2 * rows[:, None] * W
        gb = G.sum(0)
        c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
        step = max(lr * decay ** t, floor) * np.sqrt(c2) / c1  # the job's lr_e = max(lr * decay^e, floor)
        if rank:
            gA, gB = G @ B.T + l2_low * A, A.T @ G + l2_low * B
            A, B = sA.step(A, gA, step, 1e-8, c2), sB.step(B, gB, step, 1e-8, c2)
        mW = 0.9 * mW + 0.1 * gW; vW = 0.999 * vW + 0.001 * gW * gW
        d = np.sqrt(vW) + eps * np.sqrt(c2)
        U = W - step * mW / d
        # The proximal step of l1 * |W| in Adam's metric: shrink toward 0 by the step each weight would take.
        W = (np.sign(U) * np.maximum(np.abs(U) - step * c1 * l1 / d, 0)).astype(np.float32)
        mb = 0.9 * mb + 0.1 * gb; vb = 0.999 * vb + 0.001 * gb * gb
        b = (b - step * mb / (np.sqrt(vb) + 1e-8 * np.sqrt(c2))).astype(np.float32)
        if t % 10 == 0:
            P = probs(W + (A @ B if rank else 0.0), b)
            s = ppl(P)
            if s < best[0]:
                best = (s, t, P)
    return best


def report(name, s, epoch, extra=""):
    print(f"{name:<40} {s:9.3f}  {s / kn:.4f}x  epoch {epoch}{extra}", flush=True)


best_l2 = (np.inf, None, None)
if a.ranks:
    for a2 in [0.3]:
        s, e, P = fit(0.0, a2 / N)
        report(f"L2 {a2}/N", s, e)
    for rank in [int(r) for r in a.ranks.split(",")]:
        t0 = time.time()
        s, e, _ = fit(0.0, 0.3 / N, rank=rank, l2_low=10.0 / N)
        report(f"L2 0.3/N + rank {rank} (L2 10.0/N)", s, e, f"  ({time.time() - t0:.0f} s)")
    raise SystemExit(0)
for a2 in [0.3] if a.quick else [0.1, 0.2, 0.3, 0.45]:
    t0 = time.time()
    s, e, P = fit(0.0, a2 / N)
    report(f"L2 {a2}/N", s, e, f"  ({time.time() - t0:.0f} s)")
    if s < best_l2[0]:
        best_l2 = (s, a2, P)
for a1, a2 in [(0.1, 0.2)] if a.quick else [(0.1, 0.2), (0.25, 0.1), (0.25, 0.2), (0.5, 0.05)]:
    s, e, P = fit(a1 / N, a2 / N)
    report(f"L1 {a1}/N + L2 {a2}/N", s, e)
for alpha in [] if a.quick else [-0.25, 0.25]:
    rows = np.where(n > 0, (n / n.mean()) ** alpha, 1.0).astype(np.float32)
    s, e, _ = fit(0.0, best_l2[1] / N, rows)
    report(f"L2 {best_l2[1]}/N x (row count)^{alpha}", s, e)
for rank, low in [(32, 10.0)] if a.quick else [(32, 1.0), (32, 10.0)]:
    s, e, _ = fit(0.0, best_l2[1] / N, rank=rank, l2_low=low / N)
    report(f"L2 {best_l2[1]}/N + rank {rank} (L2 {low}/N)", s, e)
K = kneser_ney(kn_d)
for lam in [0.5, 0.7, 0.85]:
    report(f"{lam} x best L2 + {1 - lam:.2f} x Kneser-Ney", ppl(lam * best_l2[2] + (1 - lam) * K), "-")
