package dev.bigram.optim;

import dev.bigram.math.FloatExp;

/**
 * {@link AdamRows} without vector instructions, bit for bit on any CPU: the same float arithmetic element by
 * element, the squared gradient norm in the same fixed order ({@link FloatExp#PARTIALS}), the tail past the last
 * whole chunk by {@link Adam}'s element rule.
 */
final class ScalarAdamRows {
  /** Adam's constants in float, as both row updates use them. */
  static final float B1 = (float) Adam.BETA1;
  static final float B2 = (float) Adam.BETA2;
  static final float C1 = (float) (1 - Adam.BETA1);
  static final float C2 = (float) (1 - Adam.BETA2);

  private ScalarAdamRows() {}

  static double applyRow(float[] w, int offset, int numClasses, float[] data, int dataOffset, double scale,
      double l2, float[] m, float[] vv, double stepSize, double epsHat) {
    float fScale = (float) scale;
    float fL2 = (float) l2;
    float step = (float) stepSize;
    float eps = (float) epsHat;
    int chunked = FloatExp.chunked(numClasses);
    double[] partials = new double[FloatExp.PARTIALS];
    for (int j = 0; j < chunked; j += FloatExp.CHUNK) {
      for (int i = 0; i < FloatExp.PARTIALS; i++) {
        float lo = update(w, m, vv, offset + j + i, data, dataOffset + j + i, fScale, fL2, step, eps);
        int h = FloatExp.PARTIALS + i;
        float hi = update(w, m, vv, offset + j + h, data, dataOffset + j + h, fScale, fL2, step, eps);
        partials[i] = partials[i] + lo + hi;
      }
    }
    double sq = 0;
    for (double p : partials) sq += p;
    return elementTail(w, offset, chunked, numClasses, data, dataOffset, scale, l2, m, vv, stepSize, epsHat, sq);
  }

  /**
   * Columns {@code from .. numClasses} of a row, past the last full vector, by {@link Adam}'s element rule in
   * double; returns {@code sq} plus their squared gradients, added in order.
   */
  static double elementTail(float[] w, int offset, int from, int numClasses, float[] data, int dataOffset,
      double scale, double l2, float[] m, float[] vv, double stepSize, double epsHat, double sq) {
    double s = sq;
    for (int j = from; j < numClasses; j++) {
      int k = offset + j;
      double g = (data == null ? 0.0 : scale * data[dataOffset + j]) + l2 * w[k];
      s += g * g;
      w[k] = Adam.update(w[k], m, vv, k, g, stepSize, epsHat);
    }
    return s;
  }

  /** One element in float, as a vector lane computes it; returns its squared gradient. */
  private static float update(float[] w, float[] m, float[] vv, int k, float[] data, int d, float fScale, float fL2,
      float step, float eps) {
    float wk = w[k];
    float g = wk * fL2;
    if (data != null) g = data[d] * fScale + g;
    float g2 = g * g;
    float mi = m[k] * B1 + g * C1;
    float vi = vv[k] * B2 + g2 * C2;
    m[k] = mi;
    vv[k] = vi;
    w[k] = wk - mi * step / ((float) Math.sqrt(vi) + eps);
    return g2;
  }
}
