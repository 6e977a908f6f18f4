package dev.bigram.job;

import dev.bigram.config.ConfigFingerprint;
import dev.bigram.config.ConfigurationException;
import dev.bigram.data.InputException;
import dev.bigram.data.TrainingData;
import dev.bigram.optim.EarlyStopping;
import dev.bigram.optim.Optimizer;
import dev.bigram.output.CheckpointStore;
import dev.bigram.output.OutputException;
import dev.bigram.train.Checkpoint;
import dev.bigram.train.CheckpointedState;
import dev.bigram.train.DistributedLoss;
import dev.bigram.train.EpochListener;
import dev.bigram.train.EpochLoop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code train --run-id ID --resume}: continue a run that died from its last checkpoint. The checkpoint must
 * have been written with the same settings (all but {@code train.max-epochs}, see {@link ConfigFingerprint}),
 * and the rerun data pass must give the same vocabulary and counts ({@link DataFingerprint}); then the loop
 * continues with the saved weights, best weights, optimizer moments, early-stopping state and history, so the
 * finished run equals an uninterrupted one.
 */
final class Resume {
  private static final Logger LOG = LoggerFactory.getLogger(Resume.class);

  private Resume() {}

  /** The saved state and where it was read from. */
  record Point(Checkpoint checkpoint, CheckpointStore.Saved saved) {}

  /**
   * Reads the newest checkpoint of the run, or returns empty when there is none (the run died before its first
   * checkpoint, or never started: it then starts from the beginning, so one command line serves a scheduler's
   * first try and every retry). Refuses a checkpoint written with other settings or another {@code --init-from},
   * naming every differing key.
   */
  static Optional<Point> load(CheckpointStore store, String runId, Map<String, String> settings, String initFrom) {
    Optional<Point> point = loadIfAny(store, runId, settings, initFrom);
    if (point.isEmpty()) {
      LOG.warn("--resume: run {} has no checkpoint in {}; starting it from the beginning", runId, store.dir());
    }
    return point;
  }

  /** As {@link #load}, silent when there is no checkpoint (an L2 trial that had not started). */
  static Optional<Point> loadIfAny(CheckpointStore store, String runId, Map<String, String> settings,
      String initFrom) {
    Optional<CheckpointStore.Saved> latest;
    Checkpoint c;
    try {
      latest = store.latest();
      if (latest.isEmpty()) return Optional.empty();
      c = store.read(latest.get());
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
    if (!Objects.equals(initFrom, savedInit)) {
      problems.add("--resume: --init-from (checkpoint " + savedInit + ", now " + initFrom + ") differs from"
          + " the checkpoint of epoch " + c.epoch() + "; pass the same --init-from as the run started with");
    }
    if (!problems.isEmpty()) throw new ConfigurationException(problems);
    LOG.info("--resume: run {} continues after epoch {} from {}", runId, c.epoch(), latest.get().dir());
    return Optional.of(new Point(c, latest.get()));
  }

  /** Refuses a resume when the rerun data pass does not reproduce the checkpoint's data. */
  static void checkData(Checkpoint c, Map<String, Object> now, List<String> inputs) {
    List<String> d = DataFingerprint.differences(c.data(), now);
    if (!d.isEmpty()) {
      throw new InputException("--resume: input " + String.join(",", inputs) + " changed since the checkpoint"
          + " of epoch " + c.epoch() + ": " + String.join("; ", d) + "; start a new run instead");
    }
  }

  /** The epoch loop, and the listeners' saved {@code states}, as they were after the checkpoint's epoch. */
  static EpochLoop loop(Checkpoint c, DistributedLoss loss, TrainingData data, EpochLoop.LoopSettings settings,
      Optimizer optimizer, EpochListener listener, List<CheckpointedState> states) {
    for (CheckpointedState s : states) {
      if (!c.listeners().containsKey(s.stateName())) {
        throw new OutputException("--resume: the checkpoint of epoch " + c.epoch() + " has no " + s.stateName()
            + " state: start the run again without --resume");
      }
      s.restoreState(c.listeners().get(s.stateName()));
    }
    optimizer.restore(c.optimizerState());
    EarlyStopping earlyStopping = new EarlyStopping(settings.patience(), settings.minDelta(), c.bestLoss(),
        c.bestEpoch(), c.epochsWithoutImprovement());
    return new EpochLoop(loss, data, settings, c.model(), c.best(), optimizer, earlyStopping, c.history(),
        c.epoch(), listener);
  }
}
