package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.DirSnapshot;
import dev.bigram.testing.FaultyFileSystem;
import dev.bigram.testing.LogCapture;
import dev.bigram.testing.SparkTestBase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken input and configuration through the command line, as a scheduler runs it: each case exits with its
 * documented code and one line on standard error (a stack trace only with --verbose), publishes nothing, and
 * leaves the earlier run and LATEST as they were.
 */
class BadInputTest extends SparkTestBase {
  static final List<String> GOOD = List.of("the cat sat on the mat", "the dog sat on the rug",
      "a cat and a dog", "the mat and the rug", "the cat saw the dog", "a dog saw a cat");

  @TempDir
  static Path shared;
  static Path out;
  static java.util.Map<String, String> earlierSnapshot;

  @TempDir
  Path dir;

  /** An output directory holding one complete earlier run, "earlier", which LATEST names. */
  @BeforeAll
  static void publishAnEarlierRun() throws IOException {
    FaultyFileSystem.register(jsc.hadoopConfiguration());
    out = shared.resolve("out");
    Path corpus = shared.resolve("good.txt");
    Files.write(corpus, GOOD, StandardCharsets.UTF_8);
    train(corpus.toString(), "earlier").assertSuccess();
    earlierSnapshot = DirSnapshot.of(out);
  }

  static CliRun train(String input, String runId, String... more) {
    return train(input, out, runId, more);
  }

