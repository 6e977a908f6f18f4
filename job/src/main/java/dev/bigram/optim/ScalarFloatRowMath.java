package dev.bigram.optim;

/**
 * {@link Kernel#FAST} without the vector API: one {@code exp} per entry (kept for the gradient), float
 * gradient storage, double sums. Same results as {@link VectorRowMath} within float rounding.
 */
final class ScalarFloatRowMath implements RowMath {
  private final int numClasses;
  /** {@code exp(z_j - max)}. */
  private final float[] e;
  private double sum;

  ScalarFloatRowMath(int numClasses) {
    this.numClasses = numClasses;
    this.e = new float[numClasses];
  }

  @Override
  public double prepare(float[] w, int wOffset, float[] b) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < numClasses; j++) {
      float z = b == null ? w[wOffset + j] : w[wOffset + j] + b[j];
      e[j] = z;
      if (z > max) max = z;
    }
    double s = 0.0;
    for (int j = 0; j < numClasses; j++) {
      float x = (float) Math.exp(e[j] - max);
      e[j] = x;
      s += x;
    }
    sum = s;
    return max + Math.log(s);
  }

  @Override
  public void writeGradient(CountRows rows, int r, GradientRows out, int outOffset, double[] db) {
    float[] g = out.floats();
    double n = rows.rowTotal(r);
    double scale = n / sum;
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
