package dev.bigram.train;

import dev.bigram.data.TrainingData;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.CountRows;

/**
 * {@code model.init-bias = unigram}: sets {@code b} to the best bias-only model before the first epoch,
 * {@code b_j = log((c_j + 1) / (N + V))}, where {@code c_j} counts the training bigrams whose next word is
 * {@code j} (add-one smoothed, so a word never seen as a next word starts finite). With {@code W} near zero
 * every context then starts at the unigram distribution: the first loss is the unigram entropy instead of
 * {@code log V}, and what is left to learn is how each context differs from it. The validation split plays
 * no part.
 */
public final class InitialBias {
  static final String ZERO = "zero";
  static final String UNIGRAM = "unigram";

  private InitialBias() {}

  /** Applies {@code mode} to {@code model}'s bias (nothing for {@code zero} or a model without a bias). */
  public static void apply(String mode, BigramModel model, TrainingData data) {
    if (!UNIGRAM.equals(mode) || model.bias() == null) return;
    int v = model.numClasses();
    long[] counts = data.blocks().map(b -> nextWordCounts(b.train(), v)).reduce(InitialBias::sum);
    setUnigram(model.bias(), counts);
  }

  /** {@code b_j = log((c_j + 1) / (N + V))}. */
  static void setUnigram(float[] bias, long[] nextWordCounts) {
    long n = 0;
    for (long c : nextWordCounts) n += c;
    double denominator = (double) n + nextWordCounts.length;
    for (int j = 0; j < bias.length; j++) bias[j] = (float) Math.log((nextWordCounts[j] + 1) / denominator);
  }

  static long[] nextWordCounts(CountRows rows, int v) {
    long[] counts = new long[v];
    for (int r = 0; r < rows.numRows(); r++) {
      for (int k = rows.pairStart(r); k < rows.pairEnd(r); k++) counts[rows.nextId(k)] += rows.pairCount(k);
    }
    return counts;
  }

  private static long[] sum(long[] a, long[] b) {
    long[] out = a.clone();
    for (int i = 0; i < out.length; i++) out[i] += b[i];
    return out;
  }
}
