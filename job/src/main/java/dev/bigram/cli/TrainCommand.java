package dev.bigram.cli;

import dev.bigram.analysis.ExpectationResult;
import dev.bigram.config.Redaction;
import dev.bigram.config.TrainerConfig;
import dev.bigram.job.TrainJob;
import dev.bigram.output.RunDirectory;
import java.io.File;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code train}: corpus in, a published run out. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a next-word model and publish it as <output>/<run-id>/.")
final class TrainCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--input", paramLabel = "PATH", arity = "1..*",
      description = "Corpus paths or globs (local, hdfs://, s3a://; .gz, .bz2). Overrides input.paths.")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--output", paramLabel = "DIR", description = "Output directory. Overrides output.dir.")
  String output;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "Name of the run (letters, digits, '.', '_', '-'). Default: run-<date>-<time>.")
  String runId;

  @Option(names = "--conf", paramLabel = "FILE", description = "HOCON configuration file, e.g. conf/trainer.conf.")
  File conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key (repeatable).")
  List<String> sets = new ArrayList<>();

  @Option(names = "--overwrite", description = "Replace a run id that is already complete.")
  boolean overwrite;

  @Option(names = "--init-from", paramLabel = "RUN_DIR|LATEST",
      description = "Warm start from a published run: a run directory, an output directory (its LATEST run), or"
          + " LATEST (the newest run under output.dir). Rows and columns are matched by word.")
  String initFrom;

  @Option(names = "--resume", description = "Continue run --run-id from its last checkpoint (after a crash or"
      + " a kill). The configuration must be the one the run started with; only train.max-epochs may change.")
  boolean resume;

  @Option(names = "--force-publish", description = "Move LATEST to the new run even when it is worse than the"
      + " published model on the new validation data (publish.regression-margin).")
  boolean forcePublish;

  /**
   * {@code run-<date>-<time>} to the millisecond, e.g. {@code run-20261126-102233-047}: chronological when
   * sorted, and two runs started by one scheduler tick do not collide (a second-resolution id did).
   */
  static String defaultRunId(LocalDateTime now) {
    return "run-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT));
  }

  @Override
  public Integer call() {
    List<String> overrides = new ArrayList<>(sets);
    if (!inputs.isEmpty()) {
      overrides.add("input.paths=" + listLiteral(inputs));
    }
    if (output != null) {
      overrides.add("output.dir=" + output);
    }
    TrainerConfig config = TrainerConfig.load(conf, overrides);
    if (resume && runId == null) {
      throw new IllegalArgumentException("--resume needs the --run-id of the run to continue");
    }
    String id = runId != null ? runId : defaultRunId(LocalDateTime.now());
    RunDirectory.checkRunId(id);
    SparkSession spark = main.spark();
    TrainJob.Outcome outcome = TrainJob.run(spark, config, new TrainJob.RunOptions(id, overwrite, initFrom, resume, forcePublish));
    var result = outcome.result();
    var best = result.bestRecord();
    switch (outcome.verdict()) {
      case DIVERGED -> {
        String kept = outcome.lastCheckpoint()
            .map(c -> "the last good checkpoint (epoch " + c.epoch() + ") is kept in " + c.dir())
            .orElse("no checkpoint was written (train.checkpoint-every = " + config.checkpointEvery()
                + "); the staging files are in " + outcome.runDir());
        throw new Main.CommandFailure(ExitCode.DIVERGED, String.format(Locale.ROOT,
            "Failed: run %s diverged at epoch %d (loss not finite, or ten times epoch 1's) and stopped at once;"
                + " nothing was published; %s. Lower train.learning-rate and start a new run.", id,
            result.last().epoch(), kept));
      }
      case NOT_TRAINED -> throw new Main.CommandFailure(ExitCode.NOT_TRAINED, String.format(Locale.ROOT,
          "Failed: run %s did not learn: %s. Nothing was published and LATEST was not moved; the run is kept in"
              + " %s for inspection.", id, outcome.reason(), Redaction.redactText(String.valueOf(outcome.runDir()))));
      case GATE_FAILED -> throw new Main.CommandFailure(ExitCode.QUALITY_GATE_FAILED, qualityGateMessage(id, outcome));
      case REGRESSED -> throw new Main.CommandFailure(ExitCode.REGRESSED, String.format(Locale.ROOT,
          "Failed: run %s is worse than the published model: %s. It is kept in %s, but LATEST was not moved to it;"
              + " pass --force-publish to publish it anyway.", id, outcome.reason(),
          Redaction.redactText(String.valueOf(outcome.runDir()))));
      case PUBLISHED -> { }
    }
    main.out.println(String.format(Locale.ROOT,
        "Published run %s to %s: %d epochs (%s), best epoch %d with train loss %.4f, validation loss %.4f,"
            + " floor %.4f.",
        id, Redaction.redactText(String.valueOf(outcome.runDir())), result.history().size(), result.stopReason().label(), result.bestEpoch(),
        best.trainLoss(), best.validationLoss(), best.trainLoss() - best.floorGap()));
    return ExitCode.SUCCESS.code();
  }

  /** One line per missed expectation, then what happened to the run. */
  static String qualityGateMessage(String id, TrainJob.Outcome outcome) {
    List<ExpectationResult> failed = outcome.findings().failedExpectations();
    StringBuilder sb = new StringBuilder();
    for (ExpectationResult e : failed) sb.append("error: expected pattern ").append(e.describe()).append('\n');
    sb.append(String.format(Locale.ROOT, "Failed: quality gate: %d of %d expected patterns missed (%s); run %s is"
            + " kept in %s for inspection, but LATEST was not moved to it.", failed.size(),
        outcome.findings().expectations().size(),
        String.join(", ", failed.stream().map(e -> e.prev() + ">" + e.next()).toList()), id, outcome.runDir()));
    return sb.toString();
  }

  /** A HOCON list of quoted strings. */
  static String listLiteral(List<String> values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) sb.append(", ");
      sb.append('"').append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return sb.append(']').toString();
  }
}
