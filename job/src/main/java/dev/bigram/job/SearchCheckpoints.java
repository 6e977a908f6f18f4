package dev.bigram.job;

import dev.bigram.optim.StopReason;
import dev.bigram.output.CheckpointStore;
import dev.bigram.output.Json;
import dev.bigram.output.OutputException;
import dev.bigram.train.Checkpoint;
import dev.bigram.train.TrainingResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The L2 search's state in a staging run's checkpoints, so that {@code --resume} continues a search exactly:
 * inside a trial, between trials, or after the last one (docs/operations.md, "Resume").
 *
 * <pre>
 *   _checkpoints/trials/trial-N/epoch-MMMMMM/   the epoch checkpoints of trial N while it trains; once it has
 *                                              ended, its final state if it is the best trial so far
 *   _checkpoints/trials/trial-N.json           trial N's result, written when it ended
 * </pre>
 *
 * Trials are numbered in the order the search runs them, which is the same on every attempt (the search is a
 * function of the results). A trial with a result is recalled, not trained again; a trial with epoch
 * checkpoints but no result continues from its last one; only the best trial keeps its model. Disabled (every
 * call a no-op) when {@code train.checkpoint-every} is 0.
 */
final class SearchCheckpoints {
  static final String TRIALS = "trials";

  private final FileSystem fs;
  private final Path root;
  private final boolean enabled;

  SearchCheckpoints(FileSystem fs, Path checkpoints, boolean enabled) {
    this.fs = fs;
    this.root = new Path(checkpoints, TRIALS);
    this.enabled = enabled;
  }

  /** Where trial {@code n} writes its epoch checkpoints. */
  CheckpointStore store(int n) {
    return new CheckpointStore(fs, new Path(root, "trial-" + n));
  }

  /** Trial {@code n}'s result, when it ended before; refused when it was trained with another L2. */
  Optional<L2Search.Trial> recall(int n, double l2) {
    if (!enabled) return Optional.empty();
    Path file = result(n);
    try {
      if (!fs.exists(file)) return Optional.empty();
      Map<String, Object> m = Json.read(fs, file);
      double saved = ((Number) m.get("l2")).doubleValue();
      if (Double.doubleToLongBits(saved) != Double.doubleToLongBits(l2)) {
        throw new OutputException("--resume: trial " + n + " of the L2 search was trained with l2 = " + saved
            + ", this run asks for " + l2 + ": start the run again without --resume");
      }
      Object from = m.get("started_from_l2");
      return Optional.of(new L2Search.Trial(l2, number(m.get("best_validation_loss")),
          ((Number) m.get("epochs")).intValue(), number(m.get("seconds")), false,
          from instanceof Number f ? f.doubleValue() : null));
    } catch (IOException | RuntimeException e) {
      if (e instanceof OutputException o) throw o;
      throw new OutputException("--resume: the result of L2 trial " + n + " in " + file + " cannot be read ("
          + e.getMessage() + "): start the run again without --resume", e);
    }
  }

  /**
   * Records that trial {@code n} ended. The best trial so far keeps {@code finalState} (its model, history and
   * listeners' state) and every other trial's directory is removed; a trial that is not the best keeps nothing
   * but its result. The state is written before the result, so a run killed in between continues the trial
   * from its final state, which ends at once.
   */
  void ended(int n, L2Search.Trial trial, TrainingResult result, Checkpoint finalState, boolean best) {
    if (!enabled) return;
    try {
      if (best) {
        store(n).write(finalState);
        for (FileStatus s : fs.listStatus(root)) {
          String name = s.getPath().getName();
          if (s.isDirectory() && name.startsWith("trial-") && !name.equals("trial-" + n)) {
            fs.delete(s.getPath(), true);
          }
        }
      } else {
        fs.delete(new Path(root, "trial-" + n), true);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("l2", trial.l2());
      m.put("best_validation_loss", trial.validationLoss());
      m.put("epochs", trial.epochs());
      m.put("seconds", trial.seconds());
      m.put("best_epoch", result.bestEpoch());
      m.put("stop_reason", result.stopReason().name());
      m.put("started_from_l2", trial.startedFrom());
      Path tmp = new Path(root, "_tmp-trial-" + n + ".json");
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        out.write(Json.pretty(m).getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(result(n), false);
      if (!fs.rename(tmp, result(n))) throw new IOException("could not rename " + tmp + " to " + result(n));
    } catch (IOException e) {
      throw new OutputException("cannot record the end of L2 trial " + n + " in " + root + " (" + e.getMessage()
          + "): check free space, or set train.checkpoint-every = 0", e);
    }
  }

  /** The best trial's final state, saved by {@link #ended}: its model, history and listeners' state. */
  Recalled best(int n) {
    try {
      CheckpointStore store = store(n);
      Optional<CheckpointStore.Saved> saved = store.latest();
      if (saved.isEmpty()) throw new IOException("no saved state in " + store.dir());
      Checkpoint c = store.read(saved.get());
      Map<String, Object> m = Json.read(fs, result(n));
      TrainingResult r = new TrainingResult(c.best(), c.history(), ((Number) m.get("best_epoch")).intValue(),
          StopReason.valueOf((String) m.get("stop_reason")), number(m.get("seconds")));
      return new Recalled(r, c);
    } catch (IOException | RuntimeException e) {
      throw new OutputException("--resume: the best L2 trial (" + n + ") in " + root + " cannot be read ("
          + e.getMessage() + "): start the run again without --resume", e);
    }
  }

  /** A trial that ended before the resume: its training's result, and the checkpoint it was read from. */
  record Recalled(TrainingResult result, Checkpoint state) {}

  private Path result(int n) {
    return new Path(root, "trial-" + n + ".json");
  }

  private static double number(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
