package dev.bigram.loss;

import static dev.bigram.loss.BigramLossAggregatorTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlocks;
import dev.bigram.model.BigramModel;
import dev.bigram.model.SparsePairs;
import dev.bigram.optim.L2;
import dev.bigram.optim.Optimizer;
import dev.bigram.testing.NaiveBigramLoss;
import dev.bigram.testing.Occurrences.Pair;
import dev.bigram.testing.Occurrences;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sparse model's loss and gradients, without Spark: against a brute-force dense softmax in which every
 * unseen pair's weight is fixed at 0, against finite differences, and against the dense model when every pair
 * is seen.
 */
class SparseLossTest {
  static final long DATA_SEED = 20261201L;

  /** The distinct training pairs of {@code occurrences}: the sparse model's entries. */
  static SparsePairs pairsOf(List<Pair> occurrences, int v) {
    List<TreeSet<Integer>> rows = new java.util.ArrayList<>();
    for (int i = 0; i < v; i++) rows.add(new TreeSet<>());
    for (Pair p : occurrences) if (!p.validation()) rows.get(p.prev()).add(p.next());
    int[] start = new int[v + 1];
    for (int i = 0; i < v; i++) start[i + 1] = start[i] + rows.get(i).size();
    int[] cols = new int[start[v]];
    for (int i = 0; i < v; i++) {
      int k = start[i];
      for (int j : rows.get(i)) cols[k++] = j;
    }
    return new SparsePairs(v, start, cols);
  }

  /** Every pair of {@code v} words: the sparse layout of a dense model. */
  static SparsePairs allPairs(int v) {
    int[] start = new int[v + 1];
    int[] cols = new int[v * v];
    for (int i = 0; i < v; i++) {
      start[i + 1] = (i + 1) * v;
      for (int j = 0; j < v; j++) cols[i * v + j] = j;
    }
    return new SparsePairs(v, start, cols);
  }

  static BigramModel sparseModel(SparsePairs pairs, boolean bias, long seed) {
    BigramModel m = BigramModel.initialize(pairs, bias, 0.8, seed);
    if (bias) {
      Random r = new Random(seed + 1);
      for (int j = 0; j < pairs.numClasses(); j++) m.bias()[j] = (float) r.nextGaussian();
    }
    return m;
  }

  /** The dense double matrix of a sparse model: its weights on its pairs, 0 everywhere else. */
  static double[][] denseOf(BigramModel m) {
    int v = m.numClasses();
    double[][] w = new double[v][v];
    for (int i = 0; i < v; i++) for (int j = 0; j < v; j++) w[i][j] = m.weight(i, j);
    return w;
  }

  static double[] biasOf(BigramModel m) {
    if (!m.hasBias()) return null;
    double[] b = new double[m.numClasses()];
    for (int j = 0; j < b.length; j++) b[j] = m.bias()[j];
    return b;
  }

  static BigramLossAggregator aggregate(BigramModel m, List<RowBlock> blocks, Kernel kernel) {
    BigramLossAggregator agg = new BigramLossAggregator(m.numClasses(), true, kernel);
    for (RowBlock block : blocks) {
      agg.merge(new BigramLossAggregator(m.numClasses(), true, kernel).add(block,
          WeightRows.sparseView(m.pairs(), m.weights(), m.bias(), block.firstRow(), block.endRow())));
    }
    return agg;
  }

