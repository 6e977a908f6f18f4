package dev.bigram.math;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector arithmetic that gives the same bits in every JVM, compiled or not.
 *
 * <p>The vector API's own {@code EXP} and {@code reduceLanes(ADD)} do not: the JIT maps {@code EXP} to a vector
 * math routine whose last bit may differ from the interpreter's lane-by-lane {@code Math.exp}, and may reorder a
 * floating-point reduction. A driver that resumes, or an executor that replaces a lost one, starts in a fresh
 * JVM, so the same epoch could round differently there. These use only IEEE add, subtract, multiply, max
 * and bit operations, which round the same way everywhere.
 */
public final class VectorExp {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  private VectorExp() {}

  /**
   * The softmax's exponentials over a row's whole chunks ({@link FloatExp#chunked}): replaces {@code e[0 ..
   * chunked)} (logits, none above {@code max}) by {@code exp(e - max)} and returns their sum in the order of
   * {@link FloatExp#PARTIALS}. Within 3 ulps: {@code x = n ln 2 + r} with {@code |r| <= ln 2 / 2}, a degree-7
   * polynomial for {@code exp(r)} (Cephes' {@code expf} coefficients), times {@code 2^n} built from its exponent
   * bits; below {@link FloatExp#LOWEST} it gives {@code exp(LOWEST)}. {@link FloatExp#expNonPositive} is its
   * scalar twin, step for step.
   *
   * <p>The exp is written out in the loop rather than called: a vector passed to or returned from a method the JIT
   * did not inline is an object on the heap. Whether the JIT inlines it depends on what it happened to compile
   * first, and when it did not, an epoch at {@code V = 10,000} allocated 1.6 GB of such objects and took twice as
   * long (docs/benchmark-history.md, 2026-12-02).
   */
  public static double expChunks(float[] e, int chunked, float max) {
    // 16 lanes: one vector a chunk, its halves partials 0..7 in turn; 8 lanes: each vector's halves are partials
    // 0..3 and 4..7.
    boolean wide = F.length() == FloatExp.CHUNK;
    DoubleVector lo = DoubleVector.zero(D);
    DoubleVector hi = DoubleVector.zero(D);
    for (int j = 0; j < chunked; j += F.length()) {
      FloatVector xc = FloatVector.fromArray(F, e, j).sub(max).max(FloatExp.LOWEST);
      FloatVector t = xc.mul(FloatExp.LOG2E).add(FloatExp.ROUND);
      // t's low mantissa bits hold n (ROUND's bits plus n): no float-to-int conversion needed.
      IntVector nBits = t.reinterpretAsInts().sub(FloatExp.ROUND_BITS);
      FloatVector n = t.sub(FloatExp.ROUND);
      FloatVector r = xc.sub(n.mul(FloatExp.C1)).sub(n.mul(FloatExp.C2));
      FloatVector p = r.mul(FloatExp.P0).add(FloatExp.P1);
      p = p.mul(r).add(FloatExp.P2);
      p = p.mul(r).add(FloatExp.P3);
      p = p.mul(r).add(FloatExp.P4);
      p = p.mul(r).add(FloatExp.P5);
      FloatVector y = p.mul(r.mul(r)).add(r).add(1.0f);
      FloatVector x = y.mul(nBits.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
      x.intoArray(e, j);
      if (wide) {
        lo = lo.add(x.convertShape(VectorOperators.F2D, D, 0)).add(x.convertShape(VectorOperators.F2D, D, 1));
      } else {
        lo = lo.add(x.convertShape(VectorOperators.F2D, D, 0));
        hi = hi.add(x.convertShape(VectorOperators.F2D, D, 1));
      }
    }
    return wide ? sumLanes(lo) : sumLanes(hi, sumLanes(lo, 0.0));
  }

  /** The lanes of {@code v} summed in lane order. */
  public static double sumLanes(DoubleVector v) {
    return sumLanes(v, 0.0);
  }

  /** {@code s} plus the lanes of {@code v}, added in lane order. */
  public static double sumLanes(DoubleVector v, double s) {
    double t = s;
    for (int i = 0; i < v.length(); i++) t += v.lane(i);
    return t;
  }
}
