package dev.bigram.optim;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/** Unnormalized gradient of a contiguous row range {@code [firstRow, firstRow + numRows)} of {@code W}. */
public final class GradientRows implements Serializable {
  private static final long serialVersionUID = 1L;

  private int firstRow;
  private int numRows;
  private int numClasses;
  private double[] data;

  public GradientRows(int firstRow, int numRows, int numClasses) {
    this.firstRow = firstRow;
    this.numRows = numRows;
    this.numClasses = numClasses;
    this.data = new double[numRows * numClasses];
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

  /** Row-major values; row {@code i} starts at {@link #offsetOf(int)}. */
  public double[] data() {
    return data;
  }

  public int offsetOf(int row) {
    return (row - firstRow) * numClasses;
  }

  public boolean contains(int row) {
    return row >= firstRow && row < firstRow + numRows;
  }

  boolean overlaps(GradientRows other) {
    return firstRow < other.endRow() && other.firstRow < endRow() && numRows > 0 && other.numRows > 0;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.writeInt(firstRow);
    out.writeInt(numRows);
    out.writeInt(numClasses);
    FloatArrays.write(out, data);
  }

  private void readObject(ObjectInputStream in) throws IOException {
    firstRow = in.readInt();
    numRows = in.readInt();
    numClasses = in.readInt();
    data = FloatArrays.readDoubles(in, numRows * numClasses);
  }

  @Override
  public String toString() {
    return "[" + firstRow + ", " + endRow() + ")";
  }
}
