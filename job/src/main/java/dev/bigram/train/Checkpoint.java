package dev.bigram.train;

import dev.bigram.model.BigramModel;
import dev.bigram.optim.OptimizerState;
import java.util.List;
import java.util.Map;

/**
 * The state of the epoch loop after {@code epoch} epochs: everything a resumed run needs to continue exactly as
 * if it had never stopped. The learning-rate schedule's position is the epoch ({@code lr_e} is a function of
 * {@code e}).
 *
 * @param model the parameters entering epoch {@code epoch + 1}
 * @param best the best parameters so far (those of epoch {@code bestEpoch})
 * @param optimizer {@code train.optimizer}
 * @param optimizerState the optimizer's moments and step count ({@link OptimizerState#NONE} for sgd)
 * @param bestLoss early stopping: the best monitored loss so far
 * @param bestEpoch early stopping: the epoch that reached it
 * @param epochsWithoutImprovement early stopping: epochs since then
 * @param history one record per epoch 1..{@code epoch}
 * @param settings the configuration that must not change on resume ({@code ConfigFingerprint})
 * @param data what the data pass produced ({@link DataFingerprint}), to refuse a resume on changed input
 * @param start how the run started ({@code init_from}, words carried over), for the summary
 * @param listeners the state of listeners that keep some ({@link CheckpointedState}), by name
 */
public record Checkpoint(
    int epoch,
    BigramModel model,
    BigramModel best,
    String optimizer,
    OptimizerState optimizerState,
    double bestLoss,
    int bestEpoch,
    int epochsWithoutImprovement,
    List<EpochRecord> history,
    Map<String, String> settings,
    Map<String, Object> data,
    Map<String, Object> start,
    Map<String, Object> listeners) {

  /** The loop's state now; the arrays are the loop's own (written out before the loop moves on). */
  public static Checkpoint of(EpochLoop loop, Map<String, String> settings, Map<String, Object> data,
      Map<String, Object> start, List<CheckpointedState> states) {
    Map<String, Object> listeners = new java.util.LinkedHashMap<>();
    for (CheckpointedState s : states) listeners.put(s.stateName(), s.saveState());
    return new Checkpoint(loop.epoch(), loop.model(), loop.best(), loop.optimizer().name(),
        loop.optimizer().state(), loop.earlyStopping().bestLoss(), loop.earlyStopping().bestEpoch(),
        loop.earlyStopping().epochsWithoutImprovement(), loop.history(), settings, data, start, listeners);
  }
}
