package dev.bigram.analysis;

/** How confident one prediction is, on the exercise's prediction scale: what {@code predict} prints. */
public enum Confidence implements ProbabilityLevel {
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

  @Override
  public double above() {
    return above;
  }

  public static Confidence of(double probability) {
    return ProbabilityLevel.of(values(), probability);
  }
}
