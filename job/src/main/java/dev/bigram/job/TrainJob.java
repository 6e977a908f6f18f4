package dev.bigram.job;

import dev.bigram.analysis.Findings;
import dev.bigram.config.ConfigFingerprint;
import dev.bigram.config.Redaction;
import dev.bigram.config.TrainerConfig;
import dev.bigram.data.CorpusCheck;
import dev.bigram.data.CorpusReader;
import dev.bigram.data.DataPass;
import dev.bigram.data.TrainingData;
import dev.bigram.data.baseline.Baselines;
import dev.bigram.loss.Kernel;
import dev.bigram.output.CheckpointStore;
import dev.bigram.output.OutputException;
import dev.bigram.output.OutputFailure;
import dev.bigram.output.RunDirectory;
import dev.bigram.output.RunLock;
import dev.bigram.output.TrialSpill;
import dev.bigram.train.DistributedLoss;
import dev.bigram.train.Exchange;
import dev.bigram.train.MemoryCheck;
import dev.bigram.train.ShippingMeter;
import dev.bigram.train.TrainingResult;
import dev.bigram.train.WeightShipping;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code train} command as a story, one call a step:
 *
 * <ol>
 *   <li>lock the run id and prepare its staging directory;</li>
 *   <li>choose where training starts: random weights, a warm start from a published run, or the last
 *       checkpoint on resume ({@link StartingPoint});</li>
 *   <li>{@link #count}: the data pass reads the corpus into cached bigram counts;</li>
 *   <li>fit the baselines (add-k, Kneser-Ney) on the same counts;</li>
 *   <li>{@link Fit}: the epoch loop, once or once per trial of the L2 search, checkpointing as it goes;</li>
 *   <li>{@link Publication}: the tables and the summary into the staging run, then the verdict: published, and
 *       LATEST moved, only when the run learned and is no worse than the published model.</li>
 * </ol>
 *
 * A failure before the publish (a full disk, say) publishes nothing: the staging directory is removed, but for
 * its checkpoints, kept for {@code --resume}.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  private TrainJob() {}

  /**
   * Options of one run that are not configuration keys.
   *
   * @param initFrom {@code --init-from}: a run directory, an output directory or {@code LATEST}; null = cold start
   * @param resume {@code --resume}: continue the run from its last checkpoint
   * @param forcePublish {@code --force-publish}: move LATEST even when the new model is worse than the published
   */
  public record RunOptions(String runId, boolean overwrite, String initFrom, boolean resume,
      boolean forcePublish) {
    public RunOptions(String runId, boolean overwrite) {
      this(runId, overwrite, null, false, false);
    }
  }

  /** How a run ended, as far as publishing goes. */
  public enum Verdict {
    /** Published, and LATEST names it. */
    PUBLISHED,
    /** Published under its id, but LATEST not moved: an expected pattern failed its check. */
    GATE_FAILED,
    /** Not published: training diverged; the staging run keeps its last good checkpoint. */
    DIVERGED,
    /** Not published: a cold run that did not learn ({@link Progress}); kept in staging for inspection. */
    NOT_TRAINED,
    /** Published under its id, but LATEST not moved: worse than the published model ({@link PublishedComparison}). */
    REGRESSED
  }

  /**
   * What a finished run reports back to the command line.
   *
   * @param runDir the published run, or the staging directory of a run that was not published
   * @param verdict how it ended
   * @param reason why it was not published or not made LATEST, in words; null when published
   * @param lastCheckpoint the newest checkpoint of the run, kept in staging when it was not published
   * @param findings the analysis
   */
  public record Outcome(Path runDir, TrainingResult result, Map<String, Object> summary, Verdict verdict,
      String reason, Optional<CheckpointStore.Saved> lastCheckpoint, Findings findings) {
    /** Whether the run was published under its id (LATEST may still name another run). */
    public boolean published() {
      return verdict == Verdict.PUBLISHED || verdict == Verdict.GATE_FAILED || verdict == Verdict.REGRESSED;
    }
  }

  public static Outcome run(SparkSession spark, TrainerConfig config, RunOptions options) {
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    config.hadoop().forEach(jsc.hadoopConfiguration()::set);
    // A vocabulary that can only train the dense model is checked before the data pass, so that it fails at
    // once; every other one after it, when V and the number of training pairs are known.
    if (!config.sparseFor(config.vocabSize())) checkMemory(jsc, config, config.vocabSize(), 0);
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
    Map<String, String> settings = ConfigFingerprint.of(config);
    StartingPoint from = StartingPoint.choose(spark, config, options, checkpoints, settings);
    LOG.info("Run {}: input {}, staging {}, {}", options.runId(),
        Redaction.redactText(config.inputPaths().toString()), Redaction.redactText(run.staging().toString()),
        from.describe());
    TrainingData data = count(jsc, config);
    ShippingMeter meter = ShippingMeter.register(spark.sparkContext());
    try {
      CorpusCheck.requireTrainingBigrams(data, config.inputPaths());
      checkMemory(jsc, config, data);
      Map<String, Object> dataPrint = DataFingerprint.of(data);
      from.checkData(dataPrint, config.inputPaths());
      Baselines baselines = Baselines.fit(data);
      Fit fit = Fit.run(new Fit.Context(config, options, data, distributedLoss(jsc, config, data, meter), from,
          checkpoints, settings, dataPrint, TrialSpill.scratchDir(System.getenv("SPARK_LOCAL_DIRS"),
              jsc.getConf().get("spark.local.dir", null))));
      return OutputFailure.guard(run, () -> Publication.conclude(new Publication.Input(spark, config, options, run,
          lock, data, fit, baselines, meter, from, t0)));
    } finally {
      meter.close();
      data.release();
    }
  }

  /** The data pass: the vocabulary and the bigram counts of the corpus, cached in row blocks. */
  private static TrainingData count(JavaSparkContext jsc, TrainerConfig config) {
    int numBlocks = config.partitions() > 0 ? config.partitions() : jsc.defaultParallelism();
    TrainingData data = DataPass.run(jsc, config.inputPaths(), config.tokenizer(), config.vocabSize(),
        config.vocabMinCount(), config.validationFraction(), numBlocks, config.input());
    int v = data.vocab().size();
    long weights = config.sparseFor(v) ? data.distinctTrainBigrams() : (long) v * v;
    Exchange exchange = exchange(jsc.isLocal(), config);
    LOG.info("Training: V = {}, {} model of {} weights ({} MB per copy), {} row blocks, optimizer {}, epochs {}",
        v, config.sparseFor(v) ? "sparse" : "dense", weights, weights * Float.BYTES / (1 << 20), numBlocks,
        config.optimizer(), switch (exchange) {
          case DRIVER -> "on the driver's cores, nothing shipped";
          case BROADCAST -> "through Spark's broadcast (" + (config.sparseFor(v) ? "sharded" : config.broadcast())
              + ") and task results";
        });
    return data;
  }

  /**
   * After the data pass: refuses a model that cannot fit the driver, or counts too large to collect to it, with
   * the numbers and what to change.
   */
  private static void checkMemory(JavaSparkContext jsc, TrainerConfig config, TrainingData data) {
    checkMemory(jsc, config, data.vocab().size(), data.distinctTrainBigrams());
    MemoryCheck.checkCollectedCounts(data.distinctTrainBigrams() + data.distinctValidationBigrams(),
        exchange(jsc.isLocal(), config), jsc.getConf());
  }

  /** Refuses a model that cannot fit the driver, with the numbers and what to change. */
  private static void checkMemory(JavaSparkContext jsc, TrainerConfig config, int v, long pairs) {
    Exchange exchange = exchange(jsc.isLocal(), config);
    boolean exact = Kernel.of(config.kernel()) == Kernel.EXACT;
    long max = Runtime.getRuntime().maxMemory();
    if (config.sparseFor(v)) {
      MemoryCheck.checkSparse(pairs, v, config.optimizer(), exchange, exact, max, jsc.getConf());
    } else {
      MemoryCheck.check(v, config.optimizer(), exchange, exact, max, jsc.getConf());
    }
  }

  private static DistributedLoss distributedLoss(JavaSparkContext jsc, TrainerConfig config, TrainingData data,
      ShippingMeter meter) {
    return new DistributedLoss(jsc, data.blocks(), data.partitioner(), WeightShipping.Mode.of(config.broadcast()),
        Kernel.of(config.kernel()), exchange(jsc.isLocal(), config), meter);
  }

  /** Where the epochs run: {@code train.local-exchange} in local mode, {@code train.cluster-exchange} otherwise. */
  static Exchange exchange(boolean localMaster, TrainerConfig config) {
    return Exchange.choose(localMaster, config.localExchange(), config.clusterExchange());
  }
}
