package dev.bigram.train;

/**
 * One row of the history: the losses of the parameters entering epoch {@code epoch} (so epoch 1 shows the
 * initial model), the step taken from them, and what the epoch cost.
 *
 * @param status Improving, Degrading or Stable: the training loss against the previous epoch's, beyond or within
 *     +- {@code analysis.status-threshold}; "Initial" for the first epoch, which has no previous one
 * @param floorGap training loss minus the empirical conditional entropy of the training bigrams
 * @param best whether this epoch's parameters are the best so far on the monitored loss
 */
public record EpochRecord(
    int epoch,
    double trainLoss,
    double validationLoss,
    double learningRate,
    double gradNorm,
    double seconds,
    String status,
    double floorGap,
    boolean best,
    long broadcastBytes,
    double broadcastSeconds,
    double aggregateSeconds,
    long resultBytes,
    double updateSeconds) {}
