package dev.bigram.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import scala.Tuple2;

/**
 * One partition's bigram counts, keyed as in {@link RowBlocks}, and its corpus counters: lines are fed as
 * {@link #startLine}, {@link #token} per vocabulary id, {@link #endLine}.
 */
final class PairCounter {
  final long[] stats = CorpusStats.empty();
  private final LongCountMap counts = new LongCountMap(1 << 16);
  private final Vocabulary vocab;
  private final int v;
  private final boolean markers;
  private int[] ids = new int[64];
  private int n;

  PairCounter(Vocabulary vocab) {
    this.vocab = vocab;
    this.v = vocab.size();
    this.markers = vocab.sentenceMarkers();
  }

  void addStats(long[] more) {
    for (int s = 0; s < more.length; s++) stats[s] += more[s];
  }

  void startLine() {
    n = 0;
    if (markers) push(vocab.bosId());
  }

  void token(int id) {
    stats[CorpusStats.TOKENS.ordinal()]++;
    if (id == Vocabulary.UNK_ID) stats[CorpusStats.OOV_TOKENS.ordinal()]++;
    push(id);
  }

  /** Ends a line; a line without tokens is no sentence and counts in neither split. */
  void endLine(boolean validation) {
    int words = markers ? n - 1 : n;
    if (words == 0) return;
    if (markers) push(vocab.eosId());
    stats[(validation ? CorpusStats.VALIDATION_LINES : CorpusStats.TRAIN_LINES).ordinal()]++;
    stats[(validation ? CorpusStats.VALIDATION_BIGRAMS : CorpusStats.TRAIN_BIGRAMS).ordinal()] += n - 1;
    for (int k = 1; k < n; k++) {
      counts.add(RowBlocks.key(ids[k - 1], ids[k], validation, v), 1L);
    }
  }

  private void push(int id) {
    if (n == ids.length) ids = Arrays.copyOf(ids, n * 2);
    ids[n++] = id;
  }

  /** All the counts as one block of {@code one}'s single row block (rows {@code [0, V)}). */
  RowBlock toBlock(RowBlocks one) {
    return RowBlockBuilder.toBlock(0, counts, stats, one);
  }

  /** The counts split by row block, one record per block that has any; the counters go to block 0. */
  Iterator<Tuple2<Integer, BlockCounts>> byBlock(RowBlocks blocks) {
    int numBlocks = blocks.numPartitions();
    int[] sizes = new int[numBlocks];
    counts.forEach((key, value) -> sizes[blocks.getPartition(key)]++);
    long[][] keys = new long[numBlocks][];
    long[][] values = new long[numBlocks][];
    for (int b = 0; b < numBlocks; b++) {
      keys[b] = new long[sizes[b]];
      values[b] = new long[sizes[b]];
    }
    int[] fill = new int[numBlocks];
    counts.forEach((key, value) -> {
      int b = blocks.getPartition(key);
      keys[b][fill[b]] = key;
      values[b][fill[b]++] = value;
    });
    List<Tuple2<Integer, BlockCounts>> out = new ArrayList<>(numBlocks);
    for (int b = 0; b < numBlocks; b++) {
      if (b == 0 || sizes[b] > 0) {
        out.add(new Tuple2<>(b, new BlockCounts(keys[b], values[b], b == 0 ? stats : null)));
      }
    }
    return out.iterator();
  }
}
