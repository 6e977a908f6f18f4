package dev.bigram.loss;

import dev.bigram.data.CountRows;
import dev.bigram.math.FloatExp;
import dev.bigram.math.VectorExp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernel#FAST} with the JDK's vector API: logits, max and {@code exp(z - max)} on the widest float
 * vectors of the CPU ({@link VectorExp}: a polynomial that rounds the same in every JVM, compiled or not), the
 * exponentials kept for the gradient, and their sum in the fixed order of {@link FloatExp#PARTIALS}, whatever
 * the vector width: 16 float lanes (AVX-512) or 8 (AVX2) give the same bits, and so does {@link ScalarRowMath}.
 * Loaded only when {@link VectorSupport#AVAILABLE}.
 */
final class VectorRowMath implements RowMath {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  private final int numClasses;
  private final int upper;
  /** The end of the summed chunks ({@link FloatExp#CHUNK} entries each); the rest is the tail. */
  private final int chunked;
  private final float[] e;
  private double sum;

  VectorRowMath(int numClasses) {
    this.numClasses = numClasses;
    this.upper = F.loopBound(numClasses);
    this.chunked = FloatExp.chunked(numClasses);
    this.e = new float[numClasses];
  }


  @Override
  public double prepare(float[] w, int wOffset, float[] b) {
    int j = 0;
    FloatVector maxV = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    for (; j < upper; j += F.length()) {
      FloatVector z = FloatVector.fromArray(F, w, wOffset + j);
      if (b != null) z = z.add(FloatVector.fromArray(F, b, j));
      z.intoArray(e, j);
      maxV = maxV.max(z);
    }
    float max = maxV.reduceLanes(VectorOperators.MAX);
    for (; j < numClasses; j++) {
      float z = b == null ? w[wOffset + j] : w[wOffset + j] + b[j];
      e[j] = z;
      max = Math.max(max, z);
    }
    double s = VectorExp.expChunks(e, chunked, max);
    sum = FloatExp.expTail(e, chunked, numClasses, max, s);
    return max + Math.log(sum);
  }

  @Override
  public void writeGradient(CountRows rows, int r, GradientRows out, int outOffset, double[] db) {
    float[] g = out.floats();
    double scale = rows.rowTotal(r) / sum;
    float fScale = (float) scale;
    int j = 0;
    for (; j < upper; j += F.length()) {
      FloatVector.fromArray(F, e, j).mul(fScale).intoArray(g, outOffset + j);
    }
    for (; j < numClasses; j++) g[outOffset + j] = e[j] * fScale;
    FloatGradients.subtractCounts(rows, r, e, scale, g, outOffset);
    if (db != null) {
      j = 0;
      for (; j < upper; j += F.length()) {
        FloatVector x = FloatVector.fromArray(F, g, outOffset + j);
        int half = D.length();
        DoubleVector.fromArray(D, db, j).add(x.convertShape(VectorOperators.F2D, D, 0)).intoArray(db, j);
        DoubleVector.fromArray(D, db, j + half).add(x.convertShape(VectorOperators.F2D, D, 1))
            .intoArray(db, j + half);
      }
      for (; j < numClasses; j++) db[j] += g[outOffset + j];
    }
  }

  @Override
  public boolean floatGradient() {
    return true;
  }
}
