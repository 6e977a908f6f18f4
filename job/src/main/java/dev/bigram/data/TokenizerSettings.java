package dev.bigram.data;

import java.io.Serializable;

/** How lines become tokens: the token pattern, lowercasing, and sentence markers. */
public record TokenizerSettings(String pattern, boolean lowercase, boolean sentenceMarkers)
    implements Serializable {
  /** Runs of letters, digits and apostrophes. */
  public static final String DEFAULT_PATTERN = "[\\p{L}\\p{N}']+";

  public static TokenizerSettings defaults() {
    return new TokenizerSettings(DEFAULT_PATTERN, true, false);
  }
}
