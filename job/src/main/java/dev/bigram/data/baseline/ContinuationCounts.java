package dev.bigram.data.baseline;

import dev.bigram.data.CountRows;
import dev.bigram.data.RowBlock;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;

/**
 * Kneser-Ney's lower-order statistics of the training bigrams: for every word {@code w}, the number of
 * distinct words it follows, {@code N1+(. w)}; their sum {@code N1+(. .)} (the number of distinct training
 * bigrams); and how many words have a non-zero count. Summed over the row blocks in one small job.
 */
public record ContinuationCounts(int[] precedingTypes, long distinctBigrams, int continuedWords)
    implements Serializable {

  /** Counts of one block's training rows. */
  static ContinuationCounts of(CountRows train, int numClasses) {
    int[] n = new int[numClasses];
    for (int k = 0; k < train.numPairs(); k++) n[train.nextId(k)]++;
    return finish(n, train.numPairs());
  }

  private static ContinuationCounts finish(int[] n, long distinct) {
    int continued = 0;
    for (int x : n) if (x > 0) continued++;
    return new ContinuationCounts(n, distinct, continued);
  }

  ContinuationCounts merge(ContinuationCounts o) {
    int[] n = precedingTypes.clone();
    for (int j = 0; j < n.length; j++) n[j] += o.precedingTypes[j];
    return finish(n, distinctBigrams + o.distinctBigrams);
  }

  public static ContinuationCounts of(JavaRDD<RowBlock> blocks, int numClasses) {
    return blocks.map(b -> of(b.train(), numClasses)).reduce(ContinuationCounts::merge);
  }

  /**
   * The continuation distribution, itself discounted by {@code d} and interpolated with the uniform one, so
   * that every word of the vocabulary keeps a non-zero probability:
   * {@code max(N1+(. w) - d, 0) / N1+(. .) + d * continuedWords / N1+(. .) / V}. Computed word by word, so that
   * a large vocabulary ships {@code V} ints rather than a table of {@code V} doubles per discount.
   */
  double probability(int word, double d) {
    int v = precedingTypes.length;
    if (distinctBigrams == 0) return 1.0 / v;
    double uniform = d * continuedWords / distinctBigrams / v;
    return Math.max(precedingTypes[word] - d, 0.0) / distinctBigrams + uniform;
  }
}
