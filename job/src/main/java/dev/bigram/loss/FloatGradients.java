package dev.bigram.loss;

import dev.bigram.data.CountRows;

/** What the float kernels share. */
final class FloatGradients {
  private FloatGradients() {}

  /**
   * Sets the observed entries of a gradient row to {@code n p_j - c_j}, computed in double from the kept
   * exponential {@code e_j} and {@code scale = n / sum}, so the cancellation of two large numbers is not done
   * in float.
   */
  static void subtractCounts(CountRows rows, int r, float[] e, double scale, float[] g, int outOffset) {
    for (int k = rows.pairStart(r); k < rows.pairEnd(r); k++) {
      int j = rows.nextId(k);
      g[outOffset + j] = (float) (scale * e[j] - rows.pairCount(k));
    }
  }
}
