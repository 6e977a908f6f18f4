package dev.bigram.optim;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * Unnormalized gradient of a contiguous row range {@code [firstRow, firstRow + numRows)} of {@code W}, stored
 * row-major as {@code float} ({@link Kernel#FAST}) or {@code double} ({@link Kernel#EXACT}). Serialized in bulk
 * ({@link FloatArrays}): this is what every task returns to the driver each epoch.
 */
public final class GradientRows implements Serializable {
  private static final long serialVersionUID = 2L;

  private int firstRow;
  private int numRows;
  private int numClasses;
  /** Exactly one of the two is non-null. */
  private float[] floats;
  private double[] doubles;

  public GradientRows(int firstRow, int numRows, int numClasses, boolean floatStorage) {
    this.firstRow = firstRow;
    this.numRows = numRows;
    this.numClasses = numClasses;
    if (floatStorage) {
      this.floats = new float[numRows * numClasses];
    } else {
      this.doubles = new double[numRows * numClasses];
    }
  }

  public int firstRow() {
    return firstRow;
  }

  public int endRow() {
    return firstRow + numRows;
  }

  public int numRows() {
    return numRows;
  }

  public boolean isFloat() {
    return floats != null;
  }

  /** Float values (null when stored as double); row {@code i} starts at {@link #offsetOf(int)}. */
  public float[] floats() {
    return floats;
  }

  /** Double values (null when stored as float). */
  public double[] doubles() {
    return doubles;
  }

  /** Entry {@code index} of the backing array, as double. */
  public double value(int index) {
    return floats != null ? floats[index] : doubles[index];
  }

  public int offsetOf(int row) {
    return (row - firstRow) * numClasses;
  }

  public boolean contains(int row) {
    return row >= firstRow && row < firstRow + numRows;
  }

  /** Bytes of values carried. */
  public long payloadBytes() {
    return floats != null ? 4L * floats.length : 8L * doubles.length;
  }

  boolean overlaps(GradientRows other) {
    return firstRow < other.endRow() && other.firstRow < endRow() && numRows > 0 && other.numRows > 0;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.writeInt(firstRow);
    out.writeInt(numRows);
    out.writeInt(numClasses);
    out.writeBoolean(floats != null);
    if (floats != null) {
      FloatArrays.write(out, floats, 0, floats.length);
    } else {
      FloatArrays.write(out, doubles);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException {
    firstRow = in.readInt();
    numRows = in.readInt();
    numClasses = in.readInt();
    if (in.readBoolean()) {
      floats = FloatArrays.readFloats(in, numRows * numClasses);
    } else {
      doubles = FloatArrays.readDoubles(in, numRows * numClasses);
    }
  }

  @Override
  public String toString() {
    return "[" + firstRow + ", " + endRow() + ")";
  }
}
