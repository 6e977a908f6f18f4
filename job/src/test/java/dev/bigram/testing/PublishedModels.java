package dev.bigram.testing;

import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import dev.bigram.model.SparsePairs;
import dev.bigram.output.Json;
import dev.bigram.output.ModelStore;
import dev.bigram.output.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Models made up for a test, and published runs holding them (only what reading a run needs). */
public final class PublishedModels {
  private PublishedModels() {}

  /**
   * A sparse model of {@code V} words with random weights and bias: row {@code i} has a pair with about a third
   * of the words, and every row {@code i} with {@code i % 5 == 3} has none.
   */
  public static BigramModel randomSparse(int numClasses, long seed) {
    Random r = new Random(seed);
    int[] rowStart = new int[numClasses + 1];
    List<Integer> columns = new ArrayList<>();
    for (int i = 0; i < numClasses; i++) {
      for (int j = 0; j < numClasses; j++) {
        if (i % 5 != 3 && r.nextInt(3) == 0) columns.add(j);
      }
      rowStart[i + 1] = columns.size();
    }
    SparsePairs pairs = new SparsePairs(numClasses, rowStart, columns.stream().mapToInt(Integer::intValue).toArray());
    return new BigramModel(numClasses, pairs, gaussians(r, pairs.size(), 2.0), gaussians(r, numClasses, 1.0));
  }

  /** The dense model with the same probabilities as {@code sparse}: weight 0 wherever it has no pair. */
  public static BigramModel denseTwin(BigramModel sparse) {
    int v = sparse.numClasses();
    float[] w = new float[v * v];
    for (int i = 0; i < v; i++) {
      for (int j = 0; j < v; j++) w[i * v + j] = sparse.weight(i, j);
    }
    return new BigramModel(v, w, sparse.bias() == null ? null : sparse.bias().clone());
  }

  /** {@code <unk>} and the words {@code w1 .. w(V-1)}, counts decreasing. */
  public static Vocabulary vocabulary(int numClasses) {
    String[] words = new String[numClasses];
    long[] counts = new long[numClasses];
    words[0] = Vocabulary.UNK;
    for (int i = 0; i < numClasses; i++) {
      if (i > 0) words[i] = "w" + i;
      counts[i] = 1000L - i;
    }
    return new Vocabulary(words, counts, false);
  }

  /**
   * A complete run in {@code dir}: {@code vocab/} and {@code model/} as the job writes them, a summary with the
   * fields a reader needs, and {@code _SUCCESS}.
   */
  public static Path publish(SparkSession spark, Path dir, BigramModel model, Vocabulary vocab) throws IOException {
    org.apache.hadoop.fs.Path run = new org.apache.hadoop.fs.Path(dir.toUri().toString());
    ModelStore.writeVocabulary(spark, vocab, run);
    ModelStore.writeModel(spark, model, vocab, run);
    writeSummary(dir, model, vocab);
    Files.writeString(dir.resolve(RunFiles.SUCCESS), "");
    return dir;
  }

  /** A row of a sparse model's table, written as it is, however wrong. */
  public static Row sparseRow(int id, Vocabulary vocab, List<Integer> next, List<Float> weights) {
    return RowFactory.create(id, vocab.word(id), 0.1f * id, weights, next);
  }

  /** A complete run whose {@code model/} table holds {@code rows}, with the sparse table's schema. */
  public static Path publishSparseRows(SparkSession spark, Path dir, Vocabulary vocab, List<Row> rows)
      throws IOException {
    org.apache.hadoop.fs.Path run = new org.apache.hadoop.fs.Path(dir.toUri().toString());
    ModelStore.writeVocabulary(spark, vocab, run);
    spark.createDataFrame(rows, ModelStore.SPARSE_MODEL_SCHEMA).coalesce(1).write()
        .parquet(new org.apache.hadoop.fs.Path(run, "model").toString());
    writeSummary(dir, randomSparse(vocab.size(), 9), vocab);
    Files.writeString(dir.resolve(RunFiles.SUCCESS), "");
    return dir;
  }

  /** The summary fields {@code PublishedRun} reads, and the layout's. */
  public static void writeSummary(Path dir, BigramModel model, Vocabulary vocab) throws IOException {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("run_id", dir.getFileName().toString());
    s.put("format_version", RunFiles.FORMAT_VERSION);
    s.put("vocab_size", vocab.size());
    s.put("model_bias", model.hasBias());
    s.put("model_weights", model.isSparse() ? "sparse" : "dense");
    if (model.isSparse()) s.put("model_pairs", model.pairs().size());
    s.put("tokenizer_pattern", "[\\p{L}\\p{N}']+");
    s.put("tokenizer_lowercase", true);
    s.put("tokenizer_sentence_markers", false);
    s.put("tokenizer_max_token_length", 100);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(RunFiles.SUMMARY), Json.pretty(s));
  }

  private static float[] gaussians(Random r, int n, double stddev) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (stddev * r.nextGaussian());
    return a;
  }
}
