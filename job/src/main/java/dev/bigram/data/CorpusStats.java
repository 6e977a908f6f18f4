package dev.bigram.data;

/**
 * Corpus counters, counted in the same shuffle as the bigrams (as negative keys) so that they are exact even
 * when Spark retries a task, which accumulators in transformations are not.
 */
public enum CorpusStats {
  LINES,
  TOKENS,
  OOV_TOKENS,
  TRAIN_LINES,
  VALIDATION_LINES,
  TRAIN_BIGRAMS,
  VALIDATION_BIGRAMS;

  /** The shuffle key of this counter; bigram keys are {@code >= 0}. */
  public long key() {
    return -1L - ordinal();
  }

  public static CorpusStats ofKey(long key) {
    return values()[(int) (-1L - key)];
  }

  public static long[] empty() {
    return new long[values().length];
  }
}
