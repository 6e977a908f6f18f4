package dev.bigram.job;

import dev.bigram.model.BigramModel;
import dev.bigram.output.CheckpointStore;
import dev.bigram.output.OutputException;
import dev.bigram.train.Checkpoint;
import dev.bigram.train.CheckpointedState;
import dev.bigram.train.EpochListener;
import dev.bigram.train.EpochLoop;
import dev.bigram.train.EpochRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a checkpoint after every {@code train.checkpoint-every}-th epoch ({@link CheckpointStore}), unless the
 * updated parameters are no longer finite: a checkpoint is only ever a state training can continue from, so
 * after a divergence the last one written is the last good one.
 */
public final class Checkpointing implements EpochListener {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointing.class);

  private final CheckpointStore store;
  private final int every;
  private final Map<String, String> settings;
  private final Map<String, Object> data;
  private final Map<String, Object> start;
  private final List<CheckpointedState> states;
  private CheckpointStore.Saved last;

  /**
   * @param every epochs between checkpoints; 0 writes none
   * @param settings, data, start recorded in every checkpoint (see {@link Checkpoint})
   * @param states state of other listeners, saved in every checkpoint too
   */
  public Checkpointing(CheckpointStore store, int every, Map<String, String> settings, Map<String, Object> data,
      Map<String, Object> start, List<CheckpointedState> states, CheckpointStore.Saved resumedFrom) {
    this.store = store;
    this.every = every;
    this.settings = settings;
    this.data = data;
    this.start = start;
    this.states = List.copyOf(states);
    this.last = resumedFrom;
  }

  @Override
  public void afterEpoch(EpochRecord record, EpochLoop loop) {
    if (every <= 0 || record.epoch() % every != 0) return;
    if (!isFinite(loop.model())) {
      LOG.warn("Epoch {}: the updated weights are not finite; no checkpoint written", record.epoch());
      return;
    }
    long t0 = System.nanoTime();
    try {
      last = store.write(Checkpoint.of(loop, settings, data, start, states));
    } catch (IOException e) {
      throw new OutputException("cannot write the checkpoint of epoch " + record.epoch() + " to " + store.dir()
          + " (" + e.getMessage() + "): check free space, or set train.checkpoint-every = 0", e);
    }
    LOG.info(String.format(java.util.Locale.ROOT, "Checkpoint of epoch %d written to %s in %.2f s",
        record.epoch(), last.dir(), (System.nanoTime() - t0) / 1e9));
  }

  /** The newest checkpoint of this run (written now, or the one it resumed from). */
  public Optional<CheckpointStore.Saved> last() {
    return Optional.ofNullable(last);
  }

  static boolean isFinite(BigramModel m) {
    for (float x : m.weights()) if (!Float.isFinite(x)) return false;
    if (m.bias() != null) for (float x : m.bias()) if (!Float.isFinite(x)) return false;
    return true;
  }
}
