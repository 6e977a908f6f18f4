package dev.bigram.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.CorpusStats;
import dev.bigram.data.TrainingData;
import dev.bigram.optim.StopReason;
import dev.bigram.train.EpochRecord;
import dev.bigram.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The L2 ladder on validation curves of known minimum, without Spark. */
class L2SearchTest {
  static final long N = 1_000_000;

  static TrainingData data() {
    long[] stats = CorpusStats.empty();
    stats[CorpusStats.TRAIN_BIGRAMS.ordinal()] = N;
    return new TrainingData(null, null, null, stats, 0, 0, 0, 0);
  }

  /** A run whose best validation loss is a parabola in log(l2) with its minimum at {@code optimum}. */
  static L2Search.Trial run(double l2, double optimum, List<Double> tried) {
    tried.add(l2);
    double x = Math.log(l2 / optimum);
    double val = 4.0 + 0.01 * x * x;
    EpochRecord r = new EpochRecord(1, val - 0.1, val, 0.1, 1.0, 0.1, "Initial", 0.0, true, 0, 0, 0, 0, 0);
    return L2Search.Trial.of(l2, new TrainingResult(null, List.of(r), 1, StopReason.MAX_EPOCHS, 0.1), null);
  }

  @ParameterizedTest
  @ValueSource(doubles = {1e-8, 3e-7, 1e-6, 5e-6, 2e-5})
  void findsTheBestRungWithinAFactorOfTwoAndChoosesTheBestTrial(double optimum) {
    List<Double> tried = new ArrayList<>();
    L2Search.Outcome o = L2Search.run(data(), l2 -> run(l2, optimum, tried));
    assertTrue(Math.abs(Math.log(o.l2() / optimum)) <= Math.log(2) + 1e-9,
        "chose " + o.l2() + " for an optimum at " + optimum + " after " + tried);
    assertTrue(o.trials().size() <= L2Search.MAX_TRIALS + 1, "too many trials: " + tried);
    assertEquals(tried.size(), o.trials().size(), "every run is a trial, and none is repeated");
    double bestTried = o.trials().stream().mapToDouble(L2Search.Trial::validationLoss).min().orElseThrow();
    double chosen = o.trials().stream().filter(t -> t.l2() == o.l2()).findFirst().orElseThrow().validationLoss();
    assertEquals(bestTried, chosen, 0.0, "the chosen L2 is the best trial's");
  }
}
