package dev.bigram.output;

import java.io.IOException;
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
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
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
      RunLengthBitPackingHybridDecoder rep;
      RunLengthBitPackingHybridDecoder def;
      ByteBuffer data;
      if (page instanceof DataPageV1 v1) {
        requirePlain(v1.getValueEncoding(), column);
        ByteBufferInputStream in = ByteBufferInputStream.wrap(v1.getBytes().toByteBuffer());
        rep = maxRep == 0 ? null : prefixedLevels(in, maxRep);
        def = maxDef == 0 ? null : prefixedLevels(in, maxDef);
        data = in.slice(in.available());
      } else if (page instanceof DataPageV2 v2) {
        requirePlain(v2.getDataEncoding(), column);
        rep = maxRep == 0 ? null : levels(v2.getRepetitionLevels(), maxRep);
        def = maxDef == 0 ? null : levels(v2.getDefinitionLevels(), maxDef);
        data = v2.getData().toByteBuffer();
      } else {
        throw new IOException("unknown page type " + page.getClass().getSimpleName() + " in " + column);
      }
      data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
      long rowIndex = page.getFirstRowIndex().orElse(nextRow) - 1;
      boolean kept = false;
      int n = 0;
      for (int i = 0, count = page.getValueCount(); i < count; i++) {
        int r = rep == null ? 0 : rep.readInt();
        int d = def == null ? maxDef : def.readInt();
        if (r == 0) {
          if (kept) row.accept(rowIndex, values, n);
          rowIndex++;
          kept = keep.test(rowIndex);
          n = 0;
        } else if (i == 0) {
          throw new IOException("a row of " + column + " starts before its page");
        }
        if (d == maxDef) {
          if (kept) {
            if (n == values.length) values = java.util.Arrays.copyOf(values, 2 * n);
            values[n++] = data.getFloat();
          } else {
            data.position(data.position() + Float.BYTES);
          }
        }
      }
      if (kept) row.accept(rowIndex, values, n);
      nextRow = rowIndex + 1;
    }
  }

  private static void requirePlain(Encoding encoding, ColumnDescriptor column) throws IOException {
    if (encoding != Encoding.PLAIN) throw new IOException("a page of " + column + " is in " + encoding + ", not PLAIN");
  }

  /** Levels of a version-1 page: their byte length, then the RLE/bit-packed hybrid. */
  private static RunLengthBitPackingHybridDecoder prefixedLevels(ByteBufferInputStream in, int maxLevel)
      throws IOException {
    int length = BytesUtils.readIntLittleEndian(in);
    return new RunLengthBitPackingHybridDecoder(BytesUtils.getWidthFromMaxInt(maxLevel), in.sliceStream(length));
  }

  private static RunLengthBitPackingHybridDecoder levels(BytesInput bytes, int maxLevel) throws IOException {
    return new RunLengthBitPackingHybridDecoder(BytesUtils.getWidthFromMaxInt(maxLevel),
        ByteBufferInputStream.wrap(bytes.toByteBuffer()));
  }
}
