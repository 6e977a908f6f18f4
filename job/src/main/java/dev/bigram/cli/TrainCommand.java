package dev.bigram.cli;

import dev.bigram.config.Redaction;
import dev.bigram.config.TrainerConfig;
import dev.bigram.output.RunDirectory;
import dev.bigram.train.TrainJob;
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
    String id = runId != null ? runId
        : "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    RunDirectory.checkRunId(id);
    SparkSession spark = main.spark();
    TrainJob.Outcome outcome = TrainJob.run(spark, config, new TrainJob.RunOptions(id, overwrite));
    var result = outcome.result();
    var best = result.bestRecord();
    if (!outcome.published()) {
      throw new Main.CommandFailure(ExitCode.DIVERGED, String.format(Locale.ROOT,
          "Failed: run %s diverged at epoch %d (loss not finite); nothing was published, the staging files are"
              + " in %s. Lower train.learning-rate.", id, result.last().epoch(), Redaction.redact(outcome.runDir())));
    }
    main.out.println(String.format(Locale.ROOT,
        "Published run %s to %s: %d epochs (%s), best epoch %d with train loss %.4f, validation loss %.4f,"
            + " floor %.4f.",
        id, Redaction.redact(outcome.runDir()), result.history().size(), result.stopReason().label(), result.bestEpoch(),
        best.trainLoss(), best.validationLoss(), best.trainLoss() - best.floorGap()));
    return ExitCode.SUCCESS.code();
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
