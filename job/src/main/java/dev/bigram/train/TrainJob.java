package dev.bigram.train;

import dev.bigram.analysis.Findings;
import dev.bigram.analysis.RunAnalysis;
import dev.bigram.config.ConfigFingerprint;
import dev.bigram.config.Redaction;
import dev.bigram.config.TrainerConfig;
import dev.bigram.data.DataPass;
import dev.bigram.data.InputException;
import dev.bigram.data.TrainingData;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.Convergence;
import dev.bigram.optim.LearningRateSchedule;
import dev.bigram.optim.StopReason;
import dev.bigram.output.CheckpointStore;
import dev.bigram.output.CumulativeHistory;
import dev.bigram.output.HistoryTable;
import dev.bigram.output.ModelStore;
import dev.bigram.output.OutputException;
import dev.bigram.output.RunDirectory;
import dev.bigram.output.RunLock;
import dev.bigram.output.RunSummary;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code train} command as a story: lock the run id, prepare the staging directory, pick the starting point
 * (random, a warm start from a published run, or the last checkpoint on resume), read the corpus into cached
 * row blocks, run the epoch loop (checkpointing as it goes), write every table into the staging directory,
 * publish the run whole, add its history to the cumulative table, point LATEST at it.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  private TrainJob() {}

  /**
   * Options of one run that are not configuration keys.
   *
   * @param initFrom {@code --init-from}: a run directory, an output directory or {@code LATEST}; null = cold start
   * @param resume {@code --resume}: continue the run from its last checkpoint
   */
  public record RunOptions(String runId, boolean overwrite, String initFrom, boolean resume) {
    public RunOptions(String runId, boolean overwrite) {
      this(runId, overwrite, null, false);
    }
  }

  /**
   * What a finished run reports back to the command line.
   *
   * @param published false when training diverged: the run stays in staging
   * @param lastCheckpoint the newest checkpoint of the run, kept in staging when it was not published
   * @param findings the analysis; {@code findings.gateFailed()} means published but not made LATEST
   */
  public record Outcome(Path runDir, TrainingResult result, Map<String, Object> summary, boolean published,
      Optional<CheckpointStore.Saved> lastCheckpoint, Findings findings) {}

  public static Outcome run(SparkSession spark, TrainerConfig config, RunOptions options) {
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    config.hadoop().forEach(jsc.hadoopConfiguration()::set);
    MemoryCheck.check(config.vocabSize(), config.optimizer(), Runtime.getRuntime().maxMemory(), jsc.getConf());
    RunDirectory run = new RunDirectory(jsc.hadoopConfiguration(), config.outputDir(), options.runId());
    try (RunLock lock = run.lock()) {
      CheckpointStore checkpoints = new CheckpointStore(run.fs(), run.checkpoints());
      if (!options.resume()) {
        checkpoints.latest().ifPresent(c -> LOG.warn("Run {}: discarding the checkpoint of epoch {} left by an"
            + " earlier attempt; pass --resume to continue from it instead", options.runId(), c.epoch()));
      }
      run.prepare(options.overwrite(), options.resume());
      Map<String, String> settings = ConfigFingerprint.of(config);
      StartingPoint from = StartingPoint.choose(spark, config, options, checkpoints, settings);
      LOG.info("Run {}: input {}, staging {}, {}", options.runId(),
          Redaction.redactText(config.inputPaths().toString()), run.staging(), from.describe());

      int numBlocks = config.partitions() > 0 ? config.partitions() : jsc.defaultParallelism();
      TrainingData data = DataPass.run(jsc, config.inputPaths(), config.tokenizer(), config.vocabSize(),
          config.vocabMinCount(), config.validationFraction(), numBlocks);
      ShippingMeter meter = ShippingMeter.register(spark.sparkContext());
      try {
        if (data.trainBigrams() == 0) {
          throw new InputException("input " + String.join(",", config.inputPaths()) + " has no training bigram"
              + " (no line with two tokens): pass a corpus of sentences, one per line");
        }
        Map<String, Object> dataPrint = DataFingerprint.of(data);
        from.checkData(dataPrint, config.inputPaths());
        int v = data.vocab().size();
        LOG.info("Training: V = {} ({} weights, {} MB per matrix), {} row blocks, optimizer {}, broadcast {}", v,
            (long) v * v, BigramModel.matrixBytes(v) / (1 << 20), numBlocks, config.optimizer(),
            config.broadcast());
        EpochLoop.LoopSettings settingsOfLoop = loopSettings(config);
        DistributedLoss loss = new DistributedLoss(jsc, data.blocks(), data.partitioner(),
            DistributedLoss.BroadcastMode.of(config.broadcast()), meter);
        RunAnalysis analysis = RunAnalysis.prepare(config.analysis(), config.tokenizer(), data);
        StartingPoint.Start start = from.build(config, data, loss, settingsOfLoop, checkpoints, settings, dataPrint,
            analysis.tracer());
        TrainingResult result = start.loop().run();

        Path staging = run.staging();
        ModelStore.writeVocabulary(spark, data.vocab(), staging);
        ModelStore.writeModel(spark, result.bestModel(), data.vocab(), staging);
        HistoryTable.write(spark, options.runId(), result.history(), staging);
        double total = (System.nanoTime() - t0) / 1e9;
        Findings findings = analysis.analyze(result);
        analysis.write(spark, run, result, data.trainLossFloor(), settingsOfLoop.convergence(), findings);
        Map<String, Object> summary = RunSummary.build(options.runId(), config, data, result, total);
        summary.putAll(findings.summaryFields());
        summary.putAll(start.summary());
        summary.putAll(meter.summary());
        run.writeText("summary.json", dev.bigram.output.Json.pretty(summary));
        run.writeText("config.conf", config.render());
        if (result.stopReason() == StopReason.DIVERGED) {
          // Stop at once: nothing is published; the staging run keeps the last good checkpoint.
          return new Outcome(staging, result, summary, false, start.checkpointing().last(), findings);
        }
        lock.verify();
        Path published = run.publish(false);
        CumulativeHistory.add(spark, run.fs(), run.outputDir(), options.runId(), result.history());
        if (!findings.gateFailed()) {
          run.updateLatest();
        }
        return new Outcome(published, result, summary, true, Optional.empty(), findings);
      } finally {
        meter.close();
        data.release();
      }
    } catch (IOException e) {
      throw new OutputException("writing run " + options.runId() + " to " + run.outputDir() + " failed ("
          + e.getMessage() + "); earlier runs are untouched", e);
    }
  }

  public static EpochLoop.LoopSettings loopSettings(TrainerConfig config) {
    return new EpochLoop.LoopSettings(
        new LearningRateSchedule(config.learningRate(), config.decay(), config.minLearningRate()),
        config.maxEpochs(), config.l2(), config.patience(), config.minDelta(),
        config.analysis().statusThreshold(), new Convergence(config.analysis().convergenceTolerance()),
        config.stopOnConvergence());
  }
}
