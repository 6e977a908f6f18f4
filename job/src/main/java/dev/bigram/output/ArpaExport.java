package dev.bigram.output;

import dev.bigram.data.CountRows;
import dev.bigram.data.InputException;
import dev.bigram.data.RowBlock;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.SparseSoftmax;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a published run as an ARPA back-off bigram model, the text format that LM toolkits read (KenLM, SRILM,
 * BerkeleyLM, Kaldi), streaming the model's rows from its files in two passes: the first computes each context's
 * back-off weight (and scores held-out counts), the second writes the bigrams. Nothing is held per weight.
 *
 * <ul>
 *   <li><b>Sparse model: exact.</b> The unigram section is the back-off distribution {@code q_j = e^{b_j} / B};
 *       context {@code i}'s back-off weight is {@code B / Z_i}; the bigram section lists every pair of the model
 *       with its {@code p(j|i)}. A reader's {@code p(j|i)} is then the model's for every pair, seen or not.</li>
 *   <li><b>Dense model: its top {@code K} next words per context</b>, with the same {@code q} and the weight
 *       {@code alpha_i = (1 - sum_top p(j|i)) / (1 - sum_top q_j)} that gives the rest of row {@code i}'s mass to
 *       {@code q}: every row still sums to 1, and the words outside the top {@code K} share it as {@code q}
 *       does instead of as the model did.</li>
 * </ul>
 *
 * <p>Readers require {@code <s>}, {@code </s>} and {@code <unk>}. {@code <unk>} is the model's word 0. A model
 * trained with sentence markers has {@code <s>} and {@code </s>} as words and exports their probabilities as
 * they are; a model without them gets both as unigrams of log-probability -99 (never predicted), {@code <s>}
 * with back-off weight 1, so that a sentence's first word is scored by {@code q}. Log-probabilities are base 10,
 * with 7 decimals. The file appears whole or not at all: it is written to a temporary name beside the target
 * and renamed.
 */
public final class ArpaExport {
  /** ARPA's log10 of "never": the log-probability of {@code <s>} as a next word when the model has no markers. */
  static final double NEVER = -99.0;
  private static final double LN10 = Math.log(10.0);

  private ArpaExport() {}

  /**
   * What was written, and how the export scores held-out text beside the model.
   *
   * @param topPerContext {@code K} of the dense export; 0 for the exact (sparse) one
   * @param heldOutBigrams the held-out bigram occurrences scored; 0 without held-out text
   * @param modelPerplexity the model's own perplexity on them (NaN without)
   * @param exportPerplexity the exported file's perplexity on the same bigrams, from its rounded values (NaN)
   */
  public record Report(long unigrams, long bigrams, boolean exact, int topPerContext, long heldOutBigrams,
      double modelPerplexity, double exportPerplexity) {}