  /** The scaled weight gradient, one entry per pair of the model. */
  static double[] weightGradient(Gradient g, SparsePairs pairs) {
    double[] out = new double[pairs.size()];
    for (GradientRows r : g.rows()) {
      int first = pairs.rowStart(r.firstRow());
      assertEquals(pairs.rowStart(r.endRow()) - first, r.length(), "entries of gradient rows " + r);
      for (int e = 0; e < r.length(); e++) out[first + e] = r.value(r.base() + e) * g.scale();
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void lossAndGradientsMatchABruteForceDenseSoftmaxWithUnseenWeightsAtZeroTo1e9(int numBlocks) {
    checkAgainstBruteForce(true, numBlocks);
  }

  @Test
  void withoutBiasTheUnseenPairsScoreZeroAndStillMatchTheBruteForceTo1e9() {
    checkAgainstBruteForce(false, 3);
  }

  private void checkAgainstBruteForce(boolean bias, int numBlocks) {
    int v = 19;
    List<Pair> occurrences = Occurrences.random(v, 700, 0.2, DATA_SEED);
    SparsePairs pairs = pairsOf(occurrences, v);
    assertTrue(pairs.size() < v * v / 2, "the test needs unseen pairs, got " + pairs.size());
    BigramModel m = sparseModel(pairs, bias, 11);
    BigramLossAggregator agg = aggregate(m, Occurrences.blocks(occurrences, new RowBlocks(v, numBlocks)),
        Kernel.EXACT);
    NaiveBigramLoss ref = new NaiveBigramLoss(denseOf(m), biasOf(m), occurrences);

    assertEquals(ref.count, agg.count());
    assertRelative(ref.loss, agg.loss(), 1e-9, "training loss");
    assertRelative(ref.validationLoss, agg.validationLoss(), 1e-9, "validation loss (with unseen pairs)");
    double[] dw = weightGradient(agg.gradient(), pairs);
    for (int i = 0; i < v; i++) {
      for (int k = pairs.rowStart(i); k < pairs.rowEnd(i); k++) {
        double want = ref.gradW[i][pairs.column(k)];
        assertTrue(Math.abs(dw[k] - want) <= 1e-9 * Math.max(Math.abs(want), 1e-6),
            "dW[" + i + "][" + pairs.column(k) + "]: expected " + want + " got " + dw[k]);
      }
    }
    if (bias) {
      for (int j = 0; j < v; j++) {
        double want = ref.gradB[j];
        double got = agg.gradient().bias()[j] * agg.gradient().scale();
        assertTrue(Math.abs(got - want) <= 1e-9 * Math.max(Math.abs(want), 1e-6),
            "db[" + j + "]: expected " + want + " got " + got);
      }
    }
  }

  @Test
  void withWeightsNearZeroTheBiasGradientStillMatchesTheBruteForceTo1e9() {
    // Weights of about 1e-7, where exp(b + w) - exp(b) is a difference of near-equal numbers. (At this
    // tolerance a plain difference would pass too: its error is relative to each term, not to db_j.)
    int v = 13;
    List<Pair> occurrences = Occurrences.random(v, 500, 0.0, DATA_SEED + 5);
    SparsePairs pairs = pairsOf(occurrences, v);
    BigramModel m = sparseModel(pairs, true, 3);
    Random r = new Random(9);
    for (int k = 0; k < m.weights().length; k++) m.weights()[k] = (float) (1e-7 * r.nextGaussian());
    BigramLossAggregator agg = aggregate(m, Occurrences.blocks(occurrences, new RowBlocks(v, 2)), Kernel.EXACT);
    NaiveBigramLoss ref = new NaiveBigramLoss(denseOf(m), biasOf(m), occurrences);
    for (int j = 0; j < v; j++) {
      double want = ref.gradB[j];
      double got = agg.gradient().bias()[j] * agg.gradient().scale();
      assertTrue(Math.abs(got - want) <= 1e-9 * Math.max(Math.abs(want), 1e-6),
          "db[" + j + "]: expected " + want + " got " + got);
    }
  }

  @Test
  void gradientMatchesCentralFiniteDifferencesOnWeightsAndBias() {
    int v = 9;
    List<Pair> occurrences = Occurrences.random(v, 250, 0.0, DATA_SEED + 1);
    SparsePairs pairs = pairsOf(occurrences, v);
    Random pick = new Random(77);
    double h = 1e-5;
    for (int point = 0; point < 10; point++) {
      BigramModel m = sparseModel(pairs, true, 200 + point);
      BigramLossAggregator agg = aggregate(m, Occurrences.blocks(occurrences, new RowBlocks(v, 2)), Kernel.EXACT);
      double[] dw = weightGradient(agg.gradient(), pairs);
      double[][] w = denseOf(m);
      double[] b = biasOf(m);
      for (int probe = 0; probe < 4; probe++) {
        int k = pick.nextInt(pairs.size());
        int i = rowOf(pairs, k);
        int j = pairs.column(k);
        double saved = w[i][j];
        w[i][j] = saved + h;
        double up = NaiveBigramLoss.loss(w, b, occurrences);
        w[i][j] = saved - h;
        double down = NaiveBigramLoss.loss(w, b, occurrences);
        w[i][j] = saved;
        double numeric = (up - down) / (2 * h);
        assertTrue(Math.abs(numeric - dw[k]) <= 1e-6 * Math.max(1.0, Math.abs(numeric)),
            "point " + point + " dW[" + i + "][" + j + "]: finite difference " + numeric + ", analytic " + dw[k]);
      }
      int j = pick.nextInt(v);
      double saved = b[j];
      b[j] = saved + h;
      double up = NaiveBigramLoss.loss(w, b, occurrences);
      b[j] = saved - h;
      double down = NaiveBigramLoss.loss(w, b, occurrences);
      b[j] = saved;
      double numeric = (up - down) / (2 * h);
      double analytic = agg.gradient().bias()[j] * agg.gradient().scale();
      assertTrue(Math.abs(numeric - analytic) <= 1e-6 * Math.max(1.0, Math.abs(numeric)),
          "point " + point + " db[" + j + "]: finite difference " + numeric + ", analytic " + analytic);
    }
  }

  private static int rowOf(SparsePairs pairs, int entry) {
    int i = 0;
    while (pairs.rowEnd(i) <= entry) i++;
    return i;
  }

  /** Every pair of {@code v} words seen once at least, plus random repeats. */
  private static List<Pair> everyPairSeen(int v, long seed) {
    List<Pair> out = new java.util.ArrayList<>();
    for (int i = 0; i < v; i++) for (int j = 0; j < v; j++) out.add(new Pair(i, j, false));
    out.addAll(Occurrences.random(v, 400, 0.0, seed));
    return out;
  }

  @Test
  void sparseStartsFromTheDenseWeightsWhenEveryPairIsSeen() {
    int v = 8;
    BigramModel dense = BigramModel.initialize(v, true, 0.3, 5);
    BigramModel sparse = BigramModel.initialize(allPairs(v), true, 0.3, 5);
    assertArrayEquals(dense.weights(), sparse.weights());
  }

  @ParameterizedTest
  @ValueSource(strings = {"adam", "sgd"})
  void sparseTrainsLikeDenseTo1e9WhenEveryPairIsSeen(String optimizer) {
    int v = 10;
    List<Pair> occurrences = everyPairSeen(v, DATA_SEED + 2);
    List<RowBlock> blocks = Occurrences.blocks(occurrences, new RowBlocks(v, 3));
    BigramModel dense = BigramModel.initialize(v, true, 0.3, 5);
    BigramModel sparse = BigramModel.initialize(pairsOf(occurrences, v), true, 0.3, 5);
    assertEquals(allPairs(v), sparse.pairs());
    Optimizer denseOpt = Optimizer.create(optimizer, dense.numWeights(), v, true);
    Optimizer sparseOpt = Optimizer.create(optimizer, sparse.numWeights(), v, true);
    L2 l2 = new L2(1e-3);
    for (int epoch = 1; epoch <= 30; epoch++) {
      BigramLossAggregator d = new BigramLossAggregator(v, true, Kernel.EXACT);
      for (RowBlock block : blocks) {
        d.merge(new BigramLossAggregator(v, true, Kernel.EXACT).add(block,
            WeightRows.view(dense.weights(), dense.bias(), v, block.firstRow(), block.endRow())));
      }
      BigramLossAggregator s = aggregate(sparse, blocks, Kernel.EXACT);
      assertRelative(d.loss() + l2.penalty(dense), s.loss() + l2.penalty(sparse), 1e-9,
          "epoch " + epoch + " training loss");
      denseOpt.step(dense, d.gradient(), 0.05, l2);
      sparseOpt.step(sparse, s.gradient(), 0.05, l2);
    }
    for (int k = 0; k < v * v; k++) {
      assertEquals(dense.weights()[k], sparse.weights()[k], 1e-5 * Math.max(1, Math.abs(dense.weights()[k])),
          "weight " + k);
    }
  }

  @Test
  void theFastKernelAgreesWithTheExactOneOnTheSparseModel() {
    int v = 23;
    List<Pair> occurrences = Occurrences.random(v, 900, 0.1, DATA_SEED + 3);
    SparsePairs pairs = pairsOf(occurrences, v);
    BigramModel m = sparseModel(pairs, true, 17);
    List<RowBlock> blocks = Occurrences.blocks(occurrences, new RowBlocks(v, 4));
    BigramLossAggregator exact = aggregate(m, blocks, Kernel.EXACT);
    BigramLossAggregator fast = aggregate(m, blocks, Kernel.FAST);
    assertRelative(exact.loss(), fast.loss(), 1e-12, "loss");
    double[] de = weightGradient(exact.gradient(), pairs);
    double[] df = weightGradient(fast.gradient(), pairs);
    for (int k = 0; k < de.length; k++) assertEquals(de[k], df[k], 1e-7 * Math.max(1, Math.abs(de[k])), "entry " + k);
    assertArrayEquals(exact.gradient().bias(), fast.gradient().bias(), 0.0);
  }

  @Test
  void sparseWeightRowsAndGradientRowsSurviveJavaSerialization() throws Exception {
    int v = 15;
    List<Pair> occurrences = Occurrences.random(v, 400, 0.1, DATA_SEED + 4);
    SparsePairs pairs = pairsOf(occurrences, v);
    BigramModel m = sparseModel(pairs, true, 21);
    RowBlocks partitioner = new RowBlocks(v, 3);
    List<RowBlock> blocks = Occurrences.blocks(occurrences, partitioner);
    BigramLossAggregator inPlace = aggregate(m, blocks, Kernel.FAST);
    BigramLossAggregator shipped = new BigramLossAggregator(v, true, Kernel.FAST);
    for (RowBlock block : blocks) {
      WeightRows rows = roundTrip(WeightRows.sparseView(pairs, m.weights(), m.bias(), block.firstRow(),
          block.endRow()));
      shipped.merge(roundTrip(new BigramLossAggregator(v, true, Kernel.FAST).add(block, rows)));
    }
    assertEquals(inPlace.loss(), shipped.loss(), 0.0);
    assertEquals(inPlace.validationLoss(), shipped.validationLoss(), 0.0);
    assertArrayEquals(weightGradient(inPlace.gradient(), pairs), weightGradient(shipped.gradient(), pairs), 0.0);
    assertArrayEquals(inPlace.gradient().bias(), shipped.gradient().bias(), 0.0);
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
