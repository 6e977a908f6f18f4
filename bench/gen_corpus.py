#!/usr/bin/env python3
"""Deterministic synthetic corpus for benchmarking the bigram job.

Usage:
    python3 bench/gen_corpus.py --mb 100 --vocab 50000 --seed 42 --out /tmp/corpus.txt

Writes lines of 5-25 lowercase words separated by single spaces (one sentence
per line) until the file holds at least --mb megabytes (1 MB = 1,000,000 bytes;
it stops after the line that reaches the target).

Model:
  * Vocabulary: --vocab unique pronounceable words built from syllables,
    lowercase a-z only. Words are ranked by frequency, and the most frequent
    ranks get the shortest words (as in real languages).
  * Unigram shape: Zipf, P(rank r) ~ 1 / r**exponent (default 1.1).
  * Markov chain: every word has its own list of 5-50 preferred successors
    (drawn from the Zipf distribution, fixed by the seed). After word w the
    next word is, with probability --follow (default 0.6), drawn from w's
    list with Zipf weights over the list; otherwise it is a fresh Zipf draw
    from the whole vocabulary. The first word of a line is a global draw.
    So H(next | prev) is well below the unigram entropy and a bigram model has
    something real to learn.

Deterministic: the same arguments give byte-identical output (only
random.Random(seed).random() is used, whose sequence is stable across Python
3 versions). Standard library only.
"""

import argparse
import bisect
import itertools
import random
import sys
import time

ONSETS = ["", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p",
          "r", "s", "t", "v", "w", "y", "z", "br", "ch", "cl", "cr", "dr",
          "fl", "fr", "gl", "gr", "pl", "pr", "sh", "sk", "sl", "sm", "sn",
          "sp", "st", "str", "th", "tr", "wh"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oa", "oo", "ou", "y"]
CODAS = ["", "", "", "", "n", "r", "s", "t", "l", "m", "nd", "ng", "nt",
         "rd", "rt", "sh", "st", "ck", "ct", "ld", "mp", "x"]
MEDIAL_CODAS = ["n", "r", "s", "l", "m"]  # inside a word keep clusters short


def zipf_cumulative(n, exponent):
    """Cumulative Zipf weights for ranks 1..n, normalised so the last is 1.0."""
    weights = [1.0 / (r ** exponent) for r in range(1, n + 1)]
    cum = list(itertools.accumulate(weights))
    total = cum[-1]
    cum = [c / total for c in cum]
    cum[-1] = 1.0
    return cum


def make_vocab(n, rng):
    """n unique pronounceable lowercase words, shortest first."""
    rand = rng.random
    seen = set()
    words = []
    while len(words) < n:
        u = rand()
        nsyl = 1 if u < 0.25 else 2 if u < 0.75 else 3 if u < 0.95 else 4
        parts = []
        for i in range(nsyl):
            parts.append(ONSETS[int(rand() * len(ONSETS))])
            parts.append(VOWELS[int(rand() * len(VOWELS))])
            if i == nsyl - 1:
                parts.append(CODAS[int(rand() * len(CODAS))])
            elif rand() < 0.25:
                parts.append(MEDIAL_CODAS[int(rand() * len(MEDIAL_CODAS))])
        w = "".join(parts)
        if len(w) < 2 or w in seen:
            continue
        seen.add(w)
        words.append(w)
    # stable sort by length: frequent (low) ranks get short words
    words.sort(key=len)
    return words


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, required=True,
                    help="target size in megabytes (10^6 bytes)")
    ap.add_argument("--vocab", type=int, default=50000,
                    help="vocabulary size (default 50000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed")
    ap.add_argument("--out", required=True, help="output file ('-' = stdout)")
    ap.add_argument("--exponent", type=float, default=1.1,
                    help="Zipf exponent (default 1.1)")
    ap.add_argument("--follow", type=float, default=0.6,
                    help="probability of taking a preferred successor (default 0.6)")
    ap.add_argument("--min-succ", type=int, default=5)
    ap.add_argument("--max-succ", type=int, default=50)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    if args.vocab < args.max_succ:
        ap.error("--vocab must be at least --max-succ")
    t0 = time.time()
    target = int(args.mb * 1_000_000)
    rng = random.Random(args.seed)
    rand = rng.random
    bis = bisect.bisect_right

    vocab = make_vocab(args.vocab, rng)
    nv = len(vocab)
    gcum = zipf_cumulative(nv, args.exponent)
    last = nv - 1

    # Successor tables: per word a list of distinct word ids (Zipf draws from
    # the whole vocabulary, so common words are common successors too) and a
    # shared Zipf cumulative table for lists of that length.
    lo, hi = args.min_succ, args.max_succ
    cum_by_len = {k: zipf_cumulative(k, args.exponent) for k in range(lo, hi + 1)}
    succ_ids = []
    succ_cum = []
    for _ in range(nv):
        k = lo + int(rand() * (hi - lo + 1))
        chosen = []
        seen = set()
        while len(chosen) < k:
            j = bis(gcum, rand())
            if j > last:
                j = last
            if j not in seen:
                seen.add(j)
                chosen.append(j)
        # order of the list decides which successor is the most likely one;
        # shuffle deterministically so it is not always the globally commonest
        for i in range(k - 1, 0, -1):
            m = int(rand() * (i + 1))
            chosen[i], chosen[m] = chosen[m], chosen[i]
        succ_ids.append(chosen)
        succ_cum.append(cum_by_len[k])
    t_setup = time.time() - t0

    follow = args.follow
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    written = 0
    chunk_target = 8 * 1024 * 1024
    try:
        while written < target:
            lines = []
            size = 0
            while size < chunk_target and written + size < target:
                n = 5 + int(rand() * 21)  # 5..25 words
                w = bis(gcum, rand())
                if w > last:
                    w = last
                ids = [w]
                for _ in range(n - 1):
                    if rand() < follow:
                        cum = succ_cum[w]
                        w = succ_ids[w][bis(cum, rand())]
                    else:
                        w = bis(gcum, rand())
                        if w > last:
                            w = last
                    ids.append(w)
                line = " ".join([vocab[i] for i in ids])
                lines.append(line)
                size += len(line) + 1
            data = ("\n".join(lines) + "\n").encode("ascii")
            out.write(data)
            written += len(data)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    if not args.quiet:
        el = time.time() - t0
        print(f"gen_corpus: {written} bytes, vocab {nv}, seed {args.seed}, "
              f"setup {t_setup:.1f}s, total {el:.1f}s "
              f"({written / 1e6 / max(el, 1e-9):.1f} MB/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
