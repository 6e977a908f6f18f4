package dev.bigram.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongPredicate;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.PrimitiveType;

/**
 * The rows of a {@code list<float>} column stored as plain floats (the dense model's {@code weights}: Spark
 * writes them so), decoded page by page: the levels through Parquet's own RLE decoder, the floats straight
 * from the page's bytes. Parquet's column reader goes through its value-by-value machinery for each of the
 * V² floats of a dense model, several times slower; this is what a batch {@code predict} or an export spends
 * its time on. Any other encoding goes through the column reader ({@link #applies}).
 */
final class PlainFloatRows {
  /** Plain values, and levels in the RLE/bit-packed hybrid (not the deprecated BIT_PACKED). */
  private static final Set<Encoding> PLAIN = EnumSet.of(Encoding.PLAIN, Encoding.RLE);

  private PlainFloatRows() {}

  /** What {@link #forEachRow} hands over: a row's index in its row group, and its floats in {@code [0, n)}. */
  interface Row {
    void accept(long rowIndex, float[] values, int n);
  }

  /**
   * Whether the column chunk can be read here: floats in plain encoding, and an offset index, which a writer
   * only writes when every page starts a row.
   */
  static boolean applies(ColumnDescriptor column, ColumnChunkMetaData chunk, boolean hasOffsetIndex) {
    return hasOffsetIndex && column.getPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.FLOAT
        && PLAIN.containsAll(chunk.getEncodings());
  }

  /**
   * Calls {@code row} for each row of the pages that {@code keep} accepts by its index in the row group (the
   * others are skipped without being copied). {@code values} is reused, grown as needed: valid only during the
   * call.
   */
  static void forEachRow(PageReader pages, ColumnDescriptor column, LongPredicate keep, Row row) throws IOException {
    int maxRep = column.getMaxRepetitionLevel();
    int maxDef = column.getMaxDefinitionLevel();
    float[] values = new float[1024];
    long nextRow = 0;
    for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
      LevelRuns rep;
      LevelRuns def;
      ByteBuffer data;
      if (page instanceof DataPageV1 v1) {
        requirePlain(v1.getValueEncoding(), column);
        ByteBufferInputStream in = ByteBufferInputStream.wrap(v1.getBytes().toByteBuffer());
        rep = maxRep == 0 ? LevelRuns.constant(0) : LevelRuns.prefixed(in, maxRep);
        def = maxDef == 0 ? LevelRuns.constant(0) : LevelRuns.prefixed(in, maxDef);
        data = in.slice(in.available());
      } else if (page instanceof DataPageV2 v2) {
        requirePlain(v2.getDataEncoding(), column);
        rep = maxRep == 0 ? LevelRuns.constant(0) : LevelRuns.of(v2.getRepetitionLevels(), maxRep);
        def = maxDef == 0 ? LevelRuns.constant(0) : LevelRuns.of(v2.getDefinitionLevels(), maxDef);
        data = v2.getData().toByteBuffer();
      } else {
        throw new IOException("unknown page type " + page.getClass().getSimpleName() + " in " + column);
      }
      data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
      long rowIndex = page.getFirstRowIndex().orElse(nextRow) - 1;
      boolean kept = false;
      int n = 0;
      for (int i = 0, count = page.getValueCount(); i < count; ) {
        // Level entries come in runs: a run of "same row, defined" is a run of floats, copied at once.
        int k = Math.min(count - i, Math.min(rep.runLength(), def.runLength()));
        int r = rep.current();
        int d = def.current();
        if (r == 0) {
          k = 1;
          if (kept) row.accept(rowIndex, values, n);
          rowIndex++;
          kept = keep.test(rowIndex);
          n = 0;
        } else if (i == 0) {
          throw new IOException("a row of " + column + " starts before its page");
        }
        if (d == maxDef) {
          if (kept) {
            if (n + k > values.length) values = java.util.Arrays.copyOf(values, Math.max(2 * values.length, n + k));
            data.asFloatBuffer().get(values, n, k);
            n += k;
          }
          data.position(data.position() + k * Float.BYTES);
        }
        rep.advance(k);
        def.advance(k);
        i += k;
      }
      if (kept) row.accept(rowIndex, values, n);
      nextRow = rowIndex + 1;
    }
  }

  private static void requirePlain(Encoding encoding, ColumnDescriptor column) throws IOException {
    if (encoding != Encoding.PLAIN) throw new IOException("a page of " + column + " is in " + encoding + ", not PLAIN");
  }

  /**
   * The levels of a page, a run at a time, in the format's RLE/bit-packed hybrid: a run repeats one level
   * (the level of most of a dense row: "the same row, defined"), a bit-packed run lists a multiple of 8.
   */
  static final class LevelRuns {
    private final InputStream in;
    private final int bitWidth;
    private final BytePacker packer;
    /** Entries left in the current run; its level when it repeats one, or its levels from {@code at}. */
    private int left;
    private boolean repeated;
    private int level;
    private int[] packed = new int[8];
    private int at;

    private LevelRuns(InputStream in, int bitWidth) {
      this.in = in;
      this.bitWidth = bitWidth;
      this.packer = bitWidth == 0 ? null : Packer.LITTLE_ENDIAN.newBytePacker(bitWidth);
    }

    /** Levels of a version-1 page: their byte length, then the levels. */
    static LevelRuns prefixed(ByteBufferInputStream in, int maxLevel) throws IOException {
      int length = BytesUtils.readIntLittleEndian(in);
      return new LevelRuns(in.sliceStream(length), BytesUtils.getWidthFromMaxInt(maxLevel));
    }

    static LevelRuns of(BytesInput bytes, int maxLevel) throws IOException {
      return new LevelRuns(ByteBufferInputStream.wrap(bytes.toByteBuffer()), BytesUtils.getWidthFromMaxInt(maxLevel));
    }

    /** A column without these levels: every entry is at {@code level}. */
    static LevelRuns constant(int level) {
      LevelRuns runs = new LevelRuns(InputStream.nullInputStream(), 0);
      runs.repeated = true;
      runs.level = level;
      runs.left = Integer.MAX_VALUE;
      return runs;
    }

    /** How many entries from here have {@link #current()}'s level: the rest of a repeated run, else 1. */
    int runLength() throws IOException {
      while (left == 0) readRun();
      return repeated ? left : 1;
    }

    int current() throws IOException {
      while (left == 0) readRun();
      return repeated ? level : packed[at];
    }

    void advance(int k) {
      left -= k;
      if (!repeated) at += k;
    }

    private void readRun() throws IOException {
      int header = BytesUtils.readUnsignedVarInt(in);
      if ((header & 1) == 0) {
        repeated = true;
        left = header >>> 1;
        level = BytesUtils.readIntLittleEndianPaddedOnBitWidth(in, bitWidth);
      } else {
        repeated = false;
        int groups = header >>> 1;
        left = groups * 8;
        at = 0;
        if (packed.length < left) packed = new int[left];
        // The last run of a page may stop short of its groups' bytes: the missing ones are zeros.
        byte[] bytes = in.readNBytes(groups * bitWidth);
        if (bytes.length < groups * bitWidth) bytes = java.util.Arrays.copyOf(bytes, groups * bitWidth);
        for (int g = 0; g < groups; g++) packer.unpack8Values(bytes, g * bitWidth, packed, g * 8);
      }
    }
  }
}
