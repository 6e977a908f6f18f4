package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.config.TrainerConfig;
import dev.bigram.job.TrainJob;
import dev.bigram.testing.Processes;
import dev.bigram.testing.SparkTestBase;
import dev.bigram.train.EpochRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's worst night, through {@code ./submit.sh}: the driver JVM is killed with SIGKILL in the middle
 * of training, {@code train --run-id ID --resume} continues it from its last checkpoint, and the published run
 * equals an uninterrupted one: every epoch once, losses within 1e-9.
 */
class KillAndResumeIT extends SparkTestBase {
  /**
   * Relative. The resumed driver is a fresh JVM, at another stage of JIT compilation than the uninterrupted one;
   * the fast kernel rounds the same in both ({@code VectorExp}), so the runs agree to the last few bits.
   */
  static final double TOLERANCE = 1e-9;
  static final int EPOCHS = 15;

  @TempDir
  Path out;

  @TempDir
  Path scratch;

  List<String> settings() {
    return List.of("input.paths=[\"" + projectRoot().resolve("sample-data/kjv-excerpt.txt") + "\"]",
        "vocab.size=300", "train.partitions=2", "train.max-epochs=" + EPOCHS, "train.checkpoint-every=3",
        "early-stopping.patience=100", "train.l2=0");
  }

  /** The shipped defaults (train.l2 = auto: the L2 search), with checkpoints. */
  List<String> searchSettings() {
    return List.of("input.paths=[\"" + projectRoot().resolve("sample-data/kjv-excerpt.txt") + "\"]",
        "vocab.size=300", "train.partitions=2", "train.checkpoint-every=2");
  }

  /** submit.sh arguments: Spark options, then {@code train} with every setting as --set. */
  String[] submitArgs(String runId, String... more) {
    return submitArgs(settings(), runId, more);
  }

