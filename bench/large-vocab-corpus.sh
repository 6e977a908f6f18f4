#!/usr/bin/env bash
# Usage: bench/large-vocab-corpus.sh OUT_DIR [SEED]
#
# Builds a LARGE-VOCABULARY corpus of real English text from Debian packages and writes
# OUT_DIR/large-train.txt (90%) and OUT_DIR/large-test.txt (10%), one sentence per line, UTF-8, then
# prints the number of tokens, types and types seen >= 3 times in the training part (tokens are
# [\p{L}\p{N}']+, lowercased, as the job's tokenizer). Deterministic for given package versions and SEED
# (default 1): the lines are deduplicated (exact match, first occurrence kept), shuffled with
# random.Random(SEED) and the first 90% of the shuffled lines are the training part.
#
# Sources (installed with apt-get if missing; needs root; all in Debian main):
#   dict-gcide       GCIDE, the Collaborative International Dictionary of English (Webster 1913 plus
#                    WordNet): definitions and the literary quotations that illustrate them; headword lines,
#                    pronunciations, etymologies and [source] tags are dropped   (GPL-3+)
#   debian-handbook  The Debian Administrator's Handbook, English HTML, screens/code dropped (GPL-2+/CC-BY-SA)
#   python3.X-doc    the Python documentation (HTML), code blocks and inline code dropped     (PSF)
#   gnu-standards    GNU Coding Standards and Information for Maintainers (text)             (GFDL, no inv.)
#   the base text of bench/real-corpus.sh: Jargon File, KJV bible, fortunes, Debian history
# glibc-doc is not used: in Debian 12 it holds only ChangeLogs and a few pthread man pages.
# The corpus is for local benchmarks only: keep it under /tmp and never commit it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 1 || $# -gt 2 ]]; then sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
OUT_DIR="$1"
SEED="${2:-1}"
mkdir -p "$OUT_DIR"

PYDOC="$(apt-cache search --names-only '^python3\.[0-9]+-doc$' 2>/dev/null | awk '{print $1}' | sort -V | tail -1)"
PYDOC="${PYDOC:-python3-doc}"
PACKAGES=(dict-gcide debian-handbook "$PYDOC" gnu-standards)
source "$ROOT/bench/debian-packages.sh"
ensure_packages --no-install-recommends -- "${PACKAGES[@]}"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Cleaner: files -> one sentence per line on stdout. argv[1] = mode (gcide | html | plain), then files
# (.gz / .dz read with gzip).
cat > "$TMP/clean.py" <<'PY'
import gzip, html, re, sys

def read(path):
    opener = gzip.open if path.endswith((".gz", ".dz")) else open
    with opener(path, "rb") as f:
        return f.read().decode("utf-8", "replace")

def gcide(text):
    text = re.sub(r"\[[^\[\]]{0,600}\]", " ", text)             # etymologies, [1913 Webster], [R.], inflections
    text = re.sub(r"\\[^\\\n]{0,80}\\", " ", text)              # \Ab*do"men\ pronunciations
    text = re.sub(r"(?m)^\S.*$", "", text)                      # headword lines (column 0) and the file header
    text = re.sub(r"\((?:[A-Z][A-Za-z]*\.?\s?(?:&\s)?)+\)", " ", text)  # (Anat.) (Zool.) domain labels
    text = re.sub(r"--(?:[A-Z][\w']*\.?[ \t]?){1,4}", " ", text)  # --Shak. --Bp. Hall. attributions
    text = re.sub(r"(?<=\w)[*`\"](?=\w)", "", text)             # syllable marks inside words
    text = text.replace("{", "").replace("}", "")
    return text

def html_text(text):
    text = re.sub(r"(?is)<(head|script|style|pre|code|tt|kbd|samp)\b.*?</\1\s*>", " ", text)
    text = re.sub(r"(?is)<div[^>]*class=\"[^\"]*(highlight|navigation|sphinxsidebar|related|footer|toc|navheader|navfooter)[^\"]*\"[^>]*>.*?</div>", " ", text)
    text = re.sub(r"(?i)</?(p|div|br|li|dt|dd|tr|td|th|h[1-6]|blockquote|table|dl|ul|ol|section|title)\b[^>]*>", "\n\n", text)
    text = re.sub(r"<[^>]*>", " ", text)
    return html.unescape(text)

