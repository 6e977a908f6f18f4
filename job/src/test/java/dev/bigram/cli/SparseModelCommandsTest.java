package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.model.BigramModel;
import dev.bigram.output.Json;
import dev.bigram.output.PublishedRun;
import dev.bigram.output.RunFiles;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.PublishedModels;
import dev.bigram.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate} and {@code predict} on a trained sparse run answer as on its dense twin (the same
 * probabilities, with weight 0 wherever the sparse model has no pair), and refuse a damaged sparse table in one
 * line.
 */
class SparseModelCommandsTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INPUT = "../sample-data/kjv-excerpt.txt";

  @Test
  void evaluateAndPredictAnswerForASparseRunAsForItsDenseTwin(@TempDir Path out) throws Exception {
    CliRun.of(spark, "train", "--input", INPUT, "--output", out.toString(), "--run-id", "sparse", "--set",
        "vocab.size=60", "--set", "train.max-epochs=3", "--set", "model.weights=sparse").assertSuccess();
    Path sparseRun = out.resolve("sparse");
    PublishedRun run = PublishedRun.open(spark, sparseRun.toString());
    BigramModel sparse = run.model();
    Path twin = PublishedModels.publish(spark, out.resolve("twin"), PublishedModels.denseTwin(sparse),
        run.vocabulary());
    // The twin's summary is the trained run's, but for the layout.
    Map<String, Object> summary = new java.util.LinkedHashMap<>(run.summary());
    summary.put("model_weights", "dense");
    summary.remove("model_pairs");
    Files.writeString(twin.resolve(RunFiles.SUMMARY), Json.pretty(summary));

    JsonNode sparseScore = evaluate(sparseRun);
    JsonNode denseScore = evaluate(twin);
    for (String key : new String[] {"cross_entropy", "in_vocabulary_cross_entropy"}) {
      assertEquals(denseScore.get(key).asDouble(), sparseScore.get(key).asDouble(), 1e-6, key);
    }
    assertEquals(denseScore.get("in_vocabulary_bigrams"), sparseScore.get("in_vocabulary_bigrams"));

    JsonNode sparseWords = predict(sparseRun);
    JsonNode denseWords = predict(twin);
    assertEquals(5, sparseWords.size());
    for (int k = 0; k < 5; k++) {
      assertEquals(denseWords.get(k).get("word"), sparseWords.get(k).get("word"), "suggestion " + k);
      assertEquals(denseWords.get(k).get("probability").asDouble(), sparseWords.get(k).get("probability").asDouble(),
          1e-12, "suggestion " + k);
    }
  }

  @Test
  void predictAndEvaluateOnASparseRunWithARowOfTwoLengthsEndWithOneLineNamingTheRow(@TempDir Path dir)
      throws Exception {
    dev.bigram.data.Vocabulary vocab = PublishedModels.vocabulary(3);
    List<Row> rows = List.of(PublishedModels.sparseRow(0, vocab, List.of(1), List.of(0.5f)),
        PublishedModels.sparseRow(1, vocab, List.of(0, 2), List.of(0.25f)),
        PublishedModels.sparseRow(2, vocab, List.of(), List.of()));
    Path run = PublishedModels.publishSparseRows(spark, dir.resolve("r1"), vocab, rows);
    CliRun.of(spark, "predict", "--model", run.toString(), "--word", "w1").assertOneLineError(ExitCode.BAD_INPUT,
        "model of ", "r1 is corrupt at row 1: 2 next ids but 1 weights");
    CliRun.of(spark, "evaluate", "--model", run.toString(), "--input", INPUT).assertOneLineError(
        ExitCode.BAD_INPUT, "model of ", "r1 is corrupt at row 1: 2 next ids but 1 weights");
  }

  private static JsonNode evaluate(Path run) throws Exception {
    return JSON.readTree(CliRun.of(spark, "evaluate", "--model", run.toString(), "--input", INPUT, "--json")
        .assertSuccess().out().strip());
  }

  private static JsonNode predict(Path run) throws Exception {
    return JSON.readTree(CliRun.of(spark, "predict", "--model", run.toString(), "--word", "the", "--top", "5",
        "--include-unk", "--json").assertSuccess().out().strip());
  }
}
