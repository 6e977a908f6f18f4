package dev.bigram.optim;

/**
 * What an optimizer carries from one epoch to the next. For Adam: first and second moments of {@code W} and
 * {@code b} and the number of steps taken; all {@code null}/zero for plain gradient descent.
 */
public record OptimizerState(long steps, float[] weightMean, float[] weightVariance, float[] biasMean,
    float[] biasVariance) {
  public static final OptimizerState NONE = new OptimizerState(0, null, null, null, null);

  /**
   * What a warm trial of the L2 search carries from the trial it starts from: the steps and the second moments,
   * without the first moments (null, read as zero by {@link Optimizer#restore}). The second moments hold the
   * size each gradient has had, so the new trial's first steps are in proportion to its gradients, where fresh
   * moments would move every weight by the whole learning rate. Momentum belongs to the old objective's path.
   */
  public OptimizerState withoutMeans() {
    return new OptimizerState(steps, null, weightVariance, null, biasVariance);
  }
}
