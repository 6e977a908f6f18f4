package dev.bigram.data.baseline;

import dev.bigram.data.CountRows;
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
    CountRows train = block.train();
    CountRows held = block.validation();
    int t = 0;
    for (int r = 0; r < held.numRows(); r++) {
      int row = held.row(r);
      while (t < train.numRows() && train.row(t) < row) t++;
      boolean seen = t < train.numRows() && train.row(t) == row;
      double total = seen ? train.rowTotal(t) : 0;
      int cursor = seen ? train.pairStart(t) : 0;
      for (int q = held.pairStart(r); q < held.pairEnd(r); q++) {
        int next = held.nextId(q);
        long c = 0;
        if (seen) {
          while (cursor < train.pairEnd(t) && train.nextId(cursor) < next) cursor++;
          if (cursor < train.pairEnd(t) && train.nextId(cursor) == next) c = train.pairCount(cursor);
        }
        long weight = held.pairCount(q);
        for (int i = 0; i < ks.length; i++) {
          sums[i] -= weight * Math.log((c + ks[i]) / (total + ks[i] * numClasses));
        }
        sums[ks.length] += weight;
      }
    }
    return sums;
  }

  static double[] crossEntropies(JavaRDD<RowBlock> blocks, int numClasses, double[] ks) {
    double[] sums = blocks.map(b -> heldOutSums(b, numClasses, ks)).reduce(KneserNey::add);
    double[] ce = new double[ks.length];
    for (int i = 0; i < ce.length; i++) ce[i] = sums[ks.length] == 0 ? Double.NaN : sums[i] / sums[ks.length];
    return ce;
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
}
