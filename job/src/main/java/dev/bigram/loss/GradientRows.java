package dev.bigram.loss;

import dev.bigram.math.FloatArrays;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * Unnormalized gradient of a contiguous row range {@code [firstRow, firstRow + numRows)} of {@code W}, stored
 * row-major as {@code float} ({@link Kernel#FAST}) or {@code double} ({@link Kernel#EXACT}). Serialized in bulk
 * ({@link FloatArrays}): this is what every task returns to the driver each epoch.
 *
 * <p>A <em>shared</em> block ({@link #sharedView}) is a view of rows of a full {@code V x V} float buffer that
 * the driver owns, written in place by the driver's own threads ({@code Exchange.DRIVER}). It never leaves the
 * driver: serializing one is refused.
 *
 * <p>The gradient of a sparse model's rows ({@link #sparse}) has one entry per pair of those rows, in the
 * model's entry order: entry {@code e} of the block is the model's entry {@code firstEntry + e}, where
 * {@code firstEntry} is the model's first entry of row {@code firstRow}.
 */
public final class GradientRows implements Serializable {
  private static final long serialVersionUID = 4L;

  private int firstRow;
  private int numRows;
  private int numClasses;
  /** Exactly one of the two is non-null. */
  private float[] floats;
  private double[] doubles;
  /** Row {@code firstRow} starts at {@code baseOffset} (non-zero only for shared views). */
  private int baseOffset;
  private boolean shared;
  /** Number of entries; {@code numRows * numClasses} for dense rows. */
  private int length;
  private boolean sparse;

  public GradientRows(int firstRow, int numRows, int numClasses, boolean floatStorage) {
    this.firstRow = firstRow;
    this.numRows = numRows;
    this.numClasses = numClasses;
    this.length = numRows * numClasses;
    if (floatStorage) {
      this.floats = new float[length];
    } else {
      this.doubles = new double[length];
    }
  }

  /** The gradient of a sparse model's rows {@code [firstRow, firstRow + numRows)}: {@code length} entries. */
  public static GradientRows sparse(int firstRow, int numRows, int numClasses, int length, boolean floatStorage) {
    GradientRows g = new GradientRows(firstRow, 0, numClasses, floatStorage);
    g.numRows = numRows;
    g.length = length;
    g.sparse = true;
    if (floatStorage) g.floats = new float[length];
    else g.doubles = new double[length];
    return g;
  }

  /**
   * A sparse block written in place into the driver's buffer of all {@code |S|} entries, at
   * {@code [firstEntry, firstEntry + length)}.
   */
  public static GradientRows sharedSparse(float[] buffer, int firstRow, int numRows, int numClasses,
      int firstEntry, int length) {
    if ((long) firstEntry + length > buffer.length) {
      throw new IllegalArgumentException("entries [" + firstEntry + ", " + (firstEntry + length)
          + ") outside a buffer of " + buffer.length);
    }
    GradientRows g = sparse(firstRow, numRows, numClasses, 0, true);
    g.length = length;
    g.floats = buffer;
    g.baseOffset = firstEntry;
    g.shared = true;
    return g;
  }

  public boolean isSparse() {
    return sparse;
  }

  /** Number of entries of the block. */
  public int length() {
    return length;
  }

  /** Index in {@link #floats()} or {@link #doubles()} of the block's first entry. */
  public int base() {
    return baseOffset;
  }

  /** Rows {@code [firstRow, firstRow + numRows)} of a full row-major {@code V x V} buffer; nothing is copied. */
  public static GradientRows sharedView(float[] buffer, int firstRow, int numRows, int numClasses) {
    if ((long) (firstRow + numRows) * numClasses > buffer.length) {
      throw new IllegalArgumentException("rows [" + firstRow + ", " + (firstRow + numRows) + ") outside a buffer of "
          + buffer.length + " entries");
    }
    GradientRows g = new GradientRows(firstRow, 0, numClasses, true);
    g.numRows = numRows;
    g.length = numRows * numClasses;
    g.floats = buffer;
    g.baseOffset = firstRow * numClasses;
    g.shared = true;
    return g;
  }

  public boolean isShared() {
    return shared;
  }

  /** Zeroes rows {@code [from, to)} (global ids): a reused shared buffer must not keep old values. */
  void zeroRows(int from, int to) {
    if (to > from) java.util.Arrays.fill(floats, offsetOf(from), offsetOf(to), 0f);
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

  /** Dense rows: the index of row {@code row}'s first entry. */
  public int offsetOf(int row) {
    if (sparse) throw new IllegalStateException("a sparse block has no fixed row length");
    return baseOffset + (row - firstRow) * numClasses;
  }

  public boolean contains(int row) {
    return row >= firstRow && row < firstRow + numRows;
  }

  /** Bytes of values that would cross a serializer: none for a shared view, which stays on the driver. */
  public long payloadBytes() {
    if (shared) return 0;
    return floats != null ? 4L * length : 8L * length;
  }

  boolean overlaps(GradientRows other) {
    return firstRow < other.endRow() && other.firstRow < endRow() && numRows > 0 && other.numRows > 0;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    if (shared) {
      throw new java.io.NotSerializableException("gradient rows " + this + " are a view of the driver's buffer and"
          + " never leave the driver");
    }
    out.writeInt(firstRow);
    out.writeInt(numRows);
    out.writeInt(numClasses);
    out.writeBoolean(sparse);
    out.writeInt(length);
    out.writeBoolean(floats != null);
    if (floats != null) {
      FloatArrays.write(out, floats, 0, length);
    } else {
      FloatArrays.write(out, doubles);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException {
    firstRow = in.readInt();
    numRows = in.readInt();
    numClasses = in.readInt();
    sparse = in.readBoolean();
    length = in.readInt();
    baseOffset = 0;
    shared = false;
    if (in.readBoolean()) {
      floats = FloatArrays.readFloats(in, length);
    } else {
      doubles = FloatArrays.readDoubles(in, length);
    }
  }

  @Override
  public String toString() {
    return "[" + firstRow + ", " + endRow() + ")";
  }
}
