package dev.bigram.config;

import java.io.Serializable;
import java.util.List;

/**
 * The {@code analysis.*} keys, validated (see {@code TrainerConfig}).
 *
 * @param statusThreshold a training-loss change within +- this between two epochs is Stable
 * @param convergenceTolerance converged when the mean absolute training-loss change over the last
 *     {@link dev.bigram.optim.Convergence#WINDOW} epochs is below this
 * @param tracePairs pairs whose probability is recorded every epoch; empty = the {@code traceTop} most frequent
 * @param traceTop how many of the most frequent training pairs to trace when none are configured
 * @param words how many of the most frequent context words the pattern analysis covers
 * @param topK at most this many next words per context word in {@code patterns/}
 * @param minProbability next words at or below this probability are not patterns
 * @param expectations pairs the trained model must predict with a minimum probability
 * @param failOnExpectations a missed expectation fails the run (exit code 6) and leaves LATEST alone
 */
public record AnalysisSettings(
    double statusThreshold,
    double convergenceTolerance,
    List<WordPair> tracePairs,
    int traceTop,
    int words,
    int topK,
    double minProbability,
    List<ExpectedPattern> expectations,
    boolean failOnExpectations) implements Serializable {

  public AnalysisSettings {
    tracePairs = List.copyOf(tracePairs);
    expectations = List.copyOf(expectations);
  }
}