def sentences(text, mode):
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u00b4", "'"),
                 ("\u2014", " - "), ("\u2013", "-"), ("\u00a0", " "), ("\u2026", "...")):
        text = text.replace(a, b)
    for para in re.split(r"\n\s*\n", text):
        para = re.sub(r"\s+", " ", para).strip()
        if not re.search(r"[A-Za-z]", para):
            continue
        for sent in re.split(r"(?<=[.!?])\s+", para):
            sent = sent.strip()
            if len(re.findall(r"[A-Za-z]+", sent)) >= 3:          # drop fragments, labels, numbers
                yield sent

mode = sys.argv[1]
out = sys.stdout
for path in sys.argv[2:]:
    text = read(path)
    text = gcide(text) if mode == "gcide" else html_text(text) if mode == "html" else text
    for s in sentences(text, mode):
        out.write(s + "\n")
PY
clean() { python3 "$TMP/clean.py" "$@"; }

PYDOC_DIR="$(dpkg -L "$PYDOC" | grep -m1 -E '/html/index\.html$' | xargs dirname)"
mapfile -t PY_HTML < <(find "$PYDOC_DIR" -name '*.html' \
  -not -path '*/_static/*' -not -name 'genindex*' -not -name 'py-modindex.html' -not -name 'search.html' | sort)
mapfile -t DH_HTML < <(dpkg -L debian-handbook | grep -E '/html/en-US/[^/]*\.html$' | sort)
if (( ${#PY_HTML[@]} == 0 || ${#DH_HTML[@]} == 0 )); then
  echo "large-vocab-corpus: python or debian-handbook HTML not found" >&2; exit 1
fi

clean gcide /usr/share/dictd/gcide.dict.dz > "$TMP/1-gcide.txt"
clean html "${DH_HTML[@]}" > "$TMP/2-debian-handbook.txt"
clean html "${PY_HTML[@]}" > "$TMP/3-$PYDOC.txt"
clean plain /usr/share/doc/gnu-standards/standards.text.gz /usr/share/doc/gnu-standards/maintain.text.gz \
  > "$TMP/4-gnu-standards.txt"
# the real-corpus base text (20 MB = 2.5 repetitions of it, so every base line is there; duplicates go below)
bash "$ROOT/bench/real-corpus.sh" "$TMP/5-real-corpus.txt" 20 2>/dev/null
for f in "$TMP"/[1-5]-*.txt; do
  n="$(wc -l < "$f")"; [[ "$n" -gt 0 ]] || { echo "large-vocab-corpus: nothing extracted into $f" >&2; exit 1; }
  echo "large-vocab-corpus: $(basename "$f" .txt | cut -d- -f2-): $n lines before deduplication" >&2
done
ALL="$TMP/all.txt"
cat "$TMP"/[1-5]-*.txt > "$ALL"

python3 - "$ALL" "$OUT_DIR" "$SEED" <<'PY'
import collections, random, re, sys
src, out_dir, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
seen, lines = set(), []
with open(src, encoding="utf-8", errors="replace") as f:
    for line in f:
        line = line.strip()
        if line and line not in seen:
            seen.add(line); lines.append(line)
random.Random(seed).shuffle(lines)
cut = len(lines) * 9 // 10
for name, part in (("large-train.txt", lines[:cut]), ("large-test.txt", lines[cut:])):
    with open(f"{out_dir}/{name}", "w", encoding="utf-8") as f:
        f.write("\n".join(part) + "\n")
tok = re.compile(r"[\w']+")   # [\p{L}\p{N}']+ with "_" (in \w, not in the job's class) turned into a space
counts = collections.Counter()
for line in lines[:cut]:
    counts.update(t for t in tok.findall(line.lower().replace("_", " ")))
tokens = sum(counts.values())
print(f"large-vocab-corpus: {out_dir}/large-train.txt: {cut} lines, {tokens} tokens, {len(counts)} types, "
      f"{sum(1 for c in counts.values() if c >= 3)} types seen >= 3 times, "
      f"{sum(1 for c in counts.values() if c >= 2)} seen >= 2 times; "
      f"{out_dir}/large-test.txt: {len(lines) - cut} lines (seed {seed}, {len(lines)} distinct lines)")
PY
