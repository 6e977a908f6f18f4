package dev.bigram.train;

/**
 * State that an {@link EpochListener} accumulates over the epochs and that a resumed run must get back (the
 * pair tracer's rows, for instance), saved in every checkpoint beside the loop's own state.
 */
public interface CheckpointedState {
  /** The key under which the state is saved; unique among a run's listeners. */
  String stateName();

  /** The state as JSON-compatible values (maps, lists, strings, numbers, booleans). */
  Object saveState();

  /** Replaces the state with what {@link #saveState()} returned, read back from JSON. */
  void restoreState(Object saved);
}
