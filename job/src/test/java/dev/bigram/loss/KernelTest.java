package dev.bigram.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.CountRows;
import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlocks;
import dev.bigram.math.VectorSupport;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.Adam;
import dev.bigram.optim.L2;
import dev.bigram.testing.Gradients;
import dev.bigram.testing.Occurrences;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path against the reference: {@link Kernel#FAST} (vector API or its scalar fallback, float
 * gradient) must agree with {@link Kernel#EXACT} within the tolerances {@link Kernel} states; the shared
 * gradient buffer of local mode must give the same numbers as fresh arrays; Adam's vectorized row must agree
 * with its element rule.
 */
class KernelTest {
  static final long SEED = 20261125L;

  static BigramLossAggregator aggregate(BigramModel m, List<RowBlock> blocks, Kernel kernel, float[] shared) {
    int v = m.numClasses();
    BigramLossAggregator agg = new BigramLossAggregator(v, true, kernel);
    for (RowBlock b : blocks) {
      agg.merge(new BigramLossAggregator(v, true, kernel)
          .add(b, WeightRows.view(m.weights(), m.bias(), v, b.firstRow(), b.endRow()), shared));
    }
    return agg;
  }

  /**
   * The fast kernel agrees with the exact one as {@link Kernel} documents: the loss within
   * {@link Kernel#FAST_LOSS_TOLERANCE} relative, each gradient entry {@code n p - c} within
   * {@link Kernel#FAST_GRADIENT_TOLERANCE} of its own row's count {@code n[i]}, and {@code db} (a sum over every
   * row) within that of {@code N}.
   */
  static void assertAgree(BigramLossAggregator exact, BigramLossAggregator fast, List<RowBlock> blocks,
      String what) {
    long[] rowTotals = new long[exact.numClasses()];
    for (RowBlock b : blocks) {
      for (int r = 0; r < b.train().numRows(); r++) rowTotals[b.train().row(r)] += b.train().rowTotal(r);
    }
    int v = exact.numClasses();
    assertEquals(exact.count(), fast.count());
    assertEquals(exact.loss(), fast.loss(), Kernel.FAST_LOSS_TOLERANCE * exact.loss(), what + " loss");
    assertEquals(exact.validationLoss(), fast.validationLoss(), Kernel.FAST_LOSS_TOLERANCE * exact.validationLoss(),
        what + " validation loss");
    double n = exact.count();
    for (int i = 0; i < v; i++) {
      double[] e = Gradients.row(exact.gradient(), i, v);
      double[] f = Gradients.row(fast.gradient(), i, v);
      if (e == null) {
        assertNull(f);
        continue;
      }
      for (int j = 0; j < v; j++) {
        assertEquals(e[j], f[j], Kernel.FAST_GRADIENT_TOLERANCE * rowTotals[i], what + " dW[" + i + "][" + j + "]");
      }
    }
    if (exact.gradient().bias() != null) {
      for (int j = 0; j < v; j++) {
        assertEquals(exact.gradient().bias()[j], fast.gradient().bias()[j], Kernel.FAST_GRADIENT_TOLERANCE * n,
            what + " db[" + j + "]");
      }
    }
  }

  /** Sizes around the vector width (16 floats with AVX-512, 8 with AVX2) exercise the scalar tails. */
  @ParameterizedTest
  @ValueSource(ints = {5, 16, 37, 130, VectorSupport.VECTOR_FROM_CLASSES + 3})
  void fastAgreesWithExactWithinTheStatedTolerance(int v) {
    for (boolean bias : new boolean[] {true, false}) {
      BigramModel m = BigramLossAggregatorTest.model(v, bias, v);
      List<RowBlock> blocks = Occurrences.blocks(Occurrences.random(v, 40 * v, 0.2, SEED + v), new RowBlocks(v, 3));
      BigramLossAggregator exact = aggregate(m, blocks, Kernel.EXACT, null);
      BigramLossAggregator fast = aggregate(m, blocks, Kernel.FAST, null);
      assertTrue(fast.gradient().rows().get(0).isFloat(), "FAST ships float gradient rows");
      assertFalse(exact.gradient().rows().get(0).isFloat(), "EXACT ships double gradient rows");
      assertAgree(exact, fast, blocks, "V=" + v + " bias=" + bias);
    }
  }

  @Test
  void scalarFallbackAgreesWithExactRowByRow() {
    int v = 41;
    BigramModel m = BigramLossAggregatorTest.model(v, true, 3);
    CountRows rows = Occurrences.blocks(Occurrences.random(v, 2000, 0, SEED), new RowBlocks(v, 1)).get(0).train();
    ExactRowMath exact = new ExactRowMath(v);
    ScalarRowMath scalar = new ScalarRowMath(v);
    GradientRows ge = new GradientRows(0, v, v, false);
    GradientRows gs = new GradientRows(0, v, v, true);
    for (int r = 0; r < rows.numRows(); r++) {
      int row = rows.row(r);
      double le = exact.prepare(m.weights(), row * v, m.bias());
      double ls = scalar.prepare(m.weights(), row * v, m.bias());
      assertEquals(le, ls, Kernel.FAST_LOSS_TOLERANCE * Math.abs(le), "log-sum-exp of row " + row);
      exact.writeGradient(rows, r, ge, ge.offsetOf(row), null);
      scalar.writeGradient(rows, r, gs, gs.offsetOf(row), null);
      for (int j = 0; j < v; j++) {
        int k = ge.offsetOf(row) + j;
        assertEquals(ge.value(k), gs.value(k), Kernel.FAST_GRADIENT_TOLERANCE * rows.rowTotal(r), "row " + row);
      }
    }
  }

  @Test
  void aStaleSharedBufferGivesTheSameGradientAsFreshArraysAndNeverLeavesTheDriver() throws Exception {
    int v = 23;
    BigramModel m = BigramLossAggregatorTest.model(v, true, 11);
    // Rows without training data (never the previous word, or validation only) must come back as zeros.
    List<RowBlock> blocks = Occurrences.blocks(Occurrences.random(v, 300, 0.3, SEED + 1), new RowBlocks(v, 4));
    BigramLossAggregator fresh = aggregate(m, blocks, Kernel.FAST, null);
    float[] buffer = new float[v * v];
    Arrays.fill(buffer, 12345f);
    BigramLossAggregator shared = aggregate(m, blocks, Kernel.FAST, buffer);
    assertEquals(8L * v, shared.payloadBytes(), "shared rows ship no values: only db is left");
    assertThrows(java.io.NotSerializableException.class, () -> BigramLossAggregatorTest.roundTrip(shared),
        "a view of the driver's buffer never leaves the driver");
    assertEquals(fresh.loss(), shared.loss(), 0.0);
    assertEquals(fresh.validationLoss(), shared.validationLoss(), 0.0);
    assertTrue(Arrays.equals(fresh.gradient().bias(), shared.gradient().bias()));
    for (int i = 0; i < v; i++) {
      double[] a = Gradients.row(fresh.gradient(), i, v);
      double[] b = Gradients.row(shared.gradient(), i, v);
      assertNotNull(b, "row " + i);
      assertTrue(Arrays.equals(a, b), "row " + i + ": " + Arrays.toString(a) + " vs " + Arrays.toString(b));
    }
  }

  @Test
  void vectorAdamAgreesWithTheElementRule() {
    int v = 45;
    Random r = new Random(SEED);
    BigramModel a = BigramLossAggregatorTest.model(v, true, 5);
    BigramModel b = a.copy();
    List<RowBlock> blocks = Occurrences.blocks(Occurrences.random(v, 900, 0, SEED + 2), new RowBlocks(v, 2));
    Adam vector = new Adam((long) v * v, v, true);
    Adam element = new Adam((long) v * v, v, true);
    for (int step = 0; step < 5; step++) {
      BigramLossAggregator ga = aggregate(a, blocks, Kernel.FAST, null);
      BigramLossAggregator gb = aggregate(b, blocks, Kernel.FAST, null);
      double lr = 0.05 + 0.1 * r.nextDouble();
      double na = vector.step(a, ga.gradient(), lr, new L2(1e-3));
      // The element rule is what Adam uses without the vector API (and for EXACT gradients).
      double nb = elementStep(element, b, gb, lr, 1e-3);
      assertEquals(nb, na, 1e-6 * nb, "gradient norm, step " + step);
      for (int k = 0; k < v * v; k++) {
        assertEquals(b.weights()[k], a.weights()[k], 1e-5, "step " + step + " weight " + k);
      }
    }
  }

  private static double elementStep(Adam adam, BigramModel m, BigramLossAggregator g, double lr, double l2) {
    return adam.step(m, Gradients.inDouble(g.gradient(), m.numClasses()), lr, new L2(l2));
  }
}
