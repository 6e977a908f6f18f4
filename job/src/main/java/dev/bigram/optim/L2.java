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
   * one in pieces of {@link UpdateLoop#PIECE} entries, in parallel and each part in order.
   */
  public double penalty(BigramModel model) {
    if (model.isSparse()) {
      return penalty(model.weights(), (model.weights().length + UpdateLoop.PIECE - 1) / UpdateLoop.PIECE,
          UpdateLoop.PIECE);
    }
    double factors = 0.0;
    if (model.rank() > 0 && factorStrength != 0.0) {
      float[] w = model.weights();
      for (int k = LowRank.aStart(model.numClasses()); k < w.length; k++) factors += (double) w[k] * w[k];
    }
    return penalty(model.weights(), model.numClasses(), model.numClasses()) + 0.5 * factorStrength * factors;
  }

  private double penalty(float[] weights, int numRows, int rowLength) {
    if (strength == 0.0) return 0.0;
    double sum = IntStream.range(0, numRows).parallel().mapToDouble(i -> {
      double row = 0.0;
      int end = (int) Math.min(weights.length, (long) (i + 1) * rowLength);
      for (int k = i * rowLength; k < end; k++) row += (double) weights[k] * weights[k];
      return row;
    }).sum();
    return 0.5 * strength * sum;
  }

  /** The gradient of the penalty at one weight. */
  public double gradient(float weight) {
    return strength * weight;
  }
}
