package dev.bigram.model;

/**
 * Numerically stable softmax over one row of logits {@code z_j = W[i][j] + b[j]}.
 *
 * <p>Every computation subtracts the row maximum before {@code exp}, so no logit, however large, overflows,
 * and the log-sum-exp is exact to double precision. Weights are stored as {@code float} (see
 * {@link BigramModel}); all arithmetic here is done in {@code double}.
 */
public final class Softmax {
  private Softmax() {}

  /**
   * Writes the logits {@code w[wOffset + j] + b[j]} of one row into {@code out[0..V)} and returns their
   * log-sum-exp. {@code b} may be {@code null} (no bias).
   */
  public static double logits(float[] w, int wOffset, float[] b, int numClasses, double[] out) {
    return logits(w, wOffset, b, numClasses, out, 0);
  }

  /** As {@link #logits(float[], int, float[], int, double[])}, writing into {@code out[outOffset ..]}. */
  public static double logits(
      float[] w, int wOffset, float[] b, int numClasses, double[] out, int outOffset) {
    double max = Double.NEGATIVE_INFINITY;
    if (b == null) {
      for (int j = 0; j < numClasses; j++) {
        double z = w[wOffset + j];
        out[outOffset + j] = z;
        if (z > max) max = z;
      }
    } else {
      for (int j = 0; j < numClasses; j++) {
        double z = (double) w[wOffset + j] + b[j];
        out[outOffset + j] = z;
        if (z > max) max = z;
      }
    }
    double sum = 0.0;
    for (int j = 0; j < numClasses; j++) {
      sum += Math.exp(out[outOffset + j] - max);
    }
    return max + Math.log(sum);
  }

  /** Turns the logits in {@code z} into probabilities in place, given their log-sum-exp. */
  public static void normalizeInPlace(double[] z, double logSumExp, int numClasses) {
    for (int j = 0; j < numClasses; j++) {
      z[j] = Math.exp(z[j] - logSumExp);
    }
  }

  /** The probabilities {@code p(. | row)} of one row, as a new array. */
  public static double[] probabilities(float[] w, int wOffset, float[] b, int numClasses) {
    return probabilities(w, wOffset, b, numClasses, new double[numClasses]);
  }

  /** As {@link #probabilities(float[], int, float[], int)}, into {@code p}, which it returns. */
  public static double[] probabilities(float[] w, int wOffset, float[] b, int numClasses, double[] p) {
    double lse = logits(w, wOffset, b, numClasses, p);
    normalizeInPlace(p, lse, numClasses);
    return p;
  }
}
