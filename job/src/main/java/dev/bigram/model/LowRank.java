package dev.bigram.model;

import dev.bigram.math.Axpy;

/**
 * The dense model's optional low-rank term ({@code model.rank = r > 0}): factors {@code A} ({@code V x r}) and
 * {@code B} ({@code r x V}), so that the logit of {@code next} after {@code prev} is
 *
 * <pre>
 *   z[prev][next] = W[prev][next] + sum_k A[prev][k] * B[k][next] + b[next]
 * </pre>
 *
 * <p>{@code W} alone gives every context its own row, and its L2 pulls each row toward the unigram on its own.
 * The factors are shared: contexts that are followed by the same words (after "a" and "the", after "he" and
 * "she") get nearby rows of {@code A}, so what one context's counts teach reaches the others. That is what takes
 * the model below the Kneser-Ney that the softmax over {@code W + b} alone only matches (docs/design.md, "The
 * low-rank term").
 *
 * <p>The factors sit behind {@code W} in the model's weight array: {@code A} at {@code V^2 + i * r + k}, then
 * {@code B} at {@code V^2 + r * V + k * V + j}, so the optimizer, its moments, checkpoints and the L2 search's
 * parked trials carry them as they carry {@code W}. The term of one row is added in float, factor by factor in
 * the order {@code k = 0, 1, ..., r - 1}: that sequence of float operations defines the model's logits, the
 * same bits in every kernel, on every path and in the published model ({@link BigramModel#folded()}).
 */
public final class LowRank {
  /**
   * In a model with factors, factors and gradient entries smaller than this in magnitude are stored as 0. Their
   * products would be subnormal floats, which the CPU multiplies tens of times slower (a factor gradient at
   * V = 10,000 on rows full of them took ten times as long), and they carry nothing: a gradient entry of
   * {@code 2^-60} moves no weight, and the product of two entries at least this large is a normal float.
   */
  public static final float TINY = 0x1p-60f;

  private LowRank() {}

  /**
   * A model's factors on their own: {@code A} ({@code V x r}) then {@code B} ({@code r x V}) in {@code values},
   * laid out as behind {@code W}. What a published run keeps beside its folded {@code W}, so that a warm start
   * continues the same split ({@code factors/}, docs/operations.md).
   */
  public record Factors(int numClasses, int rank, float[] values) {
    public Factors {
      if (rank < 1 || values.length != 2L * rank * numClasses) {
        throw new IllegalArgumentException(values.length + " factor values for V = " + numClasses + " and rank "
            + rank);
      }
    }

    /** {@code A[i][k]}. */
    public float a(int i, int k) {
      return values[i * rank + k];
    }

    /** {@code B[k][j]}. */
    public float b(int k, int j) {
      return values[rank * numClasses + k * numClasses + j];
    }

    /** The term {@code sum_k A[i][k] * B[k][j]}, added in float from 0 in the order of {@code k}. */
    public float term(int i, int j) {
      float t = 0f;
      for (int k = 0; k < rank; k++) t += a(i, k) * b(k, j);
      return t;
    }
  }

  /** Sets every entry of {@code a[from .. to)} smaller than {@link #TINY} in magnitude to 0. */
  public static void flushTiny(float[] a, int from, int to) {
    dev.bigram.math.Axpy.flush(a, from, to, TINY);
  }

  /** The rank of a dense weight array of {@code length} entries over {@code numClasses} words. */
  public static int rankOf(long length, int numClasses) {
    long square = (long) numClasses * numClasses;
    long tail = length - square;
    if (tail < 0 || tail % (2L * numClasses) != 0) {
      throw new IllegalArgumentException("a dense model of V = " + numClasses + " has V^2 + 2 r V weights, got "
          + length);
    }
    return Math.toIntExact(tail / (2L * numClasses));
  }

  /** Entries of a dense weight array of rank {@code rank}: {@code V^2 + 2 r V}. */
  public static long length(int numClasses, int rank) {
    return (long) numClasses * numClasses + 2L * rank * numClasses;
  }

  /** Where {@code A} starts in the weight array. */
  public static int aStart(int numClasses) {
    return numClasses * numClasses;
  }

  /** Where {@code B} starts in the weight array. */
  public static int bStart(int numClasses, int rank) {
    return numClasses * numClasses + rank * numClasses;
  }

  /**
   * {@code z[zOffset + j] = w[wOffset + j] + sum_k a[aOffset + k] * b[bOffset + k * V + j]}: a row of {@code W}
   * and its term, in float, starting from {@code w} and adding each factor's product in the order of {@code k},
   * each product and each sum rounded alone ({@code rank > 0}). {@code z} may be the row of {@code w} itself.
   */
  public static void logitRow(float[] w, int wOffset, float[] a, int aOffset, float[] b, int bOffset, int rank,
      int numClasses, float[] z, int zOffset) {
    int v = numClasses;
    int k;
    // Four factors a pass over the row where there are four; each addition rounded as if alone.
    if (rank >= 4) {
      Axpy.axpy4From(w, wOffset, a[aOffset], b, bOffset, a[aOffset + 1], b, bOffset + v, a[aOffset + 2], b,
          bOffset + 2 * v, a[aOffset + 3], b, bOffset + 3 * v, z, zOffset, v);
      k = 4;
    } else {
      Axpy.axpyFrom(w, wOffset, a[aOffset], b, bOffset, z, zOffset, v);
      k = 1;
    }
    for (; k + 4 <= rank; k += 4) {
      Axpy.axpy4(a[aOffset + k], b, bOffset + k * v, a[aOffset + k + 1], b, bOffset + (k + 1) * v,
          a[aOffset + k + 2], b, bOffset + (k + 2) * v, a[aOffset + k + 3], b, bOffset + (k + 3) * v, z, zOffset, v);
    }
    for (; k < rank; k++) Axpy.axpy(a[aOffset + k], b, bOffset + k * v, z, zOffset, v);
  }

  /**
   * The logit weight of one entry, {@code W[row][col] + sum_k A[row][k] * B[k][col]}, rounded as
   * {@link #logitRow} rounds it (starting from {@code W}, factor by factor).
   */
  public static float entry(float[] params, int numClasses, int rank, int row, int col) {
    float z = params[row * numClasses + col];
    int a = aStart(numClasses) + row * rank;
    int b = bStart(numClasses, rank) + col;
    for (int k = 0; k < rank; k++) z += params[a + k] * params[b + k * numClasses];
    return z;
  }
}
