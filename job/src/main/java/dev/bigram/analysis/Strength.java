package dev.bigram.analysis;

import java.util.Locale;

/** How strong a learned relationship {@code p(next | prev)} is, on the exercise's pattern scale. */
public enum Strength {
  /** {@code p > 0.4}. */
  STRONG(0.4),
  /** {@code 0.25 < p <= 0.4}. */
  CLEAR(0.25),
  /** {@code p <= 0.25}. */
  WEAK(Double.NEGATIVE_INFINITY);

  private final double above;

  Strength(double above) {
    this.above = above;
  }

  public static Strength of(double probability) {
    for (Strength s : values()) {
      if (probability > s.above) return s;
    }
    return WEAK;
  }

  /** The label written to tables and reports: strong, clear, weak. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
