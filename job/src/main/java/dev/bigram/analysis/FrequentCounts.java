package dev.bigram.analysis;

import dev.bigram.data.RowBlock;
import dev.bigram.data.Vocabulary;
import org.apache.spark.api.java.JavaRDD;

/**
 * The distribution of {@link TopCounts}: one small {@code treeAggregate} over the cached row blocks, once per
 * run after the data pass. It reads the counts already in memory, not the corpus; each task returns at most
 * {@code maxPairs + maxContexts} records.
 */
public final class FrequentCounts {
  private FrequentCounts() {}

  public static TopCounts of(JavaRDD<RowBlock> blocks, int maxPairs, int maxContexts) {
    return blocks.treeAggregate(new TopCounts(maxPairs, maxContexts, Vocabulary.UNK_ID), TopCounts::add,
        TopCounts::merge, 2);
  }
}
