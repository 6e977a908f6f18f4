package dev.bigram.train;

import dev.bigram.data.CountRows;
import dev.bigram.data.TrainingData;
import dev.bigram.model.BigramModel;

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

  /**
   * The starting bias for {@code mode}: {@code null} for {@code zero} (keep the model's), else the unigram bias,
   * from one small job over the cached row blocks.
   */
  public static float[] compute(String mode, TrainingData data) {
    if (!UNIGRAM.equals(mode)) return null;
    int v = data.vocab().size();
    long[] counts = data.blocks().map(b -> nextWordCounts(b.train(), v)).reduce(InitialBias::sum);
    float[] bias = new float[v];
    setUnigram(bias, counts);
    return bias;
  }

  /** Copies {@code bias} (from {@link #compute}) into {@code model}; nothing when either has none. */
  public static void apply(float[] bias, BigramModel model) {
    if (bias != null && model.bias() != null) System.arraycopy(bias, 0, model.bias(), 0, bias.length);
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
