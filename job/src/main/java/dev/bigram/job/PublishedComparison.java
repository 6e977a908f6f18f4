package dev.bigram.job;

import dev.bigram.data.CountRows;
import dev.bigram.data.RowBlock;
import dev.bigram.data.TrainingData;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import dev.bigram.output.PublishedRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The new model against the one {@code LATEST} names, before {@code LATEST} moves (docs/operations.md,
 * "Publishing"): both are scored on the new run's validation split, on the pairs whose two words are in both
 * vocabularies (not {@code <unk>}, which stands for different words in each), each with its own probabilities.
 * So two vocabularies compare fairly, and a retraining that made the model worse on the very data it was
 * checked on does not replace the published one. Either model may be dense or sparse.
 *
 * @param publishedRun the run LATEST named
 * @param pairs validation occurrences compared
 * @param newCrossEntropy the new model's mean cross-entropy on them, in nats
 * @param publishedCrossEntropy the published model's
 * @param margin how much worse (nats) the new model may be
 */
record PublishedComparison(String publishedRun, long pairs, double newCrossEntropy, double publishedCrossEntropy,
    double margin) {
  private static final Logger LOG = LoggerFactory.getLogger(PublishedComparison.class);

  /** Whether the new model is worse than the published one by more than the margin. */
  boolean regressed() {
    return pairs > 0 && newCrossEntropy > publishedCrossEntropy + margin;
  }

  /** The fields of {@code summary.json}'s {@code published_comparison}. */
  Map<String, Object> summaryFields(boolean forced) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("published_run", publishedRun);
    m.put("validation_pairs", pairs);
    m.put("new_cross_entropy", newCrossEntropy);
    m.put("published_cross_entropy", publishedCrossEntropy);
    m.put("margin", margin);
    m.put("regressed", regressed());
    m.put("forced", forced);
    return m;
  }

  /**
   * Compares {@code model} (of {@code data}'s vocabulary) with the published {@code latest}; the pairs come from
   * {@code data}'s validation counts, collected to the driver (their number is at most the distinct validation
   * pairs).
   */
  static PublishedComparison of(SparkSession spark, PublishedRun latest, TrainingData data, BigramModel model,
      double margin) {
    Vocabulary mine = data.vocab();
    Vocabulary theirs = latest.vocabulary();
    int[] toTheirs = new int[mine.size()];
    for (int id = 0; id < mine.size(); id++) {
      String w = mine.word(id);
      toTheirs[id] = Vocabulary.UNK.equals(w) || !theirs.contains(w) ? -1 : theirs.id(w);
    }
    List<long[]> pairs = data.blocks().flatMap(b -> commonPairs(b, toTheirs).iterator()).collect();
    BigramModel published = latest.model();
    double mineSum = 0.0;
    double theirsSum = 0.0;
    long n = 0;
    // Pairs come grouped by previous word: one softmax row per context and model.
    int row = -1;
    double[] pMine = null;
    double[] pTheirs = null;
    for (long[] p : pairs) {
      int prev = (int) p[0];
      if (prev != row) {
        row = prev;
        pMine = model.probabilities(prev);
        pTheirs = published.probabilities(toTheirs[prev]);
      }
      int next = (int) p[1];
      mineSum -= p[2] * Math.log(pMine[next]);
      theirsSum -= p[2] * Math.log(pTheirs[toTheirs[next]]);
      n += p[2];
    }
    PublishedComparison c = new PublishedComparison(latest.dir().getName(), n, n == 0 ? Double.NaN : mineSum / n,
        n == 0 ? Double.NaN : theirsSum / n, margin);
    LOG.info(String.format(java.util.Locale.ROOT, "Against the published run %s on %d validation pairs of"
        + " common words: cross-entropy %.4f (new) and %.4f (published)%s", c.publishedRun(), n,
        c.newCrossEntropy(), c.publishedCrossEntropy(), c.regressed() ? ": the new model is worse" : ""));
    return c;
  }

  /** The validation pairs of {@code block} whose words both have an id in the other vocabulary. */
  private static List<long[]> commonPairs(RowBlock block, int[] toTheirs) {
    CountRows v = block.validation();
    List<long[]> out = new ArrayList<>();
    for (int r = 0; r < v.numRows(); r++) {
      int prev = v.row(r);
      if (toTheirs[prev] < 0) continue;
      for (int k = v.pairStart(r); k < v.pairEnd(r); k++) {
        if (toTheirs[v.nextId(k)] >= 0) out.add(new long[] {prev, v.nextId(k), v.pairCount(k)});
      }
    }
    return out;
  }
}
