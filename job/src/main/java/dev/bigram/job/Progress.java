package dev.bigram.job;

import dev.bigram.config.TrainerConfig;
import dev.bigram.data.CountRows;
import dev.bigram.data.TrainingData;
import dev.bigram.train.EpochRecord;
import dev.bigram.train.InitialBias;
import dev.bigram.train.TrainingResult;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a cold run learned anything. A training whose best epoch is its untrained start (epoch 1), or whose
 * best monitored loss is no better than the unigram model's (the bias-only start: {@code W = 0} and the unigram
 * bias), did not train a model, whatever its exit from the loop: it is kept in staging and never published
 * (docs/operations.md, "Exit codes"). A warm start is exempt: its epoch 1 is already a trained model, and on
 * unchanged data the best epoch may well be the first.
 */
final class Progress {
  private Progress() {}

  /** Why the fit did not learn, naming the likely cause; empty when it did. */
  static Optional<String> notLearned(TrainerConfig config, TrainingData data, TrainingResult result) {
    boolean validation = data.validationBigrams() > 0;
    String what = validation ? "validation" : "training";
    EpochRecord best = result.bestRecord();
    double bestLoss = validation ? best.validationLoss() : best.trainLoss();
    String cause = String.format(Locale.ROOT, "; check train.learning-rate (%s): too high and the loss jumps"
        + " away from the start, too low and it never moves", config.learningRate());
    if (result.bestEpoch() == 1) {
      return Optional.of(String.format(Locale.ROOT, "its best epoch is epoch 1, the untrained start (%s loss"
          + " %.4f)%s", what, bestLoss, cause));
    }
    double unigram = unigramLoss(data, validation);
    if (!(bestLoss < unigram)) {
      return Optional.of(String.format(Locale.ROOT, "its best %s loss %.4f is no better than the unigram"
          + " model's %.4f%s", what, bestLoss, unigram, cause));
    }
    return Optional.empty();
  }

  /**
   * The monitored loss of the bias-only model ({@code W = 0}, {@code b} the training unigram's log shares): with
   * {@code W = 0} every row predicts {@code softmax(b)}, so the loss needs only the next words' counts, one
   * {@code V}-long array per block, never a {@code V x V} matrix.
   */
  static double unigramLoss(TrainingData data, boolean validation) {
    int v = data.vocab().size();
    float[] b = InitialBias.compute("unigram", data);
    double max = Double.NEGATIVE_INFINITY;
    for (float x : b) max = Math.max(max, x);
    double sum = 0.0;
    for (float x : b) sum += Math.exp(x - max);
    double logZ = max + Math.log(sum);
    long[] next = data.blocks().map(block -> nextCounts(validation ? block.validation() : block.train(), v))
        .reduce(Progress::add);
    double loss = 0.0;
    long n = 0;
    for (int j = 0; j < v; j++) {
      loss -= next[j] * (b[j] - logZ);
      n += next[j];
    }
    return n == 0 ? Double.NaN : loss / n;
  }

  private static long[] nextCounts(CountRows rows, int v) {
    long[] out = new long[v];
    for (int k = 0; k < rows.numPairs(); k++) out[rows.nextId(k)] += rows.pairCount(k);
    return out;
  }

  private static long[] add(long[] a, long[] b) {
    for (int j = 0; j < a.length; j++) a[j] += b[j];
    return a;
  }
}
