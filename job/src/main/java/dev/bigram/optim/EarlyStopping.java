package dev.bigram.optim;

/**
 * The exercise's patience rule on the monitored loss: an epoch improves when it beats the best loss so far by
 * more than {@code minDelta}; after {@code patience} epochs in a row that do not, training stops.
 */
public final class EarlyStopping {
  private final int patience;
  private final double minDelta;
  private double bestLoss = Double.POSITIVE_INFINITY;
  private int bestEpoch = 0;
  private int epochsWithoutImprovement = 0;

  public EarlyStopping(int patience, double minDelta) {
    if (patience < 1) throw new IllegalArgumentException("patience must be >= 1, got " + patience);
    if (minDelta < 0) throw new IllegalArgumentException("minDelta must be >= 0, got " + minDelta);
    this.patience = patience;
    this.minDelta = minDelta;
  }

  /** Restores a saved state (checkpoints). */
  public EarlyStopping(int patience, double minDelta, double bestLoss, int bestEpoch, int epochsWithoutImprovement) {
    this(patience, minDelta);
    this.bestLoss = bestLoss;
    this.bestEpoch = bestEpoch;
    this.epochsWithoutImprovement = epochsWithoutImprovement;
  }

  /** Records the monitored loss of {@code epoch}; returns true when it is the new best. */
  public boolean record(int epoch, double loss) {
    if (bestLoss - loss > minDelta) {
      bestLoss = loss;
      bestEpoch = epoch;
      epochsWithoutImprovement = 0;
      return true;
    }
    epochsWithoutImprovement++;
    return false;
  }

  public boolean shouldStop() {
    return epochsWithoutImprovement >= patience;
  }

  public double bestLoss() {
    return bestLoss;
  }

  public int bestEpoch() {
    return bestEpoch;
  }

  public int epochsWithoutImprovement() {
    return epochsWithoutImprovement;
  }
}
