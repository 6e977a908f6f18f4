package dev.bigram.optim;

import dev.bigram.model.BigramModel;
import java.util.stream.IntStream;

/**
 * The L2 penalty on the weights {@code W} (never on the bias): the loss term {@code strength / 2 * |W|^2} and its
 * gradient {@code strength * W}. The loop adds {@link #penalty} to the training loss; the update rules add
 * {@code strength * w} to each weight's data gradient (fused into their row loops).
 *
 * @param strength {@code train.l2}, a number {@code >= 0}
 */
public record L2(double strength) {
  public static final L2 NONE = new L2(0.0);

  public L2 {
    if (!(strength >= 0) || Double.isInfinite(strength)) {
      throw new IllegalArgumentException("L2 strength must be a finite number >= 0, got " + strength);
    }
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
    return penalty(model.weights(), model.numClasses(), model.numClasses());
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
