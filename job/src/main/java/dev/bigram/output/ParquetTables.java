package dev.bigram.output;

import dev.bigram.data.InputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A run's tables read straight from their Parquet files, with the Parquet and Hadoop readers and no Spark: what
 * {@code predict} needs, in a plain JVM that answers in a second. Only the columns asked for are read, and a
 * filter on {@code id} lets the reader skip row groups by their statistics. Every failure (a missing directory,
 * a file that is not Parquet, a wrong schema) is one {@link InputException} naming the table, as
 * {@link ModelReader}'s are.
 */
final class ParquetTables {
  /** The columns a table must have, with their types as Spark names them. */
  static final Map<String, String> VOCAB = columns("id", "int", "word", "string", "count", "bigint");
  static final Map<String, String> MODEL = columns("id", "int", "word", "string", "bias", "float",
      "weights", "array<float>");
  /** The training counts ({@link CountsTable}). */
  static final Map<String, String> COUNTS = columns("prev", "int", "next", "int", "count", "bigint");
  /** A sparse model's table: a {@code next} column beside the weights. */
  static final Map<String, String> SPARSE_MODEL = columns("id", "int", "word", "string", "bias", "float",
      "weights", "array<float>", "next", "array<int>");

  private ParquetTables() {}

  /**
   * Calls {@code row} for every row of {@code table} that {@code filter} keeps, with only {@code read} of its
   * columns; checks the file's schema against {@code expected} first.
   */
  static void forEach(Configuration conf, Path runDir, String table, Map<String, String> expected,
      List<String> read, FilterCompat.Filter filter, Consumer<Group> row) {
    Path dir = new Path(runDir, table);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      FileStatus[] parts = fs.listStatus(dir, p -> p.getName().endsWith(".parquet"));
      if (parts.length == 0) throw new IOException("no Parquet file in " + dir);
      for (FileStatus part : parts) {
        MessageType schema;
        try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(part.getPath(), conf))) {
          schema = footer.getFooter().getFileMetaData().getSchema();
        }
        check(schema, expected, runDir, table);
        List<Type> projected = new ArrayList<>();
        for (String column : read) projected.add(schema.getType(column));
        Configuration withProjection = new Configuration(conf);
        withProjection.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(schema.getName(), projected).toString());
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), part.getPath())
            .withConf(withProjection).withFilter(filter).build()) {
          for (Group g = reader.read(); g != null; g = reader.read()) row.accept(g);
        }
      }
    } catch (InputException e) {
      throw e;
    } catch (Exception e) {
      throw new InputException("table " + table + "/ of " + runDir + " cannot be read (" + ModelReader.rootLine(e)
          + "): the run is incomplete or corrupt; pass another run or train again", e);
    }
  }

  private static void check(MessageType schema, Map<String, String> expected, Path runDir, String table) {
    for (Map.Entry<String, String> column : expected.entrySet()) {
      if (!schema.containsField(column.getKey()) || !column.getValue().equals(sparkType(schema.getType(column.getKey())))) {
        StringJoiner found = new StringJoiner(",", "struct<", ">");
        for (Type t : schema.getFields()) found.add(t.getName() + ":" + sparkType(t));
        StringJoiner wanted = new StringJoiner(",", "struct<", ">");
        expected.forEach((k, v) -> wanted.add(k + ":" + v));
        throw new InputException("table " + table + "/ of " + runDir + " has the schema " + found + ", expected "
            + wanted + ": the run is corrupt or from another tool");
      }
    }
  }

  /** A Parquet column's type as Spark prints it ({@code int}, {@code bigint}, {@code array<float>}, ...). */
  private static String sparkType(Type t) {
    if (!t.isPrimitive()) {
      Type inner = t.asGroupType().getType(0);
      Type element = inner.isPrimitive() ? inner : inner.asGroupType().getType(0);
      return "array<" + sparkType(element) + ">";
    }
    PrimitiveType p = t.asPrimitiveType();
    return switch (p.getPrimitiveTypeName()) {
      case INT32 -> "int";
      case INT64 -> "bigint";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case BOOLEAN -> "boolean";
      case BINARY -> p.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
          ? "string" : "binary";
      default -> p.getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static Map<String, String> columns(String... nameType) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < nameType.length; i += 2) m.put(nameType[i], nameType[i + 1]);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** One row of the model table: its weights, and in the sparse layout the next id of each (null: dense). */
  record StoredRow(float[] weights, int[] next) {}

  /**
   * The rows {@code ids} of the model's {@code weights} (and {@code next}, in a sparse table), decoded column by
   * column into arrays: only the row groups whose {@code id} statistics can hold a wanted id are read, and no
   * object is made per weight (a record reader would assemble every row of those row groups first).
   */
  static Map<Integer, StoredRow> modelRows(Configuration conf, Path runDir, java.util.Set<Integer> ids) {
    Map<Integer, StoredRow> out = new java.util.HashMap<>();
    forEachModelRow(conf, runDir, ids::contains, java.util.Collections.min(ids), java.util.Collections.max(ids),
        (id, weights, next, n) -> out.put(id, new StoredRow(java.util.Arrays.copyOf(weights, n),
            next == null ? null : java.util.Arrays.copyOf(next, n))));
    return out;
  }

  /** What {@link #forEachModelRow} hands over for each row read: valid only during the call. */
  interface RowConsumer {
    /**
     * @param weights the row's weights in {@code [0, n)} (a reused buffer)
     * @param next the next id of each weight in {@code [0, n)} for a sparse table (a reused buffer), else null
     */
    void row(int id, float[] weights, int[] next, int n);
  }

  /**
   * Streams the rows of the model table whose id is {@code wanted}, column by column, reading only the row
   * groups whose {@code id} statistics meet {@code [lo, hi]}; rows come in file order. A sparse row whose
   * {@code next} and {@code weights} differ in length is an {@link InputException}.
   */
  static void forEachModelRow(Configuration conf, Path runDir, java.util.function.IntPredicate wanted, int lo, int hi,
      RowConsumer consumer) {
    Path dir = new Path(runDir, "model");
    try {
      FileSystem fs = dir.getFileSystem(conf);
      FileStatus[] parts = fs.listStatus(dir, p -> p.getName().endsWith(".parquet"));
      if (parts.length == 0) throw new IOException("no Parquet file in " + dir);
      java.util.Arrays.sort(parts, java.util.Comparator.comparing(f -> f.getPath().getName()));
      Boolean tableSparse = null;
      for (FileStatus part : parts) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(part.getPath(), conf))) {
          MessageType schema = reader.getFooter().getFileMetaData().getSchema();
          boolean sparse = schema.containsField("next");
          check(schema, sparse ? SPARSE_MODEL : MODEL, runDir, "model");
          if (tableSparse != null && tableSparse != sparse) {
            throw new InputException("model of " + runDir + " has files of both the dense and the sparse layout:"
                + " the run is corrupt");
          }
          tableSparse = sparse;
          List<Type> read = new ArrayList<>(List.of(schema.getType("id"), schema.getType("weights")));
          if (sparse) read.add(schema.getType("next"));
          MessageType projection = new MessageType(schema.getName(), read);
          reader.setRequestedSchema(projection);
          List<org.apache.parquet.column.ColumnDescriptor> columns = projection.getColumns();
          List<org.apache.parquet.hadoop.metadata.BlockMetaData> groups = reader.getRowGroups();
          for (int g = 0; g < groups.size(); g++) {
            if (!mayHold(groups.get(g), lo, hi)) continue;
            org.apache.parquet.column.page.PageReadStore pages = reader.readRowGroup(g);
            org.apache.parquet.column.impl.ColumnReadStoreImpl store = new org.apache.parquet.column.impl
                .ColumnReadStoreImpl(pages, new org.apache.parquet.example.data.simple.convert.GroupRecordConverter(
                    projection).getRootConverter(), projection, reader.getFooter().getFileMetaData().getCreatedBy());
            ListColumn weights = new ListColumn(store.getColumnReader(columns.get(1)), columns.get(1));
            ListColumn next = sparse ? new ListColumn(store.getColumnReader(columns.get(2)), columns.get(2)) : null;
            readRows(store.getColumnReader(columns.get(0)), weights, next, pages.getRowCount(), wanted, consumer,
                runDir);
          }
        }
      }
    } catch (InputException e) {
      throw e;
    } catch (Exception e) {
      throw new InputException("table model/ of " + runDir + " cannot be read (" + ModelReader.rootLine(e)
          + "): the run is incomplete or corrupt; pass another run or train again", e);
    }
  }

  /**
   * Streams every row of the {@code counts/} table ({@link CountsTable}), column by column, no object made per
   * row: what {@code evaluate --baseline} reads without Spark. A null is an {@link InputException}.
   */
  static void forEachCount(Configuration conf, Path runDir, dev.bigram.data.baseline.HeldOutBlocks.CountSink sink) {
    Path dir = new Path(runDir, "counts");
    try {
      FileSystem fs = dir.getFileSystem(conf);
      FileStatus[] parts = fs.listStatus(dir, p -> p.getName().endsWith(".parquet"));
      if (parts.length == 0) throw new IOException("no Parquet file in " + dir);
      for (FileStatus part : parts) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(part.getPath(), conf))) {
          MessageType schema = reader.getFooter().getFileMetaData().getSchema();
          check(schema, COUNTS, runDir, "counts");
          MessageType projection = new MessageType(schema.getName(), List.of(schema.getType("prev"),
              schema.getType("next"), schema.getType("count")));
          reader.setRequestedSchema(projection);
          List<org.apache.parquet.column.ColumnDescriptor> columns = projection.getColumns();
          for (int g = 0; g < reader.getRowGroups().size(); g++) {
            org.apache.parquet.column.page.PageReadStore pages = reader.readRowGroup(g);
            org.apache.parquet.column.impl.ColumnReadStoreImpl store = new org.apache.parquet.column.impl
                .ColumnReadStoreImpl(pages, new org.apache.parquet.example.data.simple.convert.GroupRecordConverter(
                    projection).getRootConverter(), projection, reader.getFooter().getFileMetaData().getCreatedBy());
            org.apache.parquet.column.ColumnReader prev = store.getColumnReader(columns.get(0));
            org.apache.parquet.column.ColumnReader next = store.getColumnReader(columns.get(1));
            org.apache.parquet.column.ColumnReader count = store.getColumnReader(columns.get(2));
            for (long r = 0; r < pages.getRowCount(); r++) {
              if (isNull(prev, columns.get(0)) || isNull(next, columns.get(1)) || isNull(count, columns.get(2))) {
                throw new InputException("table counts/ of " + runDir + " has a null in row " + r + " of "
                    + part.getPath().getName() + ": the run is corrupt; train it again");
              }
              int p = prev.getInteger();
              int n = next.getInteger();
              long c = count.getLong();
              prev.consume();
              next.consume();
              count.consume();
              sink.accept(p, n, c);
            }
          }
        }
      }
    } catch (InputException e) {
      throw e;
    } catch (Exception e) {
      throw new InputException("table counts/ of " + runDir + " cannot be read (" + ModelReader.rootLine(e)
          + "): the run is incomplete or corrupt; pass another run or train again", e);
    }
  }

  private static boolean isNull(org.apache.parquet.column.ColumnReader reader,
      org.apache.parquet.column.ColumnDescriptor column) {
    return reader.getCurrentDefinitionLevel() < column.getMaxDefinitionLevel();
  }

  /** Whether row group {@code g}'s {@code id} statistics allow an id in {@code [lo, hi]} (no statistics: yes). */
  private static boolean mayHold(org.apache.parquet.hadoop.metadata.BlockMetaData g, int lo, int hi) {
    for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : g.getColumns()) {
      if (c.getPath().toDotString().equals("id") && c.getStatistics() != null && c.getStatistics().hasNonNullValue()) {
        return ((Integer) c.getStatistics().genericGetMax()) >= lo && ((Integer) c.getStatistics().genericGetMin()) <= hi;
      }
    }
    return true;
  }

  /** Walks a row group's rows: one id, then that row's list of weights (and of next ids, when sparse). */
  private static void readRows(org.apache.parquet.column.ColumnReader id, ListColumn weights, ListColumn next,
      long rows, java.util.function.IntPredicate wanted, RowConsumer consumer, Path runDir) {
    for (long r = 0; r < rows; r++) {
      int rowId = id.getInteger();
      id.consume();
      boolean keep = wanted.test(rowId);
      int n = weights.readRow(keep);
      int m = next == null ? n : next.readRow(keep);
      if (!keep) continue;
      if (m != n) {
        throw new InputException("model of " + runDir + " is corrupt at row " + rowId + ": " + m
            + " next ids but " + n + " weights");
      }
      consumer.row(rowId, weights.floats, next == null ? null : next.ints, n);
    }
  }

  /** A list column read one row at a time: a row's values go on while the repetition level is 1. */
  private static final class ListColumn {
    private final org.apache.parquet.column.ColumnReader reader;
    private final boolean isFloat;
    private final int fullDefinition;
    private long remaining;
    /** The last row read, in its first values: floats for the weights, ints for the next ids. */
    float[] floats;
    int[] ints;

    ListColumn(org.apache.parquet.column.ColumnReader reader, org.apache.parquet.column.ColumnDescriptor column) {
      this.reader = reader;
      this.isFloat = column.getPrimitiveType().getPrimitiveTypeName()
          == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
      this.fullDefinition = column.getMaxDefinitionLevel();
      this.remaining = reader.getTotalValueCount();
      floats = isFloat ? new float[1024] : null;
      ints = isFloat ? null : new int[1024];
    }

    /**
     * Reads the current row's values into {@link #floats} or {@link #ints} when {@code keep}, skips them
     * otherwise; returns how many were read. An empty or null list is one entry below the full definition level.
     */
    int readRow(boolean keep) {
      int n = 0;
      do {
        if (reader.getCurrentDefinitionLevel() == fullDefinition) {
          if (keep) {
            if (isFloat) {
              if (n == floats.length) floats = java.util.Arrays.copyOf(floats, n * 2);
              floats[n++] = reader.getFloat();
            } else {
              if (n == ints.length) ints = java.util.Arrays.copyOf(ints, n * 2);
              ints[n++] = reader.getInteger();
            }
          } else {
            reader.skip();
          }
        }
        reader.consume();
        remaining--;
      } while (remaining > 0 && reader.getCurrentRepetitionLevel() == 1);
      return n;
    }
  }
}
