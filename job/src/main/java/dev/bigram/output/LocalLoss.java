package dev.bigram.output;

import dev.bigram.data.CorpusStats;
import dev.bigram.data.CountRows;
import dev.bigram.data.InputException;
import dev.bigram.data.RowBlock;
import dev.bigram.loss.BigramLossAggregator;
import dev.bigram.loss.Kernel;
import dev.bigram.loss.WeightRows;
import java.util.Arrays;

/**
 * The loss of a published run's model on counts held in this JVM, without Spark: the model's rows are streamed
 * from its files ({@link PublishedRun#forEachRow}), never held whole, and evaluated by the same
 * {@link BigramLossAggregator} (and {@link Kernel#FAST} row math) as {@code DistributedLoss} evaluates a block of
 * the whole model with. The rows that have counts are gathered into batches of about {@link #BATCH_WEIGHTS}
 * weights; each batch is evaluated as a block of its own whose rows are numbered by their place in the batch
 * (a row's number only locates its weights, and the loss of a row does not depend on it).
 *
 * <p>Every row is checked as {@link ModelReader} checks it when it reads the whole model with Spark, with the
 * same messages: an id outside {@code [0, V)} or read twice, a dense row without {@code V} weights, a sparse
 * row whose next ids are not increasing ids of the vocabulary, or a row missing.
 */
public final class LocalLoss {
  /** Weights gathered before a batch is evaluated: 16 MB of floats (and as many next ids, sparse). */
  static final int BATCH_WEIGHTS = 1 << 22;

  private LocalLoss() {}

  /**
   * One aggregator per block, each holding the loss of the model on the training side of that block.
   *
   * @param blocks blocks over all {@code V} rows, as {@code LocalBigrams} counts them (no validation side)
   */
  public static BigramLossAggregator[] evaluate(PublishedRun run, RowBlock... blocks) {
    return evaluate(run, BATCH_WEIGHTS, blocks);
  }

  /** As {@link #evaluate(PublishedRun, RowBlock...)}, evaluating a batch once it holds {@code batchWeights}. */
  static BigramLossAggregator[] evaluate(PublishedRun run, int batchWeights, RowBlock... blocks) {
    int v = run.vocabulary().size();
    float[] bias = run.bias();
    Batch batch = new Batch(v, bias, batchWeights, blocks);
    boolean[] seen = new boolean[v];
    int[] rows = {0};
    run.forEachRow((id, weights, next, n) -> {
      if (seen[id]) throw new InputException("model of " + run.dir() + " is corrupt at row " + id);
      seen[id] = true;
      rows[0]++;
      if (next != null) {
        String wrong = ModelReader.nextIdsError(next, n, v);
        if (wrong != null) {
          throw new InputException("model of " + run.dir() + " is corrupt at row " + id + ": " + wrong);
        }
      }
      batch.row(id, weights, next, n);
    });
    batch.flush();
    ModelReader.requireAllRows(rows[0], v, run.dir());
    return batch.aggregators;
  }

  /** The rows gathered so far, and what they are evaluated into. */
  private static final class Batch {
    final int v;
    final float[] bias;
    final RowBlock[] blocks;
    final int batchWeights;
    /** Per block: the index among its training rows of each row id, or -1. */
    final int[][] index;
    final BigramLossAggregator[] aggregators;
    /** The model ids of the rows of the batch, in the order they came. */
    int[] ids = new int[64];
    /** Where each row's weights start; one past the last row, where they end. */
    int[] starts = new int[65];
    float[] weights = new float[1024];
    /** Sparse: the next id of each weight; null: dense. */
    int[] next;
    int size;
    Boolean sparse;

    Batch(int v, float[] bias, int batchWeights, RowBlock[] blocks) {
      this.v = v;
      this.bias = bias;
      this.batchWeights = batchWeights;
      this.blocks = blocks;
      this.index = new int[blocks.length][];
      this.aggregators = new BigramLossAggregator[blocks.length];
      for (int b = 0; b < blocks.length; b++) {
        if (blocks[b].validation().numPairs() > 0 || blocks[b].firstRow() != 0 || blocks[b].endRow() != v) {
          throw new IllegalArgumentException("a block over all " + v + " rows with training counts only");
        }
        CountRows train = blocks[b].train();
        index[b] = new int[v];
        Arrays.fill(index[b], -1);
        for (int r = 0; r < train.numRows(); r++) index[b][train.row(r)] = r;
        aggregators[b] = new BigramLossAggregator(v, false, Kernel.FAST);
      }
    }

    void row(int id, float[] w, int[] nextIds, int n) {
      boolean counted = false;
      for (int[] ix : index) counted |= ix[id] >= 0;
      if (!counted) return;
      if (sparse == null) sparse = nextIds != null;
      int end = starts[size] + n;
      if (size + 1 == ids.length) {
        ids = Arrays.copyOf(ids, ids.length * 2);
        starts = Arrays.copyOf(starts, starts.length * 2);
      }
      if (end > weights.length) weights = Arrays.copyOf(weights, Math.max(end, weights.length * 2));
      System.arraycopy(w, 0, weights, starts[size], n);
      if (sparse) {
        if (next == null || end > next.length) next = Arrays.copyOf(next == null ? new int[0] : next, weights.length);
        System.arraycopy(nextIds, 0, next, starts[size], n);
      }
      ids[size++] = id;
      starts[size] = end;
      if (end >= batchWeights) flush();
    }

    /** Evaluates the batch, each block's rows of it numbered by their place in the batch, and empties it. */
    void flush() {
      if (size == 0) return;
      WeightRows rows = sparse ? WeightRows.sparseRows(v, Arrays.copyOf(starts, size + 1), next, weights, bias)
          : WeightRows.view(weights, bias, v, 0, size);
      for (int b = 0; b < blocks.length; b++) {
        CountRows counts = countsOf(blocks[b].train(), index[b]);
        aggregators[b].add(new RowBlock(0, 0, size, counts, CountRows.EMPTY, CorpusStats.empty()), rows);
      }
      size = 0;
    }

    /** The counts of the batch's rows that {@code train} has, row {@code p} being the batch's {@code p}-th row. */
    private CountRows countsOf(CountRows train, int[] ix) {
      int rowCount = 0;
      int pairCount = 0;
      for (int p = 0; p < size; p++) {
        int r = ix[ids[p]];
        if (r < 0) continue;
        rowCount++;
        pairCount += train.pairEnd(r) - train.pairStart(r);
      }
      int[] rows = new int[rowCount];
      int[] start = new int[rowCount + 1];
      int[] nextIds = new int[pairCount];
      long[] count = new long[pairCount];
      int at = 0;
      int k = 0;
      for (int p = 0; p < size; p++) {
        int r = ix[ids[p]];
        if (r < 0) continue;
        rows[at] = p;
        start[at++] = k;
        for (int q = train.pairStart(r); q < train.pairEnd(r); q++) {
          nextIds[k] = train.nextId(q);
          count[k++] = train.pairCount(q);
        }
      }
      start[rowCount] = k;
      return new CountRows(rows, start, nextIds, count);
    }
  }
}
