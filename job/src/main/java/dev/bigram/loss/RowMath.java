package dev.bigram.loss;

import dev.bigram.data.CountRows;

/**
 * The softmax of one row of logits {@code z = W[i] + b}, computed once by {@link #prepare} and then turned
 * into the loss and, for training rows, the gradient row {@code n p - c} (which is also added to {@code db}).
 * Implementations keep the row's exponentials in their own scratch space between the two calls.
 */
interface RowMath {
  /**
   * Evaluates the row at {@code w[wOffset ..]} (plus {@code b}, which may be null) and returns its
   * log-sum-exp; keeps {@code exp(z - max)} for {@link #writeGradient}.
   */
  double prepare(float[] w, int wOffset, float[] b);

  /**
   * Writes the unnormalized gradient row {@code n p(.|i) - c[i][.]} of stored row {@code r} of {@code rows}
   * into {@code out} at {@code outOffset}, and adds it to {@code db} when {@code db} is not null. Uses the
   * row last passed to {@link #prepare}.
   */
  void writeGradient(CountRows rows, int r, GradientRows out, int outOffset, double[] db);

  /** The storage precision of the gradient rows this math writes. */
  boolean floatGradient();
}
