package dev.bigram.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link Axpy} on the CPU's widest float vectors. Loaded only when {@link VectorSupport#available()}. */
final class VectorAxpy {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  private VectorAxpy() {}

  static void axpy(float a, float[] x, int xo, float[] z, int zo, int n) {
    int upper = F.loopBound(n);
    int j = 0;
    for (; j < upper; j += F.length()) {
      FloatVector.fromArray(F, z, zo + j).add(FloatVector.fromArray(F, x, xo + j).mul(a)).intoArray(z, zo + j);
    }
    for (; j < n; j++) z[zo + j] += a * x[xo + j];
  }

  static void axpyFrom(float[] w, int wo, float a, float[] x, int xo, float[] z, int zo, int n) {
    int upper = F.loopBound(n);
    int j = 0;
    for (; j < upper; j += F.length()) {
      FloatVector.fromArray(F, w, wo + j).add(FloatVector.fromArray(F, x, xo + j).mul(a)).intoArray(z, zo + j);
    }
    for (; j < n; j++) z[zo + j] = w[wo + j] + a * x[xo + j];
  }

  static void flush(float[] z, int from, int to, float tiny) {
    int upper = from + F.loopBound(to - from);
    int j = from;
    for (; j < upper; j += F.length()) {
      FloatVector x = FloatVector.fromArray(F, z, j);
      x.blend(0f, x.abs().lt(tiny)).intoArray(z, j);
    }
    for (; j < to; j++) {
      if (Math.abs(z[j]) < tiny) z[j] = 0f;
    }
  }

  static void axpy4(float a0, float[] x0, int o0, float a1, float[] x1, int o1, float a2, float[] x2, int o2,
      float a3, float[] x3, int o3, float[] z, int zo, int n) {
    axpy4(a0, x0, o0, a1, x1, o1, a2, x2, o2, a3, x3, o3, z, zo, z, zo, n);
  }

  /** {@code z = (((w + a0 x0) + a1 x1) + a2 x2) + a3 x3}; {@code w} may be {@code z} itself. */
  static void axpy4(float a0, float[] x0, int o0, float a1, float[] x1, int o1, float a2, float[] x2, int o2,
      float a3, float[] x3, int o3, float[] w, int wo, float[] z, int zo, int n) {
    int upper = F.loopBound(n);
    int j = 0;
    for (; j < upper; j += F.length()) {
      FloatVector.fromArray(F, w, wo + j)
          .add(FloatVector.fromArray(F, x0, o0 + j).mul(a0))
          .add(FloatVector.fromArray(F, x1, o1 + j).mul(a1))
          .add(FloatVector.fromArray(F, x2, o2 + j).mul(a2))
          .add(FloatVector.fromArray(F, x3, o3 + j).mul(a3))
          .intoArray(z, zo + j);
    }
    for (; j < n; j++) {
      z[zo + j] = (((w[wo + j] + a0 * x0[o0 + j]) + a1 * x1[o1 + j]) + a2 * x2[o2 + j]) + a3 * x3[o3 + j];
    }
  }
}
