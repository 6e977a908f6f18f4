package dev.bigram.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlocks;
import dev.bigram.model.BigramModel;
import dev.bigram.testing.Gradients;
import dev.bigram.testing.NaiveBigramLoss;
import dev.bigram.testing.Occurrences.Pair;
import dev.bigram.testing.Occurrences;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The math of the loss, without Spark: against a per-occurrence loop, finite differences, and its algebra. */
class BigramLossAggregatorTest {
  /** Relative tolerance against the naive per-occurrence reference: only summation order differs. */
  static final double REFERENCE_TOLERANCE = 1e-9;
  /** Central differences with step 1e-5 have truncation error of order 1e-10 on these magnitudes. */
  static final double FD_TOLERANCE = 1e-6;
  static final long DATA_SEED = 20261124L;

  static BigramModel model(int v, boolean bias, long seed) {
    BigramModel m = BigramModel.initialize(v, bias, 0.8, seed);
    if (bias) {
      Random r = new Random(seed + 1);
      for (int j = 0; j < v; j++) m.bias()[j] = (float) r.nextGaussian();
    }
    return m;
  }

  static double[][] toDouble(BigramModel m) {
    int v = m.numClasses();
    double[][] w = new double[v][v];
    for (int i = 0; i < v; i++) for (int j = 0; j < v; j++) w[i][j] = m.weights()[i * v + j];
    return w;
  }

  static double[] biasToDouble(BigramModel m) {
    if (!m.hasBias()) return null;
    double[] b = new double[m.numClasses()];
    for (int j = 0; j < b.length; j++) b[j] = m.bias()[j];
    return b;
  }

  static BigramLossAggregator aggregate(BigramModel m, List<Pair> pairs, int numBlocks) {
    RowBlocks partitioner = new RowBlocks(m.numClasses(), numBlocks);
    BigramLossAggregator agg = new BigramLossAggregator(m.numClasses(), true, Kernel.EXACT);
    for (RowBlock block : Occurrences.blocks(pairs, partitioner)) {
      agg.merge(new BigramLossAggregator(m.numClasses(), true, Kernel.EXACT)
          .add(block, WeightRows.view(m.weights(), m.bias(), m.numClasses(), block.firstRow(), block.endRow())));
    }
    return agg;
  }

