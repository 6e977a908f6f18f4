package dev.bigram.loss;

import dev.bigram.model.LowRank;
import java.util.stream.IntStream;

/**
 * The data part of the low-rank factors' gradient ({@link LowRank}), from the epoch's merged gradient rows
 * {@code G = dW} (the gradient with respect to the logits):
 *
 * <pre>
 *   dA[i][k] = sum_j G[i][j] * B[k][j]        (dA = G B^T)
 *   dB[k][j] = sum_i A[i][k] * G[i][j]        (dB = A^T G)
 * </pre>
 *
 * Unnormalized, as {@link Gradient}'s rows are, and without the L2 term. Summed in double, each entry in a fixed
 * order ({@code j} ascending for {@code dA}, {@code i} ascending for {@code dB}), in parallel over rows of
 * {@code A} and over chunks of columns of {@code B}: the same bits with any number of threads. Computed on the
 * driver after the gradient is merged, so no path ships the factors' gradients.
 */
public final class FactorGradient {
  /** Columns of {@code dB} one thread sums. */
  static final int COLUMNS = 512;

  private FactorGradient() {}

  /**
   * {@code dA} ({@code V x r}, row-major) then {@code dB} ({@code r x V}, row-major): {@code 2 r V} entries,
   * aligned with the factors in the model's weight array from {@link LowRank#aStart}.
   */
  public static double[] of(float[] params, int numClasses, int rank, Gradient gradient) {
    int v = numClasses;
    double[] out = new double[2 * rank * v];
    if (rank == 0) return out;
    GradientRows[] owner = gradient.ownersOf(v);
    int aStart = LowRank.aStart(v);
    int bStart = LowRank.bStart(v, rank);
    // B transposed (V x r), so that dA's inner loop runs along a row of it.
    float[] bt = new float[v * rank];
    for (int k = 0; k < rank; k++) {
      for (int j = 0; j < v; j++) bt[j * rank + k] = params[bStart + k * v + j];
    }
    IntStream.range(0, v).parallel().forEach(i -> {
      GradientRows g = owner[i];
      if (g == null) return;
      int off = g.offsetOf(i);
      double[] acc = new double[rank];
      if (g.isFloat()) {
        float[] f = g.floats();
        for (int j = 0; j < v; j++) addScaled(acc, f[off + j], bt, j * rank, rank);
      } else {
        double[] d = g.doubles();
        for (int j = 0; j < v; j++) addScaled(acc, d[off + j], bt, j * rank, rank);
      }
      System.arraycopy(acc, 0, out, i * rank, rank);
    });
    int chunks = (v + COLUMNS - 1) / COLUMNS;
    int dB = rank * v;
    IntStream.range(0, chunks).parallel().forEach(c -> {
      int from = c * COLUMNS;
      int to = Math.min(v, from + COLUMNS);
      for (int i = 0; i < v; i++) {
        GradientRows g = owner[i];
        if (g == null) continue;
        int off = g.offsetOf(i);
        for (int k = 0; k < rank; k++) {
          double a = params[aStart + i * rank + k];
          int o = dB + k * v;
          if (g.isFloat()) {
            float[] f = g.floats();
            for (int j = from; j < to; j++) out[o + j] += a * f[off + j];
          } else {
            double[] d = g.doubles();
            for (int j = from; j < to; j++) out[o + j] += a * d[off + j];
          }
        }
      }
    });
    return out;
  }

  private static void addScaled(double[] acc, double g, float[] row, int offset, int n) {
    for (int k = 0; k < n; k++) acc[k] += g * row[offset + k];
  }
}
