package dev.bigram.analysis;

import dev.bigram.model.BigramModel;
import dev.bigram.train.EpochListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records {@code p(next | prev)} of a few pairs at every epoch, from the parameters the epoch's history row
 * reports (so the trace at the best epoch is the published model's). It reads rows of {@code W} the driver
 * already holds: no Spark job, no pass over the data; the cost is one softmax of length {@code V} per distinct
 * context word per epoch.
 */
public final class PairTracer implements EpochListener {
  private final List<TracedPair> pairs;
  private final List<PairTraceRow> rows = new ArrayList<>();

  public PairTracer(List<TracedPair> pairs) {
    this.pairs = List.copyOf(pairs);
  }

  @Override
  public void beforeUpdate(int epoch, BigramModel model) {
    Map<Integer, double[]> byContext = new HashMap<>();
    for (TracedPair p : pairs) {
      double[] probabilities = byContext.computeIfAbsent(p.prevId(), model::probabilities);
      rows.add(new PairTraceRow(epoch, p.prev(), p.next(), probabilities[p.nextId()]));
    }
  }

  public List<TracedPair> pairs() {
    return pairs;
  }

  /** Every recorded row, in epoch order, pairs in configured order within an epoch. */
  public List<PairTraceRow> rows() {
    return List.copyOf(rows);
  }
}