  static void assertRelative(double expected, double actual, double tol, String what) {
    double scale = Math.max(Math.abs(expected), 1e-12);
    assertTrue(Math.abs(expected - actual) / scale <= tol || Math.abs(expected - actual) <= 1e-15,
        what + ": expected " + expected + " but got " + actual + " (relative error "
            + Math.abs(expected - actual) / scale + ", tolerance " + tol + ")");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void matchesPerOccurrenceReferenceWithBias(int numBlocks) {
    checkAgainstReference(true, numBlocks);
  }

  @Test
  void matchesPerOccurrenceReferenceWithoutBias() {
    checkAgainstReference(false, 3);
  }

  private void checkAgainstReference(boolean bias, int numBlocks) {
    int v = 17;
    List<Pair> pairs = Occurrences.random(v, 600, 0.2, DATA_SEED);
    BigramModel m = model(v, bias, 7);
    BigramLossAggregator agg = aggregate(m, pairs, numBlocks);
    NaiveBigramLoss ref = new NaiveBigramLoss(toDouble(m), biasToDouble(m), pairs);

    assertEquals(ref.count, agg.count());
    assertRelative(ref.loss, agg.loss(), REFERENCE_TOLERANCE, "training loss");
    assertRelative(ref.validationLoss, agg.validationLoss(), REFERENCE_TOLERANCE, "validation loss");
    double scale = agg.gradient().scale();
    for (int i = 0; i < v; i++) {
      double[] row = Gradients.row(agg.gradient(), i, v);
      for (int j = 0; j < v; j++) {
        double got = row == null ? 0.0 : row[j] * scale;
        double want = ref.gradW[i][j];
        assertTrue(Math.abs(got - want) <= REFERENCE_TOLERANCE * Math.max(Math.abs(want), 1e-6),
            "dW[" + i + "][" + j + "]: expected " + want + " got " + got);
      }
    }
    if (bias) {
      for (int j = 0; j < v; j++) {
        double want = ref.gradB[j];
        double got = agg.gradient().bias()[j] * scale;
        assertTrue(Math.abs(got - want) <= REFERENCE_TOLERANCE * Math.max(Math.abs(want), 1e-6),
            "db[" + j + "]: expected " + want + " got " + got);
      }
    } else {
      assertNull(agg.gradient().bias());
    }
  }

  @Test
  void gradientMatchesCentralFiniteDifferencesAt25RandomPoints() {
    int v = 9;
    List<Pair> pairs = Occurrences.random(v, 200, 0.0, DATA_SEED + 1);
    Random pick = new Random(4242);
    double h = 1e-5;
    for (int point = 0; point < 25; point++) {
      BigramModel m = model(v, true, 100 + point);
      BigramLossAggregator agg = aggregate(m, pairs, 2);
      double[][] w = toDouble(m);
      double[] b = biasToDouble(m);
      for (int probe = 0; probe < 4; probe++) {
        int i = pick.nextInt(v);
        int j = pick.nextInt(v);
        double saved = w[i][j];
        w[i][j] = saved + h;
        double up = NaiveBigramLoss.loss(w, b, pairs);
        w[i][j] = saved - h;
        double down = NaiveBigramLoss.loss(w, b, pairs);
        w[i][j] = saved;
        double numeric = (up - down) / (2 * h);
        double[] row = Gradients.row(agg.gradient(), i, v);
        double analytic = row == null ? 0.0 : row[j] * agg.gradient().scale();
        assertTrue(Math.abs(numeric - analytic) <= FD_TOLERANCE * Math.max(1.0, Math.abs(numeric)),
            "point " + point + " dW[" + i + "][" + j + "]: finite difference " + numeric + ", analytic " + analytic
                + ", error " + Math.abs(numeric - analytic));
      }
      int j = pick.nextInt(v);
      double saved = b[j];
      b[j] = saved + h;
      double up = NaiveBigramLoss.loss(w, b, pairs);
      b[j] = saved - h;
      double down = NaiveBigramLoss.loss(w, b, pairs);
      b[j] = saved;
      double numeric = (up - down) / (2 * h);
      double analytic = agg.gradient().bias()[j] * agg.gradient().scale();
      assertTrue(Math.abs(numeric - analytic) <= FD_TOLERANCE * Math.max(1.0, Math.abs(numeric)),
          "point " + point + " db[" + j + "]: finite difference " + numeric + ", analytic " + analytic);
    }
  }

  @Test
  void mergingWithAnEmptyAggregatorChangesNothing() {
    int v = 11;
    BigramModel m = model(v, true, 3);
    List<Pair> pairs = Occurrences.random(v, 300, 0.1, DATA_SEED + 2);
    BigramLossAggregator a = aggregate(m, pairs, 3);
    BigramLossAggregator left = new BigramLossAggregator(v, true, Kernel.EXACT).merge(aggregate(m, pairs, 3));
    BigramLossAggregator right = aggregate(m, pairs, 3).merge(new BigramLossAggregator(v, true, Kernel.EXACT));
    for (BigramLossAggregator x : List.of(left, right)) {
      assertEquals(a.loss(), x.loss(), 0.0);
      assertEquals(a.validationLoss(), x.validationLoss(), 0.0);
      assertEquals(a.count(), x.count());
      assertArrayEquals(a.gradient().bias(), x.gradient().bias(), 0.0);
      for (int i = 0; i < v; i++) assertArrayEquals(Gradients.row(a.gradient(), i, v), Gradients.row(x.gradient(), i, v), 0.0);
    }
  }

  @Test
  void mergeIsAssociative() {
    int v = 12;
    BigramModel m = model(v, true, 5);
    RowBlocks partitioner = new RowBlocks(v, 3);
    List<RowBlock> blocks = Occurrences.blocks(Occurrences.random(v, 400, 0.15, DATA_SEED + 3), partitioner);
    java.util.function.IntFunction<BigramLossAggregator> one = k -> new BigramLossAggregator(v, true, Kernel.EXACT)
        .add(blocks.get(k), WeightRows.whole(m.weights(), m.bias(), v));
    BigramLossAggregator leftFirst = one.apply(0).merge(one.apply(1)).merge(one.apply(2));
    BigramLossAggregator rightFirst = one.apply(0).merge(one.apply(1).merge(one.apply(2)));
    assertEquals(leftFirst.loss(), rightFirst.loss(), 1e-14 * Math.abs(leftFirst.loss()));
    assertEquals(leftFirst.validationLoss(), rightFirst.validationLoss(), 1e-14);
    assertArrayEquals(leftFirst.gradient().bias(), rightFirst.gradient().bias(), 1e-12);
    for (int i = 0; i < v; i++) assertArrayEquals(Gradients.row(leftFirst.gradient(), i, v), Gradients.row(rightFirst.gradient(), i, v), 0.0);
  }

  @Test
  void mergingTwoOwnersOfOneRowIsRefused() {
    int v = 6;
    BigramModel m = model(v, true, 1);
    RowBlocks partitioner = new RowBlocks(v, 1);
    RowBlock block = Occurrences.blocks(Occurrences.random(v, 50, 0, 1), partitioner).get(0);
    BigramLossAggregator a = new BigramLossAggregator(v, true, Kernel.EXACT).add(block, WeightRows.whole(m.weights(), m.bias(), v));
    BigramLossAggregator b = new BigramLossAggregator(v, true, Kernel.EXACT).add(block, WeightRows.whole(m.weights(), m.bias(), v));
    assertThrows(IllegalStateException.class, () -> a.merge(b));
  }

  @Test
  void lossIsStableForHugeLogits() {
    int v = 4;
    BigramModel m = model(v, false, 1);
    java.util.Arrays.fill(m.weights(), 1e30f);
    m.weights()[1] = 1e30f + 1e24f; // differences representable in float at this magnitude
    BigramLossAggregator agg = aggregate(m, List.of(new Pair(0, 1, false), new Pair(0, 2, false)), 1);
    assertTrue(Double.isFinite(agg.loss()), "loss overflowed: " + agg.loss());
  }

  @Test
  void serializationRoundTripKeepsEveryValue() throws Exception {
    int v = 10;
    BigramModel m = model(v, true, 9);
    BigramLossAggregator a = aggregate(m, Occurrences.random(v, 200, 0.1, DATA_SEED + 4), 2);
    BigramLossAggregator back = roundTrip(a);
    assertEquals(a.loss(), back.loss(), 0.0);
    assertArrayEquals(a.gradient().bias(), back.gradient().bias(), 0.0);
    for (int i = 0; i < v; i++) assertArrayEquals(Gradients.row(a.gradient(), i, v), Gradients.row(back.gradient(), i, v), 0.0);

    WeightRows view = WeightRows.view(m.weights(), m.bias(), v, 3, 7);
    WeightRows shipped = roundTrip(view);
    assertEquals(4L * 4 * v + 4L * v, shipped.payloadBytes());
    assertEquals(4 * v, shipped.weights().length, "a shipped view carries only its rows");
    for (int row = 3; row < 7; row++) {
      for (int j = 0; j < v; j++) {
        assertEquals(view.weights()[view.offsetOf(row) + j], shipped.weights()[shipped.offsetOf(row) + j], 0.0f);
      }
    }
    assertArrayEquals(m.bias(), shipped.bias(), 0.0f);
  }

  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
