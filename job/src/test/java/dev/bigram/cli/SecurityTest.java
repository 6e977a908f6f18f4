package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.FaultyFileSystem;
import dev.bigram.testing.LogCapture;
import dev.bigram.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets never reach the run directory, the log or the console; a run id cannot leave the output directory;
 * user paths are normalized; corpus text is data, never a format or a lookup.
 */
class SecurityTest extends SparkTestBase {
  static final List<String> GOOD = List.of("the cat sat on the mat", "the dog sat on the rug",
      "a cat and a dog", "the mat and the rug", "the cat saw the dog", "a dog saw a cat");
  static final String HADOOP_SECRET = "hadoopSecretZX81Q";
  static final String PATH_SECRET = "pathSecretQW27J";
  static final String CONFIG_SECRET = "configSecretLM66P";

  @TempDir
  static Path shared;
  static Path corpus;

  @TempDir
  Path dir;

  @BeforeAll
  static void setUp() throws IOException {
    FaultyFileSystem.register(jsc.hadoopConfiguration());
    corpus = shared.resolve("good.txt");
    Files.write(corpus, GOOD, StandardCharsets.UTF_8);
  }

  static List<String> trainArgs(String input, String output, String runId, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--input", input, "--output", output, "--run-id", runId,
        "--set", "train.max-epochs=2", "--set", "vocab.size=100", "--set", "vocab.min-count=1",
        "--set", "train.validation-fraction=0", "--set", "train.partitions=2"));
    args.addAll(List.of(more));
    return args;
  }

  static CliRun run(List<String> args) {
    return CliRun.of(spark, args.toArray(new String[0]));
  }

  /** Every file under {@code root} whose bytes contain {@code secret}. */
  static List<Path> filesContaining(Path root, String secret) throws IOException {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String bytes = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        if (bytes.contains(new String(needle, StandardCharsets.ISO_8859_1))) found.add(p);
      }
    }
    return found;
  }

  // ---- secrets ---------------------------------------------------------------------------------------------

  @Test
  void aFakeSecretInTheHadoopConfigurationAndInAPathReachesNoFileNoLogAndNoConsole() throws IOException {
    jsc.hadoopConfiguration().set("fs.s3a.secret.key", HADOOP_SECRET);
    jsc.hadoopConfiguration().set("fs.s3a.access.key", "AKIA" + HADOOP_SECRET);
    Path out = dir.resolve("out");
    String input = "faulty://reader:" + PATH_SECRET + "@" + corpus.toAbsolutePath();
    try (LogCapture log = new LogCapture()) {
      CliRun ok = run(trainArgs(input, out.toString(), "s1", "--set",
          "hadoop.\"fs.s3a.session.token\"=" + CONFIG_SECRET));
      ok.assertSuccess();
      CliRun failed = run(trainArgs("faulty://reader:" + PATH_SECRET + "@" + dir.resolve("missing.txt"),
          out.toString(), "s2"));
      CliRun verbose = CliRun.of(spark, "--verbose", "train", "--input", "faulty://reader:" + PATH_SECRET + "@"
          + dir.resolve("missing.txt"), "--output", out.toString(), "--run-id", "s3");
      assertEquals(ExitCode.BAD_INPUT.code(), failed.exitCode());
      assertTrue(failed.err().contains("faulty://reader:<redacted>@"), "the path is named, masked: " + failed.err());
      assertTrue(verbose.err().contains("\tat "), "--verbose shows the stack trace");
      for (String secret : List.of(HADOOP_SECRET, PATH_SECRET, CONFIG_SECRET)) {
        assertEquals(List.of(), filesContaining(out, secret), "run files holding " + secret);
        for (CliRun r : List.of(ok, failed, verbose)) {
          assertFalse(r.out().contains(secret) || r.err().contains(secret), secret + " printed:\n" + r);
        }
        assertFalse(log.text().contains(secret), secret + " logged:\n" + log.text());
      }
      assertTrue(log.text().contains("faulty://reader:<redacted>@"), "the job logged the input path, masked:\n" + log.text());
    } finally {
      jsc.hadoopConfiguration().unset("fs.s3a.secret.key");
      jsc.hadoopConfiguration().unset("fs.s3a.access.key");
      jsc.hadoopConfiguration().unset("fs.s3a.session.token");
    }
    String config = Files.readString(out.resolve("s1/config.conf"));
    assertTrue(config.contains("faulty://reader:<redacted>@"), "config.conf names the input, masked:\n" + config);
    assertTrue(config.contains("<redacted>") && config.contains("fs.s3a.session.token"), config);
  }

  @Test
  void aSecretGivenAsAnUnknownKeyIsRefusedWithoutEchoingIt() {
    CliRun r = run(trainArgs(corpus.toString(), dir.resolve("out").toString(), "s4", "--set",
        "fs.s3a.secret.key=" + HADOOP_SECRET));
    assertEquals(ExitCode.BAD_CONFIGURATION.code(), r.exitCode());
    assertTrue(r.err().contains("error: unknown key fs.s3a.secret.key"), r.err());
    assertFalse(r.err().contains(HADOOP_SECRET) || r.out().contains(HADOOP_SECRET), r.err());
  }

  // ---- run ids and paths -----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"..", "../escaped", "a/b", "/tmp/absolute", ".hidden", "_staging", "x..y", "a\\b",
      "run id", ""})
  void aRunIdCannotLeaveTheOutputDirectory(String runId) throws IOException {
    Path out = dir.resolve("nested/out");
    CliRun r = run(trainArgs(corpus.toString(), out.toString(), runId));
    r.assertOneLineError(ExitCode.BAD_CONFIGURATION, "run id '" + runId + "' is not allowed", "no '..' and no '/'");
    try (Stream<Path> all = Files.walk(dir)) {
      assertEquals(List.of(dir), all.toList(), "nothing was created");
    }
  }

  @Test
  void outputAndModelPathsAreNormalized() throws IOException {
    Path out = dir.resolve("models");
    String messy = dir + "/scratch/../models/./";
    CliRun r = run(trainArgs(corpus.toString(), messy, "n1"));
    r.assertSuccess();
    assertTrue(r.out().contains("Published run n1 to file:" + out.resolve("n1")), r.out());
    assertTrue(Files.exists(out.resolve("n1/_SUCCESS")));
    assertFalse(Files.exists(dir.resolve("scratch")), "the '..' was resolved, not created");
    CliRun p = CliRun.of(spark, "predict", "--model", dir + "/models/n1/../n1", "--word", "the", "--json");
    p.assertSuccess();
  }

  // ---- corpus text is never interpreted --------------------------------------------------------------------

  @Test
  void formatStringsAndLookupsInTheCorpusAreJustWords() throws IOException {
    Path tricky = dir.resolve("tricky.txt");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      lines.add("%s %n %d {} ${jndi:ldap://127.0.0.1:1389/a} %1$s ${env:HOME}");
    }
    Files.write(tricky, lines, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    try (LogCapture log = new LogCapture()) {
      run(trainArgs(tricky.toString(), out.toString(), "t1", "--set", "tokenizer.pattern=\"\\\\S+\"",
          "--set", "tokenizer.lowercase=false")).assertSuccess();
      assertFalse(log.text().contains(System.getenv().getOrDefault("HOME", "/nonexistent-home")
          + "}"), "a lookup was expanded");
    }
    CliRun p = CliRun.of(spark, "predict", "--model", out.resolve("t1").toString(), "--word", "%s", "--top", "1",
        "--json");
    p.assertSuccess();
    JsonNode top = new ObjectMapper().readTree(p.out());
    assertEquals("%n", top.get(0).get("word").asText(), p.out());
    CliRun text = CliRun.of(spark, "predict", "--model", out.resolve("t1").toString(), "--word", "{}", "--top",
        "1");
    text.assertSuccess();
    assertTrue(text.out().contains("After '{}':") && text.out().contains("${jndi:ldap://127.0.0.1:1389/a}"),
        text.out());
  }

  /**
   * The source itself: every String.format has a literal format, and every log call a literal message (or a
   * String.format of one), so no text from a corpus, a path or a model can ever be read as a format. A helper
   * that passes its {@code String format} parameter on (AnalysisReport.fmt) counts when every call of it passes
   * a literal.
   */
  @Test
  void noFormatStringOrLogMessageComesFromData() throws IOException {
    Pattern format = Pattern.compile(
        "String\\.format\\(\\s*(?:(?:java\\.util\\.)?Locale\\.ROOT\\s*,\\s*)?(\"|format\\b)?");
    Pattern helper = Pattern.compile("(?:static|private)[\\w\\s]*\\s(\\w+)\\(String format, Object\\.\\.\\. args\\)");
    Pattern formatted = Pattern.compile("\\.formatted\\(|\\.printf\\(|MessageFormat\\.format\\(");
    Pattern log = Pattern.compile("\\bLOG\\.(?:trace|debug|info|warn|error)\\(\\s*(.{0,15})");
    List<String> problems = new ArrayList<>();
    Path main = projectRoot().resolve("job/src/main/java");
    try (Stream<Path> walk = Files.walk(main)) {
      for (Path p : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
        String src = Files.readString(p);
        String file = p.getFileName().toString();
        Matcher m = format.matcher(src);
        while (m.find()) {
          if (m.group(1) == null) problems.add(file + ": String.format without a literal format at " + m.start());
        }
        Matcher h = helper.matcher(src);
        while (h.find()) {
          Matcher calls = Pattern.compile("\\b" + h.group(1) + "\\(\\s*(.)").matcher(src);
          while (calls.find()) {
            boolean declaration = src.startsWith("String format", calls.start(1));
            if (!declaration && !calls.group(1).equals("\"")) {
              problems.add(file + ": " + h.group(1) + "( without a literal format at " + calls.start());
            }
          }
        }
        Matcher f = formatted.matcher(src);
        while (f.find()) problems.add(file + ": " + f.group() + " at " + f.start());
        Matcher l = log.matcher(src);
        while (l.find()) {
          if (!l.group(1).startsWith("\"") && !l.group(1).startsWith("String.format(")) {
            problems.add(file + ": log message not a literal at " + l.start());
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }
}
