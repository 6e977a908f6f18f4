package dev.bigram.output;

import dev.bigram.data.Vocabulary;
import dev.bigram.loss.WeightRows;
import dev.bigram.model.BigramModel;
import dev.bigram.train.WeightShipping;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
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

  static final Encoder<ModelRow> MODEL_ROW = Encoders.bean(ModelRow.class);

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
}
