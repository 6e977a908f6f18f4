package dev.bigram.math;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bulk serialization of primitive arrays for what crosses the network every epoch (weight blocks out,
 * gradient blocks back) and for checkpoints. Java serialization writes arrays element by element; converting
 * 64 KB chunks through a {@link ByteBuffer} view is faster (docs/benchmark-history.md, "Writing and reading the
 * model: before") and gives the same bytes on every JVM.
 */
public final class FloatArrays {
  private static final int CHUNK_BYTES = 1 << 16;

  private FloatArrays() {}

  public static void write(DataOutput out, float[] a, int offset, int length) throws IOException {
    byte[] buf = new byte[Math.min(CHUNK_BYTES, Math.max(4, length * 4))];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = buf.length / 4;
    for (int done = 0; done < length; done += perChunk) {
      int n = Math.min(perChunk, length - done);
      bb.clear();
      bb.asFloatBuffer().put(a, offset + done, n);
      out.write(buf, 0, n * 4);
    }
  }

  public static float[] readFloats(DataInput in, int length) throws IOException {
    float[] a = new float[length];
    byte[] buf = new byte[Math.min(CHUNK_BYTES, Math.max(4, length * 4))];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = buf.length / 4;
    for (int done = 0; done < length; done += perChunk) {
      int n = Math.min(perChunk, length - done);
      in.readFully(buf, 0, n * 4);
      bb.clear();
      bb.asFloatBuffer().get(a, done, n);
    }
    return a;
  }

  public static void write(DataOutput out, double[] a) throws IOException {
    byte[] buf = new byte[Math.min(CHUNK_BYTES, Math.max(8, a.length * 8))];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = buf.length / 8;
    for (int done = 0; done < a.length; done += perChunk) {
      int n = Math.min(perChunk, a.length - done);
      bb.clear();
      bb.asDoubleBuffer().put(a, done, n);
      out.write(buf, 0, n * 8);
    }
  }

  public static double[] readDoubles(DataInput in, int length) throws IOException {
    double[] a = new double[length];
    byte[] buf = new byte[Math.min(CHUNK_BYTES, Math.max(8, length * 8))];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = buf.length / 8;
    for (int done = 0; done < length; done += perChunk) {
      int n = Math.min(perChunk, length - done);
      in.readFully(buf, 0, n * 8);
      bb.clear();
      bb.asDoubleBuffer().get(a, done, n);
    }
    return a;
  }

  public static void write(DataOutput out, int[] a, int offset, int length) throws IOException {
    byte[] buf = new byte[Math.min(CHUNK_BYTES, Math.max(4, length * 4))];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = buf.length / 4;
    for (int done = 0; done < length; done += perChunk) {
      int n = Math.min(perChunk, length - done);
      bb.clear();
      bb.asIntBuffer().put(a, offset + done, n);
      out.write(buf, 0, n * 4);
    }
  }

  public static int[] readInts(DataInput in, int length) throws IOException {
    int[] a = new int[length];
    byte[] buf = new byte[Math.min(CHUNK_BYTES, Math.max(4, length * 4))];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = buf.length / 4;
    for (int done = 0; done < length; done += perChunk) {
      int n = Math.min(perChunk, length - done);
      in.readFully(buf, 0, n * 4);
      bb.clear();
      bb.asIntBuffer().get(a, done, n);
    }
    return a;
  }
}
