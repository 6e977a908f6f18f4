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
    long tokens = stat(CorpusStats.TOKENS);
    return tokens == 0 ? 0.0 : (double) stat(CorpusStats.OOV_TOKENS) / tokens;
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
   * The distinct training pairs, the entries of the sparse model: gathered from the cached blocks in one job
   * (8 bytes per pair reach the driver, once per run).
   */
  public SparsePairs trainingPairs() {
    int v = vocab.size();
    java.util.List<int[][]> parts = blocks.map(TrainingData::pairsOf).collect();
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

  /** A block's training rows, their starts and next ids. */
  private static int[][] pairsOf(RowBlock block) {
    CountRows train = block.train();
    int[] rows = new int[train.numRows()];
    int[] start = new int[train.numRows() + 1];
    int[] next = new int[train.numPairs()];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = train.row(r);
      start[r + 1] = train.pairEnd(r);
    }
    for (int k = 0; k < next.length; k++) next[k] = train.nextId(k);
    return new int[][] {rows, start, next};
  }

  public void release() {
    blocks.unpersist(false);
  }
}
