package dev.bigram.data.baseline;

import dev.bigram.data.RowBlock;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;

/**
 * The count-based anchor (docs/design.md, "The Kneser-Ney anchor"): an interpolated Kneser-Ney bigram with one absolute discount
 * {@code D}, built from the training counts and vocabulary of a run:
 *
 * <pre>
 *   p(w | v) = max(c(v w) - D, 0) / c(v)  +  D * N1+(v .) / c(v) * p_cont(w)        when c(v) > 0
 *   p(w | v) = p_cont(w)                                                             otherwise
 *   p_cont(w) = max(N1+(. w) - D, 0) / N1+(. .)  +  D * |{w : N1+(. w) > 0}| / N1+(. .) / V
 * </pre>
 *
 * Each {@code p(. | v)} sums to one over the vocabulary ({@code <unk>} is an ordinary word, as for the
 * softmax model, so the two perplexities are comparable). The discount is chosen on held-out counts by a grid
 * over {@code (0, 1)} in steps of {@link #GRID_STEP}, all evaluated in one pass.
 *
 * <p>It reads row blocks whose training side holds the training counts and whose validation side holds the
 * held-out counts of the same rows, which is how the data pass partitions them; {@link HeldOutBlocks} builds such
 * blocks for {@code evaluate}.
 */
public final class KneserNey {
  static final double GRID_STEP = 0.01;

  private KneserNey() {}

  /** Discounts {@code 0.01, 0.02, ..., 0.99}. */
  static double[] grid() {
    int n = (int) Math.round(1.0 / GRID_STEP) - 1;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = (i + 1) * GRID_STEP;
    return d;
  }

  /**
   * Held-out cross-entropy (nats per bigram) for every discount in {@code discounts}: {@code [0, K)} the
   * sums of {@code -count * log p}, {@code K} the number of held-out bigrams.
   */
  static double[] heldOutSums(RowBlock block, ContinuationCounts continuation, double[] discounts) {
    int k = discounts.length;
    double[] sums = new double[k + 1];
    HeldOutBlocks.join(block, (seen, total, types, next, c, weight) -> {
      for (int i = 0; i < k; i++) {
        double d = discounts[i];
        double cont = continuation.probability(next, d);
        double p = seen ? (Math.max(c - d, 0.0) + d * types * cont) / total : cont;
        sums[i] -= weight * Math.log(p);
      }
      sums[k] += weight;
    });
    return sums;
  }

  /** Held-out cross-entropy of each discount over all blocks. */
  static double[] crossEntropies(JavaRDD<RowBlock> blocks, ContinuationCounts cc, double[] discounts) {
    Broadcast<ContinuationCounts> bcContinuation =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(blocks.context()).broadcast(cc);
    double[] sums;
    try {
      sums = blocks.map(b -> heldOutSums(b, bcContinuation.value(), discounts)).reduce(KneserNey::add);
    } finally {
      bcContinuation.destroy();
    }
    return means(sums);
  }

  /**
   * Cross-entropies from held-out sums as {@link #heldOutSums} returns them: {@code [0, K)} divided by the
   * number of bigrams {@code K} (NaN without any).
   */
  static double[] means(double[] sums) {
    int k = sums.length - 1;
    double[] ce = new double[k];
    for (int i = 0; i < k; i++) ce[i] = sums[k] == 0 ? Double.NaN : sums[i] / sums[k];
    return ce;
  }

  static double[] add(double[] a, double[] b) {
    double[] s = a.clone();
    for (int i = 0; i < s.length; i++) s[i] += b[i];
    return s;
  }

  /** Picks the discount with the lowest held-out cross-entropy. */
  public static Choice choose(JavaRDD<RowBlock> blocks, int numClasses) {
    ContinuationCounts cc = ContinuationCounts.of(blocks, numClasses);
    double[] grid = grid();
    double[] ce = crossEntropies(blocks, cc, grid);
    int best = 0;
    for (int i = 1; i < grid.length; i++) if (ce[i] < ce[best]) best = i;
    return new Choice(grid[best], ce[best]);
  }

  /** Held-out cross-entropy with a given discount. */
  public static double crossEntropy(JavaRDD<RowBlock> blocks, int numClasses, double discount) {
    return crossEntropies(blocks, ContinuationCounts.of(blocks, numClasses), new double[] {discount})[0];
  }

  /**
   * Held-out cross-entropy with a given discount, of one block that holds every row (built in this JVM by
   * {@link HeldOutBlocks#joint}): the same per-block sums as the distributed form, without Spark.
   */
  public static double crossEntropy(RowBlock joint, int numClasses, double discount) {
    ContinuationCounts cc = ContinuationCounts.of(joint.train(), numClasses);
    return means(heldOutSums(joint, cc, new double[] {discount}))[0];
  }

  /** A smoothing parameter and the held-out cross-entropy (nats) it gives. */
  public record Choice(double parameter, double crossEntropy) {
    public double perplexity() {
      return Math.exp(crossEntropy);
    }
  }
}
