package dev.bigram.loss;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FactorGradient#dots} on 8-lane float vectors: lane {@code l} is partial {@code l}, so the sums are the
 * scalar code's bit for bit on any CPU whose vectors are 8 or 16 floats wide. Loaded only when the vector API is
 * available ({@code VectorSupport}).
 */
final class FactorDots {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

  private FactorDots() {}

  static void dots(float[] g, int gOffset, float[] b, int bStart, int rank, int numClasses, double[] out,
      int outOffset, float[] lanes) {
    int chunked = numClasses - numClasses % FactorGradient.PARTIALS;
    for (int k = 0; k < rank; k++) {
      int bOff = bStart + k * numClasses;
      FloatVector acc = FloatVector.zero(F);
      for (int j = 0; j < chunked; j += FactorGradient.PARTIALS) {
        acc = acc.add(FloatVector.fromArray(F, g, gOffset + j).mul(FloatVector.fromArray(F, b, bOff + j)));
      }
      acc.intoArray(lanes, 0);
      out[outOffset + k] = FactorGradient.finish(lanes, g, gOffset, b, bOff, chunked, numClasses);
    }
  }
}
