package dev.bigram.optim;

/**
 * {@link Kernel#FAST} without vector instructions, bit for bit what {@link VectorRowMath} computes: the same
 * {@code exp} polynomial ({@link FloatExp}), element by element, and the sums kept in the same double lanes, added in the
 * same order ({@code floatLanes} entries a step: the first {@code doubleLanes} into lanes {@code 0 ..}, then the
 * next {@code doubleLanes}; the lanes summed in lane order; the tail past the last full step added one by one).
 *
 * <p>It is the kernel when the vector API is missing, and while the vector code is still being compiled
 * ({@link VectorSupport#ready}): a run gives the same bits whichever of the two computed an epoch.
 */
final class ScalarRowMath implements RowMath {
  private final int numClasses;
  private final int floatLanes;
  private final int doubleLanes;
  private final int upper;
  /** {@code exp(z_j - max)}. */
  private final float[] e;
  private final double[] lanes;
  private double sum;

  ScalarRowMath(int numClasses) {
    this(numClasses, VectorSupport.FLOAT_LANES, VectorSupport.DOUBLE_LANES);
  }

  /** With an explicit lane layout ({@code floatLanes = 2 * doubleLanes}, as for vectors of one bit size). */
  ScalarRowMath(int numClasses, int floatLanes, int doubleLanes) {
    if (floatLanes != 2 * doubleLanes) {
      throw new IllegalArgumentException(floatLanes + " float lanes must be twice " + doubleLanes + " double lanes");
    }
    this.numClasses = numClasses;
    this.floatLanes = floatLanes;
    this.doubleLanes = doubleLanes;
    this.upper = numClasses - numClasses % floatLanes;
    this.e = new float[numClasses];
    this.lanes = new double[doubleLanes];
  }

  @Override
  public double prepare(float[] w, int wOffset, float[] b) {
    float max = Float.NEGATIVE_INFINITY;
    int j = 0;
    for (; j < upper; j++) {
      float z = b == null ? w[wOffset + j] : w[wOffset + j] + b[j];
      e[j] = z;
      max = Math.max(max, z);
    }
    for (; j < numClasses; j++) {
      float z = b == null ? w[wOffset + j] : w[wOffset + j] + b[j];
      e[j] = z;
      if (z > max) max = z;
    }
    java.util.Arrays.fill(lanes, 0.0);
    for (j = 0; j < upper; j += floatLanes) {
      for (int i = 0; i < floatLanes; i++) e[j + i] = FloatExp.expNonPositive(e[j + i] - max);
      for (int i = 0; i < doubleLanes; i++) lanes[i] = lanes[i] + e[j + i] + e[j + doubleLanes + i];
    }
    double s = 0;
    for (int i = 0; i < doubleLanes; i++) s += lanes[i];
    sum = FloatExp.expTail(e, j, numClasses, max, s);
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
