package dev.bigram.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.cli.ExitCode;
import dev.bigram.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** One command run in-process through {@link Main#execute}, with what it printed. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun of(SparkSession spark, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.execute(args, () -> spark, o, e);
    }
    return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The non-blank lines of standard error. */
  public List<String> errLines() {
    return Arrays.stream(err.split("\n")).filter(l -> !l.isBlank()).toList();
  }

  /**
   * The failure contract: the exit code, nothing on standard output, exactly one line on standard error that
   * starts with "error: " and contains every fragment, and no stack trace.
   */
  public CliRun assertOneLineError(ExitCode expected, String... fragments) {
    assertEquals(expected.code(), exitCode, "exit code; stderr:\n" + err);
    assertEquals("", out, "nothing on standard output");
    assertEquals(1, errLines().size(), "one line on standard error:\n" + err);
    String line = errLines().get(0);
    assertTrue(line.startsWith("error: "), line);
    for (String f : fragments) assertTrue(line.contains(f), "'" + f + "' missing from: " + line);
    assertNoStackTrace();
    return this;
  }

  public CliRun assertNoStackTrace() {
    assertFalse(err.contains("\tat ") || err.contains("Exception:") && err.contains("\n\t"),
        "a stack trace without --verbose:\n" + err);
    return this;
  }

  public CliRun assertSuccess() {
    assertEquals(ExitCode.SUCCESS.code(), exitCode, "stderr:\n" + err + "\nstdout:\n" + out);
    return this;
  }
}
