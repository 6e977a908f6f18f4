package dev.bigram.loss;

import dev.bigram.math.Axpy;
import dev.bigram.model.LowRank;
import java.util.stream.IntStream;

/**
 * The data part of the low-rank factors' gradient ({@link LowRank}), from the epoch's merged gradient rows
 * {@code G = dW} (the gradient with respect to the logits):
 *
 * <pre>
 *   dA[i][k] = sum_j G[i][j] * B[k][j]        (dA = G B^T)
 *   dB[k][j] = sum_i A[i][k] * G[i][j]        (dB = A^T G)
 * </pre>
 *
 * Unnormalized, as {@link Gradient}'s rows are, and without the L2 term. Computed on the driver after the
 * gradient is merged, so no path ships the factors' gradients; in one pass over {@code G}'s rows, in parallel over
 * {@link #ROW_BLOCKS} fixed blocks of rows, each entry summed in a fixed order: the bits do not depend on the
 * threads.
 *
 * <ul>
 *   <li>Double rows (the exact kernel): every sum in double, {@code j} ascending for {@code dA}; {@code dB}'s
 *       over {@code i} ascending within each block of rows, then the blocks' partials in block order.</li>
 *   <li>Float rows (the fast kernel): in float, as the rows are. {@code dA}'s sums over {@code j} in
 *       {@link #PARTIALS} partials ({@code j mod 16}, each ascending), added in double in the partials' order,
 *       then the tail; on vectors ({@link FactorDots}) where the vector API is used, else by this class's
 *       scalar twin, with the same bits. {@code dB}'s sums over {@code i} ascending within each block, in float,
 *       then the blocks' partials in double in block order.</li>
 * </ul>
 */
public final class FactorGradient {
  /** Blocks of rows of {@code G}, each summed into its own partial {@code dB} by one task. */
  static final int ROW_BLOCKS = 16;
  /** Partial sums of one of {@code dA}'s float dot products. */
  static final int PARTIALS = 16;
  /** Float rows of {@code G} that go through their columns together. */
  static final int GROUP = 8;
  /** Columns in one tile: a multiple of {@link #PARTIALS}; eight rows' tiles take 16 KB of the core's cache. */
  static final int TILE = 512;

  private FactorGradient() {}

  /**
   * {@code dA} ({@code V x r}, row-major) then {@code dB} ({@code r x V}, row-major): {@code 2 r V} entries,
   * aligned with the factors in the model's weight array from {@link LowRank#aStart}.
   */
  public static double[] of(float[] params, int numClasses, int rank, Gradient gradient) {
    return of(params, numClasses, rank, gradient, new Workspace());
  }

  /**
   * The arrays one computation needs, kept for the next: an optimizer computes the factors' gradient every epoch,
   * and arrays of a megabyte or more, allocated anew each time, make the JVM's G1 collector start a concurrent
   * cycle every epoch (a "humongous" allocation) and grow the heap toward its maximum.
   */
  public static final class Workspace {
    private double[] out;
    private float[][] floats;
    private double[][] doubles;

    /**
     * The zeroed result of {@code n} entries, and room for {@code blocks} partials of each kind. Called before the
     * blocks' tasks start: each task then takes only its own block's partial, so no two threads touch the same slot.
     */
    double[] start(int n, int blocks) {
      if (out == null || out.length != n) {
        out = new double[n];
      } else {
        java.util.Arrays.fill(out, 0.0);
      }
      if (floats == null || floats.length != blocks) floats = new float[blocks][];
      if (doubles == null || doubles.length != blocks) doubles = new double[blocks][];
      return out;
    }

    /** Block {@code blk}'s zeroed float partial of {@code n} entries. */
    float[] floats(int blk, int n) {
      if (floats[blk] == null || floats[blk].length != n) {
        floats[blk] = new float[n];
      } else {
        java.util.Arrays.fill(floats[blk], 0f);
      }
      return floats[blk];
    }

    /** Block {@code blk}'s zeroed double partial of {@code n} entries. */
    double[] doubles(int blk, int n) {
      if (doubles[blk] == null || doubles[blk].length != n) {
        doubles[blk] = new double[n];
      } else {
        java.util.Arrays.fill(doubles[blk], 0.0);
      }
      return doubles[blk];
    }
  }

