package dev.bigram.output;

import dev.bigram.data.RowBlocks;
import dev.bigram.data.Vocabulary;
import dev.bigram.loss.WeightRows;
import dev.bigram.model.BigramModel;
import dev.bigram.model.LowRank;
import dev.bigram.model.SparsePairs;
import dev.bigram.train.WeightShipping;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
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
 *   <li>{@code model/} of a dense model: {@code id int, word string, bias float, weights array<float>}: row
 *       {@code id} of {@code W} (the scores of every next word after {@code word}) and {@code b[id]}</li>
 *   <li>{@code model/} of a sparse model: the same columns and {@code next array<int>}: {@code weights[k]} is the
 *       weight of the pair {@code (id, next[k])}, {@code next} increasing; every other next word scores its bias
 *       alone. A word never seen as a previous word has two empty arrays.</li>
 * </ul>
 *
 * The dense table has no {@code next} column, as before the sparse layout existed: its readers, ours and
 * others', keep working, and a reader tells the layouts apart by that column.
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
  public static final StructType SPARSE_MODEL_SCHEMA = MODEL_SCHEMA
      .add("next", DataTypes.createArrayType(DataTypes.IntegerType, false), false);

  /** The bytes a file of the model table is aimed at. */
  private static final long FILE_BYTES = 64L << 20;
  /** Shipping blocks per file of a sparse model: the finer they are, the closer the files come to even. */
  private static final int BLOCKS_PER_FILE = 16;

  private ModelStore() {}

  public static void writeVocabulary(SparkSession spark, Vocabulary vocab, Path dir) {
    List<Row> rows = new ArrayList<>(vocab.size());
    for (int i = 0; i < vocab.size(); i++) rows.add(RowFactory.create(i, vocab.word(i), vocab.count(i)));
    spark.createDataFrame(rows, VOCAB_SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
        .parquet(new Path(dir, "vocab").toString());
  }

  /** The {@code factors/} table: a row per word, its row of {@code A} and its column of {@code B}. */
  public static final StructType FACTORS_SCHEMA = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("word", DataTypes.StringType, false)
      .add("a", DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add("b", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  /**
   * Writes the low-rank factors of a run whose published {@code W} holds their term folded in: row {@code id} has
   * {@code A[id]} (the word as a context) and {@code B[:, id]} (the word as a next word), {@code r} floats each.
   * Only a warm start reads them, to continue the same split of the logits.
   */
  public static void writeFactors(SparkSession spark, LowRank.Factors factors, Vocabulary vocab, Path dir) {
    int r = factors.rank();
    List<Row> rows = new ArrayList<>(vocab.size());
    for (int i = 0; i < vocab.size(); i++) {
      Float[] a = new Float[r];
      Float[] b = new Float[r];
      for (int k = 0; k < r; k++) {
        a[k] = factors.a(i, k);
        b[k] = factors.b(k, i);
      }
      rows.add(RowFactory.create(i, vocab.word(i), a, b));
    }
    spark.createDataFrame(rows, FACTORS_SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
        .parquet(new Path(dir, "factors").toString());
  }

  /**
   * One row of the {@code model/} table as a Java bean: Spark's bean encoder moves {@code weights} between the
   * JVM and its rows as one bulk copy of a primitive array. {@code Row} with {@code List<Float>} would box every
   * weight, 10^8 objects at V = 10,000.
   */
  public static class ModelRow implements java.io.Serializable {
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

  /** One row of a sparse model's {@code model/} table: a {@link ModelRow} and the next id of each weight. */
  public static final class SparseModelRow extends ModelRow {
    private static final long serialVersionUID = 1L;
    private int[] next;

    public SparseModelRow() {}

    SparseModelRow(int id, String word, float bias, float[] weights, int[] next) {
      super(id, word, bias, weights);
      this.next = next;
    }

    public int[] getNext() {
      return next;
    }

    public void setNext(int[] next) {
      this.next = next;
    }
  }

  static final Encoder<SparseModelRow> SPARSE_MODEL_ROW = Encoders.bean(SparseModelRow.class);

  /**
   * Writes {@code W} and {@code b} (a sparse model as {@link #writeSparseModel} says; a dense one as follows),
   * one Parquet row per row of {@code W}, in files of about 64 MB. On a cluster the matrix reaches the writing
   * tasks as one broadcast (shipped in torrent pieces), not inside the tasks. Parquet's dictionary encoding is
   * off for this table: no two weights are alike, so building the dictionary only to drop it would cost as much
   * as the write.
   */
  public static void writeModel(SparkSession spark, BigramModel model, Vocabulary vocab, Path dir) {
    if (model.isSparse()) {
      writeSparseModel(spark, model, vocab, dir);
      return;
    }
    int v = model.numClasses();
    int files = (int) Math.max(1, Math.min(v, BigramModel.matrixBytes(v) / FILE_BYTES));
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

  /**
   * Writes a sparse model, one row per word with its pairs, in files of about 64 MB (a pair is a weight and a
   * next id, 8 bytes). Word ids run in order of frequency, so the first rows hold most of the pairs: a file is a
   * run of small row blocks cut where the pairs, not the rows, reach its share. On a cluster each block is a
   * broadcast of its own (a sparse model always travels sharded), which the task writing its file fetches.
   */
  private static void writeSparseModel(SparkSession spark, BigramModel model, Vocabulary vocab, Path dir) {
    int v = model.numClasses();
    SparsePairs pairs = model.pairs();
    int files = (int) Math.max(1, Math.min(v, 8L * pairs.size() / FILE_BYTES));
    RowBlocks blocks = new RowBlocks(v, (int) Math.min(v, (long) files * BLOCKS_PER_FILE));
    int[] cuts = fileCuts(pairs, blocks, files);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Vocabulary> bcVocab = jsc.broadcast(vocab);
    try (WeightShipping shipping = jsc.isLocal() ? WeightShipping.local(model, null)
        : WeightShipping.broadcast(jsc, model, WeightShipping.Mode.SHARDED, blocks, null)) {
      WeightShipping.Tasks weights = shipping.tasks();
      List<Integer> fileIds = IntStream.range(0, files).boxed().toList();
      JavaRDD<SparseModelRow> rows = jsc.parallelize(fileIds, files).flatMap(f ->
          sparseRows(weights, blocks, blocks.firstRow(cuts[f]), blocks.firstRow(cuts[f + 1]), bcVocab.value()));
      spark.createDataset(rows.rdd(), SPARSE_MODEL_ROW).select("id", "word", "bias", "weights", "next").write()
          .mode(SaveMode.ErrorIfExists).option("parquet.enable.dictionary", "false")
          .parquet(new Path(dir, "model").toString());
    } finally {
      bcVocab.destroy();
    }
  }

  /**
   * The first block of each file, and {@code blocks.numPartitions()} last: file {@code f} holds the blocks
   * {@code [cuts[f], cuts[f + 1])}, ending at the first block where the pairs so far reach {@code (f + 1) / files}
   * of all. A block holding several files' share leaves the files after it empty (Spark writes no file for them).
   */
  static int[] fileCuts(SparsePairs pairs, RowBlocks blocks, int files) {
    int numBlocks = blocks.numPartitions();
    int[] cuts = new int[files + 1];
    int f = 1;
    for (int b = 0; b < numBlocks && f < files; b++) {
      long done = pairs.rowStart(blocks.endRow(b)); // rowStart(V) is |S|
      while (f < files && done * files >= (long) f * pairs.size()) cuts[f++] = b + 1;
    }
    while (f <= files) cuts[f++] = numBlocks;
    return cuts;
  }

  /** The rows {@code [first, end)} as table rows, made one at a time from their blocks' weights. */
  private static Iterator<SparseModelRow> sparseRows(WeightShipping.Tasks weights, RowBlocks blocks, int first,
      int end, Vocabulary vocab) {
    return new Iterator<>() {
      private int row = first;
      private WeightRows w;

      @Override
      public boolean hasNext() {
        return row < end;
      }

      @Override
      public SparseModelRow next() {
        if (!hasNext()) throw new java.util.NoSuchElementException();
        if (w == null || !w.covers(row, row + 1)) {
          int b = blocks.blockOfRow(row);
          w = weights.rows(b, blocks.firstRow(b), blocks.endRow(b));
        }
        int from = w.entryStart(row);
        int to = w.entryEnd(row);
        SparseModelRow r = new SparseModelRow(row, vocab.word(row), w.bias() == null ? 0f : w.bias()[row],
            Arrays.copyOfRange(w.weights(), from, to), Arrays.copyOfRange(w.columns(), from, to));
        row++;
        return r;
      }
    };
  }
}
