package dev.bigram.data.baseline;

import dev.bigram.data.CountRows;
import dev.bigram.data.RowBlock;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Modified Kneser-Ney (Chen and Goodman, 1998), the stronger count-based anchor (docs/design.md, "The
 * Kneser-Ney anchor"): an interpolated Kneser-Ney bigram with three discounts, one for the pairs seen once, one
 * for those seen twice and one for those seen three times or more:
 *
 * <pre>
 *   p(w | v) = (c(v w) - D(c(v w))) / c(v)  +  gamma(v) * p_cont(w)                   when c(v) > 0
 *   gamma(v) = (D1 * N1(v .) + D2 * N2(v .) + D3+ * N3+(v .)) / c(v)
 *   p(w | v) = p_cont(w)                                                               otherwise
 *   D(0) = 0, D(1) = D1, D(2) = D2, D(c) = D3+ for c >= 3
 * </pre>
 *
 * {@code N1(v .)}, {@code N2(v .)} and {@code N3+(v .)} count the distinct words that follow {@code v} once,
 * twice, three times or more in training. {@code p_cont} is {@link KneserNey}'s continuation distribution
 * ({@link ContinuationCounts#probability}) with the discount {@code D1}: most continuation counts
 * {@code N1+(. w)} are small, and {@code D1 < 1} keeps it a distribution.
 *
 * <p>The discounts start from Chen and Goodman's closed-form estimates from the count-of-counts of the training
 * bigrams ({@link Discounts#closedForm}); the three are then scaled together by the factor of
 * {@link #scaleGrid()} ({@code 0.5 .. 1.5}, with {@code 1}, the closed form itself) that gives the lowest
 * held-out cross-entropy, all evaluated in one pass, as {@link KneserNey}'s discount is chosen. Each row
 * {@code p(. | v)} sums to one over the vocabulary. Reads row blocks as {@link KneserNey} does.
 */
public final class ModifiedKneserNey {
  /**
   * How far each discount is kept from {@code 0} and from the count it discounts: a seen pair keeps at least
   * this much of its count, and {@code gamma(v) > 0}, so that every word of the vocabulary has a non-zero
   * probability.
   */
  static final double MARGIN = 0.01;

  /** Steps of the scale grid. */
  static final int SCALE_STEPS_PER_UNIT = 20;

  private ModifiedKneserNey() {}

  /** Scales {@code 0.50, 0.55, ..., 1.50} of the closed-form discounts; {@code 1} exactly among them. */
  static double[] scaleGrid() {
    double[] s = new double[SCALE_STEPS_PER_UNIT + 1];
    for (int i = 0; i < s.length; i++) s[i] = (SCALE_STEPS_PER_UNIT / 2 + i) / (double) SCALE_STEPS_PER_UNIT;
    return s;
  }

  /**
   * The three discounts, each strictly between {@code 0} and the count it applies to ({@code D3+} below 3).
   *
   * @param one {@code D1}, for pairs seen once (also the continuation distribution's discount)
   * @param two {@code D2}, for pairs seen twice
   * @param threeOrMore {@code D3+}, for pairs seen three times or more
   */
  public record Discounts(double one, double two, double threeOrMore) implements Serializable {
    public Discounts {
      if (!(one > 0 && one < 1 && two > 0 && two < 2 && threeOrMore > 0 && threeOrMore < 3)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "modified Kneser-Ney discounts must satisfy 0 < D1 < 1, 0 < D2 < 2, 0 < D3+ < 3: got %s, %s, %s",
            one, two, threeOrMore));
      }
    }

    /** The discount of a pair seen {@code count} times: 0 for an unseen pair. */
    public double of(long count) {
      if (count <= 0) return 0;
      if (count == 1) return one;
      return count == 2 ? two : threeOrMore;
    }

    /** {@code [D1, D2, D3+]}, as {@code summary.json} records them. */
    public List<Double> asList() {
      return List.of(one, two, threeOrMore);
    }

    /**
     * Chen and Goodman's estimates from the count-of-counts {@code n1 .. n4} (the number of distinct training
     * bigrams seen exactly once, twice, three and four times):
     *
     * <pre>
     *   Y = n1 / (n1 + 2 n2),  D1 = 1 - 2 Y n2 / n1,  D2 = 2 - 3 Y n3 / n2,  D3+ = 3 - 4 Y n4 / n3
     * </pre>
     *
     * Where a count-of-counts makes an estimate meaningless the discount falls back: without pairs seen once or
     * without pairs seen twice ({@code Y} is then 0 or 1), all three take the textbook single discount
     * {@link Baselines#DEFAULT_DISCOUNT}. Each estimate is clamped to {@code [MARGIN, c - MARGIN]}, where
     * {@code c} is the count it applies to; without pairs seen three times, {@code D3+} takes {@code D2}.
     */
    public static Discounts closedForm(long n1, long n2, long n3, long n4) {
      if (n1 <= 0 || n2 <= 0) {
        double d = Baselines.DEFAULT_DISCOUNT;
        return new Discounts(d, d, d);
      }
      double y = n1 / (n1 + 2.0 * n2);
      double d1 = clamp(1 - 2 * y * n2 / n1, 1);
      double d2 = clamp(2 - 3 * y * n3 / n2, 2);
      double d3 = n3 > 0 ? clamp(3 - 4 * y * n4 / n3, 3) : d2;
      return new Discounts(d1, d2, d3);
    }

    /** The three discounts times {@code factor}, each clamped as {@link #closedForm} clamps them. */
    public Discounts scaled(double factor) {
      return new Discounts(clamp(one * factor, 1), clamp(two * factor, 2), clamp(threeOrMore * factor, 3));
    }

    /** {@link #closedForm(long, long, long, long)} of {@code countOfCounts[0 .. 3]}. */
    public static Discounts closedForm(long[] countOfCounts) {
      return closedForm(countOfCounts[0], countOfCounts[1], countOfCounts[2], countOfCounts[3]);
    }

    private static double clamp(double d, int count) {
      return Math.min(Math.max(d, MARGIN), count - MARGIN);
    }
  }

  /** The number of distinct pairs of {@code train} seen exactly once, twice, three and four times. */
  static long[] countOfCounts(CountRows train) {
    long[] n = new long[4];
    for (int k = 0; k < train.numPairs(); k++) {
      long c = train.pairCount(k);
      if (c >= 1 && c <= 4) n[(int) c - 1]++;
    }
    return n;
  }

  /** The count-of-counts {@code n1 .. n4} of the training side of all blocks. */
  public static long[] countOfCounts(JavaRDD<RowBlock> blocks) {
    return blocks.map(b -> countOfCounts(b.train())).reduce(ModifiedKneserNey::add);
  }

  private static long[] add(long[] a, long[] b) {
    long[] s = a.clone();
    for (int i = 0; i < s.length; i++) s[i] += b[i];
    return s;
  }

  /** The closed-form discounts of the training side of {@code blocks}. */
  public static Discounts estimate(JavaRDD<RowBlock> blocks) {
    return Discounts.closedForm(countOfCounts(blocks));
  }

  /** The probability of one pair, from what {@link HeldOutBlocks#joinByCountClass} says about it. */
  static double probability(Discounts d, double cont, boolean seen, double total, int once, int twice, int more,
      long count) {
    if (!seen) return cont;
    double gamma = d.one() * once + d.two() * twice + d.threeOrMore() * more;
    return (count - d.of(count) + gamma * cont) / total;
  }

  /**
   * Held-out sums for every set of discounts in {@code discounts}: {@code [0, K)} the sums of
   * {@code -count * log p}, {@code K} the number of held-out bigrams.
   */
  static double[] heldOutSums(RowBlock block, ContinuationCounts continuation, Discounts[] discounts) {
    int k = discounts.length;
    double[] sums = new double[k + 1];
    HeldOutBlocks.joinByCountClass(block, (seen, total, once, twice, more, next, c, weight) -> {
      for (int i = 0; i < k; i++) {
        Discounts d = discounts[i];
        double cont = continuation.probability(next, d.one());
        sums[i] -= weight * Math.log(probability(d, cont, seen, total, once, twice, more, c));
      }
      sums[k] += weight;
    });
    return sums;
  }

  /** Held-out cross-entropy (nats per bigram) of each set of discounts over all blocks. */
  static double[] crossEntropies(JavaRDD<RowBlock> blocks, ContinuationCounts cc, Discounts[] discounts) {
    Broadcast<ContinuationCounts> bcContinuation = JavaSparkContext.fromSparkContext(blocks.context()).broadcast(cc);
    double[] sums;
    try {
      sums = blocks.map(b -> heldOutSums(b, bcContinuation.value(), discounts)).reduce(KneserNey::add);
    } finally {
      bcContinuation.destroy();
    }
    return KneserNey.means(sums);
  }

  /**
   * The closed-form discounts of the training side, scaled by the factor of {@link #scaleGrid()} with the lowest
   * held-out cross-entropy (the closed form itself on a tie).
   */
  public static Fit fit(JavaRDD<RowBlock> blocks, int numClasses) {
    Discounts closedForm = estimate(blocks);
    double[] scales = scaleGrid();
    Discounts[] candidates = new Discounts[scales.length];
    for (int i = 0; i < scales.length; i++) candidates[i] = closedForm.scaled(scales[i]);
    double[] ce = crossEntropies(blocks, ContinuationCounts.of(blocks, numClasses), candidates);
    int best = SCALE_STEPS_PER_UNIT / 2;
    for (int i = 0; i < scales.length; i++) if (ce[i] < ce[best]) best = i;
    return new Fit(candidates[best], scales[best], ce[best]);
  }

  /** The closed-form discounts of the training side, without held-out counts to choose a scale on. */
  public static Fit untuned(JavaRDD<RowBlock> blocks) {
    return new Fit(estimate(blocks), 1.0, Double.NaN);
  }

  /** Held-out cross-entropy with given discounts. */
  public static double crossEntropy(JavaRDD<RowBlock> blocks, int numClasses, Discounts discounts) {
    return crossEntropies(blocks, ContinuationCounts.of(blocks, numClasses), new Discounts[] {discounts})[0];
  }

  /** Held-out cross-entropy with given discounts, of one block that holds every row, without Spark. */
  public static double crossEntropy(RowBlock joint, int numClasses, Discounts discounts) {
    ContinuationCounts cc = ContinuationCounts.of(joint.train(), numClasses);
    return KneserNey.means(heldOutSums(joint, cc, new Discounts[] {discounts}))[0];
  }

  /** The closed-form discounts of the training side of one block that holds every row. */
  public static Discounts estimate(RowBlock joint) {
    return Discounts.closedForm(countOfCounts(joint.train()));
  }

  /**
   * The discounts, the factor that scaled the closed form to them, and the held-out cross-entropy (nats) they
   * give.
   */
  public record Fit(Discounts discounts, double scale, double crossEntropy) {
    public double perplexity() {
      return Math.exp(crossEntropy);
    }
  }
}
