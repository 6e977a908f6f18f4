package dev.bigram.output;

import dev.bigram.data.InputException;
import dev.bigram.config.TokenizerSettings;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import dev.bigram.train.WeightShipping;
import dev.bigram.loss.WeightRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads and writes the model tables of a run, in plain Parquet that any reader understands:
 *
 * <ul>
 *   <li>{@code vocab/}: {@code id int, word string, count long}</li>
 *   <li>{@code model/}: {@code id int, word string, bias float, weights array<float>}: row {@code id} of
 *       {@code W} (the scores of every next word after {@code word}) and {@code b[id]}</li>
 * </ul>
 */
public final class ModelStore {
  public static final StructType VOCAB_SCHEMA = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("word", DataTypes.StringType, false)
      .add("count", DataTypes.LongType, false);
  public static final StructType MODEL_SCHEMA = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("word", DataTypes.StringType, false)
      .add("bias", DataTypes.FloatType, false)
      .add("weights", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private ModelStore() {}

  public static void writeVocabulary(SparkSession spark, Vocabulary vocab, Path dir) {
    List<Row> rows = new ArrayList<>(vocab.size());
    for (int i = 0; i < vocab.size(); i++) rows.add(RowFactory.create(i, vocab.word(i), vocab.count(i)));
    spark.createDataFrame(rows, VOCAB_SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
        .parquet(new Path(dir, "vocab").toString());
  }

  /**
   * One row of the {@code model/} table as a Java bean: Spark's bean encoder moves {@code weights} between the
   * JVM and its rows as one bulk copy of a primitive array. {@code Row} with {@code List<Float>} would box every
   * weight, 10^8 objects at V = 10,000.
   */
  public static final class ModelRow implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private int id;
    private String word;
    private float bias;
    private float[] weights;

    public ModelRow() {}

    ModelRow(int id, String word, float bias, float[] weights) {
      this.id = id;
      this.word = word;
      this.bias = bias;
      this.weights = weights;
    }

    public int getId() {
      return id;
    }

    public void setId(int id) {
      this.id = id;
    }

    public String getWord() {
      return word;
    }

    public void setWord(String word) {
      this.word = word;
    }

    public float getBias() {
      return bias;
    }

    public void setBias(float bias) {
      this.bias = bias;
    }

    public float[] getWeights() {
      return weights;
    }

    public void setWeights(float[] weights) {
      this.weights = weights;
    }
  }

  private static final Encoder<ModelRow> MODEL_ROW = Encoders.bean(ModelRow.class);

  /**
   * Writes {@code W} and {@code b}, one Parquet row per row of {@code W}, in files of about 64 MB. On a cluster
   * the matrix reaches the writing tasks as one broadcast (shipped in torrent pieces), not inside the tasks.
   * Parquet's dictionary encoding is off for this table: no two weights are alike, so building the dictionary
   * only to drop it would cost as much as the write.
   */
  public static void writeModel(SparkSession spark, BigramModel model, Vocabulary vocab, Path dir) {
    int v = model.numClasses();
    int files = (int) Math.max(1, Math.min(v, BigramModel.matrixBytes(v) / (64L << 20)));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Vocabulary> bcVocab = jsc.broadcast(vocab);
    // In local mode the tasks read W in the driver's memory (as training does): a broadcast would first
    // serialize all of it into pieces for readers in this very JVM.
    try (WeightShipping shipping = jsc.isLocal() ? WeightShipping.local(model, null)
        : WeightShipping.broadcast(jsc, model, WeightShipping.Mode.WHOLE, null, null)) {
      WeightShipping.Tasks weights = shipping.tasks();
      List<Integer> ids = IntStream.range(0, v).boxed().toList();
      JavaRDD<ModelRow> rows = jsc.parallelize(ids, files).map(i -> {
        WeightRows w = weights.rows(0, 0, v);
        float[] row = Arrays.copyOfRange(w.weights(), w.offsetOf(i), w.offsetOf(i) + v);
        return new ModelRow(i, bcVocab.value().word(i), w.bias() == null ? 0f : w.bias()[i], row);
      });
      // The bean encoder orders columns by name; the table keeps the documented order.
      spark.createDataset(rows.rdd(), MODEL_ROW).select("id", "word", "bias", "weights").write()
          .mode(SaveMode.ErrorIfExists).option("parquet.enable.dictionary", "false")
          .parquet(new Path(dir, "model").toString());
    } finally {
      bcVocab.destroy();
    }
  }

  public static Vocabulary readVocabulary(SparkSession spark, Path runDir, TokenizerSettings tokenizer) {
    return readTable(spark, runDir, "vocab", VOCAB_SCHEMA, vocab -> {
      List<Row> rows = vocab.orderBy("id").collectAsList();
      String[] words = new String[rows.size()];
      long[] counts = new long[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        if (r.getInt(0) != i || r.isNullAt(1)) {
          throw new InputException("vocab of " + runDir + " is corrupt: id " + r.get(0) + " at position " + i);
        }
        words[i] = r.getString(1);
        counts[i] = r.getLong(2);
      }
      return new Vocabulary(words, counts, tokenizer.sentenceMarkers());
    });
  }

  /** Loads the whole model, a file at a time, straight into W. */
  public static BigramModel readModel(SparkSession spark, Path runDir, int numClasses, boolean withBias) {
    return readTable(spark, runDir, "model", MODEL_SCHEMA, model -> {
      float[] w = new float[numClasses * numClasses];
      float[] b = withBias ? new float[numClasses] : null;
      boolean[] seen = new boolean[numClasses];
      int rows = 0;
      Iterator<ModelRow> it = model.select("id", "word", "bias", "weights").as(MODEL_ROW).toLocalIterator();
      while (it.hasNext()) {
        ModelRow r = it.next();
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

  /** Row {@code id} of W and the whole bias, without loading the rest of W (Parquet skips other row groups). */
  public static float[][] readRowAndBias(SparkSession spark, Path runDir, int id, int numClasses) {
    return readTable(spark, runDir, "model", MODEL_SCHEMA, model -> {
      List<Row> biasRows = model.select("id", "bias").collectAsList();
      if (biasRows.size() != numClasses) {
        throw new InputException("model of " + runDir + " has " + biasRows.size() + " rows, expected V = "
            + numClasses + ": the run is corrupt");
      }
      float[] b = new float[numClasses];
      for (Row r : biasRows) b[r.getInt(0)] = r.getFloat(1);
      List<Row> row = model.filter(model.col("id").equalTo(id)).select("weights").collectAsList();
      if (row.size() != 1) {
        throw new InputException("model of " + runDir + " has " + row.size() + " rows for id " + id + ": corrupt");
      }
      List<Float> weights = row.get(0).getList(0);
      if (weights.size() != numClasses) {
        throw new InputException("model of " + runDir + " is corrupt at row " + id);
      }
      float[] w = new float[numClasses];
      for (int j = 0; j < numClasses; j++) w[j] = weights.get(j);
      return new float[][] {w, b};
    });
  }

  /** Rows {@code ids} of W, in one read: for answering several words at once without loading the rest of W. */
  public static Map<Integer, float[]> readRows(SparkSession spark, Path runDir, Collection<Integer> ids,
      int numClasses) {
    return readTable(spark, runDir, "model", MODEL_SCHEMA, model -> {
      List<Row> rows = model.filter(model.col("id").isin(ids.toArray())).select("id", "weights").collectAsList();
      Map<Integer, float[]> out = new HashMap<>();
      for (Row r : rows) {
        List<Float> weights = r.getList(1);
        if (weights.size() != numClasses) {
          throw new InputException("model of " + runDir + " is corrupt at row " + r.getInt(0));
        }
        float[] w = new float[numClasses];
        for (int j = 0; j < numClasses; j++) w[j] = weights.get(j);
        out.put(r.getInt(0), w);
      }
      for (int id : ids) {
        if (!out.containsKey(id)) {
          throw new InputException("model of " + runDir + " has no row for id " + id + ": the run is corrupt");
        }
      }
      return out;
    });
  }

  /** The output bias b. */
  public static float[] readBias(SparkSession spark, Path runDir, int numClasses) {
    return readTable(spark, runDir, "model", MODEL_SCHEMA, model -> {
      float[] b = new float[numClasses];
      for (Row r : model.select("id", "bias").collectAsList()) b[r.getInt(0)] = r.getFloat(1);
      return b;
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
