package dev.bigram.optim;

/**
 * Whether the JDK's incubating vector API is on the module path ({@code --add-modules jdk.incubator.vector}).
 * On first use it also warms the vector code up: until the JIT compiles them, vector operations run as
 * allocated objects, hundreds of times slower, and the first epoch at a large V would pay that (measured: 17 s
 * instead of 0.3 s at V = 2,000).
 */
final class VectorSupport {
  /** Calls of each vector routine on a small row before the first real one: past C2's compile thresholds. */
  static final int WARM_UP_CALLS = Integer.getInteger("bigram.vector.warm-up-calls", 4_000);

  static final boolean AVAILABLE = probe();

  private VectorSupport() {}

  private static void warmUp() {
    int v = 48;
    float[] w = new float[v];
    float[] m = new float[v];
    float[] vv = new float[v];
    float[] g = new float[v];
    for (int j = 0; j < v; j++) w[j] = (float) Math.sin(j) * 1e-3f;
    CountRows rows = new CountRows(new int[] {0}, new int[] {0, 1}, new int[] {3}, new long[] {2});
    GradientRows out = new GradientRows(0, 1, v, true);
    double[] db = new double[v];
    VectorRowMath math = new VectorRowMath(v);
    for (int i = 0; i < WARM_UP_CALLS; i++) {
      math.prepare(w, 0, w);
      math.writeGradient(rows, 0, out, 0, db);
      AdamRows.applyRow(g, 0, v, out.floats(), 0, 1e-6, 0.0, m, vv, 1e-9, 1e-8);
    }
  }

  private static boolean probe() {
    if (Boolean.getBoolean("bigram.vector.disable")) return false;
    try {
      Class.forName("jdk.incubator.vector.FloatVector");
      if (!VectorRowMath.selfTest()) return false;
      warmUp();
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
