package dev.bigram.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import scala.Tuple2;

/** Builds a cached {@link RowBlock} from the summed {@code (key, count)} pairs of its partition. */
public final class RowBlockBuilder {
  private RowBlockBuilder() {}

  /** Builds block {@code index} from its {@code (key, count)} pairs, in any order, keys as in {@link RowBlocks}. */
  public static RowBlock toBlock(int index, Iterator<Tuple2<Long, Long>> it, RowBlocks partitioner) {
    long[] stats = CorpusStats.empty();
    LongCountMap pairs = new LongCountMap(1 << 12);
    while (it.hasNext()) {
      Tuple2<Long, Long> kv = it.next();
      long key = kv._1();
      if (key < 0) {
        stats[CorpusStats.ofKey(key).ordinal()] += kv._2();
      } else {
        pairs.add(key, kv._2());
      }
    }
    return toBlock(index, pairs, stats, partitioner);
  }

  /** Builds block {@code index} from its summed bigram counts and corpus counters. */
  public static RowBlock toBlock(int index, LongCountMap pairs, long[] stats, RowBlocks partitioner) {
    int v = partitioner.numClasses();
    long[] keys = new long[pairs.size()];
    int[] fill = {0};
    pairs.forEach((key, value) -> keys[fill[0]++] = key);
    Arrays.sort(keys);
    CsrBuilder train = new CsrBuilder(keys.length);
    CsrBuilder validation = new CsrBuilder(keys.length);
    for (long key : keys) {
      CsrBuilder b = RowBlocks.isValidation(key) ? validation : train;
      b.add(RowBlocks.prevOf(key, v), RowBlocks.nextOf(key, v), pairs.get(key));
    }
    return new RowBlock(index, partitioner.firstRow(index), partitioner.endRow(index), train.build(),
        validation.build(), stats);
  }

  /** Builds a {@link CountRows} from {@code (row, next, count)} triples added in sorted order. */
  private static final class CsrBuilder {
    private final int[] next;
    private final long[] count;
    private int size;
    private final List<Integer> rows = new ArrayList<>();
    private final List<Integer> starts = new ArrayList<>();

    CsrBuilder(int capacity) {
      next = new int[capacity];
      count = new long[capacity];
    }

    void add(int row, int nextId, long c) {
      if (rows.isEmpty() || rows.get(rows.size() - 1) != row) {
        rows.add(row);
        starts.add(size);
      }
      next[size] = nextId;
      count[size] = c;
      size++;
    }

    CountRows build() {
      int[] r = rows.stream().mapToInt(Integer::intValue).toArray();
      int[] s = new int[r.length + 1];
      for (int i = 0; i < r.length; i++) s[i] = starts.get(i);
      s[r.length] = size;
      return new CountRows(r, s, Arrays.copyOf(next, size), Arrays.copyOf(count, size));
    }
  }
}
