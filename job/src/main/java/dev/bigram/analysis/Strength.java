package dev.bigram.analysis;

/** How strong a learned relationship {@code p(next | prev)} is, on the exercise's pattern scale. */
public enum Strength implements ProbabilityLevel {
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

  @Override
  public double above() {
    return above;
  }

  public static Strength of(double probability) {
    return ProbabilityLevel.of(values(), probability);
  }
}
