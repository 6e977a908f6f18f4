package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.output.RunLock;
import dev.bigram.testing.LogCapture;
import dev.bigram.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every exit code of {@code train}, in-process through {@link Main#execute}, and the one sentence that ends the
 * output. (SIGKILL and resume through submit.sh: {@code KillAndResumeIT}.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExitCodesTest extends SparkTestBase {
  @TempDir
  static Path out;

  static final String CORPUS = projectRoot().resolve("sample-data/exercise-training.txt").toString();

  record Run(int code, String stdout, String stderr) {
    String lastLine(String text) {
      String[] lines = text.strip().split("\n");
      return lines[lines.length - 1];
    }

    String lastOut() {
      return lastLine(stdout);
    }

    String lastErr() {
      return lastLine(stderr);
    }
  }

  static Run main(Supplier<SparkSession> session, String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = Main.execute(args, session, new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8));
    return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  /** {@code train} on the exercise's five sentences with the given extra arguments. */
  static Run train(String runId, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--input", CORPUS, "--output", out.toString(),
        "--run-id", runId, "--set", "vocab.min-count=1", "--set", "train.validation-fraction=0",
        "--set", "train.partitions=2"));
    args.addAll(List.of(more));
    return main(() -> spark, args.toArray(new String[0]));
  }

  static String latest() throws Exception {
    return Files.readString(out.resolve("LATEST"), StandardCharsets.UTF_8).trim();
  }

  @Test
  @Order(0)
  void success0PublishesWithRedactedConfigAndSaysSoLast() throws Exception {
    Run r = train("ok", "--set", "train.max-epochs=3", "--set", "hadoop.\"fs.s3a.secret.key\"=hunter2");
    assertEquals(ExitCode.SUCCESS.code(), r.code(), r.stderr());
    assertTrue(r.lastOut().startsWith("Published run ok to "), r.stdout());
    assertEquals("ok", latest());
    String conf = Files.readString(out.resolve("ok/config.conf"), StandardCharsets.UTF_8);
    assertFalse(conf.contains("hunter2"), conf);
    assertTrue(conf.replace(" ", "").contains("\"fs.s3a.secret.key\"=\"<redacted>\""), conf);
    assertTrue(Files.isDirectory(out.resolve("_history/run_id=ok")));
    assertFalse(Files.exists(out.resolve("ok/_checkpoints")));
  }

  @Test
  @Order(1)
  void internalError1IsOneLineWithoutAStackTraceUnlessVerbose() {
    Supplier<SparkSession> broken = () -> {
      throw new IllegalStateException("no Spark here");
    };
    Run r = main(broken, "train", "--input", CORPUS, "--output", out.toString(), "--run-id", "x");
    assertEquals(ExitCode.INTERNAL_ERROR.code(), r.code());
    assertEquals("error: internal error: java.lang.IllegalStateException: no Spark here (rerun with --verbose for"
        + " the stack trace)", r.stderr().strip());
    Run verbose = main(broken, "--verbose", "train", "--input", CORPUS, "--output", out.toString(), "--run-id", "x");
    assertEquals(ExitCode.INTERNAL_ERROR.code(), verbose.code());
    assertTrue(verbose.stderr().contains("\tat "), "the stack trace is printed");
    assertEquals("error: internal error: java.lang.IllegalStateException: no Spark here", verbose.lastErr(),
        "and the outcome is still the last line");
  }

  @Test
  @Order(2)
  void badConfiguration2ListsEveryProblemThenOneSentence() {
    Run r = train("cfg", "--set", "train.learning-rte=0.1", "--set", "vocab.size=many", "--set", "train.decay=1.5");
    assertEquals(ExitCode.BAD_CONFIGURATION.code(), r.code());
    List<String> lines = r.stderr().strip().lines().toList();
    assertEquals(List.of(
        "error: unknown key train.learning-rte (did you mean train.learning-rate?)",
        "error: vocab.size has the wrong type: expected an integer in [2, 1000000] (vocab.size has type STRING rather"
            + " than NUMBER)",
        "error: train.decay = 1.5 is out of range: expected a number in (0, 1]",
        "Failed: the configuration has 3 problems; nothing was run."), lines);
    assertFalse(Files.exists(out.resolve("_staging/cfg")), "nothing was run");
  }

  @Test
  @Order(3)
  void badInput3NamesThePath() {
    Run r = train("in", "--input", out.resolve("no-such-corpus.txt").toString());
    assertEquals(ExitCode.BAD_INPUT.code(), r.code(), r.stderr());
    assertTrue(r.lastErr().startsWith("error: ") && r.lastErr().contains("no-such-corpus.txt"), r.stderr());
  }

  @Test
  @Order(4)
  void outputError4ForAFileACompleteRunAndARunBeingWritten() throws Exception {
    Path file = out.resolve("a-file");
    Files.writeString(file, "not a directory");
    Run r = main(() -> spark, "train", "--input", CORPUS, "--output", file.toString(), "--run-id", "f");
    assertEquals(ExitCode.OUTPUT_ERROR.code(), r.code(), r.stderr());
    assertTrue(r.lastErr().contains("is a file, not a directory"), r.stderr());

    Run again = train("ok", "--set", "train.max-epochs=3");
    assertEquals(ExitCode.OUTPUT_ERROR.code(), again.code(), again.stderr());
    assertTrue(again.lastErr().contains("run ok is already complete"), again.stderr());

    // A live process (this one) holds the lock of run "busy".
    try (RunLock held = RunLock.acquire(org.apache.hadoop.fs.FileSystem.getLocal(jsc.hadoopConfiguration()),
        new org.apache.hadoop.fs.Path(out.resolve("_staging/busy.lock").toUri().toString()), "busy")) {
      Run busy = train("busy", "--set", "train.max-epochs=3");
      assertEquals(ExitCode.OUTPUT_ERROR.code(), busy.code(), busy.stderr());
      assertTrue(busy.lastErr().startsWith("error: run busy is being written by another process (pid "),
          busy.stderr());
    }
    assertEquals("ok", latest(), "LATEST is untouched by failed runs");
  }

  /**
   * Adam moves every weight by about the learning rate per step, so at 1e38 the float weights overflow after a
   * few epochs: the loss turns infinite or NaN and the run must stop at once, publish nothing and keep the last
   * checkpoint whose weights were finite.
   */
  @Test
  @Order(4)
  void aRunawayLossIsDivergence5WhileStillFiniteAndLatestStays() throws Exception {
    try (LogCapture log = new LogCapture()) {
      Run r = train("runaway", "--set", "train.learning-rate=1e6", "--set", "train.max-epochs=30");
      assertEquals(ExitCode.DIVERGED.code(), r.code(), r.stderr());
      assertTrue(log.text().contains("more than 10 times epoch 1's"), "the loss ran away while finite:\n" + log.text());
    }
    assertFalse(Files.exists(out.resolve("runaway")), "nothing published");
    assertEquals("ok", latest());
  }

  @Test
  @Order(4)
  void notTrained7WhenTheBestEpochIsTheUntrainedStartKeepsTheRunAndLatest() throws Exception {
    Run r = train("still", "--set", "train.learning-rate=1e-9", "--set", "train.min-learning-rate=0",
        "--set", "train.max-epochs=20");
    assertEquals(ExitCode.NOT_TRAINED.code(), r.code(), r.stderr());
    assertTrue(r.lastErr().startsWith("Failed: run still did not learn: its best epoch is epoch 1"), r.stderr());
    assertTrue(r.lastErr().contains("train.learning-rate (1.0E-9)"), "names the likely cause: " + r.lastErr());
    assertFalse(Files.exists(out.resolve("still")), "nothing published");
    assertTrue(Files.exists(out.resolve("_staging/still/history")), "kept in staging for inspection");
    assertEquals("ok", latest());
  }

  @Test
  @Order(9)
  void aWarmStartWhoseBestEpochIsTheFirstIsStillPublished() throws Exception {
    // Warm from "ok" on the same data with a learning rate too small to move: epoch 1 is already a trained model.
    Run r = train("warm-still", "--init-from", out.resolve("ok").toString(), "--set", "train.learning-rate=1e-9",
        "--set", "train.min-learning-rate=0", "--set", "train.max-epochs=8");
    assertEquals(ExitCode.SUCCESS.code(), r.code(), r.stderr());
    assertEquals("warm-still", latest());
  }

  @Test
  @Order(5)
  void diverged5StopsAtOnceKeepsTheLastGoodCheckpointWhichResumesWithItsHistoryAndTrace() throws Exception {
    String[] diverging = {"--set", "train.learning-rate=1e38", "--set", "train.decay=1", "--set",
        "train.min-learning-rate=0", "--set", "train.max-epochs=50", "--set", "early-stopping.patience=100",
        "--set", "train.checkpoint-every=1"};
    Run r = train("boom", diverging);
    assertEquals(ExitCode.DIVERGED.code(), r.code(), r.stderr());
    assertTrue(r.lastErr().startsWith("Failed: run boom diverged at epoch "), r.stderr());
    assertTrue(r.lastErr().contains("nothing was published; the last good checkpoint (epoch "), r.stderr());
    assertFalse(Files.exists(out.resolve("boom")), "nothing published");
    assertFalse(Files.exists(out.resolve("_history/run_id=boom")));
    assertEquals("ok", latest());
    int divergedAt = Integer.parseInt(r.lastErr().replaceAll(".*diverged at epoch (\\d+) .*", "$1"));
    int kept = Integer.parseInt(r.lastErr().replaceAll(".*last good checkpoint \\(epoch (\\d+)\\).*", "$1"));
    assertTrue(kept >= 1 && kept < divergedAt, r.lastErr());
    try (Stream<Path> s = Files.list(out.resolve("_staging/boom/_checkpoints"))) {
      assertEquals(List.of(String.format("epoch-%06d", kept)), s.map(p -> p.getFileName().toString()).toList(),
          "exactly one checkpoint, the last good one");
    }
    List<Row> staged = spark.read().parquet(out.resolve("_staging/boom/history").toString()).orderBy("epoch")
        .collectAsList();
    assertEquals(divergedAt, staged.size());

    // --resume refuses changed settings, naming them.
    String[] changed = diverging.clone();
    changed[1] = "train.learning-rate=0.1";
    List<String> args = new ArrayList<>(List.of(changed));
    args.addAll(List.of("--set", "vocab.size=500", "--resume"));
    Run refused = train("boom", args.toArray(new String[0]));
    assertEquals(ExitCode.BAD_CONFIGURATION.code(), refused.code(), refused.stderr());
    assertTrue(refused.stderr().contains("error: --resume: train.learning-rate (checkpoint 1.0E38, now 0.1) differs"
        + " from the checkpoint of epoch " + kept), refused.stderr());
    assertTrue(refused.stderr().contains("error: --resume: vocab.size (checkpoint 10000, now 500) differs"),
        refused.stderr());
    assertEquals("Failed: the configuration has 2 problems; nothing was run.", refused.lastErr());

    // The same settings with train.max-epochs at the kept epoch continue from the last good state. Here that is
    // the untrained start (epoch 1: the first update already diverged), so the run did not learn: exit 7, and
    // the run stays in staging with the history and pair trace that came back with the checkpoint.
    List<String> again = new ArrayList<>(List.of(diverging));
    again.addAll(List.of("--set", "train.max-epochs=" + kept, "--resume"));
    Run resumed = train("boom", again.toArray(new String[0]));
    assertEquals(ExitCode.NOT_TRAINED.code(), resumed.code(), resumed.stderr());
    assertTrue(resumed.lastErr().contains("did not learn: its best epoch is epoch 1"), resumed.stderr());
    List<Row> history = spark.read().parquet(out.resolve("_staging/boom/history").toString()).orderBy("epoch")
        .collectAsList();
    assertEquals(kept, history.size());
    for (int e = 0; e < kept; e++) {
      assertEquals(e + 1, history.get(e).getInt(history.get(e).fieldIndex("epoch")));
      assertEquals(staged.get(e).getDouble(staged.get(e).fieldIndex("train_loss")),
          history.get(e).getDouble(history.get(e).fieldIndex("train_loss")), 0.0, "epoch " + (e + 1));
    }
    List<Integer> tracedEpochs = spark.read().parquet(out.resolve("_staging/boom/pair_trace").toString())
        .select("epoch").distinct().orderBy("epoch").collectAsList().stream().map(row -> row.getInt(0)).toList();
    assertEquals(java.util.stream.IntStream.rangeClosed(1, kept).boxed().toList(), tracedEpochs,
        "the pair trace of the epochs before the checkpoint came back with it");
    assertFalse(Files.exists(out.resolve("boom")), "nothing published");
    assertEquals("ok", latest());
  }

  /** One command line for a scheduler's first try and its retries: nothing to resume yet means start. */
  @Test
  @Order(6)
  void resumeWithoutACheckpointStartsTheRunFromTheBeginning() throws Exception {
    Run r = train("first-try", "--set", "train.max-epochs=2", "--set", "train.checkpoint-every=1", "--resume",
        "--init-from", "LATEST");
    assertEquals(ExitCode.SUCCESS.code(), r.code(), r.stderr());
    var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("first-try/summary.json")
        .toFile());
    assertTrue(summary.get("resumed_from_epoch").isNull());
    assertTrue(summary.get("init_from").asText().endsWith("/ok"), "LATEST was ok: " + summary);
    assertEquals(11, summary.get("words_carried_over").asInt(), "the same ten words and <unk>");
    assertEquals(2, summary.get("epochs_run").asInt());
  }

  @Test
  @Order(7)
  void qualityGate6KeepsTheRunButLeavesLatest() throws Exception {
    String before = latest();
    Run r = train("gated", "--set", "train.max-epochs=3", "--set", "analysis.expect=[\"cat>the>=0.99\"]",
        "--set", "analysis.fail-on-expectations=true");
    assertEquals(ExitCode.QUALITY_GATE_FAILED.code(), r.code(), r.stderr());
    assertTrue(r.lastErr().startsWith("Failed: quality gate: 1 of 1 expected patterns missed (cat>the)"),
        r.stderr());
    assertTrue(Files.exists(out.resolve("gated/_SUCCESS")), "the run is kept, complete");
    assertEquals(before, latest(), "but LATEST does not move to it");
  }
}
