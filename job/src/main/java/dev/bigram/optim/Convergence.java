package dev.bigram.optim;

import java.util.OptionalInt;

/**
 * The exercise's convergence test: training has converged when the mean absolute change of the loss over the
 * last {@link #WINDOW} epoch-to-epoch steps is below {@code tolerance}. It needs {@code WINDOW + 1} losses.
 *
 * <p>It only says that the loss stopped moving, not that it is good: a model that never learns (a learning
 * rate near zero) "converges" at once. Read it beside the total improvement and the floor gap.
 */
public record Convergence(double tolerance) {
  /** Steps averaged, as in the classroom exercise (docs/design.md, "Where this came from"). */
  public static final int WINDOW = 3;

  public Convergence {
    if (!(tolerance > 0)) throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
  }

  /**
   * Mean {@code |loss[e] - loss[e-1]|} over the {@link #WINDOW} steps ending at index {@code end - 1};
   * {@code +Infinity} when fewer than {@code WINDOW + 1} losses are given.
   */
  public static double meanRecentChange(double[] losses, int end) {
    if (end <= WINDOW) return Double.POSITIVE_INFINITY;
    double sum = 0;
    for (int i = end - WINDOW; i < end; i++) sum += Math.abs(losses[i] - losses[i - 1]);
    return sum / WINDOW;
  }

  public static double meanRecentChange(double[] losses) {
    return meanRecentChange(losses, losses.length);
  }

  /** Whether the last losses have converged. NaN losses never converge. */
  public boolean converged(double[] losses) {
    return meanRecentChange(losses) < tolerance;
  }

  /** The first epoch (1-based index into {@code losses}) at which the test held, if any. */
  public OptionalInt firstConvergedEpoch(double[] losses) {
    for (int end = WINDOW + 1; end <= losses.length; end++) {
      if (meanRecentChange(losses, end) < tolerance) return OptionalInt.of(end);
    }
    return OptionalInt.empty();
  }
}
