package dev.bigram.data;

import dev.bigram.model.SparsePairs;
import org.apache.spark.api.java.JavaRDD;

/**
 * The result of the data pass: the vocabulary, the cached row blocks (training and validation counts by row
 * block) and the corpus statistics. {@link #release()} unpersists the blocks.
 */
public record TrainingData(Vocabulary vocab, JavaRDD<RowBlock> blocks, RowBlocks partitioner, long[] stats,
    long distinctTrainBigrams, long distinctValidationBigrams, double sumLogConditional, double seconds) {

  public long stat(CorpusStats s) {
    return stats[s.ordinal()];
  }

  public long trainBigrams() {
    return stat(CorpusStats.TRAIN_BIGRAMS);
  }

  public long validationBigrams() {
    return stat(CorpusStats.VALIDATION_BIGRAMS);
  }

  public double oovRate() {
    return CorpusStats.oovRate(stats);
  }

  /**
   * The empirical conditional entropy {@code H = -(1/N) sum c log(c/n)} of the training bigrams: the lowest
   * training loss any model can reach without regularization.
   */
  public double trainLossFloor() {
    long n = trainBigrams();
    return n == 0 ? Double.NaN : -sumLogConditional / n;
  }

  TrainingData withSeconds(double s) {
    return new TrainingData(vocab, blocks, partitioner, stats, distinctTrainBigrams, distinctValidationBigrams,
        sumLogConditional, s);
  }

  /**
   * The distinct training pairs seen at least {@code minCount} times, the entries of the sparse model: gathered
   * from the cached blocks in one job (8 bytes per pair reach the driver, once per run).
   */
  public SparsePairs trainingPairs(long minCount) {
    int v = vocab.size();
    java.util.List<int[][]> parts = blocks.map(b -> pairsOf(b, minCount)).collect();
    int[] rowStart = new int[v + 1];
    long total = 0;
    for (int[][] part : parts) {
      int[] rows = part[0];
      int[] start = part[1];
      for (int r = 0; r < rows.length; r++) rowStart[rows[r] + 1] = start[r + 1] - start[r];
      total += part[2].length;
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(total + " distinct training pairs do not fit one Java array");
    }
    for (int i = 0; i < v; i++) rowStart[i + 1] += rowStart[i];
    int[] columns = new int[(int) total];
    for (int[][] part : parts) {
      int[] rows = part[0];
      int[] start = part[1];
      for (int r = 0; r < rows.length; r++) {
        System.arraycopy(part[2], start[r], columns, rowStart[rows[r]], start[r + 1] - start[r]);
      }
    }
    return new SparsePairs(v, rowStart, columns);
  }

  /** A block's training rows, the starts of their kept pairs and those pairs' next ids. */
  private static int[][] pairsOf(RowBlock block, long minCount) {
    CountRows train = block.train();
    int[] rows = new int[train.numRows()];
    int[] start = new int[train.numRows() + 1];
    int[] next = new int[train.numPairs()];
    int kept = 0;
    for (int r = 0; r < rows.length; r++) {
      rows[r] = train.row(r);
      for (int k = train.pairStart(r); k < train.pairEnd(r); k++) {
        if (train.pairCount(k) >= minCount) next[kept++] = train.nextId(k);
      }
      start[r + 1] = kept;
    }
    return new int[][] {rows, start, java.util.Arrays.copyOf(next, kept)};
  }

  public void release() {
    blocks.unpersist(false);
  }
}
