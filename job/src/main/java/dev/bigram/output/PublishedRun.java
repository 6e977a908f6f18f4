package dev.bigram.output;

import dev.bigram.config.TokenizerSettings;
import dev.bigram.data.InputException;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import dev.bigram.model.Softmax;
import dev.bigram.model.SparseSoftmax;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.spark.sql.SparkSession;

/**
 * A complete run opened for reading: refuses anything without {@code _SUCCESS}, never half-loads. The summary,
 * the vocabulary and single rows of the model are read straight from the files, without Spark
 * ({@link ParquetTables}), so {@code predict} runs in a plain JVM; so are all its rows, streamed
 * ({@link LocalLoss}), and its training counts. The whole model, held at once, is read with Spark.
 */
public final class PublishedRun {
  /** Null when opened without Spark: {@link #model()} then needs a session. */
  private final SparkSession spark;
  private final org.apache.hadoop.conf.Configuration hadoop;
  private final Path dir;
  private final Map<String, Object> summary;
  private final TokenizerSettings tokenizer;
  private final boolean bias;
  private Vocabulary vocab;

  private PublishedRun(SparkSession spark, org.apache.hadoop.conf.Configuration hadoop, Path dir,
      Map<String, Object> summary) {
    this.spark = spark;
    this.hadoop = hadoop;
    this.dir = dir;
    this.summary = summary;
    try {
      Object maxToken = summary.getOrDefault("tokenizer_max_token_length",
          TokenizerSettings.DEFAULT_MAX_TOKEN_LENGTH);
      this.tokenizer = new TokenizerSettings(java.util.Objects.requireNonNull((String) summary.get("tokenizer_pattern")),
          (Boolean) summary.get("tokenizer_lowercase"), (Boolean) summary.get("tokenizer_sentence_markers"),
          ((Number) maxToken).intValue());
      this.bias = (Boolean) summary.get("model_bias");
    } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
      throw new InputException("summary.json of " + dir + " lacks the tokenizer or model fields: the run is"
          + " corrupt or from another tool");
    }
  }

  /** Opens a run directory, or the LATEST run of an output directory. */
  public static PublishedRun open(SparkSession spark, String location) {
    return open(spark, spark.sparkContext().hadoopConfiguration(), location);
  }

  /** Opens a run without Spark: everything but {@link #model()} works. */
  public static PublishedRun open(org.apache.hadoop.conf.Configuration hadoop, String location) {
    return open(null, hadoop, location);
  }

  private static PublishedRun open(SparkSession spark, org.apache.hadoop.conf.Configuration hadoop,
      String location) {
    try {
      Path dir = resolve(hadoop, location);
      FileSystem fs = dir.getFileSystem(hadoop);
      Path summaryPath = new Path(dir, RunFiles.SUMMARY);
      if (!fs.exists(summaryPath)) {
        throw new InputException("model " + dir + " has no summary.json: the run is corrupt");
      }
      Map<String, Object> summary;
      try {
        summary = Json.read(fs, summaryPath);
      } catch (IOException e) {
        throw new InputException("summary.json of " + dir + " is not valid JSON (" + ModelReader.firstLine(e)
            + "): the run is corrupt", e);
      }
      Object version = summary.getOrDefault("format_version", 1);
      if (!(version instanceof Number n) || n.intValue() > RunFiles.FORMAT_VERSION) {
        throw new InputException("model " + dir + " has format_version " + version + ", newer than this job's "
            + RunFiles.FORMAT_VERSION + ": read it with the version of the job that wrote it, or a newer one");
      }
      return new PublishedRun(spark, hadoop, dir, summary);
    } catch (IOException e) {
      throw new InputException("model " + location + " cannot be read (" + ModelReader.firstLine(e) + ")", e);
    }
  }

  /**
   * Resolves a model argument: a run directory, or an output directory's {@code LATEST} run
   * ({@link RunFiles#LATEST}). The result must hold {@code _SUCCESS} ({@link RunFiles#SUCCESS}).
   */
  public static Path resolve(Configuration hadoop, String location) throws IOException {
    Path path = new Path(location);
    FileSystem fs = path.getFileSystem(hadoop);
    path = fs.makeQualified(path);
    if (fs.isFile(path) && RunFiles.LATEST.equals(path.getName())) {
      path = new Path(path.getParent(), readFirstLine(fs, path));
    } else if (!fs.exists(new Path(path, RunFiles.SUCCESS)) && fs.isFile(new Path(path, RunFiles.LATEST))) {
      path = new Path(path, readFirstLine(fs, new Path(path, RunFiles.LATEST)));
    }
    if (!fs.exists(path)) {
      throw new InputException("model " + location + " does not exist: pass a run directory"
          + " (or an output directory with " + RunFiles.LATEST + ")");
    }
    FileStatus success = fs.exists(new Path(path, RunFiles.SUCCESS)) ? fs.getFileStatus(new Path(path, RunFiles.SUCCESS)) : null;
    if (success == null) {
      throw new InputException("model " + path + " has no " + RunFiles.SUCCESS
          + ": the run is incomplete and is never read as a model; pass a complete run");
    }
    return path;
  }

  private static String readFirstLine(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      String s = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    }
  }

  public Path dir() {
    return dir;
  }

  public Map<String, Object> summary() {
    return summary;
  }

  public TokenizerSettings tokenizer() {
    return tokenizer;
  }

  public boolean hasBias() {
    return bias;
  }

  public Vocabulary vocabulary() {
    if (vocab == null) {
      List<String> words = new ArrayList<>();
      List<Long> counts = new ArrayList<>();
      ParquetTables.scan(hadoop, dir, "vocab", ParquetTables.VOCAB, List.of("id", "word", "count"), row -> {
        if (row.isNull(0) || row.getInt(0) < 0) {
          throw new InputException("vocab of " + dir + " is corrupt: a row without a valid id");
        }
        int id = row.getInt(0);
        while (words.size() <= id) {
          words.add(null);
          counts.add(0L);
        }
        words.set(id, row.isNull(1) ? null : row.getString(1));
        counts.set(id, row.isNull(2) ? 0L : row.getLong(2));
      });
      for (int i = 0; i < words.size(); i++) {
        if (words.get(i) == null) {
          throw new InputException("vocab of " + dir + " is corrupt: no word for id " + i);
        }
      }
      vocab = new Vocabulary(words.toArray(new String[0]), counts.stream().mapToLong(Long::longValue).toArray(),
          tokenizer.sentenceMarkers());
      Object v = summary.get("vocab_size");
      if (v instanceof Number n && n.intValue() != vocab.size()) {
        throw new InputException("vocab of " + dir + " has " + vocab.size() + " words but summary.json says "
            + n + ": the run is corrupt");
      }
    }
    return vocab;
  }

  /** The bias {@code b} read straight from the model's files (its {@code bias} column), or null without one. */
  public float[] bias() {
    if (!bias) return null;
    try (ParquetTables.ModelFiles files = ParquetTables.ModelFiles.open(hadoop, dir)) {
      return files.bias(vocabulary().size());
    }
  }

  /**
   * Streams every row of the model straight from its files, in file order: for a dense run {@code next} is
   * null and the row has {@code V} weights; for a sparse run each weight's next id is in {@code next}.
   */
  void forEachRow(ParquetTables.RowConsumer consumer) {
    int v = vocabulary().size();
    try (ParquetTables.ModelFiles files = ParquetTables.ModelFiles.open(hadoop, dir)) {
      files.forEachRow(null, (id, w, next, n) -> {
        if (id < 0 || id >= v || (next == null && n != v)) {
          throw new InputException("model of " + dir + " is corrupt at row " + id);
        }
        consumer.row(id, w, next, n);
      });
    }
  }

  /** The run's training counts ({@code counts/}), streamed straight from their files, without Spark. */
  public dev.bigram.data.baseline.HeldOutBlocks.TrainCounts trainingCounts() {
    return sink -> ParquetTables.forEachCount(hadoop, dir, sink);
  }

  /** Whether the run's model has the sparse layout ({@code model_weights} in summary.json; dense before it). */
  public boolean isSparse() {
    return "sparse".equals(summary.get("model_weights"));
  }

  /**
   * The low-rank factors whose term the published {@code W} holds folded in ({@code factors/}), read with Spark;
   * null for a run trained without them.
   */
  public dev.bigram.model.LowRank.Factors factors() {
    if (spark == null) throw new IllegalStateException("the factors of " + dir + " are read with Spark");
    Path table = new Path(dir, "factors");
    try {
      if (!table.getFileSystem(hadoop).exists(table)) return null;
    } catch (IOException e) {
      throw new InputException("factors of " + dir + " cannot be read (" + e.getMessage() + ")");
    }
    int v = vocabulary().size();
    List<org.apache.spark.sql.Row> rows = spark.read().parquet(table.toString()).select("id", "a", "b")
        .collectAsList();
    int r = rows.isEmpty() ? 0 : rows.get(0).getList(1).size();
    if (rows.size() != v || r < 1) {
      throw new InputException("factors of " + dir + " have " + rows.size() + " rows of rank " + r + " for " + v
          + " words: the run is corrupt");
    }
    float[] values = new float[2 * r * v];
    for (org.apache.spark.sql.Row row : rows) {
      int id = row.getInt(0);
      List<Float> a = row.getList(1);
      List<Float> b = row.getList(2);
      if (id < 0 || id >= v || a.size() != r || b.size() != r) {
        throw new InputException("factors of " + dir + " are corrupt at row " + id);
      }
      for (int k = 0; k < r; k++) {
        values[id * r + k] = a.get(k);
        values[r * v + k * v + id] = b.get(k);
      }
    }
    return new dev.bigram.model.LowRank.Factors(v, r, values);
  }

  /** The whole model (dense or sparse, as it was written), read with Spark. */
  public BigramModel model() {
    if (spark == null) throw new IllegalStateException("the whole model of " + dir + " is read with Spark");
    return ModelReader.readModel(spark, dir, vocabulary().size(), bias);
  }

  /**
   * {@code p(. | id)} for several ids, from their rows of the model and the bias, read straight from the model's
   * files (see {@link #forEachDistribution}).
   */
  public Map<Integer, double[]> probabilities(java.util.Collection<Integer> ids) {
    Map<Integer, double[]> out = new java.util.concurrent.ConcurrentHashMap<>();
    forEachDistribution(ids, (id, p) -> out.put(id, p.clone()));
    return out;
  }

  /**
   * What {@link #forEachDistribution} hands over: one context's {@code p(. | id)}, valid only during the call.
   * It is called from several threads at once.
   */
  public interface DistributionConsumer {
    void accept(int id, double[] p);
  }

  /**
   * Calls {@code consumer} once for each distinct id with {@code p(. | id)}, in file order, from the bias column
   * and only the rows of the ids ({@link ParquetTables.ModelFiles#forEachRow} reads the pages that hold them): a batch
   * of any size holds one distribution at a time. Every id must be a row of the model.
   */
  public void forEachDistribution(java.util.Collection<Integer> ids, DistributionConsumer consumer) {
    int v = vocabulary().size();
    java.util.Set<Integer> wanted = new java.util.HashSet<>(ids);
    java.util.Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (ParquetTables.ModelFiles files = ParquetTables.ModelFiles.open(hadoop, dir)) {
      float[] b = bias ? files.bias(v) : null;
      // The sparse softmax's O(V) part depends on the bias alone: once for all the ids.
      SparseSoftmax.BiasExp biasExp = files.sparse() ? SparseSoftmax.BiasExp.of(b, v) : null;
      // One distribution a thread, reused: a batch of thousands of contexts makes no V-sized garbage for each.
      ThreadLocal<double[]> buffers = ThreadLocal.withInitial(() -> new double[v]);
      // The files at once, a thread each: a batch reads most of a dense model's V^2 weights.
      files.forEachRow(wanted, (id, w, next, n) -> {
        String wrong = next == null ? null : ModelReader.nextIdsError(next, n, v);
        if (wrong != null || next == null && n != v) {
          throw new InputException("model of " + dir + " is corrupt at row " + id + (wrong == null ? "" : ": " + wrong));
        }
        if (!seen.add(id)) throw new InputException("model of " + dir + " has two rows for id " + id + ": the run is corrupt");
        double[] p = buffers.get();
        consumer.accept(id, next == null ? Softmax.probabilities(w, 0, b, v, p)
            : SparseSoftmax.probabilities(biasExp, next, w, 0, n, p));
      }, true);
    }
    for (int id : wanted) {
      if (!seen.contains(id)) {
        throw new InputException("model of " + dir + " has no row for id " + id + ": the run is corrupt");
      }
    }
  }

  /** {@code p(. | id)} from one row of W and the bias, without loading the rest of the model. */
  public double[] probabilities(int id) {
    return probabilities(List.of(id)).get(id);
  }
}
