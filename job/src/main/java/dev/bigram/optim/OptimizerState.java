package dev.bigram.optim;

/**
 * What an optimizer carries from one epoch to the next. For Adam: first and second moments of {@code W} and
 * {@code b} and the number of steps taken; all {@code null}/zero for plain gradient descent.
 */
public record OptimizerState(long steps, float[] weightMean, float[] weightVariance, float[] biasMean,
    float[] biasVariance) {
  public static final OptimizerState NONE = new OptimizerState(0, null, null, null, null);
}
