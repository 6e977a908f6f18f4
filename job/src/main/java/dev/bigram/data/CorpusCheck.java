package dev.bigram.data;

import java.util.List;

/**
 * Refuses, with one line that says why, a corpus that was read but holds nothing to learn from or to evaluate
 * on: every line empty or every file skipped, no token at all (punctuation only), or no pair of tokens on a
 * line (one word per line).
 */
public final class CorpusCheck {
  private CorpusCheck() {}

  /** For {@code train}: at least one training bigram. */
  public static void requireTrainingBigrams(TrainingData data, List<String> paths) {
    requireTokens(data.stats(), paths);
    if (data.trainBigrams() == 0) {
      if (data.validationBigrams() > 0) {
        throw new InputException("input " + String.join(",", paths) + " has " + data.validationBigrams()
            + " bigrams, all held out for validation: lower train.validation-fraction or add text");
      }
      throw new InputException("input " + String.join(",", paths) + " has no training bigram (no line with two"
          + " tokens): pass a corpus of sentences, one per line");
    }
  }

  /** For {@code evaluate}: at least one bigram. */
  public static void requireBigrams(TrainingData data, List<String> paths) {
    requireBigrams(data.stats(), paths);
  }

  /** For {@code evaluate}: at least one bigram, from the corpus counters ({@link CorpusStats}) of a count. */
  public static void requireBigrams(long[] stats, List<String> paths) {
    requireTokens(stats, paths);
    if (stats[CorpusStats.TRAIN_BIGRAMS.ordinal()] + stats[CorpusStats.VALIDATION_BIGRAMS.ordinal()] == 0) {
      throw new InputException("input " + String.join(",", paths) + " has no bigram to evaluate on (no line with"
          + " two tokens): pass sentences, one per line");
    }
  }

  private static void requireTokens(long[] stats, List<String> paths) {
    String input = "input " + String.join(",", paths);
    long binary = stats[CorpusStats.BINARY_FILES.ordinal()];
    long lines = stats[CorpusStats.LINES.ordinal()];
    if (lines == 0) {
      throw new InputException(input + (binary > 0
          ? " has no text: its " + binary + " non-empty file" + (binary == 1 ? " was" : "s were") + " skipped as"
              + " binary; pass UTF-8 text, or raise input.binary-threshold"
          : " has no line of text: pass a corpus of sentences, one per line"));
    }
    if (stats[CorpusStats.TOKENS.ordinal()] == 0) {
      throw new InputException(input + " has " + lines + " lines but no token"
          + " (punctuation or blanks only, for tokenizer.pattern): pass text with words");
    }
  }
}
