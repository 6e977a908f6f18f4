package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.output.Json;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs and checkpoints written by the job before its packages were reorganized (and before summary.json had a
 * {@code format_version}) still load: {@code src/test/resources/compat/output} holds a published run
 * ({@code old-run}, V = 60, 4 epochs) and a run killed at epoch 25 with its checkpoint ({@code old-ckpt}), both
 * written by that version from {@code job/} with {@code --input ../sample-data/kjv-excerpt.txt}. The expected
 * numbers are what that version printed.
 */
class PublishedBeforeTheRedesignTest extends SparkTestBase {
  private static final String INPUT = "../sample-data/kjv-excerpt.txt";
  private static Path runs;

  @BeforeAll
  static void copyTheOldRuns(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path from = Path.of("src/test/resources/compat/output").toAbsolutePath();
    runs = tmp.resolve("runs");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path to = runs.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(to);
        else Files.copy(p, to);
      }
    }
  }

  @Test
  void predictReadsAnOldRunAndGivesItsAnswers() {
    CliRun r = CliRun.of(spark, "predict", "--model", runs.resolve("old-run").toString(), "--word", "the",
        "--top", "3", "--include-unk", "--json").assertSuccess();
    // What the earlier version printed for the same question.
    assertTrue(r.out().contains("{\"word\":\"<unk>\",\"probability\":0.5699757318359492"), r.out());
    assertTrue(r.out().contains("{\"word\":\"and\",\"probability\":0.0475058490559257"), r.out());
  }

  @Test
  void evaluateAndWarmStartReadAnOldRun() throws Exception {
    CliRun.of(spark, "evaluate", "--model", runs.resolve("old-run").toString(), "--input", INPUT, "--json")
        .assertSuccess();
    CliRun.of(spark, "train", "--input", INPUT, "--output", runs.toString(), "--run-id", "warm",
        "--init-from", runs.resolve("old-run").toString(), "--set", "vocab.size=60", "--set", "train.max-epochs=2",
        "--set", "train.l2=0").assertSuccess();
    assertTrue(readSummary("warm").get("format_version") instanceof Number n && n.intValue() == 1,
        "a new run records its format version");
  }

  private static Map<String, Object> readSummary(String runId) throws java.io.IOException {
    return Json.read(org.apache.hadoop.fs.FileSystem.getLocal(jsc.hadoopConfiguration()),
        new org.apache.hadoop.fs.Path(runs.resolve(runId).resolve("summary.json").toString()));
  }

  @Test
  void resumeContinuesAnOldCheckpointAsThatVersionDid() throws Exception {
    CliRun.of(spark, "train", "--input", INPUT, "--output", runs.toString(), "--run-id", "old-ckpt", "--resume",
        "--set", "vocab.size=60", "--set", "train.max-epochs=40", "--set", "early-stopping.patience=100000",
        "--set", "train.checkpoint-every=5", "--set", "train.l2=0",
        // That version's default learning rate: a checkpoint resumes only with the settings it was written with.
        "--set", "train.learning-rate=0.1").assertSuccess();
    Map<String, Object> summary = readSummary("old-ckpt");
    assertEquals(40, ((Number) summary.get("epochs_run")).intValue());
    // The earlier version, resumed from the same checkpoint, ended at these losses.
    assertEquals(2.2130704527836143, ((Number) summary.get("final_train_loss")).doubleValue(), 1e-9 * 2.2);
    assertEquals(2.2527638308764892, ((Number) summary.get("best_validation_loss")).doubleValue(), 1e-9 * 2.3);
  }
}
