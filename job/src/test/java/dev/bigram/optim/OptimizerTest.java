package dev.bigram.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlocks;
import dev.bigram.loss.BigramLossAggregator;
import dev.bigram.loss.FactorGradient;
import dev.bigram.loss.Kernel;
import dev.bigram.loss.WeightRows;
import dev.bigram.model.BigramModel;
import dev.bigram.model.LowRank;
import dev.bigram.testing.Gradients;
import dev.bigram.testing.Occurrences;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Update rules, the learning-rate schedule and early stopping, against hand-written double arithmetic. */
class OptimizerTest {
  static final double TOLERANCE = 1e-6; // float storage: 7 significant digits

  private static BigramLossAggregator gradient(BigramModel m) {
    return gradient(m, 11);
  }

  /** The exact loss and gradient of {@code m} (its factors too) on 300 random occurrences, in two row blocks. */
  private static BigramLossAggregator gradient(BigramModel m, long seed) {
    int v = m.numClasses();
    RowBlocks partitioner = new RowBlocks(v, 2);
    BigramLossAggregator agg = new BigramLossAggregator(v, true, Kernel.EXACT);
    for (RowBlock b : Occurrences.blocks(Occurrences.random(v, 300, 0, seed), partitioner)) {
      agg.merge(new BigramLossAggregator(v, true, Kernel.EXACT).add(b,
          WeightRows.view(m.weights(), m.bias(), v, m.rank(), b.firstRow(), b.endRow())));
    }
    return agg;
  }

  @Test
  void sgdStepsAgainstTheFullGradientWithL2() {
    int v = 8;
    BigramModel m = BigramModel.initialize(v, true, 0.5, 3);
    BigramModel before = m.copy();
    BigramLossAggregator g = gradient(m);
    double lr = 0.3;
    double l2 = 0.01;
    double norm = new Sgd().step(m, g.gradient(), lr, new L2(l2));
    double normSq = 0;
    for (int i = 0; i < v; i++) {
      double[] row = Gradients.row(g.gradient(), i, v);
      for (int j = 0; j < v; j++) {
        double full = (row == null ? 0 : row[j] * g.gradient().scale()) + l2 * before.weights()[i * v + j];
        normSq += full * full;
        assertEquals(before.weights()[i * v + j] - lr * full, m.weights()[i * v + j], TOLERANCE);
      }
    }
    for (int j = 0; j < v; j++) {
      double full = g.gradient().bias()[j] * g.gradient().scale();
      normSq += full * full;
      assertEquals(before.bias()[j] - lr * full, m.bias()[j], TOLERANCE);
    }
    assertEquals(Math.sqrt(normSq), norm, 1e-12);
  }

  @Test
  void sgdStepsTheLowRankFactorsAgainstTheirFullGradientWithTheirOwnL2() {
    int v = 8;
    int rank = 2;
    BigramModel m = BigramModel.initialize(v, true, 0.5, 3, rank);
    java.util.Random r = new java.util.Random(5);
    for (int k = LowRank.aStart(v); k < m.weights().length; k++) m.weights()[k] = (float) r.nextGaussian();
    BigramModel before = m.copy();
    BigramLossAggregator g = gradient(m);
    double[] data = FactorGradient.of(before.weights(), v, rank, g.gradient());
    double lr = 0.3;
    L2 l2 = new L2(0.01, 0.2);
    double norm = new Sgd().step(m, g.gradient(), lr, l2);
    double normSq = 0;
    for (int i = 0; i < v; i++) {
      double[] row = Gradients.row(g.gradient(), i, v);
      for (int j = 0; j < v; j++) {
        double full = (row == null ? 0 : row[j] * g.gradient().scale()) + 0.01 * before.weights()[i * v + j];
        normSq += full * full;
      }
    }
    for (int k = 0; k < data.length; k++) {
      int at = LowRank.aStart(v) + k;
      double full = data[k] * g.gradient().scale() + 0.2 * before.weights()[at];
      normSq += full * full;
      assertEquals(before.weights()[at] - lr * full, m.weights()[at], TOLERANCE, "factor entry " + k);
      assertTrue(m.weights()[at] != before.weights()[at], "factor entry " + k + " moved");
    }
    for (int j = 0; j < v; j++) {
      double full = g.gradient().bias()[j] * g.gradient().scale();
      normSq += full * full;
    }
    assertEquals(Math.sqrt(normSq), norm, 1e-12 * Math.sqrt(normSq));
  }

