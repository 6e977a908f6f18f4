package dev.bigram.train;

import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlocks;
import dev.bigram.loss.BigramLossAggregator;
import dev.bigram.loss.Kernel;
import dev.bigram.model.BigramModel;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * The distribution of one evaluation, and nothing else: broadcast the weights, {@code treeAggregate} a
 * {@link BigramLossAggregator} over the cached row blocks, destroy the broadcast.
 *
 * <p>With {@link WeightShipping.Mode#SHARDED}, block {@code p}'s rows of {@code W} are a broadcast of their own,
 * so a task fetches only the rows its partition owns; with {@link WeightShipping.Mode#WHOLE} every task fetches
 * all of {@code W}. With a {@link ShippingMeter}, each evaluation's jobs carry its tag, and the {@link Evaluation} also
 * reports what executors really fetched and returned, and how long tasks spent reading their weights.
 * With {@link Exchange#DRIVER} (the default) nothing is broadcast: the row blocks are collected to the driver at
 * the first evaluation and every evaluation runs there, a block per thread of the common fork-join pool (the
 * driver's cores), reading {@code W} and writing the gradient rows in place through {@link LocalExchange},
 * with the same aggregator, merged in block order.
 */
public final class DistributedLoss {
  /** Depth of the treeAggregate. */
  private static final int DEPTH = 2;

  private final JavaSparkContext jsc;
  private final JavaRDD<RowBlock> blocks;
  private final RowBlocks partitioner;
  private final WeightShipping.Mode mode;
  private final Kernel kernel;
  private final Exchange exchange;
  /** Measures what was really shipped; null: not measured. */
  private final ShippingMeter meter;
  /** Nanoseconds tasks spent reading their weights (fetching them, the first time on an executor). */
  private final LongAccumulator fetchNanos;
  /** {@link Exchange#DRIVER}: the gradient buffer, reused every epoch. */
  private float[] sharedGradient;
  /** {@link Exchange#DRIVER}: the row blocks, collected at the first evaluation, in block order. */
  private List<RowBlock> driverBlocks;

  /** With the {@link Kernel#FAST} row math and Spark's broadcast and task results. */
  public DistributedLoss(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, RowBlocks partitioner,
      WeightShipping.Mode mode) {
    this(jsc, blocks, partitioner, mode, Kernel.FAST, Exchange.BROADCAST, null);
  }

  /**
   * @param exchange where the evaluations run
   * @param meter measures what executors fetch and return; null: not measured
   */
  public DistributedLoss(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, RowBlocks partitioner,
      WeightShipping.Mode mode, Kernel kernel, Exchange exchange, ShippingMeter meter) {
    this.jsc = jsc;
    this.blocks = blocks;
    this.partitioner = partitioner;
    this.mode = mode;
    this.kernel = kernel;
    this.exchange = exchange;
    this.meter = meter;
    this.fetchNanos = meter == null ? null : jsc.sc().longAccumulator("bigram weight fetch ns");
  }

  /** Loss (and gradient, if asked) of the model on every block, with what shipping it cost. */
  public Evaluation evaluate(BigramModel model, boolean withGradient) {
    if (exchange == Exchange.DRIVER) return evaluateOnDriver(model, withGradient);
    int v = model.numClasses();
    long t0 = System.nanoTime();
    if (fetchNanos != null) fetchNanos.reset();
    BigramLossAggregator result;
    ShippingMeter.Shipped shipped = null;
    long t1;
    try (WeightShipping shipping = WeightShipping.broadcast(jsc, model, mode, partitioner, fetchNanos)) {
      t1 = System.nanoTime();
      WeightShipping.Tasks weights = shipping.tasks();
      List<Long> ids = shipping.broadcastIds();
      String tag = meter == null ? null : meter.start(ids);
      Kernel k = kernel;
      try {
        jsc.setLocalProperty(ShippingMeter.TAG, tag);
        result = blocks.treeAggregate(
            new BigramLossAggregator(v, withGradient, k),
            (agg, block) -> agg.add(block, weights.rows(block.index(), block.firstRow(), block.endRow()),
                weights.gradientBuffer()),
            BigramLossAggregator::merge,
            DEPTH);
      } finally {
        jsc.setLocalProperty(ShippingMeter.TAG, null);
      }
      if (tag != null) shipped = meter.await(tag, ids);
      long t2 = System.nanoTime();
      double fetchSeconds = fetchNanos == null ? Double.NaN : fetchNanos.value() / 1e9;
      return new Evaluation(result, shipping.bytes(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, result.payloadBytes(),
          shipped, fetchSeconds);
    }
  }

  /**
   * {@link Exchange#DRIVER}: every block evaluated on the driver, a block per task of the common fork-join pool,
   * reading {@code W} and writing the gradient rows in place through the {@link LocalExchange}; merged in block
   * order.
   */
  private Evaluation evaluateOnDriver(BigramModel model, boolean withGradient) {
    int v = model.numClasses();
    List<RowBlock> local = driverBlocks(); // the first epoch's collect counts in its seconds, not as a broadcast
    long t0 = System.nanoTime();
    float[] gradient = withGradient && kernel == Kernel.FAST ? sharedGradient(model.numWeights()) : null;
    try (WeightShipping shipping = WeightShipping.local(model, gradient)) {
      WeightShipping.Tasks weights = shipping.tasks();
      long t1 = System.nanoTime();
      Kernel k = kernel;
      List<BigramLossAggregator> parts = local.parallelStream()
          .map(block -> new BigramLossAggregator(v, withGradient, k).add(block,
              weights.rows(block.index(), block.firstRow(), block.endRow()), weights.gradientBuffer()))
          .toList();
      BigramLossAggregator result = new BigramLossAggregator(v, withGradient, k);
      for (BigramLossAggregator part : parts) result.merge(part); // shared rows already point at the buffer
      long t2 = System.nanoTime();
      return new Evaluation(result, 0, (t1 - t0) / 1e9, (t2 - t1) / 1e9, 0, null, Double.NaN); // nothing shipped
    }
  }

  /** The row blocks in the driver's memory, collected from the executors' cache at the first call. */
  private List<RowBlock> driverBlocks() {
    if (driverBlocks == null) {
      driverBlocks = blocks.collect().stream().sorted(Comparator.comparingInt(RowBlock::index)).toList();
    }
    return driverBlocks;
  }

  /**
   * Lets go of the gradient buffer of {@link Exchange#DRIVER} ({@code V x V} floats) once training is over; a
   * later evaluation with a gradient makes a new one.
   */
  public void releaseGradientBuffer() {
    sharedGradient = null;
  }

  /** The gradient buffer of {@link Exchange#DRIVER}, reused every epoch. */
  private float[] sharedGradient(long numWeights) {
    if (sharedGradient == null || sharedGradient.length != numWeights) sharedGradient = new float[(int) numWeights];
    return sharedGradient;
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
  }
}
