package dev.bigram.analysis;

import dev.bigram.config.ExpectedPattern;
import dev.bigram.config.WordPair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The check of one expected pattern on the published model.
 *
 * @param prev the context word as the vocabulary has it (normalized)
 * @param next the next word as the vocabulary has it
 * @param inVocabulary false when either word is out of vocabulary: the check then fails, probability is NaN
 */
public record ExpectationResult(ExpectedPattern expected, String prev, String next, boolean inVocabulary,
    double probability, boolean passed) {

  /** The entry of {@code summary.json}'s {@code expectations} list. */
  public Map<String, Object> toSummary() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pair", prev + WordPair.SEPARATOR + next);
    m.put("prev", prev);
    m.put("next", next);
    m.put("min_probability", expected.minProbability());
    m.put("probability", probability);
    m.put("in_vocabulary", inVocabulary);
    m.put("passed", passed);
    return m;
  }

  /** One line for logs and the command line: {@code cat>sat: p = 0.6667 >= 0.2 passed}. */
  public String describe() {
    String pair = prev + WordPair.SEPARATOR + next;
    if (!inVocabulary) {
      return pair + ": out of vocabulary (needs p >= " + expected.minProbability() + ") failed";
    }
    return String.format(java.util.Locale.ROOT, "%s: p = %.4f %s %s %s", pair, probability,
        passed ? ">=" : "<", expected.minProbability(), passed ? "passed" : "failed");
  }
}
