package dev.bigram.train;

import dev.bigram.config.TrainerConfig;
import dev.bigram.data.DataPass;
import dev.bigram.data.InputException;
import dev.bigram.data.TrainingData;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.LearningRateSchedule;
import dev.bigram.optim.Optimizer;
import dev.bigram.optim.StopReason;
import dev.bigram.output.HistoryTable;
import dev.bigram.output.ModelStore;
import dev.bigram.output.OutputException;
import dev.bigram.output.RunDirectory;
import dev.bigram.output.RunSummary;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code train} command as a story: check the output, read the corpus into cached row blocks, run the
 * epoch loop, write every table into the staging directory, publish the run whole.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  private TrainJob() {}

  /** Options of one run that are not configuration keys. */
  public record RunOptions(String runId, boolean overwrite) {}

  /** What a finished run reports back to the command line. */
  public record Outcome(Path runDir, TrainingResult result, Map<String, Object> summary, boolean published) {}

  public static Outcome run(SparkSession spark, TrainerConfig config, RunOptions options) {
    long start = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    MemoryCheck.check(config.vocabSize(), config.optimizer(), Runtime.getRuntime().maxMemory(), jsc.getConf());
    RunDirectory run = new RunDirectory(jsc.hadoopConfiguration(), config.outputDir(), options.runId());
    run.prepare(options.overwrite(), false);
    LOG.info("Run {}: input {}, staging {}", options.runId(), config.inputPaths(), run.staging());

    int numBlocks = config.partitions() > 0 ? config.partitions() : jsc.defaultParallelism();
    TrainingData data = DataPass.run(jsc, config.inputPaths(), config.tokenizer(), config.vocabSize(),
        config.vocabMinCount(), config.validationFraction(), numBlocks);
    ShippingMeter meter = ShippingMeter.register(spark.sparkContext());
    try {
      if (data.trainBigrams() == 0) {
        throw new InputException("input " + String.join(",", config.inputPaths()) + " has no training bigram"
            + " (no line with two tokens): pass a corpus of sentences, one per line");
      }
      int v = data.vocab().size();
      LOG.info("Training: V = {} ({} weights, {} MB per matrix), {} row blocks, optimizer {}, broadcast {}", v,
          (long) v * v, BigramModel.matrixBytes(v) / (1 << 20), numBlocks, config.optimizer(),
          config.broadcast());
      BigramModel initial = BigramModel.initialize(v, config.bias(), config.initStddev(), config.seed());
      Optimizer optimizer = Optimizer.create(config.optimizer(), v, config.bias());
      EpochLoop.LoopSettings settings = loopSettings(config);
      DistributedLoss loss = new DistributedLoss(jsc, data.blocks(), data.partitioner(),
          DistributedLoss.BroadcastMode.of(config.broadcast()), meter);
      TrainingResult result = new EpochLoop(loss, data, settings, initial, optimizer, EpochListener.NONE).run();

      Path staging = run.staging();
      ModelStore.writeVocabulary(spark, data.vocab(), staging);
      ModelStore.writeModel(spark, result.bestModel(), data.vocab(), staging);
      HistoryTable.write(spark, options.runId(), result.history(), staging);
      double total = (System.nanoTime() - start) / 1e9;
      Map<String, Object> summary = RunSummary.build(options.runId(), config, data, result, total);
      summary.putAll(meter.summary());
      run.writeText("summary.json", dev.bigram.output.Json.pretty(summary));
      run.writeText("config.conf", config.render());
      boolean publish = result.stopReason() != StopReason.DIVERGED;
      Path published = publish ? run.publish(true) : run.staging();
      return new Outcome(published, result, summary, publish);
    } catch (IOException e) {
      throw new OutputException("writing run " + options.runId() + " to " + run.outputDir() + " failed ("
          + e.getMessage() + "); earlier runs are untouched", e);
    } finally {
      meter.close();
      data.release();
    }
  }

  public static EpochLoop.LoopSettings loopSettings(TrainerConfig config) {
    return new EpochLoop.LoopSettings(
        new LearningRateSchedule(config.learningRate(), config.decay(), config.minLearningRate()),
        config.maxEpochs(), config.l2(), config.patience(), config.minDelta(), 0.005);
  }
}
