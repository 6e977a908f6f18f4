package dev.bigram.loss;

import static dev.bigram.loss.BigramLossAggregatorTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlocks;
import dev.bigram.model.BigramModel;
import dev.bigram.model.LowRank;
import dev.bigram.testing.Gradients;
import dev.bigram.testing.NaiveBigramLoss;
import dev.bigram.testing.Occurrences;
import dev.bigram.testing.Occurrences.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The low-rank term's math without Spark ({@link LowRank}): the loss and every gradient against a per-occurrence
 * reference, the factors' gradient against finite differences, and the term on every path a block takes.
 */
class LowRankTermTest {
  static final int V = 13;
  static final int RANK = 3;

  /** A model of rank {@link #RANK} with factors of order 1, so that the term matters. */
  static BigramModel model(long seed) {
    BigramModel m = BigramModel.initialize(V, true, 0.8, seed, RANK);
    Random r = new Random(seed + 1);
    float[] w = m.weights();
    for (int k = LowRank.aStart(V); k < w.length; k++) w[k] = (float) (0.7 * r.nextGaussian());
    for (int j = 0; j < V; j++) m.bias()[j] = (float) r.nextGaussian();
    return m;
  }

  static double[] bias(BigramModel m) {
    double[] b = new double[V];
    for (int j = 0; j < V; j++) b[j] = m.bias()[j];
    return b;
  }

  static double a(BigramModel m, int i, int k) {
    return m.weights()[LowRank.aStart(V) + i * RANK + k];
  }

  static double b(BigramModel m, int k, int j) {
    return m.weights()[LowRank.bStart(V, RANK) + k * V + j];
  }

  /**
   * The model's logit weights as it defines them, written out here on their own: {@code W[i][j]}, then each
   * factor's product added in float, {@code k = 0, 1, ...}.
   */
  static double[][] logitWeights(BigramModel m) {
    double[][] z = new double[V][V];
    for (int i = 0; i < V; i++) {
      for (int j = 0; j < V; j++) {
        float s = m.weights()[i * V + j];
        for (int k = 0; k < RANK; k++) s += (float) a(m, i, k) * (float) b(m, k, j);
        z[i][j] = s;
      }
    }
    return z;
  }

  /** The same in exact arithmetic: {@code W + A B}, for finite differences in the factors. */
  static double[][] logitWeights(double[][] w, double[][] a, double[][] b) {
    double[][] z = new double[V][V];
    for (int i = 0; i < V; i++) {
      for (int j = 0; j < V; j++) {
        double s = w[i][j];
        for (int k = 0; k < RANK; k++) s += a[i][k] * b[k][j];
        z[i][j] = s;
      }
    }
    return z;
  }

