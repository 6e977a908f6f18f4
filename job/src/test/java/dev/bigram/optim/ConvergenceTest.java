package dev.bigram.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The exercise's convergence test, on hand-computed loss sequences. */
class ConvergenceTest {
  static final double TOLERANCE = 1e-12;
  final Convergence exercise = new Convergence(0.001);

  @Test
  void theMeanAbsoluteChangeCoversTheLastThreeSteps() {
    double[] losses = {9.0, 2.0, 1.5, 1.2, 1.0};
    // |1.5-2| + |1.2-1.5| + |1.0-1.2| = 1.0 over 3 steps; the first step (9 -> 2) is outside the window.
    assertEquals(1.0 / 3, Convergence.meanRecentChange(losses), TOLERANCE);
    assertFalse(exercise.converged(losses));
  }

  @Test
  void increasesCountAsMuchAsDecreases() {
    assertEquals(0.0002, Convergence.meanRecentChange(new double[] {1.0, 1.0003, 1.0, 1.0}), TOLERANCE);
    assertTrue(exercise.converged(new double[] {1.0, 1.0003, 1.0, 1.0}));
  }

  @Test
  void fewerThanFourLossesNeverConverge() {
    assertEquals(Double.POSITIVE_INFINITY, Convergence.meanRecentChange(new double[] {1.0, 1.0, 1.0}));
    assertFalse(exercise.converged(new double[] {1.0, 1.0, 1.0}));
    assertEquals(OptionalInt.empty(), exercise.firstConvergedEpoch(new double[] {1.0, 1.0, 1.0}));
  }

  @Test
  void aNonFiniteLossNeverConverges() {
    assertFalse(exercise.converged(new double[] {1.0, 1.0, Double.NaN, 1.0}));
  }

  @Test
  void theFirstConvergedEpochIsWhereTheWindowFirstFallsBelowTheTolerance() {
    double[] losses = {3.0, 2.0, 1.0, 0.9995, 0.999, 0.9988, 0.9987};
    // end 5: (1 + 0.0005 + 0.0005) / 3 > 0.001; end 6: (0.0005 + 0.0005 + 0.0002) / 3 = 0.0004 < 0.001.
    assertEquals(OptionalInt.of(6), exercise.firstConvergedEpoch(losses));
    assertEquals(OptionalInt.empty(), new Convergence(0.0001).firstConvergedEpoch(losses));
  }

  @Test
  void theToleranceMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new Convergence(0.0));
  }
}
