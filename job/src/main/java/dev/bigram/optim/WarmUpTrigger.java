package dev.bigram.optim;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts work done the slow way and says, once, when it has reached the threshold: the moment to start paying
 * for the fast way (see {@link VectorSupport}). Thread-safe: tasks of one executor report concurrently.
 */
final class WarmUpTrigger {
  private final long thresholdNanos;
  private final AtomicLong done = new AtomicLong();

  WarmUpTrigger(long thresholdNanos) {
    this.thresholdNanos = thresholdNanos;
  }

  /** Adds {@code nanos} of work; true for exactly the call that reaches the threshold, false before and after. */
  boolean add(long nanos) {
    long before = done.getAndAdd(nanos);
    return before < thresholdNanos && before + nanos >= thresholdNanos;
  }

  /** Whether the threshold was reached (a threshold of 0 is reached from the start). */
  boolean reached() {
    return done.get() >= thresholdNanos;
  }
}
