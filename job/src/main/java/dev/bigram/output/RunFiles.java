package dev.bigram.output;

/**
 * The names of an output directory, shared by the writers ({@link RunDirectory}) and the readers
 * ({@link PublishedRun}): {@code <output.dir>/<run-id>/} holds a run, {@code _SUCCESS} in it marks it complete,
 * {@code LATEST} names the newest published run, {@code _staging/} holds runs being written and
 * {@code _checkpoints/} their checkpoints (docs/operations.md, "Publishing").
 */
public final class RunFiles {
  public static final String SUCCESS = "_SUCCESS";
  public static final String LATEST = "LATEST";
  public static final String STAGING = "_staging";
  public static final String CHECKPOINTS = "_checkpoints";
  public static final String SUMMARY = "summary.json";

  /**
   * The version of a run's layout, written to {@code summary.json} as {@code format_version}. A run without it
   * was written before versions were recorded and reads as version 1; readers refuse a newer version than
   * theirs instead of misreading it.
   */
  public static final int FORMAT_VERSION = 1;

  private RunFiles() {}
}
