package dev.bigram.loss;

import dev.bigram.data.CountRows;
import dev.bigram.math.FloatExp;

/**
 * {@link Kernel#FAST} without vector instructions, bit for bit what {@link VectorRowMath} computes on any CPU:
 * the same {@code exp} polynomial ({@link FloatExp}), element by element, and the sum in the same fixed order
 * ({@link FloatExp#PARTIALS}).
 *
 * <p>It is the kernel when the vector API is missing, and while the vector code is still being compiled
 * ({@link VectorSupport#ready}): a run gives the same bits whichever of the two computed an epoch.
 */
final class ScalarRowMath implements RowMath {
  private final int numClasses;
  private final int chunked;
  /** {@code exp(z_j - max)}. */
  private final float[] e;
  private final double[] partials = new double[FloatExp.PARTIALS];
  private double sum;

  ScalarRowMath(int numClasses) {
    this.numClasses = numClasses;
    this.chunked = FloatExp.chunked(numClasses);
    this.e = new float[numClasses];
  }

  @Override
  public double prepare(float[] w, int wOffset, float[] b) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < numClasses; j++) {
      float z = b == null ? w[wOffset + j] : w[wOffset + j] + b[j];
      e[j] = z;
      max = Math.max(max, z);
    }
    java.util.Arrays.fill(partials, 0.0);
    for (int j = 0; j < chunked; j += FloatExp.CHUNK) {
      for (int i = 0; i < FloatExp.CHUNK; i++) e[j + i] = FloatExp.expNonPositive(e[j + i] - max);
      for (int i = 0; i < FloatExp.PARTIALS; i++) {
        partials[i] = partials[i] + e[j + i] + e[j + FloatExp.PARTIALS + i];
      }
    }
    double s = 0;
    for (double p : partials) s += p;
    sum = FloatExp.expTail(e, chunked, numClasses, max, s);
    return max + Math.log(sum);
  }

  @Override
  public void writeGradient(CountRows rows, int r, GradientRows out, int outOffset, double[] db) {
    float[] g = out.floats();
    double scale = rows.rowTotal(r) / sum;
    float fScale = (float) scale;
    for (int j = 0; j < numClasses; j++) g[outOffset + j] = e[j] * fScale;
    FloatGradients.subtractCounts(rows, r, e, scale, g, outOffset);
    if (db != null) {
      for (int j = 0; j < numClasses; j++) db[j] += g[outOffset + j];
    }
  }

  @Override
  public boolean floatGradient() {
    return true;
  }
}