  @Test
  void adamStepsTheFactorsWithThePlainEpsilonAndTheirOwnMoments() {
    int v = 6;
    int rank = 2;
    BigramModel m = BigramModel.initialize(v, true, 0.5, 4, rank);
    BigramModel before = m.copy();
    BigramLossAggregator g = gradient(m, 12);
    double[] data = FactorGradient.of(before.weights(), v, rank, g.gradient());
    Adam adam = new Adam(m.numWeights(), v, true);
    double lr = 0.3;
    // A strong L2, so that the weights' epsilon (a tenth of it) and the plain one differ by orders of magnitude.
    L2 l2 = new L2(1e-2, 2e-2);
    adam.step(m, g.gradient(), lr, l2);
    double c1 = 1 - Adam.BETA1;
    double c2 = 1 - Adam.BETA2;
    for (int k = 0; k < data.length; k++) {
      int at = LowRank.aStart(v) + k;
      double grad = data[k] * g.gradient().scale() + 2e-2 * before.weights()[at];
      double mk = (1 - Adam.BETA1) * grad;
      double vk = (1 - Adam.BETA2) * grad * grad;
      double want = before.weights()[at] - lr * Math.sqrt(c2) / c1 * mk / (Math.sqrt(vk) + Adam.EPSILON * Math.sqrt(c2));
      assertEquals(want, m.weights()[at], TOLERANCE * Math.max(1, Math.abs(want)), "factor entry " + k);
      assertTrue(adam.state().weightVariance()[at] > 0, "the factor's second moment, entry " + k);
    }
  }

  @Test
  void theL2PenaltyWeighsWAndTheFactorsEachByItsOwnStrength() {
    int v = 5;
    int rank = 2;
    BigramModel m = BigramModel.initialize(v, false, 0.5, 9, rank);
    double w = 0;
    double f = 0;
    for (int k = 0; k < m.weights().length; k++) {
      double x = m.weights()[k];
      if (k < v * v) w += x * x; else f += x * x;
    }
    assertEquals(0.5 * 0.01 * w + 0.5 * 3.0 * f, new L2(0.01, 3.0).penalty(m), 1e-15);
    assertEquals(0.5 * 0.01 * w, new L2(0.01, 0.0).penalty(m), 1e-15);
  }

  @Test
  void theL2PenaltyOfRowsLongerThanItsEightRunningSumsMatchesOneNaiveSumAt1e12() {
    // Rows of four groups of eight and a tail of seven, so every running sum takes a tail entry. A dropped or
    // doubled entry moves the sum far more than 1e-12; one sent to the wrong running sum would not show here.
    int v = 39;
    BigramModel m = BigramModel.initialize(v, true, 0.5, 10, 3);
    double w = 0;
    double f = 0;
    for (int k = 0; k < m.weights().length; k++) {
      double x = m.weights()[k];
      if (k < v * v) w += x * x; else f += x * x;
    }
    double want = 0.5 * 0.02 * w + 0.5 * 0.06 * f;
    assertEquals(want, new L2(0.02, 0.06).penalty(m), 1e-12 * want);
  }

  @Test
  void adamMatchesTheTextbookUpdateOverThreeSteps() {
    int v = 6;
    BigramModel m = BigramModel.initialize(v, true, 0.5, 4);
    Adam adam = new Adam((long) v * v, v, true);
    double[] w = new double[v * v];
    double[] mw = new double[v * v];
    double[] vw = new double[v * v];
    for (int k = 0; k < w.length; k++) w[k] = m.weights()[k];
    double lr = 0.05;
    for (int t = 1; t <= 3; t++) {
      BigramLossAggregator g = gradient(m);
      double[] grad = new double[v * v];
      for (int i = 0; i < v; i++) {
        double[] row = Gradients.row(g.gradient(), i, v);
        for (int j = 0; j < v; j++) grad[i * v + j] = row == null ? 0 : row[j] * g.gradient().scale();
      }
      adam.step(m, g.gradient(), lr, L2.NONE);
      for (int k = 0; k < w.length; k++) {
        mw[k] = 0.9 * mw[k] + 0.1 * grad[k];
        vw[k] = 0.999 * vw[k] + 0.001 * grad[k] * grad[k];
        double mHat = mw[k] / (1 - Math.pow(0.9, t));
        double vHat = vw[k] / (1 - Math.pow(0.999, t));
        w[k] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
        assertEquals(w[k], m.weights()[k], 1e-5, "step " + t + " weight " + k);
        w[k] = m.weights()[k]; // follow the float-rounded trajectory
      }
    }
  }

