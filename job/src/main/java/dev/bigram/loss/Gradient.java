package dev.bigram.loss;

import java.util.List;

/**
 * The gradient of the mean training loss of one epoch, as the optimizer sees it: {@code dW = scale * rows} and
 * {@code db = scale * bias}, before any regularization ({@code dev.bigram.optim.L2} adds its own term).
 *
 * <p>{@code rows} are the unnormalized gradients of disjoint row ranges of the model's weights, sorted by
 * first row; a row that no range covers has no data term (its context word never occurs in training). Row
 * {@code i} of a range lines up entry for entry with row {@code i} of the weights, whatever the row's length.
 *
 * @param rows unnormalized gradient rows, sorted by first row, disjoint
 * @param bias unnormalized {@code db}, or null when the model has no bias or no training row was seen
 * @param scale {@code 1 / N}, N the number of training occurrences
 */
public record Gradient(List<GradientRows> rows, double[] bias, double scale) {
  public Gradient {
    rows = List.copyOf(rows);
  }

  /** The range that holds row {@code row}'s gradient, indexed by row, over {@code numRows} rows. */
  public GradientRows[] ownersOf(int numRows) {
    GradientRows[] owner = new GradientRows[numRows];
    for (GradientRows g : rows) {
      for (int i = g.firstRow(); i < g.endRow(); i++) owner[i] = g;
    }
    return owner;
  }
}
