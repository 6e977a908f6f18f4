package dev.bigram.data;

/**
 * Corpus counters, counted in the same shuffle as the bigrams (with block 0's {@link BlockCounts}, or as negative
 * keys where counts travel as pairs) so that they are exact even when Spark retries a task, which accumulators
 * in transformations are not.
 */
public enum CorpusStats {
  LINES,
  TOKENS,
  OOV_TOKENS,
  TRAIN_LINES,
  VALIDATION_LINES,
  TRAIN_BIGRAMS,
  VALIDATION_BIGRAMS,
  // ---- damage found while reading (see TextRepair, BoundedLineReader, CorpusInputFormat, Tokenizer)
  /** Bytes that were not valid UTF-8; each run of them became one U+FFFD. */
  INVALID_BYTES,
  /** NUL and other control characters, each replaced by a space. */
  CONTROL_CHARS,
  /** Lines longer than tokenizer.max-line-length, cut to it. */
  TRUNCATED_LINES,
  /** Bytes dropped from those lines. */
  TRUNCATED_BYTES,
  /** Tokens longer than tokenizer.max-token-length, dropped. */
  LONG_TOKENS,
  /** Files skipped because they look binary (input.binary-threshold). */
  BINARY_FILES;

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

  /** The share of the tokens of {@code stats} that were outside the vocabulary; 0 without tokens. */
  public static double oovRate(long[] stats) {
    long tokens = stats[TOKENS.ordinal()];
    return tokens == 0 ? 0.0 : (double) stats[OOV_TOKENS.ordinal()] / tokens;
  }
}
