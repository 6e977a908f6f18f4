package dev.bigram.bench;

import dev.bigram.config.TrainerConfig;
import dev.bigram.data.DataPass;
import dev.bigram.data.TrainingData;
import dev.bigram.job.Fit;
import dev.bigram.loss.Kernel;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.Optimizer;
import dev.bigram.train.DistributedLoss;
import dev.bigram.train.EpochListener;
import dev.bigram.train.EpochLoop;
import dev.bigram.train.EpochRecord;
import dev.bigram.train.Exchange;
import dev.bigram.train.InitialBias;
import dev.bigram.train.TrainingResult;
import dev.bigram.train.WeightShipping;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The job's own epoch loop (no output writing) on one corpus: seconds per epoch and where they go, and the
 * epochs and seconds until the training loss is within {@code 0.5%} of the floor. Settings come from the
 * defaults plus {@code key=value} arguments, as {@code --set} would give them.
 *
 * <pre>bench/java.sh -Xmx8g dev.bigram.bench.ConvergeBench LABEL FILE key=value...</pre>
 */
public final class ConvergeBench {
  static final double WITHIN = 0.005;

  public static void main(String[] args) {
    String label = args[0];
    List<String> sets = new ArrayList<>(List.of("input.paths=[\"" + args[1] + "\"]"));
    for (int i = 2; i < args.length; i++) sets.add(args[i]);
    TrainerConfig config = TrainerConfig.load(null, sets);
    SparkSession spark = Peers.session();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long t0 = System.nanoTime();
    int numBlocks = config.partitions() > 0 ? config.partitions() : jsc.defaultParallelism();
    TrainingData data = DataPass.run(jsc, config.inputPaths(), config.tokenizer(), config.vocabSize(),
        config.vocabMinCount(), config.validationFraction(), numBlocks);
    double dataPass = (System.nanoTime() - t0) / 1e9;
    int v = data.vocab().size();
    DistributedLoss loss = new DistributedLoss(jsc, data.blocks(), data.partitioner(),
        WeightShipping.Mode.of(config.broadcast()), Kernel.of(config.kernel()),
        Exchange.choose(jsc.isLocal(), config.localExchange(), config.clusterExchange()), null);
    BigramModel initial = config.sparseFor(v)
        ? BigramModel.initialize(data.trainingPairs(config.pairMinCount()), config.bias(), config.initStddev(), config.seed())
        : BigramModel.initialize(v, config.bias(), config.initStddev(), config.seed(),
            config.rankFor(v, data.trainBigrams()));
    InitialBias.apply(InitialBias.compute(config.initBias(), data), initial);
    Optimizer optimizer = Optimizer.create(config.optimizer(), initial.numWeights(), v, config.bias());
    TrainingResult result = new EpochLoop(loss, data, Fit.loopSettings(config), initial, optimizer,
        EpochListener.NONE).run();
    double floor = data.trainLossFloor();
    List<EpochRecord> h = result.history();
    int reached = -1;
    double secondsToReach = 0;
    for (EpochRecord e : h) {
      secondsToReach += e.seconds();
      if (e.trainLoss() <= floor * (1 + WITHIN)) {
        reached = e.epoch();
        break;
      }
    }
    // Steady state: epochs after the first (JIT, allocation), median.
    double[] steady = h.stream().skip(1).mapToDouble(EpochRecord::seconds).sorted().toArray();
    double[] aggregate = h.stream().skip(1).mapToDouble(EpochRecord::aggregateSeconds).sorted().toArray();
    double[] update = h.stream().skip(1).mapToDouble(EpochRecord::updateSeconds).sorted().toArray();
    double[] broadcast = h.stream().skip(1).mapToDouble(EpochRecord::broadcastSeconds).sorted().toArray();
    new Result("converge").put("label", label).put("file", args[1]).put("vocab", v)
        .put("settings", String.join(" ", sets.subList(1, sets.size())))
        .put("train_bigrams", data.trainBigrams()).put("distinct_bigrams", data.distinctTrainBigrams())
        .put("floor", floor).put("epochs_run", h.size()).put("best_train_loss",
            h.stream().mapToDouble(EpochRecord::trainLoss).min().orElse(Double.NaN))
        .put("epochs_to_within_0.5pct", reached).put("seconds_to_within_0.5pct", reached < 0 ? null : secondsToReach)
        .put("seconds_first_epoch", h.get(0).seconds())
        .put("seconds_all_epochs", h.stream().mapToDouble(EpochRecord::seconds).sum())
        .put("seconds_epoch_median", median(steady)).put("seconds_aggregate_median", median(aggregate))
        .put("seconds_update_median", median(update)).put("seconds_broadcast_median", median(broadcast))
        .put("broadcast_bytes", h.get(h.size() - 1).broadcastBytes())
        .put("result_bytes", h.get(h.size() - 1).resultBytes())
        .put("seconds_data_pass", dataPass).put("peak_heap_bytes", PeakMemory.heapUsedPeak()).print();
    data.release();
    spark.stop();
  }

  static double median(double[] sorted) {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
  }
}
