package dev.bigram.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, after the bigram pass, about what reading repaired or dropped, with the key that controls each; the
 * same numbers go to summary.json. Binary files are reported by {@link ReadIssues}, which names them.
 */
final class DamageReport {
  private static final Logger LOG = LoggerFactory.getLogger(DamageReport.class);

  private DamageReport() {}

  /** @param damagedFiles the files with repairs, named as {@link ReadIssues#damagedFiles} does; may be null */
  static void log(long[] stats, int maxTokenLength, String damagedFiles) {
    long invalid = stats[CorpusStats.INVALID_BYTES.ordinal()];
    long controls = stats[CorpusStats.CONTROL_CHARS.ordinal()];
    if (invalid > 0 || controls > 0) {
      LOG.warn("Damaged text repaired in {}: {} bytes were not valid UTF-8 (each run became U+FFFD) and {} NUL or"
          + " control characters became spaces; is the corpus UTF-8? (summary.json: invalid_utf8_bytes,"
          + " control_chars)", damagedFiles == null ? "the input" : damagedFiles, invalid, controls);
    }
    long cut = stats[CorpusStats.TRUNCATED_LINES.ordinal()];
    if (cut > 0) {
      LOG.warn("{} lines were longer than tokenizer.max-line-length and were cut ({} bytes dropped; summary.json:"
          + " truncated_lines, truncated_bytes)", cut, stats[CorpusStats.TRUNCATED_BYTES.ordinal()]);
    }
    long longTokens = stats[CorpusStats.LONG_TOKENS.ordinal()];
    if (longTokens > 0) {
      LOG.warn("{} tokens longer than tokenizer.max-token-length = {} characters were dropped (summary.json:"
          + " long_tokens_dropped)", longTokens, maxTokenLength);
    }
  }
}
