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
  private static final int P = FactorGradient.PARTIALS;

  private FactorDots() {}

  static void dots(float[] g, int gOffset, float[] b, int bStart, int rank, int numClasses, int from, int to,
      float[] lanes, int offset) {
    // With 8 lanes, the first then the second half of each group of 16 columns, each with its own partials.
    for (int h = 0; h < P; h += F.length()) {
      int k = 0;
      // Four factors a pass over the tile: each has its own partials, so the bits are those of one at a time.
      for (; k + 4 <= rank; k += 4) {
        int l0 = offset + k * P + h;
        int b0 = bStart + k * numClasses + h;
        int b1 = b0 + numClasses;
        int b2 = b1 + numClasses;
        int b3 = b2 + numClasses;
        FloatVector acc0 = FloatVector.fromArray(F, lanes, l0);
        FloatVector acc1 = FloatVector.fromArray(F, lanes, l0 + P);
        FloatVector acc2 = FloatVector.fromArray(F, lanes, l0 + 2 * P);
        FloatVector acc3 = FloatVector.fromArray(F, lanes, l0 + 3 * P);
        for (int j = from; j < to; j += P) {
          FloatVector x = FloatVector.fromArray(F, g, gOffset + h + j);
          acc0 = acc0.add(x.mul(FloatVector.fromArray(F, b, b0 + j)));
          acc1 = acc1.add(x.mul(FloatVector.fromArray(F, b, b1 + j)));
          acc2 = acc2.add(x.mul(FloatVector.fromArray(F, b, b2 + j)));
          acc3 = acc3.add(x.mul(FloatVector.fromArray(F, b, b3 + j)));
        }
        acc0.intoArray(lanes, l0);
        acc1.intoArray(lanes, l0 + P);
        acc2.intoArray(lanes, l0 + 2 * P);
        acc3.intoArray(lanes, l0 + 3 * P);
      }
      for (; k < rank; k++) {
        int l0 = offset + k * P + h;
        int b0 = bStart + k * numClasses + h;
        FloatVector acc = FloatVector.fromArray(F, lanes, l0);
        for (int j = from; j < to; j += P) {
          acc = acc.add(FloatVector.fromArray(F, g, gOffset + h + j).mul(FloatVector.fromArray(F, b, b0 + j)));
        }
        acc.intoArray(lanes, l0);
      }
    }
  }
}
