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
    int k = 0;
    // Two factors a pass over the row of G: each has its own partial sums, so the bits are those of one at a time.
    for (; k + 2 <= rank; k += 2) {
      int b0 = bStart + k * numClasses;
      int b1 = b0 + numClasses;
      if (F.length() == FactorGradient.PARTIALS) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int j = 0; j < chunked; j += FactorGradient.PARTIALS) {
          FloatVector x = FloatVector.fromArray(F, g, gOffset + j);
          acc0 = acc0.add(x.mul(FloatVector.fromArray(F, b, b0 + j)));
          acc1 = acc1.add(x.mul(FloatVector.fromArray(F, b, b1 + j)));
        }
        acc0.intoArray(lanes, 0);
        out[outOffset + k] = FactorGradient.finish(lanes, g, gOffset, b, b0, chunked, numClasses);
        acc1.intoArray(lanes, 0);
        out[outOffset + k + 1] = FactorGradient.finish(lanes, g, gOffset, b, b1, chunked, numClasses);
      } else {
        int half = F.length();
        FloatVector lo0 = FloatVector.zero(F);
        FloatVector hi0 = FloatVector.zero(F);
        FloatVector lo1 = FloatVector.zero(F);
        FloatVector hi1 = FloatVector.zero(F);
        for (int j = 0; j < chunked; j += FactorGradient.PARTIALS) {
          FloatVector xl = FloatVector.fromArray(F, g, gOffset + j);
          FloatVector xh = FloatVector.fromArray(F, g, gOffset + j + half);
          lo0 = lo0.add(xl.mul(FloatVector.fromArray(F, b, b0 + j)));
          hi0 = hi0.add(xh.mul(FloatVector.fromArray(F, b, b0 + j + half)));
          lo1 = lo1.add(xl.mul(FloatVector.fromArray(F, b, b1 + j)));
          hi1 = hi1.add(xh.mul(FloatVector.fromArray(F, b, b1 + j + half)));
        }
        lo0.intoArray(lanes, 0);
        hi0.intoArray(lanes, half);
        out[outOffset + k] = FactorGradient.finish(lanes, g, gOffset, b, b0, chunked, numClasses);
        lo1.intoArray(lanes, 0);
        hi1.intoArray(lanes, half);
        out[outOffset + k + 1] = FactorGradient.finish(lanes, g, gOffset, b, b1, chunked, numClasses);
      }
    }
    for (; k < rank; k++) {
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
