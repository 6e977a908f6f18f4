package dev.bigram.train;

import dev.bigram.config.ConfigFingerprint;
import dev.bigram.config.ConfigurationException;
import dev.bigram.data.InputException;
import dev.bigram.data.TrainingData;
import dev.bigram.optim.EarlyStopping;
import dev.bigram.optim.Optimizer;
import dev.bigram.output.CheckpointStore;
import dev.bigram.output.OutputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code train --run-id ID --resume}: continue a run that died from its last checkpoint. The checkpoint must
 * have been written with the same settings (all but {@code train.max-epochs}, see {@link ConfigFingerprint}),
 * and the rerun data pass must give the same vocabulary and counts ({@link DataFingerprint}); then the loop
 * continues with the saved weights, best weights, optimizer moments, early-stopping state and history, so the
 * finished run equals an uninterrupted one.
 */
final class Resume {
  private Resume() {}

  /** The saved state and where it was read from. */
  record Point(Checkpoint checkpoint, CheckpointStore.Saved saved) {}

  /**
   * Reads the newest checkpoint of the run and refuses it, naming every differing key, when it was written with
   * other settings or another {@code --init-from}.
   */
  static Point load(CheckpointStore store, String runId, Map<String, String> settings, String initFrom) {
    CheckpointStore.Saved saved;
    Checkpoint c;
    try {
      saved = store.latest().orElseThrow(() -> new ConfigurationException(List.of("--resume: run " + runId
          + " has no checkpoint in " + store.dir() + " (it never reached one, or train.checkpoint-every was 0):"
          + " start it again without --resume")));
      c = store.read(saved);
    } catch (IOException e) {
      throw new OutputException("--resume: the checkpoint of run " + runId + " in " + store.dir()
          + " cannot be read (" + e.getMessage() + "): start the run again without --resume", e);
    }
    List<String> problems = new ArrayList<>();
    for (String d : ConfigFingerprint.differences(c.settings(), settings)) {
      problems.add("--resume: " + d + " differs from the checkpoint of epoch " + c.epoch()
          + "; only train.max-epochs may change (restore the setting, or start a new run)");
    }
    Object savedInit = c.start().get("init_from_argument");
    if (initFrom != null && !Objects.equals(initFrom, savedInit)) {
      problems.add("--resume: --init-from (checkpoint " + savedInit + ", now " + initFrom + ") differs from"
          + " the checkpoint of epoch " + c.epoch() + "; drop --init-from when resuming");
    }
    if (!problems.isEmpty()) throw new ConfigurationException(problems);
    return new Point(c, saved);
  }

  /** Refuses a resume when the rerun data pass does not reproduce the checkpoint's data. */
  static void checkData(Checkpoint c, Map<String, Object> now, List<String> inputs) {
    List<String> d = DataFingerprint.differences(c.data(), now);
    if (!d.isEmpty()) {
      throw new InputException("--resume: input " + String.join(",", inputs) + " changed since the checkpoint"
          + " of epoch " + c.epoch() + ": " + String.join("; ", d) + "; start a new run instead");
    }
  }

  /** The epoch loop as it was after the checkpoint's epoch. */
  static EpochLoop loop(Checkpoint c, DistributedLoss loss, TrainingData data, EpochLoop.LoopSettings settings,
      Optimizer optimizer, EpochListener listener) {
    optimizer.restore(c.optimizerState());
    EarlyStopping earlyStopping = new EarlyStopping(settings.patience(), settings.minDelta(), c.bestLoss(),
        c.bestEpoch(), c.epochsWithoutImprovement());
    return new EpochLoop(loss, data, settings, c.model(), c.best(), optimizer, earlyStopping, c.history(),
        c.epoch(), listener);
  }
}
