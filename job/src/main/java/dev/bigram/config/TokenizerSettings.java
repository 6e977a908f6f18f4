package dev.bigram.config;

import java.io.Serializable;

/**
 * How lines become tokens: the token pattern, lowercasing, sentence markers, and the longest token kept (a
 * longer one, such as a base64 blob or a run of digits, is dropped and counted in
 * {@link CorpusStats#LONG_TOKENS}).
 */
public record TokenizerSettings(String pattern, boolean lowercase, boolean sentenceMarkers, int maxTokenLength)
    implements Serializable {
  /** Runs of letters, digits and apostrophes. */
  public static final String DEFAULT_PATTERN = "[\\p{L}\\p{N}']+";
  /** In characters (UTF-16 code units). */
  public static final int DEFAULT_MAX_TOKEN_LENGTH = 100;

  public TokenizerSettings {
    if (maxTokenLength < 1) throw new IllegalArgumentException("maxTokenLength must be >= 1, got " + maxTokenLength);
  }

  /** The settings with the default longest token. */
  public TokenizerSettings(String pattern, boolean lowercase, boolean sentenceMarkers) {
    this(pattern, lowercase, sentenceMarkers, DEFAULT_MAX_TOKEN_LENGTH);
  }

  public static TokenizerSettings defaults() {
    return new TokenizerSettings(DEFAULT_PATTERN, true, false);
  }
}
