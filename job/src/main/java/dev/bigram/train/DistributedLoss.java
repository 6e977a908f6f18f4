package dev.bigram.train;

import dev.bigram.data.RowBlocks;
import dev.bigram.model.BigramModel;
import dev.bigram.train.LocalExchange;
import dev.bigram.loss.BigramLossAggregator;
import dev.bigram.loss.Kernel;
import dev.bigram.data.RowBlock;
import dev.bigram.loss.WeightRows;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

/**
 * The distribution of one evaluation, and nothing else: broadcast the weights, {@code treeAggregate} a
 * {@link BigramLossAggregator} over the cached row blocks, destroy the broadcast.
 *
 * <p>With {@link BroadcastMode#SHARDED}, block {@code p}'s rows of {@code W} are a broadcast of their own, so a
 * task fetches only the rows its partition owns; with {@link BroadcastMode#WHOLE} every task fetches all of
 * {@code W}. With a {@link ShippingMeter}, each evaluation's jobs carry its tag, and the {@link Evaluation} also
 * reports what executors really fetched and returned, and how long tasks spent reading their weights.
 * With the local exchange (local mode and {@code train.local-exchange}), nothing is broadcast: the tasks, which
 * run in the driver's JVM, read {@code W} and write their gradient rows through {@link LocalExchange}; the
 * losses are aggregated as usual.
 */
public final class DistributedLoss {
  private final JavaSparkContext jsc;
  private final JavaRDD<RowBlock> blocks;
  private final RowBlocks partitioner;
  private final BroadcastMode mode;
  private final Kernel kernel;
  private final boolean localExchange;
  private final int depth;
  /** Measures what was really shipped; null: not measured. */
  private final ShippingMeter meter;
  /** Nanoseconds tasks spent reading their weights (fetching them, the first time on an executor). */
  private final LongAccumulator fetchNanos;
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
    this(jsc, blocks, partitioner, mode, Kernel.FAST, false, null);
  }

  /** With a {@link ShippingMeter}, each evaluation also reports what executors really fetched and returned. */
  public DistributedLoss(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, RowBlocks partitioner, BroadcastMode mode,
      ShippingMeter meter) {
    this(jsc, blocks, partitioner, mode, Kernel.FAST, false, meter);
  }

  public DistributedLoss(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, RowBlocks partitioner, BroadcastMode mode,
      Kernel kernel, boolean localExchange) {
    this(jsc, blocks, partitioner, mode, kernel, localExchange, null);
  }

  /**
   * @param localExchange use {@link LocalExchange} when the master is local (ignored otherwise)
   * @param meter measures what executors fetch and return; null: not measured
   */
  public DistributedLoss(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, RowBlocks partitioner, BroadcastMode mode,
      Kernel kernel, boolean localExchange, ShippingMeter meter) {
    this.jsc = jsc;
    this.blocks = blocks;
    this.partitioner = partitioner;
    this.mode = mode;
    this.kernel = kernel;
    this.localExchange = localExchange && jsc.isLocal();
    this.depth = 2;
    this.meter = meter;
    this.fetchNanos = meter == null ? null : jsc.sc().longAccumulator("bigram weight fetch ns");
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
    List<Long> ids = bcWeights.stream().map(Broadcast::id).toList();
    String tag = meter == null ? null : meter.start(ids);
    LongAccumulator bcFetchNanos = fetchNanos;
    if (bcFetchNanos != null) bcFetchNanos.reset();
    BigramLossAggregator result;
    try {
      jsc.setLocalProperty(ShippingMeter.TAG, tag);
      result = blocks.treeAggregate(
          new BigramLossAggregator(v, withGradient, kernel),
          (agg, block) -> agg.add(block, readWeights(bcWeights.get(sharded ? block.index() : 0), bcFetchNanos)),
          BigramLossAggregator::merge,
          depth);
    } finally {
      jsc.setLocalProperty(ShippingMeter.TAG, null);
      for (Broadcast<WeightRows> bc : bcWeights) bc.destroy();
    }
    long t2 = System.nanoTime();
    ShippingMeter.Shipped shipped = meter == null ? null : meter.await(tag, ids);
    double fetchSeconds = bcFetchNanos == null ? Double.NaN : bcFetchNanos.value() / 1e9;
    return new Evaluation(result, bytes, (t1 - t0) / 1e9, (t2 - t1) / 1e9, result.payloadBytes(), shipped,
        fetchSeconds);
  }

  /** In a task: the broadcast's value, timing the read (a fetch the first time an executor reads it). */
  private static WeightRows readWeights(Broadcast<WeightRows> bc, LongAccumulator fetchNanos) {
    if (fetchNanos == null) return bc.value();
    long t = System.nanoTime();
    WeightRows rows = bc.value();
    fetchNanos.add(System.nanoTime() - t);
    return rows;
  }

  /**
   * One evaluation's result and cost.
   *
   * @param aggregator merged loss and gradient
   * @param broadcastBytes bytes of weights broadcast (sum over shards)
   * @param broadcastSeconds driver time to create the broadcasts (serialization and blocking into pieces)
   * @param aggregateSeconds time of the treeAggregate: fetching weights, computing, returning gradients
   * @param resultBytes gradient bytes returned to the driver
   * @param shipped what executors really fetched and returned, measured by Spark; null when not measured
   * @param weightFetchSeconds time tasks spent reading their weights, summed over tasks (NaN: not measured)
   */
  public record Evaluation(BigramLossAggregator aggregator, long broadcastBytes, double broadcastSeconds,
      double aggregateSeconds, long resultBytes, ShippingMeter.Shipped shipped, double weightFetchSeconds) {
    public Evaluation(BigramLossAggregator aggregator, long broadcastBytes, double broadcastSeconds,
        double aggregateSeconds, long resultBytes) {
      this(aggregator, broadcastBytes, broadcastSeconds, aggregateSeconds, resultBytes, null, Double.NaN);
    }
  }
}
