package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.testing.Processes;
import dev.bigram.testing.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through ./submit.sh, as a user runs it: train, then predict and evaluate on the published run. */
class SubmitScriptIT extends SparkTestBase {
  @TempDir
  Path out;

  @Test
  void trainPublishesACompleteRunThatPredictAndEvaluateRead() throws Exception {
    Path training = projectRoot().resolve("sample-data/exercise-training.txt");
    Processes.Result train = Processes.submit(Map.of(), 300, "--master", "local[2]", "train",
        "--input", training.toString(), "--output", out.toString(), "--run-id", "e2e",
        "--set", "train.validation-fraction=0", "--set", "train.max-epochs=60", "--set", "vocab.min-count=1");
    assertEquals(0, train.exitCode(), train.stderr());
    assertTrue(train.lastLine(train.stdout()).startsWith("Published run e2e to "), train.stdout());
    Path run = out.resolve("e2e");
    assertTrue(Files.exists(run.resolve("_SUCCESS")));
    assertEquals("e2e", Files.readString(out.resolve("LATEST"), StandardCharsets.UTF_8).trim());
    assertFalse(Files.exists(out.resolve("_staging/e2e")), "staging is gone after publish");

    JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    for (String field : List.of("run_id", "epochs_run", "best_epoch", "stop_reason", "final_train_loss",
        "best_validation_loss", "train_loss_floor", "vocab_size", "train_bigrams", "distinct_bigrams",
        "seconds_data_pass", "seconds_training", "seconds_total", "converged")) {
      assertTrue(summary.has(field), "summary.json lacks " + field);
    }
    assertEquals(11, summary.get("vocab_size").asInt(), "the exercise's 10 words and <unk>");
    assertEquals(25, summary.get("train_bigrams").asInt(), "5 sentences of 6 words");

    List<Row> history = spark.read().parquet(run.resolve("history").toString()).orderBy("epoch").collectAsList();
    assertEquals(summary.get("epochs_run").asInt(), history.size());
    assertTrue(history.get(history.size() - 1).getDouble(2) < history.get(0).getDouble(2));

    Processes.Result predict = Processes.submit(Map.of(), 180, "--master", "local[2]", "predict",
        "--model", run.toString(), "--word", "The", "--top", "3", "--json");
    assertEquals(0, predict.exitCode(), predict.stderr());
    JsonNode top = new ObjectMapper().readTree(predict.stdout().strip());
    assertEquals(3, top.size());
    assertEquals("cat", top.get(0).get("word").asText(), predict.stdout());
    assertTrue(top.get(0).get("probability").asDouble() > top.get(1).get("probability").asDouble());
    // With no --master, predict runs as a plain JVM that reads the run's files (no Spark): the same answer.
    Processes.Result plain = Processes.submit(Map.of(), 180, "predict", "--model", run.toString(), "--word", "The",
        "--top", "3", "--json");
    assertEquals(0, plain.exitCode(), plain.stderr());
    assertEquals(top, new ObjectMapper().readTree(plain.stdout().strip()), "the plain JVM answers as Spark did");

    Processes.Result evaluate = Processes.submit(Map.of(), 180, "--master", "local[2]", "evaluate",
        "--model", out.toString(), "--input", training.toString(), "--json");
    assertEquals(0, evaluate.exitCode(), evaluate.stderr());
    JsonNode eval = new ObjectMapper().readTree(evaluate.stdout().strip());
    assertEquals(25, eval.get("bigrams").asInt());
    assertEquals(0.0, eval.get("oov_rate").asDouble(), 0.0);
    assertEquals(Math.exp(eval.get("cross_entropy").asDouble()), eval.get("perplexity").asDouble(), 1e-9);
    assertTrue(eval.get("cross_entropy").asDouble() < 1.5, "a trained model beats log(10) = 2.30 nats");
    // With no --master, evaluate on one small local file runs as a plain JVM too: the same numbers.
    Processes.Result plainEvaluate = Processes.submit(Map.of(), 180, "evaluate", "--model", out.toString(),
        "--input", training.toString(), "--json");
    assertEquals(0, plainEvaluate.exitCode(), plainEvaluate.stderr());
    JsonNode local = new ObjectMapper().readTree(plainEvaluate.stdout().strip());
    assertEquals(eval.get("bigrams"), local.get("bigrams"));
    assertEquals(eval.get("cross_entropy").asDouble(), local.get("cross_entropy").asDouble(),
        1e-9 * eval.get("cross_entropy").asDouble());
  }
}
