package dev.bigram.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The {@code (prev, next)} pairs that have a weight in the sparse model ({@code model.weights = sparse}): the
 * distinct pairs of the training counts, in compressed-row form. Row {@code i}'s pairs are the entries
 * {@code [rowStart(i), rowEnd(i))}; entry {@code k} predicts word {@link #column(int) column(k)}, and columns
 * increase within a row. Entry {@code k} of the weights, of Adam's moments and of the gradient is the same pair.
 *
 * <p>Immutable once built: every copy of a model (the best epoch's, a checkpoint's) shares it.
 */
public final class SparsePairs implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int numClasses;
  private final int[] rowStart;
  private final int[] columns;

  /**
   * @param rowStart {@code V + 1} non-decreasing offsets, {@code rowStart[0] = 0}, {@code rowStart[V] =
   *     columns.length}
   * @param columns the next word of each entry, strictly increasing within a row, each in {@code [0, V)}
   */
  public SparsePairs(int numClasses, int[] rowStart, int[] columns) {
    if (rowStart.length != numClasses + 1 || rowStart[0] != 0 || rowStart[numClasses] != columns.length) {
      throw new IllegalArgumentException("inconsistent pairs: V = " + numClasses + ", " + rowStart.length
          + " row starts, " + columns.length + " columns");
    }
    for (int i = 0; i < numClasses; i++) {
      if (rowStart[i + 1] < rowStart[i]) throw new IllegalArgumentException("row starts decrease at row " + i);
      for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
        int j = columns[k];
        if (j < 0 || j >= numClasses || (k > rowStart[i] && j <= columns[k - 1])) {
          throw new IllegalArgumentException("row " + i + ": column " + j + " out of order or outside [0, "
              + numClasses + ")");
        }
      }
    }
    this.numClasses = numClasses;
    this.rowStart = rowStart;
    this.columns = columns;
  }

  public int numClasses() {
    return numClasses;
  }

  /** Number of pairs {@code |S|}. */
  public int size() {
    return columns.length;
  }

  public int rowStart(int row) {
    return rowStart[row];
  }

  public int rowEnd(int row) {
    return rowStart[row + 1];
  }

  public int column(int entry) {
    return columns[entry];
  }

  /** The entry of pair {@code (prev, next)}, or {@code -1} when the pair has no weight. */
  public int find(int prev, int next) {
    int k = Arrays.binarySearch(columns, rowStart[prev], rowStart[prev + 1], next);
    return k >= 0 ? k : -1;
  }

  /** The backing row offsets ({@code V + 1}); not to be modified. */
  public int[] rowStarts() {
    return rowStart;
  }

  /** The backing columns ({@code |S|}); not to be modified. */
  public int[] columns() {
    return columns;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof SparsePairs p && p.numClasses == numClasses
        && Arrays.equals(p.rowStart, rowStart) && Arrays.equals(p.columns, columns));
  }

  @Override
  public int hashCode() {
    return 31 * numClasses + columns.length;
  }
}
