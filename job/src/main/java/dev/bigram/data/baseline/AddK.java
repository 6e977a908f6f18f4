package dev.bigram.data.baseline;

import dev.bigram.data.RowBlock;
import org.apache.spark.api.java.JavaRDD;

/**
 * Add-k (Lidstone) smoothing, the simplest count-based bigram: {@code p(w | v) = (c(v w) + k) / (c(v) + k V)}.
 * {@code k} is chosen on held-out counts from a logarithmic grid, {@code 10^-4 .. 10} (eight values per
 * decade), all evaluated in one pass. Reads row blocks as {@link KneserNey} does.
 */
public final class AddK {
  private AddK() {}

  static double[] grid() {
    double[] k = new double[41];
    for (int i = 0; i < k.length; i++) k[i] = Math.pow(10, -4 + i / 8.0);
    return k;
  }

  static double[] heldOutSums(RowBlock block, int numClasses, double[] ks) {
    double[] sums = new double[ks.length + 1];
    HeldOutBlocks.join(block, (seen, total, types, next, c, weight) -> {
      for (int i = 0; i < ks.length; i++) {
        sums[i] -= weight * Math.log((c + ks[i]) / (total + ks[i] * numClasses));
      }
      sums[ks.length] += weight;
    });
    return sums;
  }

  static double[] crossEntropies(JavaRDD<RowBlock> blocks, int numClasses, double[] ks) {
    return KneserNey.means(blocks.map(b -> heldOutSums(b, numClasses, ks)).reduce(KneserNey::add));
  }

  public static KneserNey.Choice choose(JavaRDD<RowBlock> blocks, int numClasses) {
    double[] grid = grid();
    double[] ce = crossEntropies(blocks, numClasses, grid);
    int best = 0;
    for (int i = 1; i < grid.length; i++) if (ce[i] < ce[best]) best = i;
    return new KneserNey.Choice(grid[best], ce[best]);
  }

  public static double crossEntropy(JavaRDD<RowBlock> blocks, int numClasses, double k) {
    return crossEntropies(blocks, numClasses, new double[] {k})[0];
  }

  /** Held-out cross-entropy with a given {@code k}, of one block that holds every row, without Spark. */
  public static double crossEntropy(RowBlock joint, int numClasses, double k) {
    return KneserNey.means(heldOutSums(joint, numClasses, new double[] {k}))[0];
  }
}
