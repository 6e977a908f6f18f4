package dev.bigram.loss;

import dev.bigram.math.FloatArrays;
import dev.bigram.model.LowRank;
import dev.bigram.model.SparsePairs;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * The rows {@code [firstRow, firstRow + numRows)} of {@code W}, plus the bias: what one task needs to evaluate
 * the rows it owns. A whole-matrix broadcast is the block {@code [0, V)}.
 *
 * <p>On the driver a block is a view into the full matrix, so creating one copies nothing (and in
 * {@code local[*]}, where tasks read the driver's copy of a broadcast, nothing is copied at all). Serialized, it
 * carries only its own rows, written in bulk by {@link FloatArrays}. (With Kryo, which ignores
 * {@code writeObject}, the fields are written as they are: correct, but the whole backing array is shipped.)
 *
 * <p>Rows of a sparse model ({@link #sparseView}) carry their pairs' columns beside the weights: entry
 * {@code k} of row {@code i}, for {@code k} in {@code [entryStart(i), entryEnd(i))}, is the weight
 * {@code weights()[k]} of the pair {@code (i, columns()[k])}.
 *
 * <p>Rows of a dense model with low-rank factors ({@link LowRank}) carry their rows of {@code A} and all of
 * {@code B}; {@link #logitRow} adds the term to a row of {@code W}.
 */
public final class WeightRows implements Serializable {
  private static final long serialVersionUID = 4L;

  private int firstRow;
  private int numRows;
  private int numClasses;
  /** Row {@code firstRow} starts at {@code baseOffset}. */
  private int baseOffset;
  private float[] weights;
  private float[] bias;
  /** Sparse rows: row {@code firstRow + r} starts at entry {@code rowStarts[rowStartsBase + r]}; null: dense. */
  private int[] rowStarts;
  private int rowStartsBase;
  /** Sparse rows: the column of each entry, aligned with {@link #weights}. */
  private int[] columns;
  /** Dense rows: the low-rank factors' rank; 0 without factors. */
  private int rank;
  /** Row {@code firstRow}'s {@code A} starts at {@code factors[aBase]}, {@code B} at {@code factors[bBase]}. */
  private float[] factors;
  private int aBase;
  private int bBase;

  private WeightRows(int firstRow, int numRows, int numClasses, int baseOffset, float[] weights, float[] bias) {
    this.firstRow = firstRow;
    this.numRows = numRows;
    this.numClasses = numClasses;
    this.baseOffset = baseOffset;
    this.weights = weights;
    this.bias = bias;
  }

  /** A view of rows {@code [firstRow, endRow)} of a sparse model's weights; nothing is copied. */
  public static WeightRows sparseView(SparsePairs pairs, float[] weights, float[] bias, int firstRow, int endRow) {
    int v = pairs.numClasses();
    if (firstRow < 0 || endRow < firstRow || endRow > v || weights.length != pairs.size()) {
      throw new IllegalArgumentException("rows [" + firstRow + ", " + endRow + ") outside a sparse model of V = "
          + v + " and " + pairs.size() + " pairs (" + weights.length + " weights)");
    }
    WeightRows rows = new WeightRows(firstRow, endRow - firstRow, v, 0, weights, bias);
    rows.rowStarts = pairs.rowStarts();
    rows.rowStartsBase = firstRow;
    rows.columns = pairs.columns();
    return rows;
  }

  /**
   * Sparse rows {@code [0, rowStarts.length - 1)} held on their own, not as a view of a whole model: row
   * {@code r}'s entries are {@code [rowStarts[r], rowStarts[r + 1])} of {@code columns} and {@code weights}.
   */
  public static WeightRows sparseRows(int numClasses, int[] rowStarts, int[] columns, float[] weights,
      float[] bias) {
    int numRows = rowStarts.length - 1;
    if (numRows < 0 || rowStarts[0] != 0 || rowStarts[numRows] > columns.length
        || rowStarts[numRows] > weights.length) {
      throw new IllegalArgumentException(numRows + " sparse rows of " + (numRows < 0 ? 0 : rowStarts[numRows])
          + " entries, with " + columns.length + " columns and " + weights.length + " weights");
    }
    WeightRows rows = new WeightRows(0, numRows, numClasses, 0, weights, bias);
    rows.rowStarts = rowStarts;
    rows.rowStartsBase = 0;
    rows.columns = columns;
    return rows;
  }

  public boolean isSparse() {
    return rowStarts != null;
  }

  /** Sparse rows: the first entry of row {@code row} (a global row id) in {@link #weights()}. */
  public int entryStart(int row) {
    return rowStarts[rowStartsBase + row - firstRow];
  }

  /** Sparse rows: the end of row {@code row}'s entries. */
  public int entryEnd(int row) {
    return rowStarts[rowStartsBase + row - firstRow + 1];
  }

  /** Sparse rows: the column of each entry. */
  public int[] columns() {
    return columns;
  }

  /** A view of rows {@code [firstRow, endRow)} of a full row-major {@code V x V} matrix; nothing is copied. */
  public static WeightRows view(float[] fullWeights, float[] bias, int numClasses, int firstRow, int endRow) {
    return view(fullWeights, bias, numClasses, 0, firstRow, endRow);
  }

  /**
   * As above, for a dense model's weight array with low-rank factors of rank {@code rank} behind {@code W}
   * ({@link LowRank}); the view reads its rows of {@code A} and all of {@code B} there.
   */
  public static WeightRows view(float[] fullWeights, float[] bias, int numClasses, int rank, int firstRow,
      int endRow) {
    if ((long) endRow * numClasses > fullWeights.length || firstRow < 0 || endRow < firstRow
        || (rank > 0 && fullWeights.length != LowRank.length(numClasses, rank))) {
      throw new IllegalArgumentException("rows [" + firstRow + ", " + endRow + ") outside a " + numClasses
          + "-column matrix of rank " + rank + " and " + fullWeights.length + " entries");
    }
    WeightRows rows = new WeightRows(firstRow, endRow - firstRow, numClasses, firstRow * numClasses, fullWeights,
        bias);
    rows.rank = rank;
    if (rank > 0) {
      rows.factors = fullWeights;
      rows.aBase = LowRank.aStart(numClasses) + firstRow * rank;
      rows.bBase = LowRank.bStart(numClasses, rank);
    }
    return rows;
  }

  /** The whole matrix (and its factors, when {@code rank > 0}). */
  public static WeightRows whole(float[] fullWeights, float[] bias, int numClasses, int rank) {
    return view(fullWeights, bias, numClasses, rank, 0, numClasses);
  }

  /** Dense rows: the low-rank factors' rank, 0 without factors. */
  public int rank() {
    return rank;
  }

  /**
   * Dense rows: writes the logit weights of row {@code row} (a global row id), {@code W} plus the low-rank term,
   * into {@code z[0 .. V)}.
   */
  public void logitRow(int row, float[] z) {
    LowRank.logitRow(weights, offsetOf(row), factors, aBase + (row - firstRow) * rank, factors, bBase, rank,
        numClasses, z, 0);
  }

  /** The whole matrix. */
  public static WeightRows whole(float[] fullWeights, float[] bias, int numClasses) {
    return whole(fullWeights, bias, numClasses, 0);
  }

  public boolean covers(int first, int end) {
    return first >= firstRow && end <= firstRow + numRows;
  }

  /** Offset of row {@code row} (a global row id) inside {@link #weights()}. */
  public int offsetOf(int row) {
    return baseOffset + (row - firstRow) * numClasses;
  }

  public int firstRow() {
    return firstRow;
  }

  public int numRows() {
    return numRows;
  }

  public int numClasses() {
    return numClasses;
  }

  /** The backing array; use {@link #offsetOf(int)} to find a row. */
  public float[] weights() {
    return weights;
  }

  public float[] bias() {
    return bias;
  }

  /** Payload bytes: what shipping this block costs at least. */
  public long payloadBytes() {
    long b = bias == null ? 0 : 4L * bias.length;
    if (rowStarts == null) return 4L * numRows * numClasses + 4L * rank * (numRows + numClasses) + b;
    long entries = entryStart(firstRow + numRows) - entryStart(firstRow);
    return 8L * entries + 4L * (numRows + 1) + b;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.writeInt(firstRow);
    out.writeInt(numRows);
    out.writeInt(numClasses);
    out.writeBoolean(rowStarts != null);
    if (rowStarts == null) {
      FloatArrays.write(out, weights, baseOffset, numRows * numClasses);
      out.writeInt(rank);
      if (rank > 0) {
        FloatArrays.write(out, factors, aBase, numRows * rank);
        FloatArrays.write(out, factors, bBase, rank * numClasses);
      }
    } else {
      int first = entryStart(firstRow);
      int entries = entryStart(firstRow + numRows) - first;
      int[] starts = new int[numRows + 1];
      for (int r = 0; r <= numRows; r++) starts[r] = rowStarts[rowStartsBase + r] - first;
      FloatArrays.write(out, starts, 0, starts.length);
      FloatArrays.write(out, columns, first, entries);
      FloatArrays.write(out, weights, first, entries);
    }
    out.writeBoolean(bias != null);
    if (bias != null) FloatArrays.write(out, bias, 0, bias.length);
  }

  private void readObject(ObjectInputStream in) throws IOException {
    firstRow = in.readInt();
    numRows = in.readInt();
    numClasses = in.readInt();
    baseOffset = 0;
    if (!in.readBoolean()) {
      weights = FloatArrays.readFloats(in, numRows * numClasses);
      rank = in.readInt();
      if (rank > 0) {
        factors = FloatArrays.readFloats(in, numRows * rank + rank * numClasses);
        aBase = 0;
        bBase = numRows * rank;
      }
    } else {
      rowStarts = FloatArrays.readInts(in, numRows + 1);
      rowStartsBase = 0;
      columns = FloatArrays.readInts(in, rowStarts[numRows]);
      weights = FloatArrays.readFloats(in, rowStarts[numRows]);
    }
    bias = in.readBoolean() ? FloatArrays.readFloats(in, numClasses) : null;
  }
}
