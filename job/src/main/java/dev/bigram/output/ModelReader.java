package dev.bigram.output;

import dev.bigram.data.InputException;
import dev.bigram.model.BigramModel;
import dev.bigram.model.SparsePairs;
import java.util.Iterator;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the model tables of a published run ({@link ModelStore} writes them): the vocabulary, all of
 * {@code W} and {@code b}, or only the rows a question needs. Every read checks the table's schema first and
 * turns a missing or damaged table into one clear error naming the run.
 */
public final class ModelReader {
  private ModelReader() {}

  /**
   * Loads the whole model, dense or sparse as its table says (a {@code next} column is the sparse layout), a
   * file at a time, straight into its arrays.
   */
  public static BigramModel readModel(SparkSession spark, Path runDir, int numClasses, boolean withBias) {
    return readTable(spark, runDir, "model", ModelStore.MODEL_SCHEMA, model -> {
      if (model.schema().getFieldIndex("next").isEmpty()) return readDense(model, runDir, numClasses, withBias);
      checkSchema(model, ModelStore.SPARSE_MODEL_SCHEMA, runDir, "model");
      return readSparse(model, runDir, numClasses, withBias);
    });
  }

  private static BigramModel readDense(Dataset<Row> model, Path runDir, int numClasses, boolean withBias) {
    float[] w = new float[numClasses * numClasses];
    float[] b = withBias ? new float[numClasses] : null;
    boolean[] seen = new boolean[numClasses];
    int rows = 0;
    Iterator<ModelStore.ModelRow> it = model.select("id", "word", "bias", "weights").as(ModelStore.MODEL_ROW).toLocalIterator();
    while (it.hasNext()) {
      ModelStore.ModelRow r = it.next();
      int id = r.getId();
      float[] weights = r.getWeights();
      if (id < 0 || id >= numClasses || seen[id] || weights == null || weights.length != numClasses) {
        throw new InputException("model of " + runDir + " is corrupt at row " + id);
      }
      seen[id] = true;
      rows++;
      if (b != null) b[id] = r.getBias();
      System.arraycopy(weights, 0, w, id * numClasses, numClasses);
    }
    requireAllRows(rows, numClasses, runDir);
    return new BigramModel(numClasses, w, b);
  }

  /**
   * Two passes, as the rows come in any order: the length of every row's {@code next} (the row offsets), then
   * the pairs and weights straight into place. Holding every row until all had come would need twice the
   * model's memory, and a table of many files sorted by id a shuffle.
   */
  private static BigramModel readSparse(Dataset<Row> model, Path runDir, int numClasses, boolean withBias) {
    int[] length = new int[numClasses];
    java.util.Arrays.fill(length, -1);
    int rows = 0;
    Iterator<Row> sizes = model.select(functions.col("id"), functions.size(functions.col("next")))
        .toLocalIterator();
    while (sizes.hasNext()) {
      Row r = sizes.next();
      int id = r.isNullAt(0) ? -1 : r.getInt(0);
      if (id < 0 || id >= numClasses || length[id] >= 0 || r.isNullAt(1) || r.getInt(1) < 0) {
        throw new InputException("model of " + runDir + " is corrupt at row " + id);
      }
      length[id] = r.getInt(1);
      rows++;
    }
    requireAllRows(rows, numClasses, runDir);
    int[] rowStart = new int[numClasses + 1];
    for (int i = 0; i < numClasses; i++) {
      long end = (long) rowStart[i] + length[i];
      if (end > Integer.MAX_VALUE - 8) {
        throw new InputException("model of " + runDir + " has more pairs than one Java array holds: the run is"
            + " corrupt");
      }
      rowStart[i + 1] = (int) end;
    }
    int[] columns = new int[rowStart[numClasses]];
    float[] w = new float[columns.length];
    float[] b = withBias ? new float[numClasses] : null;
    boolean[] seen = new boolean[numClasses];
    Iterator<ModelStore.SparseModelRow> it = model.select("id", "word", "bias", "weights", "next")
        .as(ModelStore.SPARSE_MODEL_ROW).toLocalIterator();
    while (it.hasNext()) {
      ModelStore.SparseModelRow r = it.next();
      int id = r.getId();
      if (id < 0 || id >= numClasses || seen[id]) {
        throw new InputException("model of " + runDir + " is corrupt at row " + id);
      }
      seen[id] = true;
      String wrong = sparseRowError(r.getNext(), r.getWeights(), length[id], numClasses);
      if (wrong != null) throw new InputException("model of " + runDir + " is corrupt at row " + id + ": " + wrong);
      System.arraycopy(r.getNext(), 0, columns, rowStart[id], length[id]);
      System.arraycopy(r.getWeights(), 0, w, rowStart[id], length[id]);
      if (b != null) b[id] = r.getBias();
    }
    for (int i = 0; i < numClasses; i++) {
      if (!seen[i]) throw new InputException("model of " + runDir + " changed while read: no row " + i);
    }
    return new BigramModel(numClasses, new SparsePairs(numClasses, rowStart, columns), w, b);
  }

