package dev.bigram.optim;

import dev.bigram.math.FloatExp;
import dev.bigram.math.VectorExp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam's update of one row of {@code W} on float vectors, for {@link Kernel#FAST}: the same formula as
 * {@link Adam}'s element rule, in float arithmetic (the moments and weights are stored as float anyway);
 * the squared gradient norm is summed in double, in the fixed order of {@link FloatExp#PARTIALS}. Loaded only
 * when {@link VectorSupport#AVAILABLE}.
 */
final class AdamRows {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  private AdamRows() {}

  static double applyRow(float[] w, int offset, int numClasses, float[] data, int dataOffset, double scale,
      double l2, float[] m, float[] vv, double stepSize, double epsHat) {
    float fScale = (float) scale;
    float fL2 = (float) l2;
    float step = (float) stepSize;
    float eps = (float) epsHat;
    int chunked = FloatExp.chunked(numClasses);
    // The squared norm in the fixed order of FloatExp.PARTIALS: with 16 lanes both halves of a vector go to
    // partials 0..7; with 8 lanes the halves are partials 0..3 and 4..7.
    boolean wide = F.length() == 16;
    DoubleVector lo = DoubleVector.zero(D);
    DoubleVector hi = DoubleVector.zero(D);
    for (int j = 0; j < chunked; j += F.length()) {
      int k = offset + j;
      FloatVector wv = FloatVector.fromArray(F, w, k);
      FloatVector g = wv.mul(fL2);
      if (data != null) g = FloatVector.fromArray(F, data, dataOffset + j).mul(fScale).add(g);
      FloatVector g2 = g.mul(g);
      if (wide) {
        lo = lo.add(g2.convertShape(VectorOperators.F2D, D, 0)).add(g2.convertShape(VectorOperators.F2D, D, 1));
      } else {
        lo = lo.add(g2.convertShape(VectorOperators.F2D, D, 0));
        hi = hi.add(g2.convertShape(VectorOperators.F2D, D, 1));
      }
      FloatVector mi = FloatVector.fromArray(F, m, k).mul(ScalarAdamRows.B1).add(g.mul(ScalarAdamRows.C1));
      FloatVector vi = FloatVector.fromArray(F, vv, k).mul(ScalarAdamRows.B2).add(g2.mul(ScalarAdamRows.C2));
      mi.intoArray(m, k);
      vi.intoArray(vv, k);
      wv.sub(mi.mul(step).div(vi.sqrt().add(eps))).intoArray(w, k);
    }
    double sq = wide ? VectorExp.sumLanes(lo) : VectorExp.sumLanes(hi, VectorExp.sumLanes(lo));
    return ScalarAdamRows.elementTail(w, offset, chunked, numClasses, data, dataOffset, scale, l2, m, vv, stepSize,
        epsHat, sq);
  }
}
