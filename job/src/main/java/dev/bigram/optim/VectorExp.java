package dev.bigram.optim;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector arithmetic that gives the same bits in every JVM, compiled or not.
 *
 * <p>The vector API's own {@code EXP} and {@code reduceLanes(ADD)} do not: the JIT maps {@code EXP} to a vector
 * math routine whose last bit may differ from the interpreter's lane-by-lane {@code Math.exp}, and may reorder a
 * floating-point reduction. A driver that resumes, or an executor that replaces a lost one, starts in a fresh
 * JVM, so the same epoch could round differently there. These use only IEEE add, subtract, multiply, max
 * and bit operations, which round the same way everywhere.
 */
final class VectorExp {
  private static final float LOG2E = 1.44269504088896341f;
  /** ln 2 split in two (Cody and Waite): {@code C1} has few bits, so {@code n * C1} is exact. */
  private static final float C1 = 0.693359375f;
  private static final float C2 = -2.12194440e-4f;
  /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
  private static final float ROUND = 12582912f;
  private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
  /**
   * Arguments below this are taken as this: {@code exp(-87) = 1.6e-38}, near the smallest normal float, and
   * negligible in a softmax whose largest term is 1. (A masked blend to 0 would nearly triple the kernel's
   * time: the JIT of JDK 17 does not compile it to vector instructions.)
   */
  static final float LOWEST = -87.0f;

  private VectorExp() {}

  /**
   * {@code exp(x)} for {@code x <= 0} (what the softmax needs after subtracting the max), within about 2 ulps:
   * {@code x = n ln 2 + r} with {@code |r| <= ln 2 / 2}, a degree-7 polynomial for {@code exp(r)} (Cephes'
   * {@code expf} coefficients), times {@code 2^n} built from its exponent bits. Below {@link #LOWEST} it gives
   * {@code exp(LOWEST)}.
   */
  static FloatVector expNonPositive(FloatVector x) {
    FloatVector xc = x.max(LOWEST);
    FloatVector t = xc.mul(LOG2E).add(ROUND);
    // t's low mantissa bits hold n (ROUND's bits plus n): no float-to-int conversion needed.
    IntVector nBits = t.reinterpretAsInts().sub(ROUND_BITS);
    FloatVector n = t.sub(ROUND);
    FloatVector r = xc.sub(n.mul(C1)).sub(n.mul(C2));
    FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
    p = p.mul(r).add(8.3334519073e-3f);
    p = p.mul(r).add(4.1665795894e-2f);
    p = p.mul(r).add(1.6666665459e-1f);
    p = p.mul(r).add(5.0000001201e-1f);
    FloatVector y = p.mul(r.mul(r)).add(r).add(1.0f);
    FloatVector scale = nBits.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return y.mul(scale);
  }

  /** The scalar twin of {@link #expNonPositive}, step for step, for the lanes past the last full vector. */
  static float expNonPositive(float x) {
    x = Math.max(x, LOWEST);
    float n = (x * LOG2E + ROUND) - ROUND;
    float r = (x - n * C1) - n * C2;
    float p = r * 1.9875691500e-4f + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = p * (r * r) + r + 1.0f;
    return y * Float.intBitsToFloat(((int) n + 127) << 23);
  }

  /** The lanes of {@code v} summed in lane order. */
  static double sumLanes(DoubleVector v) {
    double s = 0;
    for (int i = 0; i < v.length(); i++) s += v.lane(i);
    return s;
  }
}
