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
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.filter2.columnindex.RowRanges;
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
   * Calls {@code row} for every row of {@code table} with the values of {@code read}, primitive columns decoded
   * straight from their pages (no record assembly, no object per row but the strings), after checking each
   * file's schema against {@code expected}. Failures are one {@link InputException} naming the table.
   */
  static void scan(Configuration conf, Path runDir, String table, Map<String, String> expected, List<String> read,
      Consumer<Values> row) {
    try {
      for (FileStatus part : parts(conf, new Path(runDir, table))) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(part.getPath(), conf))) {
          check(reader.getFooter().getFileMetaData().getSchema(), expected, runDir, table);
          scan(reader, read, row);
        }
      }
    } catch (InputException e) {
      throw e;
    } catch (Exception e) {
      throw unreadable(table, runDir, e);
    }
  }

  /** The Parquet files of a table's directory, by name. */
  private static FileStatus[] parts(Configuration conf, Path dir) throws IOException {
    FileStatus[] parts = dir.getFileSystem(conf).listStatus(dir, p -> p.getName().endsWith(".parquet"));
    if (parts.length == 0) throw new IOException("no Parquet file in " + dir);
    java.util.Arrays.sort(parts, java.util.Comparator.comparing(f -> f.getPath().getName()));
    return parts;
  }

  private static InputException unreadable(String table, Path runDir, Exception e) {
    return new InputException("table " + table + "/ of " + runDir + " cannot be read (" + ModelReader.rootLine(e)
        + "): the run is incomplete or corrupt; pass another run or train again", e);
  }

  /** {@link #scan} of one open file, every row group. */
  private static void scan(ParquetFileReader reader, List<String> read, Consumer<Values> row) throws IOException {
    MessageType schema = reader.getFooter().getFileMetaData().getSchema();
    List<Type> projected = new ArrayList<>();
    for (String column : read) projected.add(schema.getType(column));
    MessageType projection = new MessageType(schema.getName(), projected);
    reader.setRequestedSchema(projection);
    Values values = new Values(projection.getColumns());
    for (int g = 0; g < reader.getRowGroups().size(); g++) {
      PageReadStore pages = reader.readRowGroup(g);
      ColumnReadStoreImpl store = columnStore(reader, pages, projection);
      ColumnReader[] columns = new ColumnReader[read.size()];
      for (int c = 0; c < columns.length; c++) columns[c] = store.getColumnReader(values.descriptors.get(c));
      for (long r = 0; r < pages.getRowCount(); r++) {
        values.next(columns);
        row.accept(values);
      }
    }
  }

  private static ColumnReadStoreImpl columnStore(ParquetFileReader reader, PageReadStore pages, MessageType projection) {
    return new ColumnReadStoreImpl(pages, new GroupRecordConverter(projection).getRootConverter(), projection,
        reader.getFooter().getFileMetaData().getCreatedBy());
  }

  /** One row's values in {@link #scan}, by the column's place in its {@code read} list. */
  static final class Values {
    private final List<ColumnDescriptor> descriptors;
    private final boolean[] isNull;
    private final long[] integers;
    private final double[] reals;
    private final String[] strings;

    private Values(List<ColumnDescriptor> descriptors) {
      this.descriptors = descriptors;
      int n = descriptors.size();
      isNull = new boolean[n];
      integers = new long[n];
      reals = new double[n];
      strings = new String[n];
    }

    /** Reads the current row of every column, and moves them on to the next. */
    private void next(ColumnReader[] columns) {
      for (int c = 0; c < columns.length; c++) {
        ColumnReader in = columns[c];
        isNull[c] = in.getCurrentDefinitionLevel() < descriptors.get(c).getMaxDefinitionLevel();
        if (!isNull[c]) {
          switch (descriptors.get(c).getPrimitiveType().getPrimitiveTypeName()) {
            case INT32 -> integers[c] = in.getInteger();
            case INT64 -> integers[c] = in.getLong();
            case FLOAT -> reals[c] = in.getFloat();
            case DOUBLE -> reals[c] = in.getDouble();
            case BINARY -> strings[c] = in.getBinary().toStringUsingUTF8();
            default -> in.skip();
          }
        }
        in.consume();
      }
    }

    boolean isNull(int c) {
      return isNull[c];
    }

    int getInt(int c) {
      return (int) integers[c];
    }

    long getLong(int c) {
      return integers[c];
    }

    float getFloat(int c) {
      return (float) reals[c];
    }

    String getString(int c) {
      return strings[c];
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

  /** What {@link ModelFiles#forEachRow} hands over for each row read: valid only during the call. */
  interface RowConsumer {
    /**
     * @param weights the row's weights in {@code [0, n)} (a reused buffer)
     * @param next the next id of each weight in {@code [0, n)} for a sparse table (a reused buffer), else null
     */
    void row(int id, float[] weights, int[] next, int n);
  }

  /**
   * The model table's files, opened once: their footers are parsed and their schemas checked once, for the bias
   * and then the rows. Every failure is one {@link InputException} naming the table.
   */
  static final class ModelFiles implements java.io.Closeable {
    private final Path runDir;
    private final List<ParquetFileReader> readers = new ArrayList<>();
    private boolean sparse;

    private ModelFiles(Path runDir) {
      this.runDir = runDir;
    }

    static ModelFiles open(Configuration conf, Path runDir) {
      ModelFiles files = new ModelFiles(runDir);
      try {
        Boolean tableSparse = null;
        for (FileStatus part : parts(conf, new Path(runDir, "model"))) {
          ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(part.getPath(), conf));
          files.readers.add(reader);
          MessageType schema = reader.getFooter().getFileMetaData().getSchema();
          boolean sparse = schema.containsField("next");
          check(schema, sparse ? SPARSE_MODEL : MODEL, runDir, "model");
          if (tableSparse != null && tableSparse != sparse) {
            throw new InputException("model of " + runDir + " has files of both the dense and the sparse layout:"
                + " the run is corrupt");
          }
          tableSparse = sparse;
        }
        files.sparse = tableSparse;
        return files;
      } catch (RuntimeException | IOException e) {
        files.close();
        throw e instanceof InputException ie ? ie : unreadable("model", runDir, e);
      }
    }

    boolean sparse() {
      return sparse;
    }

    /** The {@code bias} column by id, of length {@code v} (ids outside {@code [0, v)} are left out). */
    float[] bias(int v) {
      float[] b = new float[v];
      try {
        for (ParquetFileReader reader : readers) {
          scan(reader, List.of("id", "bias"), row -> {
            int id = row.isNull(0) ? -1 : row.getInt(0);
            if (id >= 0 && id < v && !row.isNull(1)) b[id] = row.getFloat(1);
          });
        }
      } catch (InputException e) {
        throw e;
      } catch (Exception e) {
        throw unreadable("model", runDir, e);
      }
      return b;
    }

    /**
     * Streams the rows whose id is in {@code ids} (every row when {@code ids} is null), column by column and in
     * file order, with no object made per weight (a record reader would assemble every row of a row group
     * first). A row group is skipped when its {@code id} statistics cannot hold a wanted id; otherwise its
     * {@code id} column (a few bytes a row) is read first. Of a dense model's plain weights, only the pages that
     * hold a wanted row are read then, by the file's offset index (a row group of 80 MB holds 20 pages at
     * V = 10,000); anything else is read a row group at a time. A sparse row whose {@code next} and
     * {@code weights} differ in length is an {@link InputException}.
     */
    void forEachRow(java.util.Set<Integer> ids, RowConsumer consumer) {
      forEachRow(ids, consumer, false);
    }

    /**
     * As {@link #forEachRow(java.util.Set, RowConsumer)}; with {@code parallel}, the files are read at once on
     * as many threads as there are processors, and {@code consumer} is called from all of them (rows of one
     * file still come in its order).
     */
    void forEachRow(java.util.Set<Integer> ids, RowConsumer consumer, boolean parallel) {
      if (ids != null && ids.isEmpty()) return;
      java.util.function.IntPredicate wanted = ids == null ? id -> true : ids::contains;
      int lo = ids == null ? Integer.MIN_VALUE : java.util.Collections.min(ids);
      int hi = ids == null ? Integer.MAX_VALUE : java.util.Collections.max(ids);
      int threads = parallel ? Math.min(readers.size(), Runtime.getRuntime().availableProcessors()) : 1;
      if (threads <= 1) {
        for (ParquetFileReader reader : readers) readFile(reader, wanted, lo, hi, ids == null, consumer);
        return;
      }
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "model-reader");
        t.setDaemon(true);
        return t;
      });
      try {
        List<java.util.concurrent.Future<?>> files = new ArrayList<>();
        for (ParquetFileReader reader : readers) {
          files.add(pool.submit(() -> readFile(reader, wanted, lo, hi, ids == null, consumer)));
        }
        for (java.util.concurrent.Future<?> f : files) f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unreadable("model", runDir, e);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) throw re;
        if (e.getCause() instanceof Error error) throw error;
        throw unreadable("model", runDir, e);
      } finally {
        pool.shutdownNow();
      }
    }

    /** The wanted rows of one file, in its order. */
    private void readFile(ParquetFileReader reader, java.util.function.IntPredicate wanted, int lo, int hi,
        boolean every, RowConsumer consumer) {
      try {
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        List<Type> read = new ArrayList<>(List.of(schema.getType("id"), schema.getType("weights")));
        if (sparse) read.add(schema.getType("next"));
        MessageType projection = new MessageType(schema.getName(), read);
        MessageType idOnly = new MessageType(schema.getName(), schema.getType("id"));
        MessageType weightsOnly = new MessageType(schema.getName(), schema.getType("weights"));
        List<ColumnDescriptor> columns = projection.getColumns();
        List<BlockMetaData> groups = reader.getRowGroups();
        for (int g = 0; g < groups.size(); g++) {
          if (!every && !mayHold(groups.get(g), lo, hi)) continue;
          reader.setRequestedSchema(idOnly);
          int[] rowIds = readIds(reader, reader.readRowGroup(g), idOnly);
          java.util.BitSet rows = new java.util.BitSet(rowIds.length);
          for (int r = 0; r < rowIds.length; r++) rows.set(r, wanted.test(rowIds[r]));
          if (rows.isEmpty()) continue;
          ColumnChunkMetaData weightsChunk = chunk(groups.get(g), "weights");
          OffsetIndex weightPages = sparse ? null : reader.readOffsetIndex(weightsChunk);
          if (!sparse && PlainFloatRows.applies(columns.get(1), weightsChunk, weightPages != null)) {
            // Only the pages that hold wanted rows; each page says its first row, and rowIds maps a row to its id.
            reader.setRequestedSchema(weightsOnly);
            PageReadStore pages = every ? reader.readRowGroup(g)
                : reader.readFilteredRowGroup(g, pagesHolding(weightPages, rows, groups.get(g).getRowCount()));
            PlainFloatRows.forEachRow(pages.getPageReader(columns.get(1)), columns.get(1), r -> rows.get((int) r),
                (r, w, n) -> consumer.row(rowIds[(int) r], w, null, n));
            continue;
          }
          // Anything else (the sparse layout, another writer's encodings) goes through Parquet's column readers over
          // the whole row group. Not a filtered read: its synchronizing readers can hand over a row outside the
          // ranges when a column's pages are larger than the ranges' (parquet-java 1.16, issue 3747).
          reader.setRequestedSchema(projection);
          PageReadStore pages = reader.readRowGroup(g);
          ColumnReadStoreImpl store = columnStore(reader, pages, projection);
          ListColumn weights = new ListColumn(store.getColumnReader(columns.get(1)), columns.get(1));
          ListColumn next = sparse ? new ListColumn(store.getColumnReader(columns.get(2)), columns.get(2)) : null;
          readRows(rowIds, weights, next, rows, consumer, runDir);
        }
      } catch (InputException e) {
        throw e;
      } catch (Exception e) {
        throw unreadable("model", runDir, e);
      }
    }

    /** Every row's id, in the row group's order, read from its {@code id} column alone. */
    private static int[] readIds(ParquetFileReader reader, PageReadStore idPages, MessageType idOnly) {
      ColumnDescriptor column = idOnly.getColumns().get(0);
      ColumnReader id = columnStore(reader, idPages, idOnly).getColumnReader(column);
      int[] ids = new int[Math.toIntExact(idPages.getRowCount())];
      for (int r = 0; r < ids.length; r++) {
        ids[r] = id.getCurrentDefinitionLevel() == column.getMaxDefinitionLevel() ? id.getInteger() : -1;
        id.consume();
      }
      return ids;
    }

    private static ColumnChunkMetaData chunk(BlockMetaData group, String column) {
      for (ColumnChunkMetaData c : group.getColumns()) {
        if (c.getPath().toArray()[0].equals(column)) return c;
      }
      throw new IllegalStateException("no column " + column);
    }

    /**
     * The rows of the pages (by their offset index) that hold one of {@code rows}: what
     * {@link ParquetFileReader#readFilteredRowGroup(int, RowRanges)} reads.
     */
    private static RowRanges pagesHolding(OffsetIndex pages, java.util.BitSet rows, long rowCount) {
      java.util.stream.IntStream.Builder holding = java.util.stream.IntStream.builder();
      for (int p = 0; p < pages.getPageCount(); p++) {
        int first = rows.nextSetBit((int) pages.getFirstRowIndex(p));
        if (first >= 0 && first <= pages.getLastRowIndex(p, rowCount)) holding.add(p);
      }
      return RowRanges.create(rowCount, holding.build().iterator(), pages);
    }

    @Override
    public void close() {
      for (ParquetFileReader reader : readers) {
        try {
          reader.close();
        } catch (IOException e) {
          // Read-only: nothing is lost when closing fails.
        }
      }
    }
  }

  /**
   * Streams every row of the {@code counts/} table ({@link CountsTable}), column by column, no object made per
   * row: what {@code evaluate --baseline} reads without Spark. A null is an {@link InputException}.
   */
  static void forEachCount(Configuration conf, Path runDir, dev.bigram.data.baseline.HeldOutBlocks.CountSink sink) {
    scan(conf, runDir, "counts", COUNTS, List.of("prev", "next", "count"), row -> {
      if (row.isNull(0) || row.isNull(1) || row.isNull(2)) {
        throw new InputException("table counts/ of " + runDir + " has a null prev, next or count: the run is corrupt;"
            + " train it again");
      }
      sink.accept(row.getInt(0), row.getInt(1), row.getLong(2));
    });
  }

  /** Whether row group {@code g}'s {@code id} statistics allow an id in {@code [lo, hi]} (no statistics: yes). */
  private static boolean mayHold(BlockMetaData g, int lo, int hi) {
    for (ColumnChunkMetaData c : g.getColumns()) {
      if (c.getPath().toDotString().equals("id") && c.getStatistics() != null && c.getStatistics().hasNonNullValue()) {
        return ((Integer) c.getStatistics().genericGetMax()) >= lo && ((Integer) c.getStatistics().genericGetMin()) <= hi;
      }
    }
    return true;
  }

  /** Walks a row group's rows: each row's list of weights (and of next ids, when sparse), kept when wanted. */
  private static void readRows(int[] rowIds, ListColumn weights, ListColumn next, java.util.BitSet wanted,
      RowConsumer consumer, Path runDir) {
    for (int r = 0; r < rowIds.length; r++) {
      boolean keep = wanted.get(r);
      int n = weights.readRow(keep);
      int m = next == null ? n : next.readRow(keep);
      if (!keep) continue;
      if (m != n) {
        throw new InputException("model of " + runDir + " is corrupt at row " + rowIds[r] + ": " + m
            + " next ids but " + n + " weights");
      }
      consumer.row(rowIds[r], weights.floats, next == null ? null : next.ints, n);
    }
  }

  /** A list column read one row at a time: a row's values go on while the repetition level is 1. */
  private static final class ListColumn {
    private final ColumnReader reader;
    private final boolean isFloat;
    private final int fullDefinition;
    private long remaining;
    /** The last row read, in its first values: floats for the weights, ints for the next ids. */
    float[] floats;
    int[] ints;

    ListColumn(ColumnReader reader, ColumnDescriptor column) {
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
