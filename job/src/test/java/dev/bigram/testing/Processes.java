package dev.bigram.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command of the project (submit.sh) as a child process and captures what it printed. */
public final class Processes {
  private Processes() {}

  /** What a finished process printed, and its exit code. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String lastLine(String text) {
      String[] lines = text.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  /** Runs {@code ./submit.sh args...} from the project root; kills it (by pid) after {@code timeoutSeconds}. */
  public static Result submit(Map<String, String> env, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    Path root = SparkTestBase.projectRoot();
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("submit.sh").toString());
    cmd.addAll(List.of(args));
    return run(cmd, root.toFile(), env, timeoutSeconds);
  }

  /** A {@code ./submit.sh} started in the background, e.g. to be killed mid-run. */
  public record Running(Process process, File out, File err) {
    /**
     * SIGKILLs the process and its descendants (by pid: {@code destroyForcibly} is SIGKILL on Unix) and waits for
     * it; returns its exit status (137 after SIGKILL).
     */
    public int killTree() throws InterruptedException {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("pid " + process.pid() + " survived SIGKILL");
      }
      return process.exitValue();
    }

    public String stderr() throws IOException {
      return Files.readString(err.toPath(), StandardCharsets.UTF_8);
    }

    public void cleanUp() {
      out.delete();
      err.delete();
    }
  }

  /** Starts {@code ./submit.sh args...} from the project root without waiting for it. */
  public static Running start(Map<String, String> env, String... args) throws IOException {
    Path root = SparkTestBase.projectRoot();
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("submit.sh").toString());
    cmd.addAll(List.of(args));
    File out = File.createTempFile("proc", ".out");
    File err = File.createTempFile("proc", ".err");
    return new Running(builder(cmd, root.toFile(), env).redirectOutput(out).redirectError(err).start(), out, err);
  }

  private static ProcessBuilder builder(List<String> cmd, File dir, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().remove("SPARK_HOME");
    pb.environment().putAll(env);
    return pb;
  }

  /** Starts {@code ./submit.sh args...} from the project root and returns at once; see {@link Background}. */
  public static Background startSubmit(Map<String, String> env, String... args) throws IOException {
    Path root = SparkTestBase.projectRoot();
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("submit.sh").toString());
    cmd.addAll(List.of(args));
    return Background.start(cmd, root.toFile(), env);
  }

  /** A child process that is still running: what it printed so far, and a bounded wait for it to end. */
  public static final class Background {
    private final List<String> cmd;
    private final Process process;
    private final File out;
    private final File err;

    private Background(List<String> cmd, Process process, File out, File err) {
      this.cmd = cmd;
      this.process = process;
      this.out = out;
      this.err = err;
    }

    static Background start(List<String> cmd, File dir, Map<String, String> env) throws IOException {
      File out = File.createTempFile("proc", ".out");
      File err = File.createTempFile("proc", ".err");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir).redirectOutput(out).redirectError(err);
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      pb.environment().remove("SPARK_HOME");
      pb.environment().putAll(env);
      return new Background(cmd, pb.start(), out, err);
    }

    public String stderrSoFar() throws IOException {
      return Files.readString(err.toPath(), StandardCharsets.UTF_8);
    }

    /**
     * Waits until standard error contains {@code text}; false when the process ended first or
     * {@code timeoutSeconds} passed.
     */
    public boolean awaitStderr(String text, long timeoutSeconds) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (System.nanoTime() < deadline) {
        if (stderrSoFar().contains(text)) return true;
        if (!process.isAlive()) return stderrSoFar().contains(text);
        Thread.sleep(25);
      }
      return false;
    }

    /** Waits for the end; kills the process and its descendants (by pid) after {@code timeoutSeconds}. */
    public Result await(long timeoutSeconds) throws IOException, InterruptedException {
      try {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          throw new AssertionError("timed out after " + timeoutSeconds + " s: " + cmd + "\nstderr:\n"
              + stderrSoFar());
        }
        return new Result(process.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
            stderrSoFar());
      } finally {
        out.delete();
        err.delete();
      }
    }
  }

  public static Result run(List<String> cmd, File dir, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    File out = File.createTempFile("proc", ".out");
    File err = File.createTempFile("proc", ".err");
    Process p = builder(cmd, dir, env).redirectOutput(out).redirectError(err).start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("timed out after " + timeoutSeconds + " s: " + cmd + "\nstderr:\n"
            + Files.readString(err.toPath(), StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } finally {
      out.delete();
      err.delete();
    }
  }
}
