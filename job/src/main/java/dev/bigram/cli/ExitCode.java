package dev.bigram.cli;

/** Exit codes of every command; the table in docs/operations.md is generated from the same
 * list. */
public enum ExitCode {
  SUCCESS(0, "success"),
  INTERNAL_ERROR(1, "internal error (a bug or an unexpected Spark failure; rerun with --verbose)"),
  BAD_CONFIGURATION(2, "bad command line or configuration (also: --resume with changed settings)"),
  BAD_INPUT(3, "bad or missing input: corpus paths, or a model directory given to predict/evaluate/export"),
  OUTPUT_ERROR(4, "the output cannot be written: not writable, a file, disk full, the run id is complete, or"
      + " another process is writing the same run id"),
  DIVERGED(5, "training diverged (a loss not finite, or above ten times epoch 1's): stopped at once, nothing"
      + " published, the last good checkpoint kept in staging"),
  QUALITY_GATE_FAILED(6, "an expected pattern failed its check: the run is kept but not made LATEST"),
  NOT_TRAINED(7, "a cold run did not learn (its best epoch is the untrained start, or it is no better than the"
      + " unigram model): nothing published, LATEST not moved, the run kept in staging; the message names the"
      + " likely cause"),
  REGRESSED(8, "the new model is worse than the published one on the new validation data by more than"
      + " publish.regression-margin: the run is published under its id but LATEST is not moved (--force-publish"
      + " overrides)");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  /** The table of exit codes in docs/operations.md (a test keeps the page equal to it). */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder("| code | name | meaning |\n| --- | --- | --- |\n");
    for (ExitCode c : values()) {
      sb.append("| ").append(c.code).append(" | `").append(c.name()).append("` | ").append(c.meaning)
          .append(" |\n");
    }
    return sb.toString();
  }
}
