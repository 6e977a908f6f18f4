package dev.bigram.job;

import dev.bigram.analysis.Findings;
import dev.bigram.config.Redaction;
import dev.bigram.config.TrainerConfig;
import dev.bigram.data.TrainingData;
import dev.bigram.data.baseline.Baselines;
import dev.bigram.optim.StopReason;
import dev.bigram.output.AnalysisFiles;
import dev.bigram.output.CountsTable;
import dev.bigram.output.CumulativeHistory;
import dev.bigram.output.HistoryTable;
import dev.bigram.output.Json;
import dev.bigram.output.ModelStore;
import dev.bigram.output.PublishedRun;
import dev.bigram.output.Retention;
import dev.bigram.output.RunDirectory;
import dev.bigram.output.RunFiles;
import dev.bigram.output.RunLock;
import dev.bigram.output.RunSummary;
import dev.bigram.train.ShippingMeter;
import dev.bigram.train.TrainingResult;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a trained run ends: its tables, analysis and summary are written into staging, then the verdict. Not
 * published when training diverged or did not learn ({@link Progress}); published under its id but LATEST left
 * where it is when an expected pattern failed or it is worse than the published model
 * ({@link PublishedComparison}); otherwise published whole, LATEST moved, and old runs pruned
 * (docs/operations.md, "Publishing").
 */
final class Publication {
  private static final Logger LOG = LoggerFactory.getLogger(Publication.class);

  private Publication() {}

  /** What the conclusion of a run needs. */
  record Input(SparkSession spark, TrainerConfig config, TrainJob.RunOptions options, RunDirectory run, RunLock lock,
      TrainingData data, Fit fit, Baselines baselines, ShippingMeter meter, StartingPoint from, long t0) {}

  /**
   * Writes the run into staging, then decides: not published (diverged, or did not learn), published but LATEST
   * left where it is (a failed expectation, or worse than the published model), or published as LATEST.
   */
  static TrainJob.Outcome conclude(Input f) throws IOException {
    RunDirectory run = f.run();
    TrainingResult result = f.fit().result();
    Findings findings = writeTables(f.spark(), run, f.options(), f.data(), f.fit());
    TrainJob.Verdict stopped = result.stopReason() == StopReason.DIVERGED ? TrainJob.Verdict.DIVERGED : null;
    Optional<String> notLearned = stopped != null || f.from().isWarm() ? Optional.empty()
        : Progress.notLearned(f.config(), f.data(), result);
    if (notLearned.isPresent()) {
      stopped = TrainJob.Verdict.NOT_TRAINED;
      LOG.warn("Run {} did not learn: {}", f.options().runId(), notLearned.get());
    }
    Optional<PublishedComparison> comparison = stopped != null || findings.gateFailed() ? Optional.empty()
        : compareWithPublished(f.spark(), f.config(), f.data(), result);
    Map<String, Object> summary = RunSummary.build(f.options().runId(), f.config(), f.data(), result,
        (System.nanoTime() - f.t0()) / 1e9);
    summary.putAll(findings.summaryFields());
    summary.putAll(f.fit().start().summary());
    // The rank of the low-rank term the model trained with (0: none); the published W holds its term folded in.
    summary.put("model_rank", f.fit().factors() == null ? 0 : f.fit().factors().rank());
    summary.putAll(f.meter().summary());
    // Where the epochs ran: driver (the driver's cores, the default), broadcast (the executors).
    summary.put("exchange", TrainJob.exchange(f.spark().sparkContext().isLocal(), f.config()).name()
        .toLowerCase(java.util.Locale.ROOT));
    summary.putAll(f.baselines().summaryFields());
    if (f.fit().search() != null) summary.putAll(f.fit().search().summaryFields());
    comparison.ifPresent(c -> summary.put("published_comparison", c.summaryFields(f.options().forcePublish())));
    run.writeText(RunFiles.SUMMARY, Json.pretty(summary));
    run.writeText("config.conf", f.config().render());
    if (stopped != null) {
      // Nothing is published; the staging run keeps its files and its last good checkpoint.
      return new TrainJob.Outcome(run.staging(), result, summary, stopped, notLearned.orElse(null),
          f.fit().start().checkpointing() == null ? Optional.empty() : f.fit().start().checkpointing().last(),
          findings);
    }
    f.lock().verify();
    boolean regressed = comparison.isPresent() && comparison.get().regressed() && !f.options().forcePublish();
    boolean moveLatest = !findings.gateFailed() && !regressed;
    Path published = publish(f.spark(), run, f.options().runId(), result, moveLatest);
    if (moveLatest) Retention.keepNewest(run.fs(), run.outputDir(), f.config().keepRuns());
    TrainJob.Verdict verdict = findings.gateFailed() ? TrainJob.Verdict.GATE_FAILED
        : regressed ? TrainJob.Verdict.REGRESSED : TrainJob.Verdict.PUBLISHED;
    String reason = regressed ? String.format(java.util.Locale.ROOT, "its cross-entropy %.4f on %d validation pairs"
        + " is above the published run %s's %.4f by more than publish.regression-margin = %s",
        comparison.get().newCrossEntropy(), comparison.get().pairs(), comparison.get().publishedRun(),
        comparison.get().publishedCrossEntropy(), comparison.get().margin()) : null;
    return new TrainJob.Outcome(published, result, summary, verdict, reason, Optional.empty(), findings);
  }

