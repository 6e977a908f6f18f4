#!/usr/bin/env bash
# Usage: bench/make-sample-data.sh [OUT_DIR]
#
# Rebuilds the committed sample corpus in OUT_DIR (default: sample-data/ at the
# repository root). Documents exactly how those files were made:
#   exercise-training.txt, exercise-challenge.txt  written verbatim below
#                                                  (from the classroom exercise)
#   jargon.txt       The Jargon File 4.4.7 (public domain), Debian package
#                    jargon-text, /usr/share/doc/jargon-text/jargon.txt.gz:
#                    chapter 1 onwards, first ~JARGON_BYTES bytes of cleaned text
#   kjv-excerpt.txt  King James Bible, book of Genesis (public domain), Debian
#                    packages bible-kjv-text (data) + bible-kjv (`bible` reader)
# Cleaning: strip markup (<...>, {cross-ref} braces, headword lines, tables), fold
# typographic quotes to ASCII, collapse whitespace, one sentence per line
# (split after . ! ? followed by whitespace), drop empty lines.
# Needs root (apt-get) and python3. Output is deterministic for a given
# package version (jargon-text 4.4.7-4.1, bible-kjv 4.38 were used).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="${1:-$REPO_ROOT/sample-data}"
JARGON_BYTES="${JARGON_BYTES:-200000}"
KJV_RANGE="${KJV_RANGE:-gen1:1-gen50:26}"

JARGON_GZ=/usr/share/doc/jargon-text/jargon.txt.gz

need_install=0
[[ -f "$JARGON_GZ" ]] || need_install=1
command -v bible >/dev/null 2>&1 || need_install=1
[[ -f /usr/lib/bible.data ]] || need_install=1
if (( need_install )); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y jargon-text bible-kjv-text bible-kjv >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y jargon-text bible-kjv-text bible-kjv >/dev/null; }
fi

mkdir -p "$OUT_DIR"

# 1+2. The classroom exercise files, verbatim.
cat > "$OUT_DIR/exercise-training.txt" <<'TXT'
the cat sat on the mat
the dog ran in the park
the cat sat in the house
the dog sat on the mat
the cat ran in the park
TXT

cat > "$OUT_DIR/exercise-challenge.txt" <<'TXT'
the cat loves fish
the dog chases cats
fish swim in water
cats climb tall trees
dogs run in parks
the bird sings songs
water flows in rivers
trees grow in forests
TXT

# Shared cleaner: reads paragraphs (separated by blank lines) on stdin, writes
# one sentence per line; argv[1] = mode (jargon|kjv), argv[2] = byte budget (0 = all).
CLEAN_PY='
import re, sys
mode, budget = sys.argv[1], int(sys.argv[2])
text = sys.stdin.read()
if mode == "jargon":                                           # skip title page + contents
    m = re.search(r"^Chapter\s1\.\s", text, re.M)
    text = text[m.start():]
for a, b in (("\u2018", "\x27"), ("\u2019", "\x27"), ("\u201c", "\""), ("\u201d", "\""),
             ("\u2014", " - "), ("\u2013", "-"), ("\u00a0", " ")):
    text = text.replace(a, b)
out, size = [], 0
for para in re.split(r"\n\s*\n", text):
    lines = []
    for line in para.split("\n"):
        s = line.strip()
        if mode == "kjv":
            if re.fullmatch(r"(\d )?[A-Z][A-Za-z ]* \d+", s):   # chapter header, e.g. "Genesis 1"
                continue
            s = re.sub(r"^\d+\s+", "", s)                      # verse number
        else:
            if re.match(r"^:[^:]+:", s):                       # headword line ":foo: n."
                continue
        if re.search(r"[\u2500-\u257f]", s):                   # box-drawn tables
            continue
        if not re.search(r"[A-Za-z0-9]", s):                   # rules, separators
            continue
        lines.append(s)
    para = " ".join(lines)
    para = re.sub(r"<[^<>\s]*(\s[^<>]*)?>", " ", para)         # HTML tags / <addresses>
    para = para.replace("{", "").replace("}", "")              # jargon cross-reference braces
    para = re.sub(r"\s+", " ", para).strip()
    for sent in re.split(r"(?<=[.!?])\s+", para):
        sent = sent.strip()
        if not sent:
            continue
        line = sent + "\n"
        n = len(line.encode("utf-8"))
        if budget and size + n > budget:
            sys.stdout.write("".join(out)); sys.exit(0)
        out.append(line); size += n
sys.stdout.write("".join(out))
'

# 3. Jargon File: from "Chapter 1." (skip title page and table of contents).
zcat "$JARGON_GZ" \
  | python3 -c "$CLEAN_PY" jargon "$JARGON_BYTES" > "$OUT_DIR/jargon.txt"

# 4. KJV: each verse on one long line, then one sentence per line.
#    (blank line after every verse so each verse is its own paragraph)
bible -l100000 "$KJV_RANGE" \
  | sed 's/$/\n/' \
  | python3 -c "$CLEAN_PY" kjv 0 > "$OUT_DIR/kjv-excerpt.txt"

wc -c "$OUT_DIR"/*.txt
