package dev.bigram.optim;

import dev.bigram.model.BigramModel;
import dev.bigram.model.LowRank;
import java.util.stream.IntStream;

/**
 * The L2 penalty on the weights {@code W} and the low-rank factors {@code A}, {@code B} (never on the bias): the
 * loss term {@code strength / 2 * |W|^2 + factorStrength / 2 * (|A|^2 + |B|^2)} and its gradient. The loop adds
 * {@link #penalty} to the training loss; the update rules add {@code strength * w} to each weight's data
 * gradient (fused into their row loops) and {@code factorStrength * f} to each factor's.
 *
 * @param strength {@code train.l2}, a number {@code >= 0}
 * @param factorStrength the factors' strength: {@code train.l2} times {@code model.rank-l2}
 */
public record L2(double strength, double factorStrength) {
  public static final L2 NONE = new L2(0.0);

  public L2 {
    if (!(strength >= 0) || Double.isInfinite(strength)) {
      throw new IllegalArgumentException("L2 strength must be a finite number >= 0, got " + strength);
    }
    if (!(factorStrength >= 0) || Double.isInfinite(factorStrength)) {
      throw new IllegalArgumentException("the factors' L2 strength must be a finite number >= 0, got "
          + factorStrength);
    }
  }

  /** The same strength on {@code W} and on the factors. */
  public L2(double strength) {
    this(strength, strength);
  }

  /**
   * {@code strength / 2 * sum w^2} of the model's weights, summed in double: a dense model row by row, a sparse
   * one in pieces of {@link UpdateLoop#PIECE} entries, in parallel, each part by {@link #sumOfSquares}.
   */
  public double penalty(BigramModel model) {
    if (model.isSparse()) {
      return penalty(model.weights(), (model.weights().length + UpdateLoop.PIECE - 1) / UpdateLoop.PIECE,
          UpdateLoop.PIECE);
    }
    double factors = 0.0;
    if (model.rank() > 0 && factorStrength != 0.0) {
      float[] w = model.weights();
      int from = LowRank.aStart(model.numClasses());
      factors = sumOfSquares(w, from, w.length - from);
    }
    return penalty(model.weights(), model.numClasses(), model.numClasses()) + 0.5 * factorStrength * factors;
  }

  private double penalty(float[] weights, int numRows, int rowLength) {
    if (strength == 0.0) return 0.0;
    double sum = IntStream.range(0, numRows).parallel().mapToDouble(i -> {
      int from = i * rowLength;
      return sumOfSquares(weights, from, (int) Math.min(weights.length - (long) from, rowLength));
    }).sum();
    return 0.5 * strength * sum;
  }

  /**
   * {@code sum w^2} of {@code length} floats from {@code from}, in double, in eight running sums (entry {@code k}
   * goes to sum {@code k mod 8}) added pairwise at the end: eight additions in flight instead of one chain, so
   * that reading {@code W} from memory is the limit (0.07 s to 0.06 s at {@code V = 10,000} on 2 cores,
   * docs/benchmark-history.md, 2026-12-02), with the same bits on any machine.
   */
  static double sumOfSquares(float[] w, int from, int length) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int k = from;
    int end = from + length;
    for (; k + 8 <= end; k += 8) {
      double w0 = w[k], w1 = w[k + 1], w2 = w[k + 2], w3 = w[k + 3];
      double w4 = w[k + 4], w5 = w[k + 5], w6 = w[k + 6], w7 = w[k + 7];
      s0 += w0 * w0;
      s1 += w1 * w1;
      s2 += w2 * w2;
      s3 += w3 * w3;
      s4 += w4 * w4;
      s5 += w5 * w5;
      s6 += w6 * w6;
      s7 += w7 * w7;
    }
    for (int lane = 0; k < end; k++, lane++) {
      double x = w[k];
      switch (lane) {
        case 0 -> s0 += x * x;
        case 1 -> s1 += x * x;
        case 2 -> s2 += x * x;
        case 3 -> s3 += x * x;
        case 4 -> s4 += x * x;
        case 5 -> s5 += x * x;
        default -> s6 += x * x;
      }
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /** The gradient of the penalty at one weight. */
  public double gradient(float weight) {
    return strength * weight;
  }
}