  static BigramLossAggregator aggregate(BigramModel m, List<Pair> pairs, int numBlocks, Kernel kernel) {
    RowBlocks partitioner = new RowBlocks(V, numBlocks);
    BigramLossAggregator agg = new BigramLossAggregator(V, true, kernel);
    for (RowBlock block : Occurrences.blocks(pairs, partitioner)) {
      agg.merge(new BigramLossAggregator(V, true, kernel).add(block,
          WeightRows.view(m.weights(), m.bias(), V, RANK, block.firstRow(), block.endRow())));
    }
    return agg;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void lossAndEveryGradientMatchThePerOccurrenceReferenceAt1e9(int numBlocks) {
    List<Pair> pairs = Occurrences.random(V, 700, 0.2, 20261202L);
    BigramModel m = model(5);
    BigramLossAggregator agg = aggregate(m, pairs, numBlocks, Kernel.EXACT);
    NaiveBigramLoss ref = new NaiveBigramLoss(logitWeights(m), bias(m), pairs);

    assertRelative(ref.loss, agg.loss(), 1e-9, "training loss");
    assertRelative(ref.validationLoss, agg.validationLoss(), 1e-9, "validation loss");
    Gradient g = agg.gradient();
    double[] factors = FactorGradient.of(m.weights(), V, RANK, g);
    for (int i = 0; i < V; i++) {
      double[] row = Gradients.row(g, i, V);
      for (int j = 0; j < V; j++) {
        double got = row == null ? 0.0 : row[j] * g.scale();
        assertTrue(Math.abs(got - ref.gradW[i][j]) <= 1e-9 * Math.max(Math.abs(ref.gradW[i][j]), 1e-6),
            "dW[" + i + "][" + j + "]: expected " + ref.gradW[i][j] + " got " + got);
      }
    }
    for (int i = 0; i < V; i++) {
      for (int k = 0; k < RANK; k++) {
        double want = 0.0;
        for (int j = 0; j < V; j++) want += ref.gradW[i][j] * b(m, k, j);
        assertRelative(want, factors[i * RANK + k] * g.scale(), 1e-9, "dA[" + i + "][" + k + "]");
      }
    }
    for (int k = 0; k < RANK; k++) {
      for (int j = 0; j < V; j++) {
        double want = 0.0;
        for (int i = 0; i < V; i++) want += a(m, i, k) * ref.gradW[i][j];
        assertRelative(want, factors[RANK * V + k * V + j] * g.scale(), 1e-9, "dB[" + k + "][" + j + "]");
      }
    }
  }

  @Test
  void theFactorsGradientMatchesCentralFiniteDifferencesAt10RandomPoints() {
    List<Pair> pairs = Occurrences.random(V, 300, 0.0, 20261203L);
    Random pick = new Random(77);
    double h = 1e-5;
    for (int point = 0; point < 10; point++) {
      BigramModel m = model(40 + point);
      Gradient g = aggregate(m, pairs, 2, Kernel.EXACT).gradient();
      double[] analytic = FactorGradient.of(m.weights(), V, RANK, g);
      double[][] w = new double[V][V];
      double[][] a = new double[V][RANK];
      double[][] b = new double[RANK][V];
      for (int i = 0; i < V; i++) for (int j = 0; j < V; j++) w[i][j] = m.weights()[i * V + j];
      for (int i = 0; i < V; i++) for (int k = 0; k < RANK; k++) a[i][k] = a(m, i, k);
      for (int k = 0; k < RANK; k++) for (int j = 0; j < V; j++) b[k][j] = b(m, k, j);
      double[] bias = bias(m);
      for (int probe = 0; probe < 6; probe++) {
        boolean inA = probe % 2 == 0;
        int r = pick.nextInt(inA ? V : RANK);
        int c = pick.nextInt(inA ? RANK : V);
        double[][] x = inA ? a : b;
        double saved = x[r][c];
        x[r][c] = saved + h;
        double up = NaiveBigramLoss.loss(logitWeights(w, a, b), bias, pairs);
        x[r][c] = saved - h;
        double down = NaiveBigramLoss.loss(logitWeights(w, a, b), bias, pairs);
        x[r][c] = saved;
        double numeric = (up - down) / (2 * h);
        double got = analytic[inA ? r * RANK + c : RANK * V + r * V + c] * g.scale();
        assertTrue(Math.abs(numeric - got) <= 1e-6 * Math.max(1.0, Math.abs(numeric)),
            "point " + point + (inA ? " dA[" : " dB[") + r + "][" + c + "]: finite difference " + numeric
                + ", analytic " + got);
      }
    }
  }

  @Test
  void theFastKernelScoresTheSameLogitsAsTheExactOneWithinItsTolerance() {
    List<Pair> pairs = Occurrences.random(V, 700, 0.2, 20261204L);
    BigramModel m = model(9);
    BigramLossAggregator exact = aggregate(m, pairs, 3, Kernel.EXACT);
    BigramLossAggregator fast = aggregate(m, pairs, 3, Kernel.FAST);
    assertRelative(exact.loss(), fast.loss(), Kernel.FAST_LOSS_TOLERANCE, "training loss");
    assertRelative(exact.validationLoss(), fast.validationLoss(), Kernel.FAST_LOSS_TOLERANCE, "validation loss");
    double[] fe = FactorGradient.of(m.weights(), V, RANK, exact.gradient());
    double[] ff = FactorGradient.of(m.weights(), V, RANK, fast.gradient());
    for (int k = 0; k < fe.length; k++) {
      assertEquals(fe[k], ff[k], 1e-5 * exact.count(), "factor gradient entry " + k);
    }
  }

  @Test
  void aSerializedBlockCarriesItsFactorsAndScoresBitForBitAsTheView() throws Exception {
    List<Pair> pairs = Occurrences.random(V, 500, 0.2, 20261205L);
    BigramModel m = model(11);
    RowBlocks partitioner = new RowBlocks(V, 3);
    for (RowBlock block : Occurrences.blocks(pairs, partitioner)) {
      WeightRows view = WeightRows.view(m.weights(), m.bias(), V, RANK, block.firstRow(), block.endRow());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(view);
      }
      WeightRows shipped;
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        shipped = (WeightRows) in.readObject();
      }
      assertEquals(RANK, shipped.rank());
      BigramLossAggregator here = new BigramLossAggregator(V, true, Kernel.FAST).add(block, view);
      BigramLossAggregator there = new BigramLossAggregator(V, true, Kernel.FAST).add(block, shipped);
      assertEquals(here.loss(), there.loss(), 0.0, "block " + block.index());
      assertEquals(here.validationLoss(), there.validationLoss(), 0.0, "block " + block.index());
      for (int i = block.firstRow(); i < block.endRow(); i++) {
        double[] a = Gradients.row(here.gradient(), i, V);
        double[] b = Gradients.row(there.gradient(), i, V);
        if (a == null) continue;
        assertArrayEquals(a, b, 0.0, "row " + i);
      }
    }
  }

  /**
   * The float rows' factor gradient in the order {@link FactorGradient} documents, written out here row by row
   * without tiles or groups: {@code dA}'s dots in 16 float partials ({@code j mod 16}, ascending), added in double,
   * then the tail; {@code dB} in float over ascending rows within each of the fixed row blocks, the blocks added in
   * double in order.
   */
  static double[] factorGradientInDocumentedOrder(float[] params, float[][] g, int v, int rank) {
    int aStart = LowRank.aStart(v);
    int bStart = LowRank.bStart(v, rank);
    double[] out = new double[2 * rank * v];
    int p = FactorGradient.PARTIALS;
    int chunked = v - v % p;
    for (int i = 0; i < v; i++) {
      for (int k = 0; k < rank; k++) {
        float[] lanes = new float[p];
        for (int j = 0; j < chunked; j++) lanes[j % p] += g[i][j] * params[bStart + k * v + j];
        double s = 0.0;
        for (int l = 0; l < p; l++) s += lanes[l];
        for (int j = chunked; j < v; j++) s += (double) g[i][j] * params[bStart + k * v + j];
        out[i * rank + k] = s;
      }
    }
    int blocks = Math.min(v, FactorGradient.ROW_BLOCKS);
    for (int blk = 0; blk < blocks; blk++) {
      float[] acc = new float[rank * v];
      for (int i = (int) ((long) blk * v / blocks); i < (long) (blk + 1) * v / blocks; i++) {
        for (int k = 0; k < rank; k++) {
          for (int j = 0; j < v; j++) acc[k * v + j] += params[aStart + i * rank + k] * g[i][j];
        }
      }
      for (int k = 0; k < rank * v; k++) out[rank * v + k] += acc[k];
    }
    return out;
  }

  /** 7, 61, 1100: the scalar code; 4099: the vector code where the JVM has it (from V = 4,000). */
  @ParameterizedTest
  @ValueSource(ints = {7, 61, 1100, 4099})
  void theFloatRowsFactorGradientIsTheDocumentedOrdersBitForBitAcrossTilesAndGroups(int v) {
    int rank = v > 2000 ? 2 : 5;
    Random r = new Random(21 + v);
    float[] params = new float[(int) LowRank.length(v, rank)];
    for (int k = 0; k < params.length; k++) params[k] = (float) r.nextGaussian();
    // Two blocks of float gradient rows with different first rows, as two tasks' results would be.
    int split = v / 3;
    GradientRows first = new GradientRows(0, split, v, true);
    GradientRows second = new GradientRows(split, v - split, v, true);
    float[][] g = new float[v][v];
    for (int i = 0; i < v; i++) {
      GradientRows rows = i < split ? first : second;
      for (int j = 0; j < v; j++) {
        g[i][j] = (float) (r.nextGaussian() * Math.exp(3 * r.nextGaussian()));
        rows.floats()[rows.offsetOf(i) + j] = g[i][j];
      }
    }
    double[] got = FactorGradient.of(params, v, rank, new Gradient(List.of(first, second), new double[v], 1.0));
    assertArrayEquals(factorGradientInDocumentedOrder(params, g, v, rank), got, 0.0, "V = " + v);
  }

  @Test
  void theVectorAndScalarFactorDotProductsGiveTheSameBitsOverAnyTiles() {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.bigram.math.VectorSupport.available(),
        "the vector API is not on this JVM's module path");
    Random r = new Random(21);
    int p = FactorGradient.PARTIALS;
    for (int v : new int[] {16, 64, 4099}) {
      for (int rank : new int[] {1, 5, 8}) {
        float[] g = new float[v + 3];
        float[] b = new float[rank * v + 2];
        for (int j = 0; j < g.length; j++) g[j] = (float) (r.nextGaussian() * Math.exp(3 * r.nextGaussian()));
        for (int j = 0; j < b.length; j++) b[j] = (float) r.nextGaussian();
        float[] scalar = new float[rank * p + 4];
        float[] vector = new float[rank * p + 4];
        int chunked = v - v % p;
        for (int from = 0; from < chunked; ) {
          int to = Math.min(chunked, from + p * (1 + r.nextInt(40)));
          FactorGradient.dots(g, 3, b, 2, rank, v, from, to, scalar, 4);
          FactorDots.dots(g, 3, b, 2, rank, v, from, to, vector, 4);
          from = to;
        }
        assertArrayEquals(scalar, vector, 0.0f, "V = " + v + ", rank " + rank);
      }
    }
  }

  @Test
  void theFoldedModelHasTheLogitsTrainingScoredBitForBit() {
    BigramModel m = model(13);
    BigramModel folded = m.folded();
    double[][] z = logitWeights(m);
    assertEquals(0, folded.rank());
    assertEquals((long) V * V, folded.numWeights());
    for (int i = 0; i < V; i++) {
      assertArrayEquals(m.probabilities(i), folded.probabilities(i), 0.0, "p(. | " + i + ")");
      for (int j = 0; j < V; j++) {
        assertEquals(z[i][j], folded.weights()[i * V + j], 0.0, "W'[" + i + "][" + j + "]");
        assertEquals(folded.weight(i, j), m.weight(i, j), 0.0, "weight(" + i + ", " + j + ")");
      }
    }
  }

  @Test
  void factorsDoNotChangeTheInitialWAndStartAwayFromZero() {
    BigramModel plain = BigramModel.initialize(V, true, 0.01, 42);
    BigramModel factored = BigramModel.initialize(V, true, 0.01, 42, RANK);
    assertEquals(RANK, factored.rank());
    assertEquals(LowRank.length(V, RANK), factored.numWeights());
    for (int k = 0; k < V * V; k++) assertEquals(plain.weights()[k], factored.weights()[k], 0.0, "W entry " + k);
    double sq = 0.0;
    for (int k = LowRank.aStart(V); k < factored.weights().length; k++) {
      sq += factored.weights()[k] * factored.weights()[k];
    }
    double rms = Math.sqrt(sq / (2 * RANK * V));
    assertTrue(rms > 0.5 * BigramModel.FACTOR_STDDEV && rms < 2 * BigramModel.FACTOR_STDDEV, "factor rms " + rms);
    assertArrayEquals(factored.weights(), BigramModel.initialize(V, true, 0.01, 42, RANK).weights(),
        "the same seed draws the same factors");
  }
}
