#!/usr/bin/env bash
# Usage: bench/real-corpus.sh OUT_FILE MB
#
# Builds a benchmark corpus of real English text of about MB megabytes
# (1 MB = 1,000,000 bytes; the file stops after the line that reaches the
# target), one sentence per line, UTF-8.
#
# Sources (Debian packages, installed with apt-get if missing; needs root):
#   jargon-text        The Jargon File 4.4.7, whole text        (public domain)
#   bible-kjv(-text)   King James Bible, all 66 books           (public domain)
#   fortunes           fortune(6) quote files, minus ascii-art  (mixed/unclear
#                      provenance: fine for local benchmarks, do NOT commit)
#   fortune-anarchism  anarchist quotes for fortune             (GPL/mixed)
#   debian-history     "A Brief History of Debian" (HTML), the
#                      Debian constitution and manifesto        (GPL-2+)
# about 8 MB of cleaned base text. Non-prose packages (RFCs, manuals, word
# lists) are deliberately not used.
#
# The base text is cleaned (markup stripped, quotes folded to ASCII,
# whitespace collapsed, split after . ! ? followed by whitespace, empty lines
# dropped), then written repeatedly until the target size is reached; every
# repetition r (0, 1, 2, ...) is the base lines shuffled with
# random.Random(r), so the output is deterministic for given package versions.
# The output is generated locally and is not meant to be committed.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
OUT_FILE="$1"
MB="$2"
[[ "$MB" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "MB must be a number, got '$MB'" >&2; exit 2; }

PACKAGES=(jargon-text bible-kjv-text bible-kjv fortunes fortune-anarchism debian-history)
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"
ensure_packages -- "${PACKAGES[@]}"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Cleaner: stdin -> one sentence per line. argv[1] = mode:
#   jargon  Jargon File text (skip front matter, headword lines, tables, {braces})
#   kjv     output of `bible -l100000 ...` with a blank line after every verse
#   fortune fortune file: entries separated by lines holding only "%",
#           attribution lines ("-- Someone") dropped
#   html    HTML page (head/script/style dropped, block tags end paragraphs)
#   plain   plain text, paragraphs separated by blank lines
# Further arguments are files to clean one by one (default: stdin).
cat > "$TMP/clean.py" <<'PY'
import html, re, sys

def clean(mode, text):
    if mode == "jargon":
        m = re.search(r"^Chapter\s1\.\s", text, re.M)
        text = text[m.start():] if m else text
    elif mode == "fortune":
        text = re.sub(r"(?m)^%\s*$", "\n", text)
        text = re.sub(r"(?m)^\s*--\s.*$", "", text)
    elif mode == "html":
        text = re.sub(r"(?is)<(head|script|style)\b.*?</\1\s*>", " ", text)
        text = re.sub(r"(?i)</?(p|div|br|li|dt|dd|tr|td|th|h[1-6]|pre|blockquote|table|dl|ul|ol)\b[^>]*>", "\n\n", text)
        text = re.sub(r"<[^>]*>", " ", text)
        text = html.unescape(text)
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'),
                 ("\u2014", " - "), ("\u2013", "-"), ("\u00a0", " ")):
        text = text.replace(a, b)
    out = []
    for para in re.split(r"\n\s*\n", text):
        lines = []
        for line in para.split("\n"):
            s = line.strip()
            if mode == "kjv":
                if re.fullmatch(r"(\d )?[A-Z][A-Za-z ]* \d+", s):   # chapter header
                    continue
                s = re.sub(r"^\d+\s+", "", s)                      # verse number
            elif mode == "jargon" and re.match(r"^:[^:]+:", s):    # headword line
                continue
            if re.search(r"[\u2500-\u257f]", s):                   # box-drawn tables
                continue
            if not re.search(r"[A-Za-z0-9]", s):                   # rules, separators
                continue
            lines.append(s)
        para = " ".join(lines)
        para = re.sub(r"<[^<>\s]*(\s[^<>]*)?>", " ", para)
        para = para.replace("{", "").replace("}", "")
        para = re.sub(r"\s+", " ", para).strip()
        for sent in re.split(r"(?<=[.!?])\s+", para):
            sent = sent.strip()
            if sent and (mode != "html" or len(sent.split()) >= 2):
                out.append(sent + "\n")
    return "".join(out)

mode = sys.argv[1]
paths = sys.argv[2:]
if not paths:
    sys.stdout.write(clean(mode, sys.stdin.buffer.read().decode("utf-8", "replace")))
for path in paths:
    with open(path, "rb") as f:
        sys.stdout.write(clean(mode, f.read().decode("utf-8", "replace")))
PY
clean() { python3 "$TMP/clean.py" "$@"; }

# fortune data files of the two fortune packages (no .dat index, no .u8
# links, no ascii-art pictures)
mapfile -t FORTUNE_FILES < <(dpkg -L fortunes fortune-anarchism \
  | grep '^/usr/share/games/fortunes/' \
  | grep -v -e '\.dat$' -e '\.u8$' -e '/ascii-art$' \
  | sort \
  | while read -r f; do if [[ -f "$f" && ! -L "$f" ]]; then echo "$f"; fi; done)
mapfile -t HTML_FILES < <(dpkg -L debian-history | grep -E '/docs/[^/]*\.en\.html$' | sort)
if (( ${#FORTUNE_FILES[@]} == 0 || ${#HTML_FILES[@]} == 0 )); then
  echo "real-corpus: fortune or debian-history files not found" >&2
  exit 1
fi

BASE="$TMP/base.txt"
{
  zcat /usr/share/doc/jargon-text/jargon.txt.gz | clean jargon
  bible -l100000 gen1:1-rev22:21 | sed 's/$/\n/' | clean kjv
  clean fortune "${FORTUNE_FILES[@]}"
  clean html "${HTML_FILES[@]}"
  zcat /usr/share/doc/debian-history/constitution.txt.gz \
       /usr/share/doc/debian-history/debian-manifesto.gz | clean plain
} > "$BASE"

python3 - "$BASE" "$OUT_FILE" "$MB" <<'PY'
import random, sys
base, out_path, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
target = int(mb * 1_000_000)
with open(base, "rb") as f:
    lines = f.read().splitlines(keepends=True)
if not lines:
    sys.exit("real-corpus: no base text extracted")
base_bytes = sum(map(len, lines))
written, rep = 0, 0
with open(out_path, "wb") as out:
    while written < target:
        order = lines[:]
        random.Random(rep).shuffle(order)
        take = []
        for line in order:
            take.append(line)
            written += len(line)
            if written >= target:
                break
        out.write(b"".join(take))
        rep += 1
print(f"real-corpus: {out_path}: {written} bytes, {len(lines)} base lines "
      f"({base_bytes} bytes), {rep} repetition(s)", file=sys.stderr)
PY
