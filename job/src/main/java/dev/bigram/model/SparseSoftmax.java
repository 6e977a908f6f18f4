package dev.bigram.model;

/**
 * The exact softmax of the sparse model, whose row {@code i} scores {@code s_ij = b_j + w_ij} for its pairs
 * and {@code b_j} for every other word. With {@code M = max_j b_j} and {@code e_j = exp(b_j - M)}:
 *
 * <pre>
 *   B'      = sum_j e_j                                       (once per evaluation, O(V))
 *   Z'_i    = B' + sum_{j in S_i} e_j * expm1(w_ij)           (O(|S_i|))
 *   log Z_i = M + log Z'_i
 *   p_ij    = e_j * exp(w_ij) / Z'_i   (j in S_i),   e_j / Z'_i   (otherwise)
 * </pre>
 *
 * {@code expm1} keeps the digits of {@code exp(b_j + w_ij) - exp(b_j)} for weights near 0, where the plain
 * difference would cancel. All arithmetic is in double.
 */
public final class SparseSoftmax {
  private SparseSoftmax() {}

  /**
   * {@code exp(b_j - M)} of every word, their sum and {@code M}; without a bias, {@code b = 0}.
   *
   * @param max {@code M = max_j b_j}
   * @param exp {@code e_j = exp(b_j - M)}
   * @param sum {@code B' = sum_j e_j}, summed in word order
   */
  public record BiasExp(double max, double[] exp, double sum) {
    public static BiasExp of(float[] bias, int numClasses) {
      double[] e = new double[numClasses];
      if (bias == null) {
        java.util.Arrays.fill(e, 1.0);
        return new BiasExp(0.0, e, numClasses);
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < numClasses; j++) max = Math.max(max, bias[j]);
      double sum = 0.0;
      for (int j = 0; j < numClasses; j++) {
        e[j] = Math.exp(bias[j] - max);
        sum += e[j];
      }
      return new BiasExp(max, e, sum);
    }
  }

  /**
   * {@code Z'_i} of a row whose pairs are {@code columns[from .. to)} with weights {@code w[from .. to)}.
   */
  public static double scaledPartition(BiasExp be, int[] columns, float[] w, int from, int to) {
    double z = be.sum();
    double[] e = be.exp();
    for (int k = from; k < to; k++) z += e[columns[k]] * Math.expm1(w[k]);
    return z;
  }

  /** {@code p(. | prev)} over all V words. */
  public static double[] probabilities(SparsePairs pairs, float[] w, float[] bias, int prev) {
    return probabilities(BiasExp.of(bias, pairs.numClasses()), pairs.columns(), w, pairs.rowStart(prev),
        pairs.rowEnd(prev));
  }

  /**
   * {@code p(. | i)} over all V words, of a row whose pairs are {@code columns[from .. to)} with weights
   * {@code w[from .. to)}: for a reader of several rows, who computes {@code be} once.
   */
  public static double[] probabilities(BiasExp be, int[] columns, float[] w, int from, int to) {
    return probabilities(be, columns, w, from, to, new double[be.exp().length]);
  }

  /** As {@link #probabilities(BiasExp, int[], float[], int, int)}, into {@code p}, which it returns. */
  public static double[] probabilities(BiasExp be, int[] columns, float[] w, int from, int to, double[] p) {
    double z = scaledPartition(be, columns, w, from, to);
    double[] e = be.exp();
    for (int j = 0; j < p.length; j++) p[j] = e[j] / z;
    for (int k = from; k < to; k++) {
      int j = columns[k];
      p[j] = e[j] * Math.exp(w[k]) / z;
    }
    return p;
  }
}
