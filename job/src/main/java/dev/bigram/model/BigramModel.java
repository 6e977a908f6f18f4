package dev.bigram.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The parameters of the next-word model: weights {@code W} (row = previous word, column = next word) and an
 * output bias {@code b} of length {@code V}, in one of two layouts ({@code model.weights}):
 *
 * <ul>
 *   <li><b>dense</b>: all {@code V x V} entries, row-major; entry {@code (i, j)} is at {@code i * V + j}. With
 *       {@code model.rank = r > 0} the low-rank factors {@code A} and {@code B} follow them in the same array
 *       ({@link LowRank}), and the logit weight of a pair is {@code W[i][j] + A[i] . B[:, j]}.</li>
 *   <li><b>sparse</b>: one entry per pair of {@link SparsePairs} (the distinct training pairs), in their order.
 *       A pair without an entry scores its bias alone: {@code s_ij = b_j}. The softmax stays exact over all
 *       {@code V} words (docs/design.md, "The sparse model").</li>
 * </ul>
 *
 * <p><b>Why float storage.</b> The driver holds {@code W}, the optimizer's two moment matrices and the best
 * epoch's copy, and ships {@code W} to the executors every epoch. At {@code V = 10,000} one matrix is 400 MB in
 * float and 800 MB in double; in double the driver alone would need over 3 GB before Spark's own copies of
 * the broadcast and the task results, and {@code V = 20,000} would not fit at all. Precision is not lost where
 * it matters: sums (log-sum-exp, losses, the bias gradient) are accumulated in double, and the exact kernel
 * computes everything in double; the stored weights are rounded to 7 significant digits, far below the noise
 * of any learning rate (docs/design.md, "The kernel").
 */
public final class BigramModel {
  private final int numClasses;
  /** The sparse layout's pairs; null for the dense layout. */
  private final SparsePairs pairs;
  private final float[] weights;
  private final float[] bias;
  /** The dense layout's low-rank factors' rank ({@link LowRank}); 0 without factors and for the sparse layout. */
  private final int rank;

  /** A dense model. */
  public BigramModel(int numClasses, float[] weights, float[] bias) {
    this(numClasses, null, weights, bias);
  }

