package dev.bigram.math;

/**
 * {@code z[zo + j] += a * x[xo + j]} over {@code n} entries in float, each product and each sum rounded alone, and
 * the like: the low-rank term's row arithmetic. Element by element there is no order to keep, so the vector code
 * ({@link VectorAxpy}, where the vector API is available) and this scalar code give the same bits. Which one runs:
 * {@link VectorSupport#useFor} of the length for a whole row, or the caller's choice for the run's {@code V}
 * (the overloads with {@code boolean vector}) for a piece of a row.
 */
public final class Axpy {
  private Axpy() {}

  /** On the vector code when a run of {@code n} columns uses it ({@link VectorSupport#useFor}). */
  public static void axpy(float a, float[] x, int xo, float[] z, int zo, int n) {
    axpy(VectorSupport.useFor(n), a, x, xo, z, zo, n);
  }

  /**
   * On the vector code if {@code vector}: for a piece of a row, whose length says nothing of the run's choice
   * (the choice for the run's {@code V}, made by the caller).
   */
  public static void axpy(boolean vector, float a, float[] x, int xo, float[] z, int zo, int n) {
    if (vector) {
      VectorAxpy.axpy(a, x, xo, z, zo, n);
      return;
    }
    for (int j = 0; j < n; j++) z[zo + j] += a * x[xo + j];
  }

  /** {@code z[zo + j] = w[wo + j] + a * x[xo + j]}: a copy of {@code w} and the first {@link #axpy} in one pass. */
  public static void axpyFrom(float[] w, int wo, float a, float[] x, int xo, float[] z, int zo, int n) {
    if (VectorSupport.useFor(n)) {
      VectorAxpy.axpyFrom(w, wo, a, x, xo, z, zo, n);
      return;
    }
    for (int j = 0; j < n; j++) z[zo + j] = w[wo + j] + a * x[xo + j];
  }

  /**
   * {@code z = (((w + a0 x0) + a1 x1) + a2 x2) + a3 x3}: {@link #axpyFrom} and three {@link #axpy} in one pass, each
   * addition rounded as if alone.
   */
  public static void axpy4From(float[] w, int wo, float a0, float[] x0, int o0, float a1, float[] x1, int o1,
      float a2, float[] x2, int o2, float a3, float[] x3, int o3, float[] z, int zo, int n) {
    if (VectorSupport.useFor(n)) {
      VectorAxpy.axpy4(a0, x0, o0, a1, x1, o1, a2, x2, o2, a3, x3, o3, w, wo, z, zo, n);
      return;
    }
    for (int j = 0; j < n; j++) {
      z[zo + j] = (((w[wo + j] + a0 * x0[o0 + j]) + a1 * x1[o1 + j]) + a2 * x2[o2 + j]) + a3 * x3[o3 + j];
    }
  }

  /** Sets every entry of {@code z[from .. to)} smaller than {@code tiny} in magnitude to 0. */
  public static void flush(float[] z, int from, int to, float tiny) {
    if (VectorSupport.useFor(to - from)) {
      VectorAxpy.flush(z, from, to, tiny);
      return;
    }
    for (int j = from; j < to; j++) {
      if (Math.abs(z[j]) < tiny) z[j] = 0f;
    }
  }

  /**
   * Four rows at once, in their order: {@code z = (((z + a0 x0) + a1 x1) + a2 x2) + a3 x3}, each addition rounded
   * as if alone, in one pass over {@code z}.
   */
  public static void axpy4(float a0, float[] x0, int o0, float a1, float[] x1, int o1, float a2, float[] x2, int o2,
      float a3, float[] x3, int o3, float[] z, int zo, int n) {
    axpy4(VectorSupport.useFor(n), a0, x0, o0, a1, x1, o1, a2, x2, o2, a3, x3, o3, z, zo, n);
  }

  /** {@link #axpy4} on the vector code if {@code vector}, as the two-way {@code axpy} says. */
  public static void axpy4(boolean vector, float a0, float[] x0, int o0, float a1, float[] x1, int o1, float a2,
      float[] x2, int o2, float a3, float[] x3, int o3, float[] z, int zo, int n) {
    if (vector) {
      VectorAxpy.axpy4(a0, x0, o0, a1, x1, o1, a2, x2, o2, a3, x3, o3, z, zo, n);
      return;
    }
    for (int j = 0; j < n; j++) {
      z[zo + j] = (((z[zo + j] + a0 * x0[o0 + j]) + a1 * x1[o1 + j]) + a2 * x2[o2 + j]) + a3 * x3[o3 + j];
    }
  }
}