  /** The full gradient (data plus L2) of every weight, in double. */
  private static double[] fullGradient(BigramModel m, BigramLossAggregator g, double l2) {
    int v = m.numClasses();
    double[] grad = new double[v * v];
    for (int i = 0; i < v; i++) {
      double[] row = Gradients.row(g.gradient(), i, v);
      for (int j = 0; j < v; j++) {
        grad[i * v + j] = (row == null ? 0 : row[j] * g.gradient().scale()) + l2 * m.weights()[i * v + j];
      }
    }
    return grad;
  }

  @Test
  void adamWithL2TakesTheTextbookStepWithAnEpsilonOfATenthOfTheL2() {
    int v = 6;
    double l2 = 0.05;
    BigramModel m = BigramModel.initialize(v, true, 0.5, 4);
    Adam adam = new Adam((long) v * v, v, true);
    double[] mw = new double[v * v];
    double[] vw = new double[v * v];
    double lr = 0.05;
    for (int t = 1; t <= 3; t++) {
      double[] grad = fullGradient(m, gradient(m), l2);
      float[] w = m.weights().clone();
      adam.step(m, gradient(m).gradient(), lr, new L2(l2));
      for (int k = 0; k < w.length; k++) {
        mw[k] = 0.9 * mw[k] + 0.1 * grad[k];
        vw[k] = 0.999 * vw[k] + 0.001 * grad[k] * grad[k];
        double mHat = mw[k] / (1 - Math.pow(0.9, t));
        double vHat = vw[k] / (1 - Math.pow(0.999, t));
        assertEquals(w[k] - lr * mHat / (Math.sqrt(vHat) + 0.1 * l2), m.weights()[k], 1e-5,
            "step " + t + " weight " + k);
      }
    }
  }

  @Test
  void aStateRestoredWithoutMeansStepsFromZeroMomentumWithTheCarriedVarianceAndStepCount() {
    int v = 6;
    BigramModel m = BigramModel.initialize(v, true, 0.5, 4);
    Adam first = new Adam((long) v * v, v, true);
    for (int t = 1; t <= 3; t++) first.step(m, gradient(m).gradient(), 0.05, L2.NONE);
    OptimizerState carried = first.state().withoutMeans();
    float[] variance = carried.weightVariance().clone();
    Adam next = new Adam((long) v * v, v, true);
    next.restore(carried);
    double[] grad = fullGradient(m, gradient(m), 0.0);
    float[] w = m.weights().clone();
    next.step(m, gradient(m).gradient(), 0.05, L2.NONE);
    for (int k = 0; k < w.length; k++) {
      double mHat = 0.1 * grad[k] / (1 - Math.pow(0.9, 4));
      double vHat = (0.999 * variance[k] + 0.001 * grad[k] * grad[k]) / (1 - Math.pow(0.999, 4));
      assertEquals(w[k] - 0.05 * mHat / (Math.sqrt(vHat) + 1e-8), m.weights()[k], 1e-5, "weight " + k);
    }
    assertEquals(4, next.state().steps());
  }

  /**
   * A warm trial of the L2 search takes its source's arrays over: adopting a state steps exactly as restoring a
   * copy of it, and trains the given arrays themselves.
   */
  @Test
  void anAdoptedStateStepsBitForBitAsARestoredCopyAndIsTrainedInPlace() {
    int v = 6;
    BigramModel m = BigramModel.initialize(v, true, 0.5, 4);
    Adam first = new Adam((long) v * v, v, true);
    for (int t = 1; t <= 3; t++) first.step(m, gradient(m).gradient(), 0.05, new L2(0.01));
    OptimizerState carried = first.state().withoutMeans();
    OptimizerState copy = new OptimizerState(carried.steps(), null, carried.weightVariance().clone(), null,
        carried.biasVariance().clone());
    BigramModel restoredModel = m.copy();
    Optimizer restored = Optimizer.create("adam", (long) v * v, v, true);
    restored.restore(copy);
    Optimizer adopted = Optimizer.adopting("adam", carried, (long) v * v, v, true);
    for (int t = 0; t < 3; t++) {
      restored.step(restoredModel, gradient(restoredModel).gradient(), 0.05, new L2(0.01));
      adopted.step(m, gradient(m).gradient(), 0.05, new L2(0.01));
    }
    assertEquals(restoredModel, m, "the same weights and bias, bit for bit");
    assertTrue(adopted.state().weightVariance() == carried.weightVariance(), "the carried array is trained");
    assertEquals(java.util.Arrays.toString(restored.state().weightVariance()),
        java.util.Arrays.toString(carried.weightVariance()));
    assertEquals(6, adopted.state().steps());
    assertTrue(Optimizer.adopting("sgd", OptimizerState.NONE, (long) v * v, v, true) instanceof Sgd);
  }

