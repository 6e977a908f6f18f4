package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.testing.Processes;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures as a scheduler sees them, through ./submit.sh and the real logging configuration: the whole of
 * standard error holds no stack trace, the last line says what is wrong, and fake secrets given to Spark or
 * inside a path appear nowhere.
 */
class FailureModesIT {
  static final List<String> GOOD = List.of("the cat sat on the mat", "the dog sat on the rug",
      "a cat and a dog", "the mat and the rug", "the cat saw the dog", "a dog saw a cat");
  static final String SPARK_SECRET = "sparkSecretVB93K";
  static final String PATH_SECRET = "pathSecretHN45T";

  @TempDir
  Path dir;

  static Processes.Result submit(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--master", "local[2]"));
    all.addAll(Arrays.asList(args));
    return Processes.submit(Map.of(), 300, all.toArray(new String[0]));
  }

  static List<String> quick(String... more) {
    List<String> args = new ArrayList<>(List.of("--set", "train.max-epochs=2", "--set", "vocab.size=100",
        "--set", "vocab.min-count=1", "--set", "train.validation-fraction=0"));
    args.addAll(Arrays.asList(more));
    return args;
  }

  @Test
  void aTruncatedGzipIsOneLineOnStandardErrorAndExitCode3() throws Exception {
    Path full = dir.resolve("full.gz");
    Random random = new Random(5);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(full))) {
      for (int i = 0; i < 20_000; i++) o.write(("the cat " + random.nextInt() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = Files.readAllBytes(full);
    Path truncated = dir.resolve("night-3.txt.gz");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    Path out = dir.resolve("out");
    List<String> args = new ArrayList<>(List.of("train", "--input", truncated.toString(), "--output",
        out.toString(), "--run-id", "r1"));
    args.addAll(quick());
    Processes.Result r = submit(args.toArray(new String[0]));
    assertEquals(ExitCode.BAD_INPUT.code(), r.exitCode(), r.stderr());
    assertFalse(r.stderr().contains("\tat "), "a stack trace at the default log level:\n" + r.stderr());
    String last = r.lastLine(r.stderr());
    assertTrue(last.startsWith("error: input file file:" + truncated + " cannot be read (EOFException"), last);
    assertEquals("", r.stdout());
    assertFalse(Files.exists(out.resolve("r1")));
    assertFalse(Files.exists(out.resolve("_staging/r1")));
  }

  @Test
  void fakeSecretsGivenToSparkOrInAPathReachNoFileAndNoLog() throws Exception {
    Path corpus = dir.resolve("corpus.txt");
    Files.write(corpus, GOOD, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    List<String> ok = new ArrayList<>(List.of("--conf", "spark.hadoop.fs.s3a.secret.key=" + SPARK_SECRET,
        "--conf", "spark.hadoop.fs.s3a.access.key=AKIA" + SPARK_SECRET, "train", "--input", corpus.toString(),
        "--output", out.toString(), "--run-id", "s1"));
    ok.addAll(quick());
    Processes.Result trained = submit(ok.toArray(new String[0]));
    assertEquals(0, trained.exitCode(), trained.stderr());

    List<String> bad = new ArrayList<>(List.of("train", "--input", corpus.toString(), "--output",
        "file://writer:" + PATH_SECRET + "@" + dir.resolve("elsewhere"), "--run-id", "s2"));
    bad.addAll(quick());
    Processes.Result refused = submit(bad.toArray(new String[0]));
    assertEquals(ExitCode.OUTPUT_ERROR.code(), refused.exitCode(), refused.stderr());
    assertTrue(refused.lastLine(refused.stderr()).contains("file://writer:<redacted>@"), refused.stderr());

    for (String secret : List.of(SPARK_SECRET, PATH_SECRET)) {
      for (Processes.Result r : List.of(trained, refused)) {
        assertFalse(r.stdout().contains(secret) || r.stderr().contains(secret), secret + " printed:\n" + r);
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          assertFalse(content.contains(secret), secret + " in " + f);
        }
      }
    }
    assertTrue(Files.exists(out.resolve("s1/_SUCCESS")));
    assertFalse(Files.exists(dir.resolve("elsewhere")));
  }

  /**
   * A published run whose model table is damaged: predict ends with the job's one line, exit code 3, and no
   * ERROR line of Spark's above it (a failed task of an expected failure is not news at the default level).
   */
  @Test
  void anUnreadableModelTableIsOneLineWithoutSparkErrorsAbove() throws Exception {
    Path corpus = dir.resolve("good.txt");
    Files.write(corpus, GOOD);
    Path runs = dir.resolve("runs");
    List<String> args = new ArrayList<>(List.of("train", "--input", corpus.toString(), "--output", runs.toString(),
        "--run-id", "r"));
    args.addAll(quick());
    Processes.Result trained = submit(args.toArray(new String[0]));
    assertEquals(0, trained.exitCode(), trained.stderr());
    try (java.util.stream.Stream<Path> files = Files.list(runs.resolve("r/model"))) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".parquet")) Files.write(f, "not parquet at all, but long enough to be read".getBytes());
        if (name.endsWith(".crc")) Files.delete(f);
      }
    }
    Processes.Result r = submit("predict", "--model", runs.resolve("r").toString(), "--word", "the");
    assertEquals(ExitCode.BAD_INPUT.code(), r.exitCode(), r.stderr());
    assertTrue(r.lastLine(r.stderr()).startsWith("error: "), r.stderr());
    List<String> errors = r.stderr().lines().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d ERROR .*")).toList();
    assertEquals(List.of(), errors, "Spark's ERROR lines above the job's own:\n" + r.stderr());
    assertFalse(r.stderr().contains("\tat "), r.stderr());
  }
}
