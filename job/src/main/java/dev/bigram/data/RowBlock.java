package dev.bigram.data;

import java.io.Serializable;

/**
 * The training data one partition owns: every bigram whose previous word lies in the contiguous row range
 * {@code [firstRow, endRow)} of {@code W}, split into training and validation counts. Because a row is owned by
 * exactly one block, the gradient rows of different blocks never overlap and merging them is concatenation.
 *
 * <p>{@code stats} carries corpus counters that were counted in the same shuffle as the bigrams (see
 * {@code dev.bigram.data.CorpusStats}); it is all zeros except in the block that received them.
 */
public final class RowBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int index;
  private final int firstRow;
  private final int endRow;
  private final CountRows train;
  private final CountRows validation;
  private final long[] stats;

  public RowBlock(int index, int firstRow, int endRow, CountRows train, CountRows validation, long[] stats) {
    if (firstRow < 0 || endRow < firstRow) {
      throw new IllegalArgumentException("bad row range [" + firstRow + ", " + endRow + ")");
    }
    checkRange(train, firstRow, endRow, "train");
    checkRange(validation, firstRow, endRow, "validation");
    this.index = index;
    this.firstRow = firstRow;
    this.endRow = endRow;
    this.train = train;
    this.validation = validation;
    this.stats = stats;
  }

  private static void checkRange(CountRows rows, int firstRow, int endRow, String what) {
    if (rows.numRows() > 0 && (rows.row(0) < firstRow || rows.row(rows.numRows() - 1) >= endRow)) {
      throw new IllegalArgumentException(
          what + " rows " + rows.row(0) + ".." + rows.row(rows.numRows() - 1) + " outside the block's range ["
              + firstRow + ", " + endRow + ")");
    }
  }

  /** The partition index; also the index of this block's weight shard. */
  public int index() {
    return index;
  }

  public int firstRow() {
    return firstRow;
  }

  public int endRow() {
    return endRow;
  }

  public int numRows() {
    return endRow - firstRow;
  }

  public CountRows train() {
    return train;
  }

  public CountRows validation() {
    return validation;
  }

  public long[] stats() {
    return stats;
  }

  /** This block without word {@code id} (its row and the pairs that predict it), in both splits. */
  public RowBlock without(int id) {
    return new RowBlock(index, firstRow, endRow, train.without(id), validation.without(id), stats);
  }
}
