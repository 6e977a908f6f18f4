package dev.bigram.loss;

import dev.bigram.math.FloatArrays;
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
 */
public final class WeightRows implements Serializable {
  private static final long serialVersionUID = 2L;

  private int firstRow;
  private int numRows;
  private int numClasses;
  /** Row {@code firstRow} starts at {@code baseOffset}. */
  private int baseOffset;
  private float[] weights;
  private float[] bias;

  private WeightRows(int firstRow, int numRows, int numClasses, int baseOffset, float[] weights, float[] bias) {
    this.firstRow = firstRow;
    this.numRows = numRows;
    this.numClasses = numClasses;
    this.baseOffset = baseOffset;
    this.weights = weights;
    this.bias = bias;
  }

  /** A view of rows {@code [firstRow, endRow)} of a full row-major {@code V x V} matrix; nothing is copied. */
  public static WeightRows view(float[] fullWeights, float[] bias, int numClasses, int firstRow, int endRow) {
    if ((long) endRow * numClasses > fullWeights.length || firstRow < 0 || endRow < firstRow) {
      throw new IllegalArgumentException("rows [" + firstRow + ", " + endRow + ") outside a " + numClasses
          + "-column matrix of " + fullWeights.length + " entries");
    }
    return new WeightRows(firstRow, endRow - firstRow, numClasses, firstRow * numClasses, fullWeights, bias);
  }

  /** The whole matrix. */
  public static WeightRows whole(float[] fullWeights, float[] bias, int numClasses) {
    return view(fullWeights, bias, numClasses, 0, numClasses);
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
    return 4L * numRows * numClasses + (bias == null ? 0 : 4L * bias.length);
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.writeInt(firstRow);
    out.writeInt(numRows);
    out.writeInt(numClasses);
    FloatArrays.write(out, weights, baseOffset, numRows * numClasses);
    out.writeBoolean(bias != null);
    if (bias != null) FloatArrays.write(out, bias, 0, bias.length);
  }

  private void readObject(ObjectInputStream in) throws IOException {
    firstRow = in.readInt();
    numRows = in.readInt();
    numClasses = in.readInt();
    baseOffset = 0;
    weights = FloatArrays.readFloats(in, numRows * numClasses);
    bias = in.readBoolean() ? FloatArrays.readFloats(in, numClasses) : null;
  }
}
