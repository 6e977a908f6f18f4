package dev.bigram.output;

import dev.bigram.data.InputException;
import dev.bigram.model.BigramModel;
import java.util.Iterator;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the model tables of a published run ({@link ModelStore} writes them): the vocabulary, all of
 * {@code W} and {@code b}, or only the rows a question needs. Every read checks the table's schema first and
 * turns a missing or damaged table into one clear error naming the run.
 */
public final class ModelReader {
  private ModelReader() {}

  /** Loads the whole model, a file at a time, straight into W. */
  public static BigramModel readModel(SparkSession spark, Path runDir, int numClasses, boolean withBias) {
    return readTable(spark, runDir, "model", ModelStore.MODEL_SCHEMA, model -> {
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
      if (rows != numClasses) {
        throw new InputException("model of " + runDir + " has " + rows + " rows, expected V = " + numClasses
            + ": the run is corrupt");
      }
      return new BigramModel(numClasses, w, b);
    });
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
      for (org.apache.spark.sql.types.StructField f : expected.fields()) {
        scala.Option<Object> index = ds.schema().getFieldIndex(f.name());
        // Types compared without nullability: Parquet reads every column back as nullable.
        if (index.isEmpty() || !ds.schema().fields()[(Integer) index.get()].dataType().simpleString()
            .equals(f.dataType().simpleString())) {
          throw new InputException("table " + table + "/ of " + runDir + " has the schema " + ds.schema().simpleString()
              + ", expected " + expected.simpleString() + ": the run is corrupt or from another tool");
        }
      }
      return read.apply(ds);
    } catch (InputException e) {
      throw e;
    } catch (Exception e) { // Spark's AnalysisException and SparkException arrive undeclared
      throw new InputException("table " + table + "/ of " + runDir + " cannot be read (" + rootLine(e)
          + "): the run is incomplete or corrupt; pass another run or train again", e);
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
