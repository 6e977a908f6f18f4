package dev.bigram.output;

import dev.bigram.data.InputException;
import dev.bigram.config.TokenizerSettings;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** A complete run opened for reading: refuses anything without {@code _SUCCESS}, never half-loads. */
public final class PublishedRun {
  private final SparkSession spark;
  private final Path dir;
  private final Map<String, Object> summary;
  private final TokenizerSettings tokenizer;
  private final boolean bias;
  private Vocabulary vocab;

  private PublishedRun(SparkSession spark, Path dir, Map<String, Object> summary) {
    this.spark = spark;
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
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      Path dir = RunDirectory.resolveRun(hadoop, location);
      FileSystem fs = dir.getFileSystem(hadoop);
      Path summaryPath = new Path(dir, "summary.json");
      if (!fs.exists(summaryPath)) {
        throw new InputException("model " + dir + " has no summary.json: the run is corrupt");
      }
      Map<String, Object> summary;
      try {
        summary = Json.read(fs, summaryPath);
      } catch (IOException e) {
        throw new InputException("summary.json of " + dir + " is not valid JSON (" + ModelStore.firstLine(e)
            + "): the run is corrupt", e);
      }
      return new PublishedRun(spark, dir, summary);
    } catch (IOException e) {
      throw new InputException("model " + location + " cannot be read (" + ModelStore.firstLine(e) + ")", e);
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
      vocab = ModelStore.readVocabulary(spark, dir, tokenizer);
      Object v = summary.get("vocab_size");
      if (v instanceof Number n && n.intValue() != vocab.size()) {
        throw new InputException("vocab of " + dir + " has " + vocab.size() + " words but summary.json says "
            + n + ": the run is corrupt");
      }
    }
    return vocab;
  }

  public BigramModel model() {
    return ModelStore.readModel(spark, dir, vocabulary().size(), bias);
  }

  /** {@code p(. | id)} for several ids, from their rows of W and the bias, in one read. */
  public Map<Integer, double[]> probabilities(java.util.Collection<Integer> ids) {
    int v = vocabulary().size();
    Map<Integer, float[]> rows = ModelStore.readRows(spark, dir, new java.util.TreeSet<>(ids), v);
    float[] b = bias ? ModelStore.readBias(spark, dir, v) : null;
    Map<Integer, double[]> out = new java.util.HashMap<>();
    rows.forEach((id, w) -> out.put(id, dev.bigram.model.Softmax.probabilities(w, 0, b, v)));
    return out;
  }

  /** {@code p(. | id)} from one row of W and the bias, without loading the rest of the model. */
  public double[] probabilities(int id) {
    int v = vocabulary().size();
    float[][] rowAndBias = ModelStore.readRowAndBias(spark, dir, id, v);
    return dev.bigram.model.Softmax.probabilities(rowAndBias[0], 0, bias ? rowAndBias[1] : null, v);
  }
}