  /** A sparse model over {@code pairs} ({@code weights} has one entry per pair), or dense when pairs is null. */
  public BigramModel(int numClasses, SparsePairs pairs, float[] weights, float[] bias) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
    if (pairs == null && numClasses > MAX_DENSE_CLASSES) {
      throw new IllegalArgumentException(
          "V x V must fit one Java array (V <= 46,340), got V = " + numClasses);
    }
    if (pairs != null && pairs.numClasses() != numClasses) {
      throw new IllegalArgumentException("pairs are over V = " + pairs.numClasses() + ", the model's V = "
          + numClasses);
    }
    long entries = pairs == null ? (long) numClasses * numClasses : pairs.size();
    if (pairs != null ? weights.length != entries
        : weights.length < entries || (weights.length - entries) % (2L * numClasses) != 0) {
      throw new IllegalArgumentException("weights must have " + entries + (pairs == null ? " + 2 r V" : "")
          + " entries, got " + weights.length);
    }
    if (bias != null && bias.length != numClasses) {
      throw new IllegalArgumentException("bias must have V = " + numClasses + " entries, got " + bias.length);
    }
    this.numClasses = numClasses;
    this.pairs = pairs;
    this.weights = weights;
    this.bias = bias;
    this.rank = pairs == null ? LowRank.rankOf(weights.length, numClasses) : 0;
  }

  /** The largest V whose {@code V x V} matrix fits one Java array. */
  public static final int MAX_DENSE_CLASSES = 46_340;

  /**
   * A model with {@code W ~ N(0, stddev^2)} and {@code b = 0}. Row {@code i} is drawn from its own generator
   * seeded from {@code (seed, i)}, so the result does not depend on how many threads fill it.
   */
  public static BigramModel initialize(int numClasses, boolean withBias, double stddev, long seed) {
    return initialize(numClasses, withBias, stddev, seed, 0);
  }

  /** The standard deviation of the initial factors {@code A} and {@code B}, whatever {@code model.init-stddev}. */
  public static final double FACTOR_STDDEV = 0.01;

  /**
   * As {@link #initialize(int, boolean, double, long)}, with low-rank factors of rank {@code rank} drawn from
   * {@code N(0, FACTOR_STDDEV^2)}: never zero, where their gradients would stay zero. {@code W} is the same as
   * without factors; row {@code i} of {@code A} and row {@code k} of {@code B} have generators of their own.
   */
  public static BigramModel initialize(int numClasses, boolean withBias, double stddev, long seed, int rank) {
    long length = LowRank.length(numClasses, rank);
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("V^2 + 2 r V = " + length + " weights do not fit one Java array (V = "
          + numClasses + ", r = " + rank + ")");
    }
    float[] w = new float[(int) length];
    int aStart = LowRank.aStart(numClasses);
    int bStart = LowRank.bStart(numClasses, rank);
    IntStream.range(0, rank == 0 ? 0 : numClasses + rank).parallel().forEach(q -> {
      SplittableRandom random = new SplittableRandom(mix(seed, numClasses + (long) q));
      int from = q < numClasses ? aStart + q * rank : bStart + (q - numClasses) * numClasses;
      int n = q < numClasses ? rank : numClasses;
      for (int k = 0; k < n; k++) w[from + k] = (float) (FACTOR_STDDEV * gaussian(random));
    });
    IntStream.range(0, numClasses).parallel().forEach(i -> {
      SplittableRandom random = new SplittableRandom(mix(seed, i));
      int offset = i * numClasses;
      for (int j = 0; j < numClasses; j++) {
        w[offset + j] = (float) (stddev * gaussian(random));
      }
    });
    return new BigramModel(numClasses, w, withBias ? new float[numClasses] : null);
  }

  /**
   * A sparse model over {@code pairs} with {@code w ~ N(0, stddev^2)} and {@code b = 0}. Row {@code i}'s entries
   * take the first draws of the same generator as the dense model's row {@code i}, so when every pair is seen
   * the two models start from the same weights.
   */
  public static BigramModel initialize(SparsePairs pairs, boolean withBias, double stddev, long seed) {
    int v = pairs.numClasses();
    float[] w = new float[pairs.size()];
    IntStream.range(0, v).parallel().forEach(i -> {
      SplittableRandom random = new SplittableRandom(mix(seed, i));
      for (int k = pairs.rowStart(i); k < pairs.rowEnd(i); k++) w[k] = (float) (stddev * gaussian(random));
    });
    return new BigramModel(v, pairs, w, withBias ? new float[v] : null);
  }

  private static long mix(long seed, long i) {
    long z = seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Standard normal by Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
  private static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  public int numClasses() {
    return numClasses;
  }

  /** Whether the model has the sparse layout. */
  public boolean isSparse() {
    return pairs != null;
  }

  /** The sparse layout's pairs; null for a dense model. */
  public SparsePairs pairs() {
    return pairs;
  }

  /** The dense model's low-rank factors' rank ({@code model.rank}); 0 without factors. */
  public int rank() {
    return rank;
  }

  /** Number of weights: {@code V^2 + 2 r V} (dense; {@code r} the rank, usually 0) or {@code |S|} (sparse). */
  public long numWeights() {
    return weights.length;
  }

  /**
   * The logit weight of pair {@code (prev, next)}, its logit less the bias: {@code W} plus the low-rank term when
   * the model has one; 0 for a pair without an entry in the sparse layout.
   */
  public float weight(int prev, int next) {
    if (pairs == null) return LowRank.entry(weights, numClasses, rank, prev, next);
    int k = pairs.find(prev, next);
    return k < 0 ? 0f : weights[k];
  }

  /**
   * The weights: row-major {@code V x V}, then the low-rank factors if any (dense), or one per pair of
   * {@link #pairs()} (sparse). Mutable: the optimizer updates them.
   */
  public float[] weights() {
    return weights;
  }

  /** The output bias, or {@code null} when the model has none. */
  public float[] bias() {
    return bias;
  }

  public boolean hasBias() {
    return bias != null;
  }

  /** {@code p(. | prev)}. */
  public double[] probabilities(int prev) {
    if (pairs == null && rank > 0) return Softmax.probabilities(logitRow(prev), 0, bias, numClasses);
    if (pairs == null) return Softmax.probabilities(weights, prev * numClasses, bias, numClasses);
    return SparseSoftmax.probabilities(pairs, weights, bias, prev);
  }

  /** Row {@code prev} of {@code W} plus the low-rank term, as a new array (dense layout). */
  private float[] logitRow(int prev) {
    float[] z = new float[numClasses];
    LowRank.logitRow(weights, prev * numClasses, weights, LowRank.aStart(numClasses) + prev * rank, weights,
        LowRank.bStart(numClasses, rank), rank, numClasses, z, 0);
    return z;
  }

  /** A copy of the model's factors; null without them. */
  public LowRank.Factors factors() {
    if (rank == 0) return null;
    return new LowRank.Factors(numClasses, rank,
        java.util.Arrays.copyOfRange(weights, LowRank.aStart(numClasses), weights.length));
  }

  /**
   * The same model without factors: a dense model whose {@code W} is this one's {@code W} plus the low-rank term,
   * entry for entry the logit weights training scored ({@link LowRank}). What is published. This model itself
   * when it has no factors.
   */
  public BigramModel folded() {
    if (rank == 0) return this;
    float[] w = new float[numClasses * numClasses];
    IntStream.range(0, numClasses).parallel().forEach(i -> LowRank.logitRow(weights, i * numClasses, weights,
        LowRank.aStart(numClasses) + i * rank, weights, LowRank.bStart(numClasses, rank), rank, numClasses, w,
        i * numClasses));
    return new BigramModel(numClasses, w, bias == null ? null : bias.clone());
  }

  public BigramModel copy() {
    return new BigramModel(numClasses, pairs, weights.clone(), bias == null ? null : bias.clone());
  }

  /**
   * Copies the parameters of {@code other} (same shape) into this model: the weights in pieces of {@link #COPY_PIECE}
   * on the common pool's threads (the training loop keeps its best model this way each improving epoch; at
   * {@code V = 10,000} one thread took 0.1 s of a 0.6 s epoch).
   */
  public void copyFrom(BigramModel other) {
    if (other.numClasses != numClasses || other.hasBias() != hasBias() || other.weights.length != weights.length) {
      throw new IllegalArgumentException("shape mismatch: V=" + other.numClasses + " vs " + numClasses);
    }
    int pieces = (int) ((weights.length + (long) COPY_PIECE - 1) / COPY_PIECE);
    IntStream.range(0, pieces).parallel().forEach(p -> {
      int from = p * COPY_PIECE;
      System.arraycopy(other.weights, from, weights, from, Math.min(COPY_PIECE, weights.length - from));
    });
    if (bias != null) {
      System.arraycopy(other.bias, 0, bias, 0, bias.length);
    }
  }

  private static final int COPY_PIECE = 1 << 22;

  /** Bytes of one {@code V x V} float matrix. */
  public static long matrixBytes(long numClasses) {
    return numClasses * numClasses * Float.BYTES;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BigramModel m
        && m.numClasses == numClasses
        && java.util.Objects.equals(m.pairs, pairs)
        && Arrays.equals(m.weights, weights)
        && Arrays.equals(m.bias, bias);
  }

  @Override
  public int hashCode() {
    return 31 * numClasses + Arrays.hashCode(bias);
  }
}