  static CliRun train(String input, Path output, String runId, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--input", input, "--output", output.toString(), "--run-id",
        runId, "--set", "train.max-epochs=3", "--set", "vocab.size=100", "--set", "vocab.min-count=1",
        "--set", "train.validation-fraction=0", "--set", "train.partitions=2"));
    args.addAll(Arrays.asList(more));
    return CliRun.of(spark, args.toArray(new String[0]));
  }

  /** Nothing of run {@code runId} exists (not published, no staging left), and the earlier run is as it was. */
  static void assertNothingPublished(String runId) {
    assertFalse(Files.exists(out.resolve(runId)), runId + " was published");
    assertFalse(Files.exists(out.resolve("_staging").resolve(runId)), runId + " left a staging directory");
    DirSnapshot.assertUnchanged(earlierSnapshot, out, "the earlier run, LATEST or the staging area");
  }

  Path write(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  // ---- 1. missing, unreadable, glob matching nothing ----------------------------------------------------

  @Test
  void aMissingInputPathIsExitCode3NamingThePath() {
    String missing = dir.resolve("no-such-corpus.txt").toString();
    train(missing, "r-missing").assertOneLineError(ExitCode.BAD_INPUT, "input " + missing + " matches no file",
        "check the path");
    assertNothingPublished("r-missing");
  }

  @Test
  void aGlobMatchingNothingIsExitCode3() {
    String glob = dir.resolve("corpus-*.txt.gz").toString();
    train(glob, "r-glob").assertOneLineError(ExitCode.BAD_INPUT, "input " + glob + " matches no file");
    assertNothingPublished("r-glob");
  }

  @Test
  void anUnreadableFileIsExitCode3NamingTheFile() throws IOException {
    write("in/part-0.txt", GOOD);
    write("in/unreadable-part-1.txt", GOOD);
    train(FaultyFileSystem.uri(dir.resolve("in")), "r-unreadable").assertOneLineError(ExitCode.BAD_INPUT,
        "unreadable-part-1.txt cannot be read (AccessControlException: Permission denied");
    assertNothingPublished("r-unreadable");
  }

  @Test
  void withVerboseTheSameErrorShowsItsStackTrace() {
    String missing = dir.resolve("no-such-corpus.txt").toString();
    CliRun run = CliRun.of(spark, "--verbose", "train", "--input", missing, "--output", out.toString(),
        "--run-id", "r-verbose");
    assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode());
    List<String> lines = run.errLines();
    assertTrue(lines.get(lines.size() - 1).startsWith("error: input " + missing + " matches no file"), run.err());
    assertTrue(run.err().contains("\tat dev.bigram.data.CorpusReader"), run.err());
  }

  // ---- 2. empty files, empty directory, no token, no bigram ----------------------------------------------

  @Test
  void onlyEmptyFilesIsExitCode3() throws IOException {
    write("empty/a.txt", List.of());
    write("empty/b.txt", List.of());
    train(dir.resolve("empty").toString(), "r-empty").assertOneLineError(ExitCode.BAD_INPUT,
        "has only empty files (2 files, 0 bytes)");
    assertNothingPublished("r-empty");
  }

  @Test
  void anEmptyDirectoryIsExitCode3() throws IOException {
    Files.createDirectories(dir.resolve("nothing/sub"));
    write("nothing/_SUCCESS", List.of());
    train(dir.resolve("nothing").toString(), "r-emptydir").assertOneLineError(ExitCode.BAD_INPUT,
        "is an empty directory");
    assertNothingPublished("r-emptydir");
  }

  @Test
  void aCorpusOfPunctuationIsExitCode3WithNoToken() throws IOException {
    Path p = write("punct.txt", List.of("!!! ???", "... --- ,,,", "", "*** ;;;"));
    train(p.toString(), "r-punct").assertOneLineError(ExitCode.BAD_INPUT, "has 4 lines but no token");
    assertNothingPublished("r-punct");
  }

  @Test
  void aCorpusOfOneWordPerLineIsExitCode3WithNoBigram() throws IOException {
    Path p = write("words.txt", List.of("cat", "dog", "mat", "the"));
    train(p.toString(), "r-words").assertOneLineError(ExitCode.BAD_INPUT, "has no training bigram");
    assertNothingPublished("r-words");
  }

  // ---- 3, 4. damaged bytes, binary files, long lines and tokens: the job goes on and reports them ---------

  @Test
  void damagedTextIsRepairedAndEveryRepairIsInTheSummary() throws IOException {
    Files.createDirectories(dir.resolve("mixed"));
    try (OutputStream o = Files.newOutputStream(dir.resolve("mixed/text.txt"))) {
      o.write((String.join("\n", GOOD) + "\n").getBytes(StandardCharsets.UTF_8));
      o.write(new byte[] {'t', 'h', 'e', 0, 'c', 'a', 't', (byte) 0xC3, 's', 'a', 't', 0x1B, '\n'});
      o.write(("the " + "x".repeat(150) + " dog " + "lorem ".repeat(400) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    byte[] binary = new byte[30_000];
    new Random(3).nextBytes(binary);
    Files.write(dir.resolve("mixed/image.png"), binary);
    Path own = dir.resolve("own-out");
    // input.encoding = utf-8: with auto, a lone 0xC3 in ASCII text reads cleanly as Windows-1252 ("Ã").
    CliRun run = train(dir.resolve("mixed").toString(), own, "r-mixed", "--set", "tokenizer.max-line-length=1000",
        "--set", "input.encoding=utf-8");
    run.assertSuccess();
    JsonNode s = new ObjectMapper().readTree(own.resolve("r-mixed/summary.json").toFile());
    assertEquals(1, s.get("invalid_utf8_bytes").asLong());
    assertEquals(2, s.get("control_chars").asLong());
    assertEquals(1, s.get("truncated_lines").asLong());
    assertEquals(4 + 151 + 4 + 2400 - 1000, s.get("truncated_bytes").asLong());
    assertEquals(1, s.get("long_tokens_dropped").asLong());
    assertEquals(1, s.get("binary_files_skipped").asLong());
    assertEquals(GOOD.size() + 2, s.get("lines").asLong());
    assertTrue(Files.exists(own.resolve("r-mixed/_SUCCESS")));
  }

  @Test
  void withOnBinaryFailABinaryFileIsExitCode3NamingIt() throws IOException {
    write("bin/text.txt", GOOD);
    byte[] binary = new byte[30_000];
    new Random(4).nextBytes(binary);
    Files.write(dir.resolve("bin/model.bin"), binary);
    train(dir.resolve("bin").toString(), "r-binfail", "--set", "input.on-binary=fail")
        .assertOneLineError(ExitCode.BAD_INPUT, "model.bin looks binary (", "input.on-binary = skip");
    assertNothingPublished("r-binfail");
  }

  // ---- 5. compressed input: a truncated .gz ------------------------------------------------------------

  @Test
  void aTruncatedGzipIsExitCode3NamingTheFileNotACrashInATask() throws IOException {
    Path full = dir.resolve("full.gz");
    Random random = new Random(5);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(full))) {
      for (int i = 0; i < 20_000; i++) o.write(("the cat " + random.nextInt() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = Files.readAllBytes(full);
    Path truncated = dir.resolve("day-2.txt.gz");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    train(truncated.toString(), "r-gz").assertOneLineError(ExitCode.BAD_INPUT,
        "input file file:" + truncated.toUri().getPath(), "cannot be read (EOFException: Unexpected end of input stream)",
        "truncated");
    assertNothingPublished("r-gz");
  }

  // ---- 7. configuration ------------------------------------------------------------------------------

  @Test
  void everyConfigurationProblemIsOneLineAndExitCode2() throws IOException {
    Path corpus = write("c.txt", GOOD);
    CliRun run = CliRun.of(spark, "train", "--input", corpus.toString(), "--output", out.toString(), "--run-id",
        "r-conf", "--set", "vocab.sise=10", "--set", "train.learning-rate=fast", "--set", "train.decay=2",
        "--set", "train.min-learning-rate=0.5", "--set", "train.learning-rate=0.1");
    assertEquals(ExitCode.BAD_CONFIGURATION.code(), run.exitCode(), run.err());
    assertEquals(List.of("error: unknown key vocab.sise (did you mean vocab.size?)",
        "error: train.decay = 2.0 is out of range: expected a number in (0, 1]",
        "error: train.min-learning-rate = 0.5 is larger than train.learning-rate = 0.1: lower the minimum or raise"
            + " the rate",
        "Failed: the configuration has 3 problems; nothing was run."), run.errLines());
    run.assertNoStackTrace();
    assertNothingPublished("r-conf");
    CliRun wrongType = CliRun.of(spark, "train", "--input", corpus.toString(), "--output", out.toString(),
        "--set", "tokenizer.max-line-length=huge", "--set", "input.on-binary=ignore");
    assertEquals(ExitCode.BAD_CONFIGURATION.code(), wrongType.exitCode());
    assertTrue(wrongType.err().contains("error: tokenizer.max-line-length has the wrong type: expected an integer"
        + " in [1, 268435456] (bytes)"), wrongType.err());
    assertTrue(wrongType.err().contains("error: input.on-binary = \"ignore\" is out of range: expected skip or"
        + " fail"), wrongType.err());
  }

  @Test
  void aVocabularySizeLargerThanTheWordsSeenIsAWarningAndTheRunSucceeds() throws IOException {
    Path corpus = write("c.txt", GOOD);
    Path own = dir.resolve("own-out");
    try (LogCapture log = new LogCapture()) {
      train(corpus.toString(), own, "r-vocab", "--set", "vocab.size=5000").assertSuccess();
      assertTrue(log.text().contains("WARN dev.bigram.data.DataPass: vocab.size = 5000 but only 10 words occur"
          + " at least vocab.min-count = 1 times: V = 11"), log.text());
    }
    JsonNode s = new ObjectMapper().readTree(own.resolve("r-vocab/summary.json").toFile());
    assertEquals(11, s.get("vocab_size").asInt());
    assertEquals(5000, s.get("vocab_size_requested").asInt());
  }

  // ---- 10. a vocabulary too large for the driver -------------------------------------------------------

  @Test
  void aVocabularyTooLargeForTheDriverIsRefusedBeforeAnyWorkWithTheNumbers() throws IOException {
    Path corpus = write("c.txt", GOOD);
    AtomicInteger jobs = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      CliRun run = CliRun.of(spark, "train", "--input", corpus.toString(), "--output", out.toString(),
          "--run-id", "r-huge", "--set", "vocab.size=46340", "--set", "model.weights=dense");
      run.assertOneLineError(ExitCode.BAD_CONFIGURATION, "vocab.size = 46340 needs about ", " GB on the driver",
          "W is 8.59 GB", "raise spark.driver.memory", "lower vocab.size to ", "or set model.weights = sparse");
      assertTrue(run.err().matches("(?s)error: vocab\\.size = 46340 needs about \\d+\\.\\d GB on the driver .* but the"
          + " driver has \\d+\\.\\d GB: .* at least \\d+ GB, lower vocab\\.size to \\d+, or set model\\.weights = sparse\\s*"),
          run.err());
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    assertEquals(0, jobs.get(), "no Spark job ran");
    assertNothingPublished("r-huge");
  }

  @Test
  void aFileSystemWhoseJarIsMissingIsAConfigurationErrorNamingTheSchemeAndThePackage() {
    CliRun r = train("s3a://some-bucket/corpus/*.txt", "s3");
    assertEquals(ExitCode.BAD_CONFIGURATION.code(), r.exitCode(), r.err());
    assertEquals(2, r.errLines().size(), r.err());
    String line = r.errLines().get(0);
    assertTrue(line.startsWith("error: no file system for scheme s3a://"), line);
    assertTrue(line.contains("--packages org.apache.hadoop:hadoop-aws:" + org.apache.hadoop.util.VersionInfo.getVersion()),
        line);
    assertEquals("Failed: the configuration has 1 problem; nothing was run.", r.errLines().get(1));
    r.assertNoStackTrace();
  }

  @Test
  void evaluateOnTextMostlyOutsideTheVocabularyWarnsAndReportsTheKnownWordsPerplexity() throws IOException {
    Path foreign = dir.resolve("fremd.txt");
    Files.write(foreign, List.of("der schnelle braune fuchs springt ueber den faulen hund",
        "die katze sitzt auf der matte und the cat schlaeft"), StandardCharsets.UTF_8);
    try (LogCapture log = new LogCapture()) {
      CliRun r = CliRun.of(spark, "evaluate", "--model", out.resolve("earlier").toString(), "--input",
          foreign.toString(), "--json").assertSuccess();
      assertTrue(log.text().contains("of the tokens are outside the model's vocabulary"), log.text());
      com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(r.out().strip());
      assertTrue(json.get("oov_rate").asDouble() > 0.5, json.toString());
      assertTrue(json.get("in_vocabulary_bigrams").asLong() >= 1, "'the cat' is two known words: " + json);
      assertTrue(json.get("in_vocabulary_perplexity").asDouble() > 1, json.toString());
    }
  }

  @Test
  void aLatin1FileIsReadAsWindows1252WithItsNameLoggedAndItsWordsWhole() throws IOException {
    Path latin1 = dir.resolve("latin1.txt");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20; i++) text.append("the café is naïve and the café is über\n");
    Files.write(latin1, text.toString().getBytes(StandardCharsets.ISO_8859_1));
    Path runs = dir.resolve("runs");
    try (LogCapture log = new LogCapture()) {
      train(latin1.toString(), runs, "latin", "--set", "vocab.min-count=1", "--set", "train.l2=0",
          "--set", "train.max-epochs=30").assertSuccess();
      assertTrue(log.text().contains("latin1.txt as Windows-1252"), "the decision is logged with the file's name:\n"
          + log.text());
      assertFalse(log.text().contains("Damaged text repaired"), log.text());
    }
    CliRun p = CliRun.of(spark, "predict", "--model", runs.resolve("latin").toString(), "--words", "café",
        "--json").assertSuccess();
    assertTrue(p.out().contains("\"context\":\"café\""), p.out());
    assertTrue(p.out().contains("\"oov\":false"), p.out());
  }

  @Test
  void theDamageWarningNamesTheFilesWithRepairs() throws IOException {
    Path damaged = dir.resolve("damaged.txt");
    byte[] good = "the cat sat on the mat\n".getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 30; i++) bytes.write(good);
    bytes.write(new byte[] {'t', 'h', 'e', ' ', 0, ' ', 'c', 'a', 't', '\n'});
    Files.write(damaged, bytes.toByteArray());
    try (LogCapture log = new LogCapture()) {
      train(damaged.toString(), dir.resolve("runs2"), "damaged", "--set", "vocab.min-count=1",
          "--set", "train.l2=0", "--set", "train.max-epochs=5");
      assertTrue(log.text().contains("Damaged text repaired in input file ") && log.text().contains("damaged.txt"),
          log.text());
    }
  }
}
