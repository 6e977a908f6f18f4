package dev.bigram.data.baseline;

import dev.bigram.data.CorpusStats;
import dev.bigram.data.CountRows;
import dev.bigram.data.LongCountMap;
import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlockBuilder;
import dev.bigram.data.RowBlocks;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Row blocks for scoring a count-based baseline on new text: the training side holds a run's training counts
 * (its {@code counts/} table), the validation side the counts of the text to score, both partitioned by the
 * row block of the previous word, as the data pass does. One shuffle.
 */
public final class HeldOutBlocks {
  private HeldOutBlocks() {}

  /**
   * @param trainCounts rows {@code (prev int, next int, count long)}
   * @param scored blocks whose training side holds the counts to score
   */
  public static JavaRDD<RowBlock> build(JavaRDD<Row> trainCounts, JavaRDD<RowBlock> scored, int numClasses,
      int numBlocks) {
    RowBlocks partitioner = new RowBlocks(numClasses, numBlocks);
    JavaPairRDD<Long, Long> train = trainCounts.mapToPair(r ->
        new Tuple2<>(RowBlocks.key(r.getInt(0), r.getInt(1), false, numClasses), r.getLong(2)));
    JavaPairRDD<Long, Long> held = scored.flatMapToPair(b -> pairs(b.train(), numClasses).iterator());
    return train.union(held)
        .reduceByKey(partitioner, Long::sum)
        .mapPartitionsWithIndex((index, it) -> List.of(RowBlockBuilder.toBlock(index, it, partitioner)).iterator(), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** The pairs of {@code rows} as held-out (validation) keys. */
  static List<Tuple2<Long, Long>> pairs(CountRows rows, int numClasses) {
    List<Tuple2<Long, Long>> out = new ArrayList<>(rows.numPairs());
    forEachHeldOutKey(rows, numClasses, (key, count) -> out.add(new Tuple2<>(key, count)));
    return out;
  }

  /** Each pair of {@code rows} as a held-out (validation) key with its count. */
  private static void forEachHeldOutKey(CountRows rows, int numClasses, KeySink sink) {
    for (int r = 0; r < rows.numRows(); r++) {
      for (int k = rows.pairStart(r); k < rows.pairEnd(r); k++) {
        sink.accept(RowBlocks.key(rows.row(r), rows.nextId(k), true, numClasses), rows.pairCount(k));
      }
    }
  }

  @FunctionalInterface
  private interface KeySink {
    void accept(long key, long count);
  }

  /** Training counts read in this JVM: calls the sink once per distinct pair. */
  @FunctionalInterface
  public interface TrainCounts {
    void forEach(CountSink sink);
  }

  /** One training pair {@code (prev, next)} and its count. */
  @FunctionalInterface
  public interface CountSink {
    void accept(int prev, int next, long count);
  }

  /**
   * What {@link #build} makes, as one block over all {@code V} rows built in this JVM: the training side holds
   * {@code trainCounts}, the validation side the training side of {@code scored} (a block over all rows, as
   * {@code LocalBigrams} counts one).
   */
  public static RowBlock joint(TrainCounts trainCounts, RowBlock scored, int numClasses) {
    LongCountMap pairs = new LongCountMap(1 << 12);
    trainCounts.forEach((prev, next, count) -> pairs.add(RowBlocks.key(prev, next, false, numClasses), count));
    forEachHeldOutKey(scored.train(), numClasses, pairs::add);
    return RowBlockBuilder.toBlock(0, pairs, CorpusStats.empty(), new RowBlocks(numClasses, 1));
  }

  /** One held-out pair with what the training counts of its block say about it. */
  @FunctionalInterface
  interface PairVisitor {
    /**
     * @param seen whether the previous word occurs in training
     * @param total its training occurrences {@code n[prev]} (0 when unseen)
     * @param types the distinct next words it has in training (0 when unseen)
     * @param next the held-out next word
     * @param trainCount the training count of the pair (0 when unseen)
     * @param heldCount the held-out count of the pair
     */
    void visit(boolean seen, double total, int types, int next, long trainCount, long heldCount);
  }

  /**
   * One held-out pair as {@link PairVisitor} sees it, with the distinct next words of its previous word split by
   * their training count, as modified Kneser-Ney needs them: {@code once + twice + more} is {@code types}.
   */
  @FunctionalInterface
  interface CountClassVisitor {
    /**
     * @param once {@code N1(v .)}: the next words that follow the previous word exactly once in training
     * @param twice {@code N2(v .)}: exactly twice
     * @param more {@code N3+(v .)}: three times or more
     * @see PairVisitor#visit
     */
    void visit(boolean seen, double total, int once, int twice, int more, int next, long trainCount,
        long heldCount);
  }

  /**
   * Walks every held-out (validation) pair of {@code block} beside its training counts: one merge of the two
   * sorted sides, the join that every count-based baseline scores with.
   */
  static void join(RowBlock block, PairVisitor visitor) {
    joinByCountClass(block, (seen, total, once, twice, more, next, c, weight) ->
        visitor.visit(seen, total, once + twice + more, next, c, weight));
  }

  /** {@link #join(RowBlock, PairVisitor)} with the continuations of each previous word split by count. */
  static void joinByCountClass(RowBlock block, CountClassVisitor visitor) {
    CountRows train = block.train();
    CountRows held = block.validation();
    int t = 0;
    for (int r = 0; r < held.numRows(); r++) {
      int row = held.row(r);
      while (t < train.numRows() && train.row(t) < row) t++;
      boolean seen = t < train.numRows() && train.row(t) == row;
      double total = seen ? train.rowTotal(t) : 0;
      int once = 0;
      int twice = 0;
      int more = 0;
      if (seen) {
        for (int k = train.pairStart(t); k < train.pairEnd(t); k++) {
          long n = train.pairCount(k);
          if (n == 1) once++;
          else if (n == 2) twice++;
          else if (n >= 3) more++;
        }
      }
      int cursor = seen ? train.pairStart(t) : 0;
      for (int q = held.pairStart(r); q < held.pairEnd(r); q++) {
        int next = held.nextId(q);
        long c = 0;
        if (seen) {
          while (cursor < train.pairEnd(t) && train.nextId(cursor) < next) cursor++;
          if (cursor < train.pairEnd(t) && train.nextId(cursor) == next) c = train.pairCount(cursor);
        }
        visitor.visit(seen, total, once, twice, more, next, c, held.pairCount(q));
      }
    }
  }
}
