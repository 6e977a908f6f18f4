package dev.bigram.analysis;

import java.util.Locale;

/** How confident one prediction is, on the exercise's prediction scale ({@code test_predictions}). */
public enum Confidence {
  /** {@code p > 0.3}. */
  HIGH(0.3),
  /** {@code 0.15 < p <= 0.3}. */
  MEDIUM(0.15),
  /** {@code p <= 0.15}. */
  LOW(Double.NEGATIVE_INFINITY);

  private final double above;

  Confidence(double above) {
    this.above = above;
  }

  public static Confidence of(double probability) {
    for (Confidence c : values()) {
      if (probability > c.above) return c;
    }
    return LOW;
  }

  /** The label printed by {@code predict}: high, medium, low. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
