package dev.bigram.analysis;

import java.util.Locale;

/**
 * A level of a probability scale: a probability is at the first level (in declaration order) whose threshold it
 * exceeds. Two scales come from the classroom exercise the job grew from (docs/design.md): {@link Strength} for
 * learned patterns and {@link Confidence} for predictions; both are in the outputs, so both stay.
 */
interface ProbabilityLevel {
  /** The level holds probabilities above this (the last level: negative infinity). */
  double above();

  /** The label written to tables, reports and predictions. */
  default String label() {
    return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
  }

  /** The first of {@code levels} whose threshold {@code probability} exceeds. */
  static <E extends Enum<E> & ProbabilityLevel> E of(E[] levels, double probability) {
    for (E level : levels) {
      if (probability > level.above()) return level;
    }
    return levels[levels.length - 1];
  }
}
