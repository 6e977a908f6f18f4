package dev.bigram.config;

import java.io.Serializable;

/**
 * A {@code (prev, next)} word relationship as users write it in the configuration: {@code "the>cat"}. The
 * words are taken as written; {@link WordIds} maps them through the run's tokenizer and vocabulary.
 */
public record WordPair(String prev, String next) implements Serializable {
  public static final String SEPARATOR = ">";

  public WordPair {
    if (prev == null || prev.isBlank() || next == null || next.isBlank()) {
      throw new IllegalArgumentException("a word pair needs two words, got '" + prev + "' and '" + next + "'");
    }
  }

  /** Parses {@code prev>next}; throws {@link IllegalArgumentException} naming the text otherwise. */
  public static WordPair parse(String text) {
    String t = text.strip();
    int sep = t.indexOf(SEPARATOR);
    if (sep <= 0 || sep != t.lastIndexOf(SEPARATOR) || sep == t.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not a word pair of the form prev>next");
    }
    return new WordPair(t.substring(0, sep).strip(), t.substring(sep + 1).strip());
  }

  /** Whether {@code text} parses as a pair. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return prev + SEPARATOR + next;
  }
}