  String[] submitArgs(List<String> settings, String runId, String... more) {
    List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--driver-memory", "1g",
        "--conf", "spark.local.dir=" + scratch, "train", "--run-id", runId));
    for (String s : settings) args.addAll(List.of("--set", s));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }

  static OptionalInt newestCheckpoint(Path checkpoints) throws Exception {
    if (!Files.isDirectory(checkpoints)) return OptionalInt.empty();
    try (Stream<Path> s = Files.list(checkpoints)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("epoch-\\d+"))
          .mapToInt(n -> Integer.parseInt(n.substring(6))).max();
    }
  }

  @Test
  void aDriverKilledMidTrainingResumesToTheRunAnUninterruptedDriverProduces() throws Exception {
    // The output directory comes from the environment (conf/trainer.conf: output.dir = ${?BIGRAM_OUTPUT_DIR}).
    Map<String, String> env = Map.of("BIGRAM_OUTPUT_DIR", out.toString());
    Path checkpoints = out.resolve("_staging/night/_checkpoints");
    Processes.Running driver = Processes.start(env, submitArgs("night"));
    int killedAfter;
    try {
      long deadline = System.nanoTime() + 300_000_000_000L;
      while (newestCheckpoint(checkpoints).isEmpty()) {
        assertTrue(driver.process().isAlive(), "the run ended before its first checkpoint:\n" + driver.stderr());
        assertTrue(System.nanoTime() < deadline, "no checkpoint after 300 s:\n" + driver.stderr());
        Thread.sleep(50);
      }
      assertTrue(driver.process().isAlive(), "the driver must still be training when it is killed");
      int status = driver.killTree();
      assertEquals(128 + 9, status, "killed by SIGKILL");
      killedAfter = newestCheckpoint(checkpoints).orElseThrow();
    } finally {
      if (driver.process().isAlive()) driver.killTree();
      driver.cleanUp();
    }
    assertTrue(killedAfter < EPOCHS, "killed mid-training, after the checkpoint of epoch " + killedAfter);
    assertFalse(Files.exists(out.resolve("night")), "nothing is published by a killed run");
    assertFalse(Files.exists(out.resolve("LATEST")));
    assertTrue(Files.exists(out.resolve("_staging/night.lock")), "the dead driver's lock is left behind");

    Processes.Result resumed = Processes.submit(env, 600, submitArgs("night", "--resume"));
    assertEquals(0, resumed.exitCode(), resumed.stderr());
    assertTrue(resumed.lastLine(resumed.stdout()).startsWith("Published run night to "), resumed.stdout());
    assertTrue(resumed.stderr().contains("taking over the lock of pid"), resumed.stderr());

    JsonNode summary = new ObjectMapper().readTree(out.resolve("night/summary.json").toFile());
    int resumedFrom = summary.get("resumed_from_epoch").asInt();
    assertTrue(resumedFrom >= killedAfter && resumedFrom % 3 == 0, "resumed after epoch " + resumedFrom);

    // The same run, never interrupted, in this JVM.
    List<String> uninterrupted = new ArrayList<>(settings());
    uninterrupted.add("output.dir=" + scratch.resolve("uninterrupted"));
    java.io.File conf = projectRoot().resolve("conf/trainer.conf").toFile(); // what submit.sh reads
    TrainJob.Outcome reference = TrainJob.run(spark, TrainerConfig.load(conf, uninterrupted),
        new TrainJob.RunOptions("night", false));
    List<EpochRecord> expected = reference.result().history();
    assertEquals(EPOCHS, expected.size());

    List<Row> history = spark.read().parquet(out.resolve("night/history").toString()).orderBy("epoch")
        .collectAsList();
    assertEquals(EPOCHS, history.size(), "every epoch exactly once");
    for (int e = 0; e < EPOCHS; e++) {
      Row row = history.get(e);
      EpochRecord x = expected.get(e);
      assertEquals(e + 1, row.getInt(row.fieldIndex("epoch")));
      double train = row.getDouble(row.fieldIndex("train_loss"));
      double validation = row.getDouble(row.fieldIndex("validation_loss"));
      assertEquals(x.trainLoss(), train, TOLERANCE * x.trainLoss(), "train loss, epoch " + (e + 1));
      assertEquals(x.validationLoss(), validation, TOLERANCE * x.validationLoss(), "validation loss, epoch " + (e + 1));
    }
    // The pair trace (analysis) rides along in the checkpoints: every epoch's probabilities, as uninterrupted.
    List<Row> trace = spark.read().parquet(out.resolve("night/pair_trace").toString())
        .orderBy("epoch", "prev", "next").collectAsList();
    List<Row> expectedTrace = spark.read().parquet(reference.runDir() + "/pair_trace")
        .orderBy("epoch", "prev", "next").collectAsList();
    assertTrue(expectedTrace.size() >= EPOCHS, "at least one traced pair per epoch");
    assertEquals(expectedTrace.size(), trace.size());
    for (int i = 0; i < trace.size(); i++) {
      Row a = expectedTrace.get(i);
      Row b = trace.get(i);
      assertEquals(a.getInt(0) + " " + a.getString(1) + ">" + a.getString(2),
          b.getInt(0) + " " + b.getString(1) + ">" + b.getString(2));
      assertEquals(a.getDouble(3), b.getDouble(3), TOLERANCE, "p(" + a.getString(2) + " | " + a.getString(1)
          + ") at epoch " + a.getInt(0));
    }
    assertEquals(expected.get(EPOCHS - 1).trainLoss(), summary.get("final_train_loss").asDouble(),
        TOLERANCE * expected.get(EPOCHS - 1).trainLoss());
    assertEquals("night", Files.readString(out.resolve("LATEST")).trim());
    assertFalse(Files.exists(out.resolve("_staging/night")), "staging and checkpoints are gone");
    assertFalse(Files.exists(out.resolve("_staging/night.lock")), "the lock is released");
  }

  /**
   * With the shipped {@code train.l2 = auto}, the driver is killed in the middle of the L2 search, after two
   * trials have ended (so the best trial so far lives only in the checkpoints): the resumed run recalls them,
   * continues the third from its checkpoint, and publishes what an uninterrupted run publishes: the same chosen
   * L2, the same trials, the same history within 1e-9.
   */
  @Test
  void aDriverKilledDuringTheL2SearchResumesToTheSameChoiceAndModel() throws Exception {
    Path trials = out.resolve("_staging/search/_checkpoints/trials");
    killAndResumeTheSearch(() -> Files.exists(trials.resolve("trial-2.json"))
        && newestCheckpoint(trials.resolve("trial-3")).isPresent(), "its third trial");
  }

  /** Killed after the search, while the run's tables are written: every trial is recalled, none trained. */
  @Test
  void aDriverKilledAfterTheL2SearchResumesToTheSameChoiceAndModel() throws Exception {
    killAndResumeTheSearch(() -> Files.exists(out.resolve("_staging/search/vocab")), "writing its tables");
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  private void killAndResumeTheSearch(Condition killWhen, String what) throws Exception {
    Map<String, String> env = Map.of("BIGRAM_OUTPUT_DIR", out.toString());
    Processes.Running driver = Processes.start(env, submitArgs(searchSettings(), "search"));
    try {
      long deadline = System.nanoTime() + 300_000_000_000L;
      while (!killWhen.holds()) {
        assertTrue(driver.process().isAlive(), "the run ended before " + what + ":\n" + driver.stderr());
        assertTrue(System.nanoTime() < deadline, "not " + what + " after 300 s:\n" + driver.stderr());
        Thread.sleep(20);
      }
      assertEquals(128 + 9, driver.killTree(), "killed by SIGKILL");
    } finally {
      if (driver.process().isAlive()) driver.killTree();
      driver.cleanUp();
    }
    assertFalse(Files.exists(out.resolve("search")), "nothing is published by a killed run");

    Processes.Result resumed = Processes.submit(env, 600, submitArgs(searchSettings(), "search", "--resume"));
    assertEquals(0, resumed.exitCode(), resumed.stderr());
    assertTrue(resumed.stderr().contains("L2 trial 2 (l2 = "), "trials that ended are recalled:\n" + resumed.stderr());
    assertTrue(Files.notExists(out.resolve("_staging/search")), "staging and checkpoints are gone");

    List<String> uninterrupted = new ArrayList<>(searchSettings());
    uninterrupted.add("output.dir=" + scratch.resolve("uninterrupted"));
    java.io.File conf = projectRoot().resolve("conf/trainer.conf").toFile();
    TrainJob.Outcome reference = TrainJob.run(spark, TrainerConfig.load(conf, uninterrupted),
        new TrainJob.RunOptions("search", false));
    JsonNode got = new ObjectMapper().readTree(out.resolve("search/summary.json").toFile());
    assertEquals(((Number) reference.summary().get("l2")).doubleValue(), got.get("l2").asDouble(), 0.0,
        "the same chosen L2");
    List<?> expectedTrials = (List<?>) reference.summary().get("l2_trials");
    assertEquals(expectedTrials.size(), got.get("l2_trials").size(), "the same trials");
    for (int i = 0; i < expectedTrials.size(); i++) {
      Map<?, ?> e = (Map<?, ?>) expectedTrials.get(i);
      JsonNode g = got.get("l2_trials").get(i);
      assertEquals(((Number) e.get("l2")).doubleValue(), g.get("l2").asDouble(), 0.0, "trial " + (i + 1));
      double v = ((Number) e.get("best_validation_loss")).doubleValue();
      assertEquals(v, g.get("best_validation_loss").asDouble(), TOLERANCE * v, "trial " + (i + 1));
    }
    List<EpochRecord> expected = reference.result().history();
    List<Row> history = spark.read().parquet(out.resolve("search/history").toString()).orderBy("epoch")
        .collectAsList();
    assertEquals(expected.size(), history.size(), "the chosen trial's epochs, each once");
    for (int e = 0; e < expected.size(); e++) {
      double train = history.get(e).getDouble(history.get(e).fieldIndex("train_loss"));
      assertEquals(expected.get(e).trainLoss(), train, TOLERANCE * train, "train loss, epoch " + (e + 1));
    }
    assertEquals("search", Files.readString(out.resolve("LATEST")).trim());
  }

  @Test
  void aBadConfigurationThroughSubmitShEndsWithOneSentenceAndExit2() throws Exception {
    Processes.Result r = Processes.submit(Map.of(), 180, "--master", "local[2]", "--driver-memory", "1g", "train",
        "--output", out.toString(), "--set", "train.learning-rte=0.1");
    assertEquals(ExitCode.BAD_CONFIGURATION.code(), r.exitCode(), r.stderr());
    assertEquals("Failed: the configuration has 1 problem; nothing was run.", r.lastLine(r.stderr()));
    assertTrue(r.stderr().contains("error: unknown key train.learning-rte (did you mean train.learning-rate?)"),
        r.stderr());
  }
}
