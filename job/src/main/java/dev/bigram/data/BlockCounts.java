package dev.bigram.data;

import java.io.Serializable;

/**
 * What one map task of the data pass sends to one row block: its distinct bigram keys for that block (as in
 * {@link RowBlocks}) with their counts, in two primitive arrays, and, to block 0 only, the task's corpus
 * counters. One record per (task, block) instead of one per distinct bigram: the shuffle moves a few large
 * arrays, which Java serialization writes in bulk, rather than hundreds of thousands of boxed pairs.
 */
record BlockCounts(long[] keys, long[] counts, long[] stats) implements Serializable {

  /** Adds these counts to {@code pairs} and the counters to {@code totals}. */
  void addTo(LongCountMap pairs, long[] totals) {
    for (int i = 0; i < keys.length; i++) pairs.add(keys[i], counts[i]);
    if (stats != null) {
      for (int s = 0; s < stats.length; s++) totals[s] += stats[s];
    }
  }
}