  /**
   * What is wrong with a sparse row ({@code length} pairs expected; -1: any), or null: {@code next} and
   * {@code weights} of one length, next ids increasing and in {@code [0, V)}.
   */
  static String sparseRowError(int[] next, float[] weights, int length, int numClasses) {
    if (next == null || weights == null) return "next or weights is null";
    if (next.length != weights.length) {
      return next.length + " next ids but " + weights.length + " weights";
    }
    if (length >= 0 && next.length != length) return next.length + " next ids, " + length + " at the first read";
    return nextIdsError(next, next.length, numClasses);
  }

  /** Why the first {@code n} next ids of a sparse row are not a valid row, or null when they are. */
  static String nextIdsError(int[] next, int n, int numClasses) {
    for (int k = 0; k < n; k++) {
      if (next[k] < 0 || next[k] >= numClasses) return "next id " + next[k] + " outside [0, " + numClasses + ")";
      if (k > 0 && next[k] <= next[k - 1]) return "next ids not increasing at " + next[k];
    }
    return null;
  }

  static void requireAllRows(int rows, int numClasses, Path runDir) {
    if (rows != numClasses) {
      throw new InputException("model of " + runDir + " has " + rows + " rows, expected V = " + numClasses
          + ": the run is corrupt");
    }
  }

  /**
   * Reads one table of a run with {@code read}, all inside one guard: a missing directory, a file that is not
   * Parquet, a wrong schema or a row that does not parse is one {@link InputException} naming the table, and
   * nothing is returned half-loaded.
   */
  static <T> T readTable(SparkSession spark, Path runDir, String table, StructType expected,
      java.util.function.Function<Dataset<Row>, T> read) {
    try {
      Dataset<Row> ds = spark.read().parquet(new Path(runDir, table).toString());
      checkSchema(ds, expected, runDir, table);
      return read.apply(ds);
    } catch (InputException e) {
      throw e;
    } catch (Exception e) { // Spark's AnalysisException and SparkException arrive undeclared
      throw new InputException("table " + table + "/ of " + runDir + " cannot be read (" + rootLine(e)
          + "): the run is incomplete or corrupt; pass another run or train again", e);
    }
  }

  /** Refuses a table without every column of {@code expected}, of its type. */
  private static void checkSchema(Dataset<Row> ds, StructType expected, Path runDir, String table) {
    for (org.apache.spark.sql.types.StructField f : expected.fields()) {
      scala.Option<Object> index = ds.schema().getFieldIndex(f.name());
      // Types compared without nullability: Parquet reads every column back as nullable.
      if (index.isEmpty() || !ds.schema().fields()[(Integer) index.get()].dataType().simpleString()
          .equals(f.dataType().simpleString())) {
        throw new InputException("table " + table + "/ of " + runDir + " has the schema " + ds.schema().simpleString()
            + ", expected " + expected.simpleString() + ": the run is corrupt or from another tool");
      }
    }
  }

  /** The first line of the deepest cause's message: the file and what is wrong with it. */
  static String rootLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : firstLine(root);
  }

  static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
