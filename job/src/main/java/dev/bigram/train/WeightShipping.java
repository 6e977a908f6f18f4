package dev.bigram.train;

import dev.bigram.data.RowBlocks;
import dev.bigram.loss.WeightRows;
import dev.bigram.model.BigramModel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

/**
 * Hands the driver's {@code W} and {@code b} to the readers of one evaluation or one Spark job, and nothing
 * else: the one place that decides how weights travel, for training and for the model writer alike
 * (docs/design.md, "Where an epoch runs"; {@link Exchange} decides which of the two below an epoch uses).
 *
 * <ul>
 *   <li>Through Spark's broadcast ({@code train.cluster-exchange = broadcast} on a cluster,
 *       {@code train.local-exchange = false} in local mode, and the model writer on a cluster). {@link Mode#SHARDED}
 *       makes one broadcast per row block, so a task fetches only the rows its partition owns;
 *       {@link Mode#WHOLE} one broadcast of all of {@code W}. A sparse model is always sharded: a task needs
 *       only its rows' pairs.</li>
 *   <li>In the driver's JVM: the {@link LocalExchange}. The driver's own threads (every epoch of
 *       {@link Exchange#DRIVER}), or local mode's tasks (the model writer), read the arrays in place; a gradient
 *       buffer, when given, takes their gradient rows back the same way.</li>
 * </ul>
 *
 * <p>Open one per job, hand {@link #tasks()} to the tasks, close it when the job is done (destroying the
 * broadcasts, or closing the exchange).
 */
public final class WeightShipping implements AutoCloseable {
  private final Tasks tasks;
  private final List<Broadcast<WeightRows>> broadcasts;
  private final long exchangeKey;
  private final long bytes;

  /** How {@code W} is broadcast ({@code train.broadcast}). */
  public enum Mode {
    SHARDED, WHOLE;

    public static Mode of(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  private WeightShipping(Tasks tasks, List<Broadcast<WeightRows>> broadcasts, long exchangeKey, long bytes) {
    this.tasks = tasks;
    this.broadcasts = broadcasts;
    this.exchangeKey = exchangeKey;
    this.bytes = bytes;
  }

  /**
   * Ships {@code model} through the local exchange: only where its readers run in this JVM (local mode's tasks,
   * or the driver's own threads with {@link Exchange#DRIVER}).
   *
   * @param gradient a {@code V x V} float buffer the tasks write their gradient rows into, or null
   */
  public static WeightShipping local(BigramModel model, float[] gradient) {
    long key = LocalExchange.open(new LocalExchange.Slot(model.weights(), model.bias(), gradient, model.pairs()));
    return new WeightShipping(new Local(key, model.numClasses(), model.rank(), gradient != null), List.of(), key, 0);
  }

  /**
   * Broadcasts {@code model}: whole, or one broadcast per block of {@code partitioner}.
   *
   * @param fetchNanos adds the time tasks spend reading their weights (fetching, the first time); may be null
   */
  public static WeightShipping broadcast(JavaSparkContext jsc, BigramModel model, Mode mode, RowBlocks partitioner,
      LongAccumulator fetchNanos) {
    int v = model.numClasses();
    List<Broadcast<WeightRows>> bcWeights = new ArrayList<>();
    long bytes = 0;
    if (mode == Mode.WHOLE && !model.isSparse()) {
      WeightRows all = WeightRows.whole(model.weights(), model.bias(), v, model.rank());
      bcWeights.add(jsc.broadcast(all));
      bytes = all.payloadBytes();
    } else {
      for (int p = 0; p < partitioner.numPartitions(); p++) {
        WeightRows rows = rows(model, partitioner.firstRow(p), partitioner.endRow(p));
        bcWeights.add(jsc.broadcast(rows));
        bytes += rows.payloadBytes();
      }
    }
    return new WeightShipping(new Broadcasts(List.copyOf(bcWeights), mode == Mode.SHARDED || model.isSparse(),
        fetchNanos), bcWeights, -1, bytes);
  }

  /** A view of rows {@code [firstRow, endRow)} of the model, dense or sparse. */
  private static WeightRows rows(BigramModel model, int firstRow, int endRow) {
    return model.isSparse()
        ? WeightRows.sparseView(model.pairs(), model.weights(), model.bias(), firstRow, endRow)
        : WeightRows.view(model.weights(), model.bias(), model.numClasses(), model.rank(), firstRow, endRow);
  }

  /** What the tasks capture: serializable, small (keys and broadcast handles, never the arrays). */
  public Tasks tasks() {
    return tasks;
  }

  /** Bytes of weights broadcast (0 through the local exchange). */
  public long bytes() {
    return bytes;
  }

  /** The broadcasts' ids, for {@link ShippingMeter}. */
  public List<Long> broadcastIds() {
    return broadcasts.stream().map(Broadcast::id).toList();
  }

  @Override
  public void close() {
    for (Broadcast<WeightRows> bc : broadcasts) bc.destroy();
    if (exchangeKey >= 0) LocalExchange.close(exchangeKey);
  }

  /** The task side. */
  public interface Tasks extends Serializable {
    /** Rows {@code [firstRow, endRow)} of {@code W} (and {@code b}) for the task of block {@code block}. */
    WeightRows rows(int block, int firstRow, int endRow);

    /** The driver's gradient buffer, when the tasks write their gradient rows into it; null otherwise. */
    float[] gradientBuffer();
  }

  private record Local(long key, int numClasses, int rank, boolean withGradient) implements Tasks {
    @Override
    public WeightRows rows(int block, int firstRow, int endRow) {
      LocalExchange.Slot slot = LocalExchange.get(key);
      return slot.pairs() != null
          ? WeightRows.sparseView(slot.pairs(), slot.weights(), slot.bias(), firstRow, endRow)
          : WeightRows.view(slot.weights(), slot.bias(), numClasses, rank, firstRow, endRow);
    }

    @Override
    public float[] gradientBuffer() {
      return withGradient ? LocalExchange.get(key).gradient() : null;
    }
  }

  private record Broadcasts(List<Broadcast<WeightRows>> broadcasts, boolean sharded, LongAccumulator fetchNanos)
      implements Tasks {
    @Override
    public WeightRows rows(int block, int firstRow, int endRow) {
      Broadcast<WeightRows> bc = broadcasts.get(sharded ? block : 0);
      if (fetchNanos == null) return bc.value();
      long t = System.nanoTime();
      WeightRows rows = bc.value();
      fetchNanos.add(System.nanoTime() - t);
      return rows;
    }

    @Override
    public float[] gradientBuffer() {
      return null;
    }
  }
}
