package dev.bigram.output;

import java.io.IOException;

/**
 * Turns a failure while a run is written (disk full, permission lost, a Spark write job aborted by either) into
 * one {@link OutputException} that names the output and the root cause, after removing the half-written staging
 * directory. Only a staged run is ever written to, so earlier runs and LATEST are untouched by construction.
 * A programming error (an unchecked exception with no I/O cause) is not disguised as an output error.
 */
public final class OutputFailure {
  private OutputFailure() {}

  /** A write step; Spark's write failures arrive as checked exceptions thrown undeclared. */
  @FunctionalInterface
  public interface Write<T> {
    T run() throws Exception;
  }

  public static <T> T guard(RunDirectory run, Write<T> write) {
    try {
      return write.run();
    } catch (OutputException e) {
      discard(run);
      throw e;
    } catch (Exception e) {
      if (e instanceof RuntimeException r && !hasIoCause(e)) throw r;
      discard(run);
      throw new OutputException("writing run " + run.runId() + " to " + run.outputDir() + " failed ("
          + rootMessage(e) + "): nothing was published and earlier runs are untouched; free space or fix the"
          + " permissions of the output, or choose another --output", e);
    }
  }

  private static void discard(RunDirectory run) {
    run.discard();
  }

  static boolean hasIoCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException) return true;
    }
    return false;
  }

  /** The deepest cause's message, first line only: "No space left on device" rather than Spark's job summary. */
  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
