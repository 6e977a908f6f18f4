package dev.bigram.train;

import dev.bigram.model.BigramModel;
import dev.bigram.optim.StopReason;
import java.util.List;

/** What the epoch loop produced: the best epoch's parameters, the history and why it stopped. */
public record TrainingResult(BigramModel bestModel, List<EpochRecord> history, int bestEpoch,
    StopReason stopReason, double seconds) {

  public EpochRecord last() {
    return history.get(history.size() - 1);
  }

  public EpochRecord bestRecord() {
    return history.stream().filter(r -> r.epoch() == bestEpoch).findFirst().orElse(last());
  }
}
