package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate} on one local file of modest size runs in this JVM without a SparkSession, and prints what the
 * Spark path prints for the same run and text. The Spark path is taken here with a glob that matches the same
 * one file ({@code held-out.tx[t]}): the command line differs, the text read does not.
 */
class EvaluateWithoutSparkTest extends SparkTestBase {
  private static Path dir;
  private static Path runs;
  private static Path heldOut;

  @BeforeAll
  static void trainADenseAndASparseRun(@TempDir Path tmp) throws Exception {
    dir = tmp;
    runs = tmp.resolve("runs");
    Path root = projectRoot();
    String training = root.resolve("sample-data/kjv-excerpt.txt").toString();
    for (String[] run : List.of(new String[] {"dense", "dense"}, new String[] {"sparse", "sparse"})) {
      // Each run in its own output directory: the second is not compared with the first before it is published.
      CliRun.of(spark, "train", "--input", training, "--output", runs.resolve("out-" + run[0]).toString(),
          "--run-id", run[0], "--set",
          "vocab.size=150", "--set", "train.max-epochs=4", "--set", "model.weights=" + run[1]).assertSuccess();
    }
    // Held-out text: scripture the model has seen words of, with pairs it has not, and jargon (OOV), with a
    // line cut by nothing, an empty line, CRLF and a repaired byte.
    List<String> kjv = Files.readAllLines(root.resolve("sample-data/kjv-excerpt.txt"), StandardCharsets.UTF_8);
    List<String> jargon = Files.readAllLines(root.resolve("sample-data/jargon.txt"), StandardCharsets.UTF_8);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      text.append(kjv.get((i * 7) % kjv.size())).append(i % 5 == 0 ? "\r\n" : "\n");
      if (i % 3 == 0) text.append(jargon.get((i * 11) % jargon.size())).append('\n');
      if (i % 50 == 0) text.append('\n');
    }
    heldOut = tmp.resolve("held-out.txt");
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    byte[] damaged = Arrays.copyOf(bytes, bytes.length + 8);
    System.arraycopy(new byte[] {'a', (byte) 0xC3, 'b', ' ', 'c', 'a', 't', '\n'}, 0, damaged, bytes.length, 8);
    Files.write(heldOut, damaged);
  }

  /** A supplier that counts its calls, and fails when {@code allowed} is false. */
  private static final class Sessions implements Supplier<SparkSession> {
    final AtomicInteger calls = new AtomicInteger();
    final boolean allowed;

    Sessions(boolean allowed) {
      this.allowed = allowed;
    }

    @Override
    public SparkSession get() {
      calls.incrementAndGet();
      if (!allowed) throw new AssertionError("evaluate asked for a SparkSession");
      return spark;
    }
  }

  private static CliRun run(Supplier<SparkSession> sessions, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.execute(args, sessions, o, e);
    }
    return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The same one file as a glob, which only the Spark path reads. */
  private static String glob(Path file) {
    String s = file.toString();
    return s.substring(0, s.length() - 1) + "[" + s.charAt(s.length() - 1) + "]";
  }

  private static String[] evaluate(String run, String input, String... more) {
    List<String> args = new ArrayList<>(List.of("evaluate", "--model",
        runs.resolve("out-" + run).resolve(run).toString(), "--input", input));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }

  /** Every field of {@code expected} in {@code actual}: numbers within 1e-9 relative, the rest equal. */
  private static void assertSameJson(JsonNode expected, JsonNode actual, String where) {
    if (expected.isNumber()) {
      assertTrue(actual.isNumber(), where + ": " + actual);
      double e = expected.asDouble();
      double a = actual.asDouble();
      assertEquals(e, a, 1e-9 * Math.abs(e), where);
      return;
    }
    assertEquals(expected.getNodeType(), actual.getNodeType(), where);
    if (expected.isObject()) {
      List<String> names = new ArrayList<>();
      expected.fieldNames().forEachRemaining(names::add);
      List<String> actualNames = new ArrayList<>();
      actual.fieldNames().forEachRemaining(actualNames::add);
      assertEquals(names, actualNames, where + ": the same fields in the same order");
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        assertSameJson(f.getValue(), actual.get(f.getKey()), where + "." + f.getKey());
      }
    } else if (expected.isArray()) {
      assertEquals(expected.size(), actual.size(), where);
      for (int i = 0; i < expected.size(); i++) assertSameJson(expected.get(i), actual.get(i), where + "[" + i + "]");
    } else {
      assertEquals(expected, actual, where);
    }
  }

  private static void assertLocalJsonEqualsSparkJson(String run) throws Exception {
    Sessions none = new Sessions(false);
    CliRun local = run(none, evaluate(run, heldOut.toString(), "--baseline", "kn,mkn,add-k", "--json"))
        .assertSuccess();
    assertEquals(0, none.calls.get(), "the local path asked for a SparkSession");
    Sessions some = new Sessions(true);
    CliRun distributed = run(some, evaluate(run, glob(heldOut), "--baseline", "kn,mkn,add-k", "--json"))
        .assertSuccess();
    assertTrue(some.calls.get() > 0, "a glob goes through Spark");
    ObjectMapper mapper = new ObjectMapper();
    JsonNode expected = mapper.readTree(distributed.out().strip());
    JsonNode actual = mapper.readTree(local.out().strip());
    assertTrue(expected.get("baselines").size() == 3 && expected.get("oov_rate").asDouble() > 0
        && expected.get("in_vocabulary_bigrams").asLong() < expected.get("bigrams").asLong(), expected.toString());
    assertSameJson(expected, actual, run);
  }

  @Test
  void aDenseRunScoresTheSameEveryFieldAndBaselineWithAndWithoutSpark() throws Exception {
    assertLocalJsonEqualsSparkJson("dense");
  }

  @Test
  void aSparseRunScoresTheSameEveryFieldAndBaselineWithAndWithoutSpark() throws Exception {
    assertLocalJsonEqualsSparkJson("sparse");
  }

  @Test
  void theTextOutputIsTheSameWithAndWithoutSpark() {
    CliRun local = run(new Sessions(false), evaluate("dense", heldOut.toString(), "--baseline", "kn,mkn,add-k"))
        .assertSuccess();
    CliRun distributed = run(new Sessions(true), evaluate("dense", glob(heldOut), "--baseline", "kn,mkn,add-k"))
        .assertSuccess();
    assertEquals(distributed.out(), local.out());
  }

  @Test
  void oneSmallLocalFileNeverAsksForASparkSession() {
    Sessions none = new Sessions(false);
    run(none, evaluate("dense", heldOut.toString())).assertSuccess();
    run(none, evaluate("sparse", "file:" + heldOut.toUri().getPath(), "--json")).assertSuccess();
    assertEquals(0, none.calls.get());
  }

  @Test
  void aGlobOrTwoFilesGoThroughTheSparkSession() {
    Sessions glob = new Sessions(true);
    run(glob, evaluate("dense", glob(heldOut), "--json")).assertSuccess();
    assertTrue(glob.calls.get() > 0, "a glob");
    Sessions two = new Sessions(true);
    run(two, evaluate("dense", heldOut.toString(), heldOut.toString(), "--json")).assertSuccess();
    assertTrue(two.calls.get() > 0, "two files");
  }

  @Test
  void aDirectoryGoesThroughTheSparkSession() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("folder"));
    Files.copy(heldOut, folder.resolve("a.txt"));
    Sessions sessions = new Sessions(true);
    run(sessions, evaluate("dense", folder.toString(), "--json")).assertSuccess();
    assertTrue(sessions.calls.get() > 0);
  }

  @Test
  void theLimitIsOneHundredMegabytesOfOneLocalRegularFile() throws Exception {
    org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
    assertEquals(104_857_600L, EvaluateCommand.LOCAL_INPUT_MAX_BYTES);
    Path big = dir.resolve("big.txt");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(EvaluateCommand.LOCAL_INPUT_MAX_BYTES);
    }
    assertTrue(EvaluateCommand.isModestLocalFile(hadoop, List.of(big.toString())), "exactly the limit");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(EvaluateCommand.LOCAL_INPUT_MAX_BYTES + 1);
    }
    assertTrue(!EvaluateCommand.isModestLocalFile(hadoop, List.of(big.toString())), "one byte over it");
    Files.delete(big);
    assertTrue(!EvaluateCommand.isModestLocalFile(hadoop, List.of(dir.resolve("missing.txt").toString())),
        "a missing file: Spark's listing names it");
    assertTrue(!EvaluateCommand.isModestLocalFile(hadoop, List.of("hdfs://namenode:8020/held-out.txt")));
  }

  /** The local and the Spark path's failure on the same file: one line each, the same exit code and message. */
  private static void assertSameError(Path file, ExitCode code, String fragment) {
    Sessions none = new Sessions(false);
    CliRun local = run(none, evaluate("dense", file.toString())).assertOneLineError(code, fragment);
    assertEquals(0, none.calls.get());
    CliRun distributed = run(new Sessions(true), evaluate("dense", glob(file)))
        .assertOneLineError(code, fragment);
    // Messages that name the input name it as it was given.
    assertEquals(distributed.errLines().get(0).replace(glob(file), file.toString()), local.errLines().get(0));
  }

  @Test
  void aTruncatedGzipIsTheSameOneLineErrorAndExitCodeWithAndWithoutSpark() throws Exception {
    Path full = dir.resolve("full.gz");
    Random random = new Random(5);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(full))) {
      for (int i = 0; i < 20_000; i++) o.write(("the lord " + random.nextInt() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = Files.readAllBytes(full);
    Path truncated = dir.resolve("truncated.txt.gz");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    assertSameError(truncated, ExitCode.BAD_INPUT, "cannot be read (EOFException: Unexpected end of input stream)");
  }

  @Test
  void aBinaryFileIsTheSameOneLineErrorAndExitCodeWithAndWithoutSpark() throws Exception {
    Path binary = dir.resolve("binary.bin");
    byte[] bytes = new byte[5000];
    new Random(7).nextBytes(bytes);
    Files.write(binary, bytes);
    assertSameError(binary, ExitCode.BAD_INPUT, "skipped as binary");
  }

  @Test
  void oneWordPerLineIsTheSameOneLineErrorAndExitCodeWithAndWithoutSpark() throws Exception {
    Path words = dir.resolve("words.txt");
    Files.write(words, List.of("lord", "god", "earth"), StandardCharsets.UTF_8);
    assertSameError(words, ExitCode.BAD_INPUT, "has no bigram to evaluate on");
  }

  @Test
  void aGzipFileIsReadWithoutSparkAndScoresAsItsText() throws Exception {
    Path gz = dir.resolve("held-out.txt.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write(Files.readAllBytes(heldOut));
    }
    Sessions none = new Sessions(false);
    ObjectMapper mapper = new ObjectMapper();
    JsonNode plain = mapper.readTree(run(none, evaluate("dense", heldOut.toString(), "--json")).assertSuccess()
        .out().strip());
    JsonNode compressed = mapper.readTree(run(none, evaluate("dense", gz.toString(), "--json")).assertSuccess()
        .out().strip());
    assertSameJson(plain, compressed, "gzip");
    assertEquals(0, none.calls.get());
  }
}
