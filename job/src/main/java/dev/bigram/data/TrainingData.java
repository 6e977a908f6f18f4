package dev.bigram.data;

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

  public void release() {
    blocks.unpersist(false);
  }
}