  /**
   * Writes {@code run} to {@code target} ({@code .gz}: gzip).
   *
   * @param topPerContext {@code K} next words per context of a dense model (ignored for a sparse one)
   * @param heldOut held-out counts to score (their training side), or null
   */
  public static Report write(PublishedRun run, Configuration hadoop, Path target, int topPerContext,
      RowBlock heldOut) throws IOException {
    Vocabulary vocab = run.vocabulary();
    int v = vocab.size();
    for (int i = 0; i < v; i++) {
      if (vocab.word(i).isEmpty() || vocab.word(i).chars().anyMatch(Character::isWhitespace)) {
        throw new InputException("word " + i + " of " + run.dir() + " ('" + vocab.word(i) + "') is empty or has"
            + " white space, which the ARPA format cannot hold: train with a tokenizer.pattern without it");
      }
    }
    boolean sparse = run.isSparse();
    int k = sparse ? 0 : Math.max(1, Math.min(topPerContext, v));
    // One read of the bias column serves both the back-off distribution and the dense rows' logits.
    float[] bias = run.bias();
    SparseSoftmax.BiasExp be = SparseSoftmax.BiasExp.of(bias, v);
    double lnB = Math.log(be.sum());
    double[] logQ = new double[v];
    for (int j = 0; j < v; j++) logQ[j] = Math.log(be.exp()[j]) - lnB;
    Scan scan = new Scan(v, k, logQ, be, bias, heldOut == null ? null : heldOut.train());
    run.forEachRow(scan::row);
    long bigrams = sparse ? scan.pairs : (long) v * k;
    boolean markers = vocab.sentenceMarkers();
    long unigrams = markers ? v : v + 2L;

    FileSystem fs = target.getFileSystem(hadoop);
    Path temp = new Path(target.getParent() == null ? new Path(".") : target.getParent(),
        "." + target.getName() + ".tmp-" + Long.toHexString(System.nanoTime()));
    boolean done = false;
    try {
      try (OutputStream raw = fs.create(temp, false);
          OutputStream out = target.getName().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
          Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
        w.write("\\data\\\nngram 1=" + unigrams + "\nngram 2=" + bigrams + "\n\n\\1-grams:\n");
        StringBuilder line = new StringBuilder(64);
        for (int j = 0; j < v; j++) {
          line.setLength(0);
          log10(line, logQ[j]).append('\t').append(vocab.word(j)).append('\t');
          log10(line, scan.logAlpha[j]).append('\n');
          w.append(line);
        }
        if (!markers) {
          w.write(format(NEVER) + "\t" + Vocabulary.BOS + "\t" + format(0.0) + "\n");
          w.write(format(NEVER) + "\t" + Vocabulary.EOS + "\n");
        }
        w.write("\n\\2-grams:\n");
        Writer bigramWriter = w;
        double[] p = sparse ? null : new double[v];
        int[] top = sparse ? null : new int[k];
        run.forEachRow((id, weights, next, n) -> {
          try {
            String context = vocab.word(id);
            if (next != null) {
              double lnZ = Math.log(SparseSoftmax.scaledPartition(be, next, weights, 0, n));
              for (int e = 0; e < n; e++) {
                line.setLength(0);
                log10(line, logQ[next[e]] + lnB + weights[e] - lnZ).append('\t').append(context).append(' ')
                    .append(vocab.word(next[e])).append('\n');
                bigramWriter.append(line);
              }
            } else {
              int count = scan.topOfRow(weights, p, top);
              for (int t = 0; t < count; t++) {
                line.setLength(0);
                log10(line, Math.log(p[top[t]])).append('\t').append(context).append(' ')
                    .append(vocab.word(top[t])).append('\n');
                bigramWriter.append(line);
              }
            }
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        w.write("\n\\end\\\n");
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
      if (fs.exists(target)) fs.delete(target, false);
      if (!fs.rename(temp, target)) throw new IOException("cannot rename " + temp + " to " + target);
      done = true;
    } finally {
      if (!done) fs.delete(temp, false);
    }
    double modelPpl = scan.heldOutCount == 0 ? Double.NaN : Math.exp(-scan.modelLogSum / scan.heldOutCount);
    double exportPpl = scan.heldOutCount == 0 ? Double.NaN : Math.exp(-scan.exportLogSum / scan.heldOutCount);
    return new Report(unigrams, bigrams, sparse, k, scan.heldOutCount, modelPpl, exportPpl);
  }

  /**
   * The first pass over the rows: each context's back-off weight, the number of pairs, and the held-out
   * log-likelihood under the model and under the export (as its file rounds it).
   */
  private static final class Scan {
    final int v;
    final int k;
    final double[] logQ;
    final SparseSoftmax.BiasExp be;
    /** {@code log B'}, once. */
    final double lnB;
    /** The bias, or null (then 0). */
    final float[] bias;
    final double[] logAlpha;
    final CountRows held;
    final int[] heldRow;
    long pairs;
    double modelLogSum;
    double exportLogSum;
    long heldOutCount;
    /** Dense rows: the softmax and the top-K of the row at hand. */
    private final double[] p;
    private final int[] top;
    private final boolean[] inTop;

    Scan(int v, int k, double[] logQ, SparseSoftmax.BiasExp be, float[] bias, CountRows held) {
      this.v = v;
      this.k = k;
      this.logQ = logQ;
      this.be = be;
      this.lnB = Math.log(be.sum());
      this.bias = bias;
      this.logAlpha = new double[v];
      this.held = held;
      this.heldRow = new int[v];
      Arrays.fill(heldRow, -1);
      if (held != null) for (int r = 0; r < held.numRows(); r++) heldRow[held.row(r)] = r;
      this.p = k > 0 ? new double[v] : null;
      this.top = k > 0 ? new int[k] : null;
      this.inTop = k > 0 ? new boolean[v] : null;
    }

    void row(int id, float[] w, int[] next, int n) {
      int r = heldRow[id];
      if (next != null) {
        double lnZ = Math.log(SparseSoftmax.scaledPartition(be, next, w, 0, n));
        logAlpha[id] = lnB - lnZ;
        pairs += n;
        if (r < 0) return;
        for (int q = held.pairStart(r); q < held.pairEnd(r); q++) {
          int j = held.nextId(q);
          int e = Arrays.binarySearch(next, 0, n, j);
          double lp = logQ[j] + lnB - lnZ + (e >= 0 ? w[e] : 0.0);
          // The file lists a seen pair with its own value and leaves an unseen one to alpha_i * q_j.
          double exported = e >= 0 ? rounded(lp) : rounded(logAlpha[id]) + rounded(logQ[j]);
          add(held.pairCount(q), lp, exported);
        }
        return;
      }
      int count = topOfRow(w, p, top);
      double sumP = 0.0;
      double sumQ = 0.0;
      for (int t = 0; t < count; t++) {
        sumP += p[top[t]];
        sumQ += Math.exp(logQ[top[t]]);
        inTop[top[t]] = true;
      }
      // Rounding can leave 1 - sumP at or below 0 when the top K hold all the mass: no mass is left to give.
      logAlpha[id] = count == v || sumQ >= 1.0 ? 0.0 : Math.log(Math.max(1.0 - sumP, Double.MIN_NORMAL))
          - Math.log(1.0 - sumQ);
      if (r >= 0) {
        for (int q = held.pairStart(r); q < held.pairEnd(r); q++) {
          int j = held.nextId(q);
          double lp = Math.log(p[j]);
          double exported = inTop[j] ? rounded(lp) : rounded(logAlpha[id]) + rounded(logQ[j]);
          add(held.pairCount(q), lp, exported);
        }
      }
      for (int t = 0; t < count; t++) inTop[top[t]] = false;
    }

    private void add(long count, double modelLog, double exportLog) {
      modelLogSum += count * modelLog;
      exportLogSum += count * exportLog;
      heldOutCount += count;
    }

    /**
     * A dense row's softmax into {@code p} and its {@code k} most likely next words into {@code top}, best
     * first (ties: lower id first); returns how many.
     */
    int topOfRow(float[] w, double[] p, int[] top) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < v; j++) {
        p[j] = bias == null ? w[j] : (double) w[j] + bias[j];
        if (p[j] > max) max = p[j];
      }
      double sum = 0.0;
      for (int j = 0; j < v; j++) {
        p[j] = Math.exp(p[j] - max);
        sum += p[j];
      }
      for (int j = 0; j < v; j++) p[j] /= sum;
      // A min-heap of the k best so far, by (p, -id).
      int size = 0;
      for (int j = 0; j < v; j++) {
        if (size < k) {
          top[size] = j;
          siftUp(top, size++, p);
        } else if (better(j, top[0], p)) {
          top[0] = j;
          siftDown(top, size, p);
        }
      }
      Integer[] order = new Integer[size];
      for (int t = 0; t < size; t++) order[t] = top[t];
      Arrays.sort(order, (x, y) -> better(x, y, p) ? -1 : better(y, x, p) ? 1 : 0);
      for (int t = 0; t < size; t++) top[t] = order[t];
      return size;
    }

    private static boolean better(int x, int y, double[] p) {
      return p[x] > p[y] || (p[x] == p[y] && x < y);
    }

    private static void siftUp(int[] h, int i, double[] p) {
      while (i > 0) {
        int parent = (i - 1) / 2;
        if (!better(h[parent], h[i], p)) break;
        int t = h[parent];
        h[parent] = h[i];
        h[i] = t;
        i = parent;
      }
    }

    private static void siftDown(int[] h, int size, double[] p) {
      int i = 0;
      while (true) {
        int l = 2 * i + 1;
        int r = l + 1;
        int worst = i;
        if (l < size && better(h[worst], h[l], p)) worst = l;
        if (r < size && better(h[worst], h[r], p)) worst = r;
        if (worst == i) return;
        int t = h[worst];
        h[worst] = h[i];
        h[i] = t;
        i = worst;
      }
    }
  }

  /** A natural log as the file holds it: base 10 with 7 decimals, back in natural log. */
  static double rounded(double ln) {
    return Math.round(ln / LN10 * 1e7) / 1e7 * LN10;
  }

  /** Appends the base-10 value of natural log {@code ln} with 7 decimals. */
  private static StringBuilder log10(StringBuilder sb, double ln) {
    return sb.append(format(ln / LN10));
  }

  /** {@code x} with exactly 7 decimals, without {@link String#format}'s cost per line. */
  static String format(double x) {
    long scaled = Math.round(x * 1e7);
    StringBuilder sb = new StringBuilder(16);
    if (scaled < 0) {
      sb.append('-');
      scaled = -scaled;
    }
    String frac = Long.toString(scaled % 10_000_000L);
    sb.append(scaled / 10_000_000L).append('.');
    for (int i = frac.length(); i < 7; i++) sb.append('0');
    return sb.append(frac).toString();
  }
}
