package dev.bigram.train;

import dev.bigram.model.BigramModel;

/** Hooks into the epoch loop, for what reads the driver's parameters (pair tracing, checkpoints). */
public interface EpochListener {
  /** The parameters entering {@code epoch}, whose losses the epoch's history row reports; do not modify. */
  default void beforeUpdate(int epoch, BigramModel model) {}

  /** After the update of {@code record.epoch()}; {@code loop} exposes the state a checkpoint needs. */
  default void afterEpoch(EpochRecord record, EpochLoop loop) {}

  EpochListener NONE = new EpochListener() {};

  /** Calls every listener, in order. */
  static EpochListener all(EpochListener... listeners) {
    java.util.List<EpochListener> list = java.util.List.of(listeners);
    return new EpochListener() {
      @Override
      public void beforeUpdate(int epoch, BigramModel model) {
        for (EpochListener l : list) l.beforeUpdate(epoch, model);
      }

      @Override
      public void afterEpoch(EpochRecord record, EpochLoop loop) {
        for (EpochListener l : list) l.afterEpoch(record, loop);
      }
    };
  }
}
