package dev.bigram.train;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * For readers in the driver's JVM only (the driver's own threads with {@link Exchange#DRIVER}, or local mode's
 * tasks): hands the driver's weight arrays to them, and their gradient rows back, through
 * memory instead of serializing them.
 *
 * <p>Spark serializes a broadcast into pieces even when its only reader is the driver's own JVM, and every
 * task result crosses the block manager; at {@code V = 10,000} that is 400 MB each way per epoch, several
 * times the cost of the arithmetic (docs/benchmark-history.md, "Where an epoch's time went"). Here a task captures only a key, looks the epoch's arrays
 * up in this JVM-wide table, reads its rows of {@code W} in place and writes its gradient rows into the
 * driver's buffer (rows are owned by exactly one block, so writes never overlap). The table entry lives from
 * {@link #open} to {@link #close}, one evaluation.
 */
public final class LocalExchange {
  private static final ConcurrentHashMap<Long, Slot> SLOTS = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT = new AtomicLong();

  /**
   * One evaluation's arrays.
   *
   * @param weights row-major {@code W}
   * @param bias {@code b}, or null
   * @param gradient a {@code V x V} float buffer for the gradient rows, or null (no gradient, or the exact
   *     kernel, whose double rows each block keeps in its own aggregator)
   */
  public record Slot(float[] weights, float[] bias, float[] gradient, dev.bigram.model.SparsePairs pairs) {}

  private LocalExchange() {}

  public static long open(Slot slot) {
    long key = NEXT.incrementAndGet();
    SLOTS.put(key, slot);
    return key;
  }

  /** The slot of {@code key}; fails when called from another JVM (not local mode) or after {@link #close}. */
  public static Slot get(long key) {
    Slot slot = SLOTS.get(key);
    if (slot == null) {
      throw new IllegalStateException("local exchange " + key + " is not open in this JVM: only the driver's own"
          + " threads and local mode's tasks can read it");
    }
    return slot;
  }

  public static void close(long key) {
    SLOTS.remove(key);
  }
}
