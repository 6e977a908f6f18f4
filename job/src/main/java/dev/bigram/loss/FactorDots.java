package dev.bigram.loss;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FactorGradient#dots} on the CPU's widest float vectors: partial {@code l} of {@link FactorGradient#PARTIALS}
 * is lane {@code l} of one 16-lane vector, or lane {@code l mod 8} of the first or second of two 8-lane ones, so
 * the sums are the scalar code's bit for bit on either width. Loaded only when the vector API is available
 * ({@code VectorSupport}: 8 or 16 float lanes).
 */
final class FactorDots {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  private FactorDots() {}

  static void dots(float[] g, int gOffset, float[] b, int bStart, int rank, int numClasses, double[] out,
      int outOffset, float[] lanes) {
    int chunked = numClasses - numClasses % FactorGradient.PARTIALS;
    for (int k = 0; k < rank; k++) {
      int bOff = bStart + k * numClasses;
      if (F.length() == FactorGradient.PARTIALS) {
        FloatVector acc = FloatVector.zero(F);
        for (int j = 0; j < chunked; j += FactorGradient.PARTIALS) {
          acc = acc.add(FloatVector.fromArray(F, g, gOffset + j).mul(FloatVector.fromArray(F, b, bOff + j)));
        }
        acc.intoArray(lanes, 0);
      } else {
        FloatVector lo = FloatVector.zero(F);
        FloatVector hi = FloatVector.zero(F);
        int half = F.length();
        for (int j = 0; j < chunked; j += FactorGradient.PARTIALS) {
          lo = lo.add(FloatVector.fromArray(F, g, gOffset + j).mul(FloatVector.fromArray(F, b, bOff + j)));
          hi = hi.add(FloatVector.fromArray(F, g, gOffset + j + half)
              .mul(FloatVector.fromArray(F, b, bOff + j + half)));
        }
        lo.intoArray(lanes, 0);
        hi.intoArray(lanes, half);
      }
      out[outOffset + k] = FactorGradient.finish(lanes, g, gOffset, b, bOff, chunked, numClasses);
    }
  }
}
