package dev.bigram.job;

import dev.bigram.train.DistributedLoss;
import dev.bigram.train.WeightShipping;
import dev.bigram.train.EpochLoop;
import dev.bigram.train.MemoryCheck;
import dev.bigram.train.ShippingMeter;
import dev.bigram.train.TrainingResult;
import dev.bigram.analysis.Findings;
import dev.bigram.analysis.RunAnalysis;
import dev.bigram.data.baseline.Baselines;
import dev.bigram.config.ConfigFingerprint;
import dev.bigram.config.Redaction;
import dev.bigram.config.TrainerConfig;
import dev.bigram.data.CorpusCheck;
import dev.bigram.data.CorpusReader;
import dev.bigram.data.DataPass;
import dev.bigram.data.InputException;
import dev.bigram.data.TrainingData;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.Convergence;
import dev.bigram.loss.Kernel;
import dev.bigram.optim.L2;
import dev.bigram.optim.LearningRateSchedule;
import dev.bigram.optim.StopReason;
import dev.bigram.output.AnalysisFiles;
import dev.bigram.output.CheckpointStore;
import dev.bigram.output.CountsTable;
import dev.bigram.output.CumulativeHistory;
import dev.bigram.output.HistoryTable;
import dev.bigram.output.ModelStore;
import dev.bigram.output.OutputException;
import dev.bigram.output.OutputFailure;
import dev.bigram.output.RunDirectory;
import dev.bigram.output.RunLock;
import dev.bigram.output.RunSummary;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleFunction;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code train} command as a story: lock the run id, prepare the staging directory, pick the starting point
 * (random, a warm start from a published run, or the last checkpoint on resume), read the corpus into cached
 * row blocks, run the epoch loop (checkpointing as it goes), write every table into the staging directory and
 * its history beside the cumulative table, publish the run whole, then put its history in the cumulative table
 * and point LATEST at it. Every byte is written
 * before the run is renamed into place, so a failure (a full disk) publishes nothing; the staging directory of
 * a failed run is removed, but for its checkpoints (kept for --resume).
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
    MemoryCheck.check(config.vocabSize(), config.optimizer(), config.localExchange() && jsc.isLocal(),
        Kernel.of(config.kernel()) == Kernel.EXACT, Runtime.getRuntime().maxMemory(), jsc.getConf());
    CorpusReader.checkPaths(jsc.hadoopConfiguration(), config.inputPaths());
    RunDirectory run = new RunDirectory(jsc.hadoopConfiguration(), config.outputDir(), options.runId());
    try (RunLock lock = run.lock()) {
      CheckpointStore checkpoints = new CheckpointStore(run.fs(), run.checkpoints());
      if (!options.resume()) {
        checkpoints.latest().ifPresent(c -> LOG.warn("Run {}: discarding the checkpoint of epoch {} left by an"
            + " earlier attempt; pass --resume to continue from it instead", options.runId(), c.epoch()));
      }
      run.prepare(options.overwrite(), options.resume());
      try {
        return train(spark, jsc, config, options, run, lock, checkpoints, t0);
      } catch (RuntimeException e) {
        run.discard();
        throw e;
      }
    } catch (IOException e) {
      throw new OutputException("writing run " + options.runId() + " to " + run.outputDir() + " failed ("
          + e.getMessage() + "); earlier runs are untouched", e);
    }
  }

  private static Outcome train(SparkSession spark, JavaSparkContext jsc, TrainerConfig config, RunOptions options,
      RunDirectory run, RunLock lock, CheckpointStore checkpoints, long t0) throws IOException {
    {
      Map<String, String> settings = ConfigFingerprint.of(config);
      StartingPoint from = StartingPoint.choose(spark, config, options, checkpoints, settings);
      LOG.info("Run {}: input {}, staging {}, {}", options.runId(),
          Redaction.redactText(config.inputPaths().toString()), Redaction.redactText(run.staging().toString()),
          from.describe());

      int numBlocks = config.partitions() > 0 ? config.partitions() : jsc.defaultParallelism();
      TrainingData data = DataPass.run(jsc, config.inputPaths(), config.tokenizer(), config.vocabSize(),
          config.vocabMinCount(), config.validationFraction(), numBlocks, config.input());
      ShippingMeter meter = ShippingMeter.register(spark.sparkContext());
      try {
        CorpusCheck.requireTrainingBigrams(data, config.inputPaths());
        Map<String, Object> dataPrint = DataFingerprint.of(data);
        from.checkData(dataPrint, config.inputPaths());
        int v = data.vocab().size();
        LOG.info("Training: V = {} ({} weights, {} MB per matrix), {} row blocks, optimizer {}, broadcast {}", v,
            (long) v * v, BigramModel.matrixBytes(v) / (1 << 20), numBlocks, config.optimizer(),
            config.broadcast());
        Baselines baselines = Baselines.fit(data);
        DistributedLoss loss = new DistributedLoss(jsc, data.blocks(), data.partitioner(),
            WeightShipping.Mode.of(config.broadcast()), Kernel.of(config.kernel()),
            config.localExchange(), meter);
        // One training run at a given L2; train.l2 = auto runs several (L2Search) and keeps the best one's.
        Map<Double, Trial> trials = new HashMap<>();
        DoubleFunction<TrainingResult> trainWithL2 = l2 -> {
          RunAnalysis trialAnalysis = RunAnalysis.prepare(config.analysis(), config.tokenizer(), data);
          StartingPoint.Start trialStart = from.build(config, data, loss, loopSettings(config, l2), checkpoints,
              settings, dataPrint, trialAnalysis.tracer());
          TrainingResult r = trialStart.loop().run();
          // Keep what the job needs of the trial, not its loop (the loop holds V x V matrices).
          StartingPoint.Start kept = new StartingPoint.Start(null, trialStart.checkpointing(), trialStart.summary());
          trials.put(l2, new Trial(trialAnalysis, kept, loopSettings(config, l2)));
          return r;
        };
        boolean searchL2 = config.l2Auto() && data.validationBigrams() > 0 && !options.resume();
        if (config.l2Auto() && !searchL2) {
          LOG.warn("train.l2 = auto needs validation data to choose by and a fresh run (no --resume); training"
              + " without L2");
        }
        L2Search.Outcome search = searchL2 ? L2Search.run(data, trainWithL2) : null;
        double l2 = search != null ? search.l2() : config.l2();
        TrainingResult result = search != null ? search.result() : trainWithL2.apply(l2);
        Trial chosen = trials.get(l2);
        RunAnalysis analysis = chosen.analysis();
        StartingPoint.Start start = chosen.start();
        EpochLoop.LoopSettings settingsOfLoop = chosen.settings();

        return OutputFailure.guard(run, () -> {
          Path staging = run.staging();
          ModelStore.writeVocabulary(spark, data.vocab(), staging);
          CountsTable.write(spark, data.blocks(), staging);
          ModelStore.writeModel(spark, result.bestModel(), data.vocab(), staging);
          HistoryTable.write(spark, options.runId(), result.history(), staging);
          double total = (System.nanoTime() - t0) / 1e9;
          Findings findings = analysis.analyze(result);
          AnalysisFiles.write(spark, run, result, data.trainLossFloor(), settingsOfLoop.convergence(), findings,
              analysis.settings());
          Map<String, Object> summary = RunSummary.build(options.runId(), config, data, result, total);
          summary.putAll(findings.summaryFields());
          summary.putAll(start.summary());
          summary.putAll(meter.summary());
          summary.putAll(baselines.summaryFields());
          if (search != null) summary.putAll(search.summaryFields());
          run.writeText("summary.json", dev.bigram.output.Json.pretty(summary));
          run.writeText("config.conf", config.render());
          if (result.stopReason() == StopReason.DIVERGED) {
            // Stop at once: nothing is published; the staging run keeps the last good checkpoint.
            return new Outcome(staging, result, summary, false, start.checkpointing().last(), findings);
          }
          lock.verify();
          // The cumulative history is written before the run is renamed into place, so a disk that fills up
          // anywhere publishes nothing (publish writes LATEST's new content before its first rename too); it
          // takes its place, replacing a republished run's, as soon as the run has its name, before LATEST.
          CumulativeHistory.Pending history =
              CumulativeHistory.stage(spark, run.fs(), run.outputDir(), options.runId(), result.history());
          Path published;
          java.util.concurrent.atomic.AtomicBoolean named = new java.util.concurrent.atomic.AtomicBoolean();
          try {
            published = run.publish(!findings.gateFailed(), () -> {
              named.set(true);
              history.commit();
            }, "adding its history to " + CumulativeHistory.partition(run.outputDir(), options.runId()));
          } catch (IOException | RuntimeException e) {
            if (!named.get()) history.discardAfter(e); // the run was not published: neither is its history
            throw e;
          }
          return new Outcome(published, result, summary, true, Optional.empty(), findings);
        });
      } finally {
        meter.close();
        data.release();
      }
    }
  }

  /** One training run of the L2 search: what the rest of the job needs from the chosen one. */
  private record Trial(RunAnalysis analysis, StartingPoint.Start start, EpochLoop.LoopSettings settings) {}

  public static EpochLoop.LoopSettings loopSettings(TrainerConfig config) {
    return loopSettings(config, config.l2());
  }

  /** The loop settings of {@code config} with the given L2 strength ({@code train.l2 = auto} tries several). */
  public static EpochLoop.LoopSettings loopSettings(TrainerConfig config, double l2) {
    return new EpochLoop.LoopSettings(
        new LearningRateSchedule(config.learningRate(), config.decay(), config.minLearningRate()),
        config.maxEpochs(), new L2(l2), config.patience(), config.minDelta(),
        config.analysis().statusThreshold(), new Convergence(config.analysis().convergenceTolerance()),
        config.stopOnConvergence());
  }
}