  @Test
  void adoptingAStateOfAnotherShapeIsRefused() {
    OptimizerState fourWeights = new OptimizerState(2, null, new float[4], null, new float[2]);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Optimizer.adopting("adam", fourWeights, 9, 3, true), "9 weights and 3 biases expected");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Optimizer.adopting("adam", fourWeights, 4, 2, false), "a bias variance for a model without bias");
    Optimizer noBias = Optimizer.adopting("adam", new OptimizerState(2, null, new float[4], null, null), 4, 2,
        false);
    assertEquals(2, noBias.state().steps());
  }

  /**
   * Unseen pairs whose weights only the L2 holds near 0: Adam's first step moved each of them by the whole
   * learning rate, and their L2 penalty raised the training loss (on sample-data/ by 0.8 nats at epoch 2).
   */
  @Test
  void theFirstAdamStepLowersThePenalisedLossWhereAnEpsilonOf1e8RaisesIt() {
    int v = 200;
    double l2 = 1.0 / 300; // 1/N, where the L2 search starts
    BigramModel m = BigramModel.initialize(v, true, 0.0, 4);
    BigramLossAggregator g = gradient(m);
    double before = g.loss() + new L2(l2).penalty(m);
    double[] grad = fullGradient(m, g, l2);
    float[] old = m.weights().clone();
    double lr = 0.1;
    for (int k = 0; k < old.length; k++) old[k] -= (float) (lr * grad[k] / (Math.abs(grad[k]) + 1e-8));
    BigramModel withOld = new BigramModel(v, old, m.bias().clone());
    double afterOld = gradient(withOld).loss() + new L2(l2).penalty(withOld);
    new Adam((long) v * v, v, true).step(m, g.gradient(), lr, new L2(l2));
    double after = gradient(m).loss() + new L2(l2).penalty(m);
    assertTrue(afterOld > before, "the case: an epsilon of 1e-8 raises the loss, " + before + " -> " + afterOld);
    assertTrue(after < before, before + " -> " + after);
  }

  @Test
  void learningRateDecaysAsTheExerciseAndStopsAtTheFloor() {
    LearningRateSchedule s = new LearningRateSchedule(0.1, 0.95, 0.01);
    for (int e = 1; e <= 100; e++) {
      assertEquals(Math.max(0.1 * Math.pow(0.95, e), 0.01), s.at(e), 1e-15);
    }
    assertEquals(0.095, s.at(1), 1e-15);
    assertEquals(0.01, s.at(100), 0.0);
  }

  @Test
  void earlyStoppingStopsAfterExactlyPatienceEpochsWithoutImprovement() {
    EarlyStopping es = new EarlyStopping(3, 0.01);
    List<Double> losses = List.of(5.0, 4.0, 3.5, 3.495, 3.6, 3.491, 3.0);
    int stoppedAt = -1;
    for (int e = 1; e <= losses.size(); e++) {
      es.record(e, losses.get(e - 1));
      if (es.shouldStop()) {
        stoppedAt = e;
        break;
      }
    }
    // 3.495 and 3.491 improve on 3.5 by less than min-delta: epochs 4, 5, 6 do not count.
    assertEquals(6, stoppedAt);
    assertEquals(3, es.bestEpoch());
    assertEquals(3.5, es.bestLoss(), 0.0);
  }

  @Test
  void anImprovementResetsPatience() {
    EarlyStopping es = new EarlyStopping(2, 0.0);
    assertTrue(es.record(1, 2.0));
    assertFalse(es.record(2, 2.0));
    assertTrue(es.record(3, 1.9));
    assertFalse(es.shouldStop());
    assertFalse(es.record(4, 1.95));
    assertFalse(es.shouldStop());
    assertFalse(es.record(5, 1.9));
    assertTrue(es.shouldStop());
  }
}
