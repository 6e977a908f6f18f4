package dev.bigram.train;

import dev.bigram.data.RowBlocks;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.BigramLossAggregator;
import dev.bigram.optim.Kernel;
import dev.bigram.optim.RowBlock;
import dev.bigram.optim.WeightRows;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The distribution of one evaluation, and nothing else: broadcast the weights, {@code treeAggregate} a
 * {@link BigramLossAggregator} over the cached row blocks, destroy the broadcast.
 *
 * <p>With {@link BroadcastMode#SHARDED}, block {@code p}'s rows of {@code W} are a broadcast of their own, so a
 * task fetches only the rows its partition owns; with {@link BroadcastMode#WHOLE} every task fetches all of
 * {@code W}. With the local exchange (local mode and {@code train.local-exchange}), nothing is broadcast: the
 * tasks, which run in the driver's JVM, read {@code W} and write their gradient rows through
 * {@link LocalExchange}; the losses are aggregated as usual.
 */
public final class DistributedLoss {
  private final JavaSparkContext jsc;
  private final JavaRDD<RowBlock> blocks;
  private final RowBlocks partitioner;
  private final BroadcastMode mode;
  private final Kernel kernel;
  private final boolean localExchange;
  private final int depth;
  /** The local exchange's gradient buffer, reused every epoch. */
  private float[] sharedGradient;

  public enum BroadcastMode {
    SHARDED, WHOLE;

    public static BroadcastMode of(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** With the {@link Kernel#FAST} row math and Spark's broadcast and task results. */
  public DistributedLoss(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, RowBlocks partitioner, BroadcastMode mode) {
    this(jsc, blocks, partitioner, mode, Kernel.FAST, false);
  }

  /**
   * @param localExchange use {@link LocalExchange} when the master is local (ignored otherwise)
   */
  public DistributedLoss(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, RowBlocks partitioner, BroadcastMode mode,
      Kernel kernel, boolean localExchange) {
    this.jsc = jsc;
    this.blocks = blocks;
    this.partitioner = partitioner;
    this.mode = mode;
    this.kernel = kernel;
    this.localExchange = localExchange && jsc.isLocal();
    this.depth = 2;
  }

  /** Whether this evaluator shares memory with its tasks instead of broadcasting. */
  public boolean usesLocalExchange() {
    return localExchange;
  }

  /** Loss (and gradient, if asked) of the model on every block, with what shipping it cost. */
  public Evaluation evaluate(BigramModel model, boolean withGradient) {
    return localExchange ? evaluateLocally(model, withGradient) : evaluateWithBroadcast(model, withGradient);
  }

  private Evaluation evaluateLocally(BigramModel model, boolean withGradient) {
    int v = model.numClasses();
    float[] gradient = null;
    if (withGradient && kernel == Kernel.FAST) {
      if (sharedGradient == null || sharedGradient.length != v * v) sharedGradient = new float[v * v];
      gradient = sharedGradient;
    }
    long t0 = System.nanoTime();
    long key = LocalExchange.open(new LocalExchange.Slot(model.weights(), model.bias(), gradient));
    Kernel k = kernel;
    BigramLossAggregator result;
    try {
      result = blocks.treeAggregate(
          new BigramLossAggregator(v, withGradient, k),
          (agg, block) -> {
            LocalExchange.Slot slot = LocalExchange.get(key);
            return agg.add(block, WeightRows.view(slot.weights(), slot.bias(), v, block.firstRow(), block.endRow()),
                slot.gradient());
          },
          BigramLossAggregator::merge,
          depth);
    } finally {
      LocalExchange.close(key);
    }
    if (gradient != null) result.attachShared(gradient);
    long t1 = System.nanoTime();
    return new Evaluation(result, 0, 0.0, (t1 - t0) / 1e9, result.payloadBytes());
  }

  private Evaluation evaluateWithBroadcast(BigramModel model, boolean withGradient) {
    int v = model.numClasses();
    float[] w = model.weights();
    float[] b = model.bias();
    long t0 = System.nanoTime();
    List<Broadcast<WeightRows>> bcWeights = new ArrayList<>();
    long bytes = 0;
    if (mode == BroadcastMode.WHOLE) {
      WeightRows all = WeightRows.whole(w, b, v);
      bcWeights.add(jsc.broadcast(all));
      bytes = all.payloadBytes();
    } else {
      for (int p = 0; p < partitioner.numPartitions(); p++) {
        WeightRows rows = WeightRows.view(w, b, v, partitioner.firstRow(p), partitioner.endRow(p));
        bcWeights.add(jsc.broadcast(rows));
        bytes += rows.payloadBytes();
      }
    }
    long t1 = System.nanoTime();
    boolean sharded = mode == BroadcastMode.SHARDED;
    BigramLossAggregator result;
    try {
      result = blocks.treeAggregate(
          new BigramLossAggregator(v, withGradient, kernel),
          (agg, block) -> agg.add(block, bcWeights.get(sharded ? block.index() : 0).value()),
          BigramLossAggregator::merge,
          depth);
    } finally {
      for (Broadcast<WeightRows> bc : bcWeights) bc.destroy();
    }
    long t2 = System.nanoTime();
    return new Evaluation(result, bytes, (t1 - t0) / 1e9, (t2 - t1) / 1e9, result.payloadBytes());
  }

  /**
   * One evaluation's result and cost.
   *
   * @param aggregator merged loss and gradient
   * @param broadcastBytes bytes of weights broadcast (sum over shards)
   * @param broadcastSeconds driver time to create the broadcasts (serialization and blocking into pieces)
   * @param aggregateSeconds time of the treeAggregate: fetching weights, computing, returning gradients
   * @param resultBytes gradient bytes returned to the driver
   */
  public record Evaluation(BigramLossAggregator aggregator, long broadcastBytes, double broadcastSeconds,
      double aggregateSeconds, long resultBytes) {}
}
