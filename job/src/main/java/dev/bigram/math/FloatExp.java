package dev.bigram.math;

/**
 * {@code exp} for the fast kernel's softmax, in float, from IEEE add, subtract, multiply, max and bit
 * operations only, so that it rounds the same in every JVM, compiled or not: {@code x = n ln 2 + r} with
 * {@code |r| <= ln 2 / 2}, a degree-7 polynomial for {@code exp(r)} (Cephes' {@code expf} coefficients), times
 * {@code 2^n} built from its exponent bits; within 3 ulps of {@code Math.exp}.
 *
 * <p>This is the scalar form, for the scalar kernels and the tails past the last full vector;
 * {@link VectorExp} computes the same bits on vectors. It needs no vector API: it is what runs on a JVM
 * without {@code jdk.incubator.vector}.
 */
public final class FloatExp {
  public static final float LOG2E = 1.44269504088896341f;
  /** ln 2 split in two (Cody and Waite): {@code C1} has few bits, so {@code n * C1} is exact. */
  public static final float C1 = 0.693359375f;
  public static final float C2 = -2.12194440e-4f;
  /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
  public static final float ROUND = 12582912f;
  public static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
  /** The polynomial's coefficients, highest degree first. */
  public static final float P0 = 1.9875691500e-4f;
  public static final float P1 = 1.3981999507e-3f;
  public static final float P2 = 8.3334519073e-3f;
  public static final float P3 = 4.1665795894e-2f;
  public static final float P4 = 1.6666665459e-1f;
  public static final float P5 = 5.0000001201e-1f;
  /**
   * Arguments below this are taken as this: {@code exp(-87) = 1.6e-38}, near the smallest normal float, and
   * negligible in a softmax whose largest term is 1. (A masked blend to 0 would nearly triple the vector
   * kernel's time: the JIT of JDK 17 does not compile it to vector instructions.)
   */
  public static final float LOWEST = -87.0f;

  /**
   * The fast kernel's sums of a row's floats (its softmax denominator, the squared norm of its Adam step) are
   * taken in one order on every machine: the row's first {@link #chunked} entries go to {@code PARTIALS} double
   * partial sums, entry {@code k} to partial {@code k % PARTIALS}, in increasing {@code k}; the partials are
   * added in order, then the rest of the row one by one. This is what 16-lane (AVX-512) vectors do naturally and
   * 8-lane (AVX2) vectors do with two accumulators, so the vector code, on either, and the scalar twins agree
   * to the bit, and a run does not depend on which of them, or which CPU, computed an epoch.
   */
  public static final int PARTIALS = 8;
  /** Entries per chunk of a row: two entries per partial. */
  public static final int CHUNK = 2 * PARTIALS;

  private FloatExp() {}

  /** The end of a row's whole chunks. */
  public static int chunked(int numClasses) {
    return numClasses - numClasses % CHUNK;
  }

  /** {@code exp(x)} for {@code x <= 0} (what the softmax needs after subtracting the max); below {@link #LOWEST}, {@code exp(LOWEST)}. */
  public static float expNonPositive(float x) {
    x = Math.max(x, LOWEST);
    float n = (x * LOG2E + ROUND) - ROUND;
    float r = (x - n * C1) - n * C2;
    float p = r * P0 + P1;
    p = p * r + P2;
    p = p * r + P3;
    p = p * r + P4;
    p = p * r + P5;
    float y = p * (r * r) + r + 1.0f;
    return y * Float.intBitsToFloat(((int) n + 127) << 23);
  }

  /**
   * The softmax tail: replaces {@code e[from .. to)} (logits) by {@code exp(e - max)} and returns {@code sum}
   * plus them, added one by one in order.
   */
  public static double expTail(float[] e, int from, int to, float max, double sum) {
    double s = sum;
    for (int j = from; j < to; j++) {
      float x = expNonPositive(e[j] - max);
      e[j] = x;
      s += x;
    }
    return s;
  }
}
