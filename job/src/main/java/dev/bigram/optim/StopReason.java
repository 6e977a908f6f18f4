package dev.bigram.optim;

/** Why the epoch loop ended; written to {@code summary.json} as {@link #label()}. */
public enum StopReason {
  /** {@code train.max-epochs} epochs ran. */
  MAX_EPOCHS("max_epochs"),
  /** {@code early-stopping.patience} epochs in a row without an improvement above {@code min-delta}. */
  EARLY_STOPPING("early_stopping"),
  /** The mean absolute loss change over the last epochs fell below the convergence tolerance. */
  CONVERGED("converged"),
  /** A loss or gradient became NaN or infinite, or the training loss ran away (ten times epoch 1's). */
  DIVERGED("diverged");

  private final String label;

  StopReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
