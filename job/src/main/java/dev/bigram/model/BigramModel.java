package dev.bigram.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The parameters of the next-word model: a {@code V x V} matrix {@code W} (row = previous word, column = next
 * word), stored row-major, and an output bias {@code b} of length {@code V}.
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
  private final float[] weights;
  private final float[] bias;

  public BigramModel(int numClasses, float[] weights, float[] bias) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
    if ((long) numClasses * numClasses > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "V x V must fit one Java array (V <= 46,340), got V = " + numClasses);
    }
    if (weights.length != numClasses * numClasses) {
      throw new IllegalArgumentException(
          "weights must have V*V = " + (numClasses * numClasses) + " entries, got " + weights.length);
    }
    if (bias != null && bias.length != numClasses) {
      throw new IllegalArgumentException("bias must have V = " + numClasses + " entries, got " + bias.length);
    }
    this.numClasses = numClasses;
    this.weights = weights;
    this.bias = bias;
  }

  /**
   * A model with {@code W ~ N(0, stddev^2)} and {@code b = 0}. Row {@code i} is drawn from its own generator
   * seeded from {@code (seed, i)}, so the result does not depend on how many threads fill it.
   */
  public static BigramModel initialize(int numClasses, boolean withBias, double stddev, long seed) {
    float[] w = new float[numClasses * numClasses];
    IntStream.range(0, numClasses).parallel().forEach(i -> {
      SplittableRandom random = new SplittableRandom(mix(seed, i));
      int offset = i * numClasses;
      for (int j = 0; j < numClasses; j++) {
        w[offset + j] = (float) (stddev * gaussian(random));
      }
    });
    return new BigramModel(numClasses, w, withBias ? new float[numClasses] : null);
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

  /** Row-major {@code W}; entry {@code (i, j)} is at {@code i * V + j}. Mutable: the optimizer updates it. */
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
    return Softmax.probabilities(weights, prev * numClasses, bias, numClasses);
  }

  public BigramModel copy() {
    return new BigramModel(numClasses, weights.clone(), bias == null ? null : bias.clone());
  }

  /** Copies the parameters of {@code other} (same shape) into this model. */
  public void copyFrom(BigramModel other) {
    if (other.numClasses != numClasses || other.hasBias() != hasBias()) {
      throw new IllegalArgumentException("shape mismatch: V=" + other.numClasses + " vs " + numClasses);
    }
    System.arraycopy(other.weights, 0, weights, 0, weights.length);
    if (bias != null) {
      System.arraycopy(other.bias, 0, bias, 0, bias.length);
    }
  }

  /** Bytes of one {@code V x V} float matrix. */
  public static long matrixBytes(long numClasses) {
    return numClasses * numClasses * Float.BYTES;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BigramModel m
        && m.numClasses == numClasses
        && Arrays.equals(m.weights, weights)
        && Arrays.equals(m.bias, bias);
  }

  @Override
  public int hashCode() {
    return 31 * numClasses + Arrays.hashCode(bias);
  }
}
