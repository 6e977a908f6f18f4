package dev.bigram.analysis;

import dev.bigram.model.BigramModel;
import dev.bigram.train.CheckpointedState;
import dev.bigram.train.EpochListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records {@code p(next | prev)} of a few pairs at every epoch, from the parameters the epoch's history row
 * reports (so the trace at the best epoch is the published model's). It reads rows of {@code W} the driver
 * already holds: no Spark job, no pass over the data; the cost is one softmax of length {@code V} per distinct
 * context word per epoch. Its rows ride along in checkpoints, so a resumed run's trace has every epoch.
 */
public final class PairTracer implements EpochListener, CheckpointedState {
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

  @Override
  public String stateName() {
    return "pair_trace";
  }

  /** The rows as {@code [{epoch, prev, next, probability}, ...]}. */
  @Override
  public Object saveState() {
    List<Map<String, Object>> out = new ArrayList<>(rows.size());
    for (PairTraceRow r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", r.epoch());
      m.put("prev", r.prev());
      m.put("next", r.next());
      m.put("probability", r.probability());
      out.add(m);
    }
    return out;
  }

  @Override
  public void restoreState(Object saved) {
    rows.clear();
    for (Object o : (List<?>) saved) {
      Map<?, ?> m = (Map<?, ?>) o;
      rows.add(new PairTraceRow(((Number) m.get("epoch")).intValue(), (String) m.get("prev"), (String) m.get("next"),
          ((Number) m.get("probability")).doubleValue()));
    }
  }

  /** Every recorded row, in epoch order, pairs in configured order within an epoch. */
  public List<PairTraceRow> rows() {
    return List.copyOf(rows);
  }
}
