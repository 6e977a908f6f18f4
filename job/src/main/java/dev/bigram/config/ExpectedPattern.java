package dev.bigram.config;

import java.io.Serializable;

/**
 * One entry of {@code analysis.expect}: a word pair the trained model must predict with at least
 * {@code minProbability}, written {@code "cat>sat"} (the default minimum, {@code analysis.expect-min-probability})
 * or {@code "cat>sat>=0.3"}.
 */
public record ExpectedPattern(WordPair pair, double minProbability) implements Serializable {
  static final String AT_LEAST = ">=";

  public ExpectedPattern {
    if (!(minProbability >= 0 && minProbability <= 1)) {
      throw new IllegalArgumentException("the minimum probability of " + pair + " must be in [0, 1], got "
          + minProbability);
    }
  }

  public static ExpectedPattern parse(String text, double defaultMinimum) {
    String t = text.strip();
    int at = t.lastIndexOf(AT_LEAST);
    if (at < 0) {
      return new ExpectedPattern(WordPair.parse(t), defaultMinimum);
    }
    String number = t.substring(at + AT_LEAST.length()).strip();
    double min;
    try {
      min = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': '" + number + "' is not a probability");
    }
    return new ExpectedPattern(WordPair.parse(t.substring(0, at)), min);
  }

  /** Whether {@code text} parses (with any valid default). */
  public static boolean isValid(String text) {
    try {
      parse(text, 0.0);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return pair + AT_LEAST + minProbability;
  }
}