  /** As above, in {@code ws}'s arrays: the result is valid until the next computation in the same workspace. */
  public static double[] of(float[] params, int numClasses, int rank, Gradient gradient, Workspace ws) {
    int v = numClasses;
    if (rank == 0) return new double[0];
    int blocks = Math.min(v, ROW_BLOCKS);
    double[] out = ws.start(2 * rank * v, blocks);
    GradientRows[] owner = gradient.ownersOf(v);
    boolean vector = dev.bigram.math.VectorSupport.useFor(v);
    int aStart = LowRank.aStart(v);
    int bStart = LowRank.bStart(v, rank);
    // One pass over G's rows, a block of rows per task: dA's rows, and the block's own partial dB, while each row of
    // G is in cache. The partials are then added in block order: the same bits with any number of threads.
    float[][] floatPartials = new float[blocks][];
    double[][] doublePartials = new double[blocks][];
    // Each block's partial dB is a workspace array, taken (and zeroed) when the block meets its first row.
    IntStream.range(0, blocks).parallel().forEach(blk -> {
      float[] lanes = new float[GROUP * rank * PARTIALS];
      // Float rows wait in groups of GROUP, which then go through their columns together, a tile at a time.
      int[] group = new int[GROUP];
      int grouped = 0;
      int end = (int) ((long) (blk + 1) * v / blocks);
      for (int i = (int) ((long) blk * v / blocks); i < end; i++) {
        GradientRows g = owner[i];
        if (g != null && g.isFloat()) {
          if (floatPartials[blk] == null) floatPartials[blk] = ws.floats(blk, rank * v);
          group[grouped++] = i;
        }
        if (grouped > 0 && (grouped == GROUP || i == end - 1)) {
          floatGroup(floatPartials[blk], owner, group, grouped, params, aStart, bStart, rank, v, vector, out, lanes);
          grouped = 0;
        }
        if (g == null || g.isFloat()) continue;
        // A double row (the exact kernel): both sums in double.
        int off = g.offsetOf(i);
        double[] d = g.doubles();
        if (doublePartials[blk] == null) doublePartials[blk] = ws.doubles(blk, rank * v);
        double[] acc = doublePartials[blk];
        for (int k = 0; k < rank; k++) {
          int bOff = bStart + k * v;
          double s = 0.0;
          for (int j = 0; j < v; j++) s += d[off + j] * params[bOff + j];
          out[i * rank + k] = s;
          double a = params[aStart + i * rank + k];
          int o = k * v;
          for (int j = 0; j < v; j++) acc[o + j] += a * d[off + j];
        }
      }
    });
    int dB = rank * v;
    IntStream.range(0, rank).parallel().forEach(k -> {
      for (int blk = 0; blk < blocks; blk++) {
        float[] f = floatPartials[blk];
        double[] d = doublePartials[blk];
        for (int j = 0; j < v; j++) {
          if (f != null) out[dB + k * v + j] += f[k * v + j];
          if (d != null) out[dB + k * v + j] += d[k * v + j];
        }
      }
    });
    return out;
  }

  /**
   * The {@code n} (1 to {@link #GROUP}) float rows {@code i} of {@code rows}, in their order: their {@code dA} rows
   * into {@code out}, and {@code acc[k][j] += A[i][k] * G[i][j]}, each addition rounded as alone. Column tile by
   * column tile ({@link #TILE}), so that the rows' tiles are read from memory once and stay in the core's cache
   * while all of {@code B}'s and {@code acc}'s rows pass over them; the dot products' partials wait in
   * {@code lanes} between tiles. Each sum is taken in the order the class comment gives, whatever the tiling.
   */
  private static void floatGroup(float[] acc, GradientRows[] owner, int[] rows, int n, float[] params, int aStart,
      int bStart, int rank, int v, boolean vector, double[] out, float[] lanes) {
    float[][] f = new float[n][];
    int[] o = new int[n];
    for (int q = 0; q < n; q++) {
      f[q] = owner[rows[q]].floats();
      o[q] = owner[rows[q]].offsetOf(rows[q]);
    }
    java.util.Arrays.fill(lanes, 0, n * rank * PARTIALS, 0f);
    int chunked = v - v % PARTIALS;
    for (int t = 0; t < v; t += TILE) {
      int tileEnd = Math.min(v, t + TILE);
      int dotsEnd = Math.min(chunked, tileEnd);
      for (int q = 0; q < n && dotsEnd > t; q++) {
        if (vector) {
          FactorDots.dots(f[q], o[q], params, bStart, rank, v, t, dotsEnd, lanes, q * rank * PARTIALS);
        } else {
          dots(f[q], o[q], params, bStart, rank, v, t, dotsEnd, lanes, q * rank * PARTIALS);
        }
      }
      int len = tileEnd - t;
      for (int k = 0; k < rank; k++) {
        int z = k * v + t;
        int q = 0;
        for (; q + 4 <= n; q += 4) {
          Axpy.axpy4(vector, a(params, aStart, rows[q], rank, k), f[q], o[q] + t,
              a(params, aStart, rows[q + 1], rank, k), f[q + 1], o[q + 1] + t,
              a(params, aStart, rows[q + 2], rank, k), f[q + 2], o[q + 2] + t,
              a(params, aStart, rows[q + 3], rank, k), f[q + 3], o[q + 3] + t, acc, z, len);
        }
        for (; q < n; q++) Axpy.axpy(vector, a(params, aStart, rows[q], rank, k), f[q], o[q] + t, acc, z, len);
      }
    }
    for (int q = 0; q < n; q++) {
      for (int k = 0; k < rank; k++) {
        out[rows[q] * rank + k] = finish(lanes, (q * rank + k) * PARTIALS, f[q], o[q], params, bStart + k * v,
            chunked, v);
      }
    }
  }

  private static float a(float[] params, int aStart, int row, int rank, int k) {
    return params[aStart + row * rank + k];
  }

  /**
   * The scalar twin of {@link FactorDots#dots}: for each {@code k}, the products {@code G[i][j] * B[k][j]} of the
   * columns {@code from} to {@code to} (multiples of {@link #PARTIALS}) added to the running partials
   * {@code lanes[offset + k * PARTIALS + j mod PARTIALS]}, in float.
   */
  static void dots(float[] g, int gOffset, float[] b, int bStart, int rank, int numClasses, int from, int to,
      float[] lanes, int offset) {
    for (int k = 0; k < rank; k++) {
      int bOff = bStart + k * numClasses;
      int l0 = offset + k * PARTIALS;
      for (int j = from; j < to; j += PARTIALS) {
        for (int l = 0; l < PARTIALS; l++) lanes[l0 + l] += g[gOffset + j + l] * b[bOff + j + l];
      }
    }
  }

  /** The partials added in double in their order, then the tail's products. */
  static double finish(float[] lanes, int offset, float[] g, int gOffset, float[] b, int bOff, int chunked,
      int numClasses) {
    double s = 0.0;
    for (int l = 0; l < PARTIALS; l++) s += lanes[offset + l];
    for (int j = chunked; j < numClasses; j++) s += (double) g[gOffset + j] * b[bOff + j];
    return s;
  }
}
