package dev.bigram.math;

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
public final class VectorExp {
  private VectorExp() {}

  /**
   * {@code exp(x)} for {@code x <= 0} (what the softmax needs after subtracting the max), within 3 ulps:
   * {@code x = n ln 2 + r} with {@code |r| <= ln 2 / 2}, a degree-7 polynomial for {@code exp(r)} (Cephes'
   * {@code expf} coefficients), times {@code 2^n} built from its exponent bits. Below {@link FloatExp#LOWEST}
   * it gives {@code exp(LOWEST)}. {@link FloatExp#expNonPositive} is its scalar twin, step for step.
   */
  public static FloatVector expNonPositive(FloatVector x) {
    FloatVector xc = x.max(FloatExp.LOWEST);
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
    FloatVector scale = nBits.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return y.mul(scale);
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
