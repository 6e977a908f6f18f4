package dev.bigram.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bigram.analysis.TopCounts.ContextCount;
import dev.bigram.analysis.TopCounts.PairCount;
import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlockBuilder;
import dev.bigram.data.RowBlocks;
import dev.bigram.data.Vocabulary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** The top pairs and contexts from row blocks, against a plain sort of every count, whatever the partitioning. */
class TopCountsTest {
  static final int V = 40;
  static final long SEED = 20240511L;

  /** Random training and validation counts, with many ties (counts 1..6). */
  static Map<Long, Long> randomCounts(long seed) {
    Random random = new Random(seed);
    Map<Long, Long> counts = new HashMap<>();
    for (int k = 0; k < 500; k++) {
      long key = RowBlocks.key(random.nextInt(V), random.nextInt(V), random.nextInt(5) == 0, V);
      counts.merge(key, 1L + random.nextInt(6), Long::sum);
    }
    return counts;
  }

  static List<RowBlock> blocks(Map<Long, Long> counts, int numBlocks) {
    RowBlocks partitioner = new RowBlocks(V, numBlocks);
    List<List<Tuple2<Long, Long>>> parts = new ArrayList<>();
    for (int p = 0; p < numBlocks; p++) parts.add(new ArrayList<>());
    counts.forEach((k, c) -> parts.get(partitioner.getPartition(k)).add(new Tuple2<>(k, c)));
    List<RowBlock> out = new ArrayList<>();
    for (int p = 0; p < numBlocks; p++) out.add(RowBlockBuilder.toBlock(p, parts.get(p).iterator(), partitioner));
    return out;
  }

  static TopCounts aggregate(List<RowBlock> blocks, int pairs, int contexts) {
    // Two partial aggregators merged, as treeAggregate would.
    TopCounts a = new TopCounts(pairs, contexts, Vocabulary.UNK_ID);
    TopCounts b = new TopCounts(pairs, contexts, Vocabulary.UNK_ID);
    for (int i = 0; i < blocks.size(); i++) (i % 2 == 0 ? a : b).add(blocks.get(i));
    return b.merge(a);
  }

  @Test
  void theTopPairsAndContextsAreThoseOfAPlainSortAndIgnoreValidationAndUnk() {
    Map<Long, Long> counts = randomCounts(SEED);
    List<PairCount> allPairs = new ArrayList<>();
    Map<Integer, Long> totals = new HashMap<>();
    counts.forEach((key, c) -> {
      int prev = RowBlocks.prevOf(key, V);
      int next = RowBlocks.nextOf(key, V);
      if (RowBlocks.isValidation(key) || prev == Vocabulary.UNK_ID) return;
      totals.merge(prev, c, Long::sum);
      if (next != Vocabulary.UNK_ID) allPairs.add(new PairCount(prev, next, c));
    });
    allPairs.sort(TopCounts.PAIR_ORDER);
    List<ContextCount> allContexts = new ArrayList<>();
    totals.forEach((id, n) -> allContexts.add(new ContextCount(id, n)));
    allContexts.sort(TopCounts.CONTEXT_ORDER);

    for (int numBlocks : new int[] {1, 3, 7}) {
      TopCounts top = aggregate(blocks(counts, numBlocks), 12, 5);
      assertEquals(allPairs.subList(0, 12), top.pairs(), numBlocks + " blocks");
      assertEquals(allContexts.subList(0, 5), top.contexts(), numBlocks + " blocks");
    }
  }

  @Test
  void tiesAreBrokenByIdsSoTheOrderOfBlocksDoesNotMatter() {
    List<RowBlock> blocks = blocks(randomCounts(SEED + 1), 5);
    TopCounts forward = aggregate(blocks, 20, 8);
    List<RowBlock> reversed = new ArrayList<>(blocks);
    Collections.reverse(reversed);
    TopCounts backward = aggregate(reversed, 20, 8);
    assertEquals(forward.pairs(), backward.pairs());
    assertEquals(forward.contexts(), backward.contexts());
    List<PairCount> sorted = new ArrayList<>(forward.pairs());
    sorted.sort(Comparator.comparingLong(PairCount::count).reversed().thenComparingInt(PairCount::prev)
        .thenComparingInt(PairCount::next));
    assertEquals(sorted, forward.pairs());
  }

  @Test
  void zeroMeansNone() {
    TopCounts none = aggregate(blocks(randomCounts(SEED), 2), 0, 0);
    assertEquals(List.of(), none.pairs());
    assertEquals(List.of(), none.contexts());
  }
}