  /** The new model against the one LATEST names; empty when nothing is published yet, or it cannot be read. */
  private static Optional<PublishedComparison> compareWithPublished(SparkSession spark, TrainerConfig config,
      TrainingData data, TrainingResult result) {
    if (data.validationBigrams() == 0) return Optional.empty();
    try {
      org.apache.hadoop.fs.Path latest = new org.apache.hadoop.fs.Path(config.outputDir(), RunFiles.LATEST);
      if (!latest.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(latest)) return Optional.empty();
      PublishedRun published = PublishedRun.open(spark, config.outputDir());
      return Optional.of(PublishedComparison.of(spark, published, data, result.bestModel(),
          config.regressionMargin()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("The published run named by LATEST in {} cannot be read ({}); the new run is published without"
          + " the comparison", Redaction.redactText(config.outputDir()), e.getMessage());
      return Optional.empty();
    }
  }

  /** Every table, the analysis' files and the chart into the staging run; returns the analysis' findings. */
  private static Findings writeTables(SparkSession spark, RunDirectory run, TrainJob.RunOptions options, TrainingData data,
      Fit fit) throws IOException {
    Path staging = run.staging();
    ModelStore.writeVocabulary(spark, data.vocab(), staging);
    CountsTable.write(spark, data.blocks(), staging);
    ModelStore.writeModel(spark, fit.result().bestModel(), data.vocab(), staging);
    if (fit.factors() != null) ModelStore.writeFactors(spark, fit.factors(), data.vocab(), staging);
    HistoryTable.write(spark, options.runId(), fit.result().history(), staging);
    Findings findings = fit.analysis().analyze(fit.result());
    AnalysisFiles.write(spark, run, fit.result(), data.trainLossFloor(), fit.settings().convergence(), findings,
        fit.analysis().settings());
    return findings;
  }

  /**
   * Publishes the staging run whole (docs/operations.md, "Publishing"), with its history in the cumulative
   * table; moves LATEST unless {@code updateLatest} is false (a failed expectation gate).
   */
  private static Path publish(SparkSession spark, RunDirectory run, String runId, TrainingResult result,
      boolean updateLatest) throws IOException {
    // The cumulative history is staged before the run is renamed into place, so a disk that fills up anywhere
    // publishes nothing; it takes its place, replacing a republished run's, as soon as the run has its name.
    CumulativeHistory.Pending history =
        CumulativeHistory.stage(spark, run.fs(), run.outputDir(), runId, result.history());
    AtomicBoolean named = new AtomicBoolean();
    try {
      return run.publish(updateLatest, () -> {
        named.set(true);
        history.commit();
      }, "adding its history to " + CumulativeHistory.partition(run.outputDir(), runId));
    } catch (IOException | RuntimeException e) {
      if (!named.get()) history.discardAfter(e); // the run was not published: neither is its history
      throw e;
    }
  }
}
