package dev.bigram.loss;

import dev.bigram.data.CountRows;
import dev.bigram.model.Softmax;

/** The reference: logits, {@code exp} and the gradient in double, exactly as docs/design.md writes them
 * ("Loss and gradient from counts"). */
final class ExactRowMath implements RowMath {
  private final int numClasses;
  private final double[] z;
  private double lse;

  ExactRowMath(int numClasses) {
    this.numClasses = numClasses;
    this.z = new double[numClasses];
  }

  @Override
  public double prepare(float[] w, int wOffset, float[] b) {
    lse = Softmax.logits(w, wOffset, b, numClasses, z);
    return lse;
  }

  @Override
  public void writeGradient(CountRows rows, int r, GradientRows out, int outOffset, double[] db) {
    double[] g = out.doubles();
    double n = rows.rowTotal(r);
    for (int j = 0; j < numClasses; j++) {
      g[outOffset + j] = n * Math.exp(z[j] - lse);
    }
    for (int k = rows.pairStart(r); k < rows.pairEnd(r); k++) {
      g[outOffset + rows.nextId(k)] -= rows.pairCount(k);
    }
    if (db != null) {
      for (int j = 0; j < numClasses; j++) db[j] += g[outOffset + j];
    }
  }

  @Override
  public boolean floatGradient() {
    return false;
  }
}
