package dev.bigram.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.RowBlocks;
import dev.bigram.model.BigramModel;
import dev.bigram.testing.Occurrences;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scalar kernels compute the vector kernels' bits: the fast kernel starts on the scalar twins and moves to
 * the vector code once it is compiled, and a run must not depend on when that happened (nor on whether an
 * executor has the vector API at all, NoVectorModuleTest, nor on its vector width: the sums take one fixed
 * order).
 */
class ScalarTwinTest {
  @BeforeAll
  static void vectorCodeIsCompiled() throws InterruptedException {
    assertTrue(VectorSupport.awaitReady(300), "surefire runs with --add-modules jdk.incubator.vector: the vector"
        + " kernels must warm up and be compared here");
  }

  /** Rows of logits from near-uniform to spreads past exp's cut at -87; sizes around the chunk of 16. */
  @ParameterizedTest
  @ValueSource(ints = {1, 5, 16, 37, 130, 1000})
  void rowMathGivesTheVectorKernelsBits(int v) {
    SplittableRandom random = new SplittableRandom(v);
    float[] w = new float[v * v];
    float[] b = new float[v];
    for (int i = 0; i < v; i++) {
      // Near-uniform rows sum exactly in double whatever the order; rows spread over 60 nats or more do not.
      for (int j = 0; j < v; j++) {
        w[i * v + j] = (float) switch (i % 4) {
          case 0 -> random.nextGaussian() * 0.01;
          case 1 -> random.nextGaussian();
          case 2 -> random.nextGaussian() * 30;
          default -> -60 * random.nextDouble();
        };
      }
    }
    for (int j = 0; j < v; j++) b[j] = (float) random.nextGaussian();
    CountRows rows = Occurrences.blocks(Occurrences.random(v, 40 * v, 0, v), new RowBlocks(v, 1)).get(0).train();
    for (float[] bias : new float[][] {b, null}) {
      VectorRowMath vector = new VectorRowMath(v);
      ScalarRowMath twin = new ScalarRowMath(v);
      GradientRows gv = new GradientRows(0, v, v, true);
      GradientRows gt = new GradientRows(0, v, v, true);
      double[] dbv = new double[v];
      double[] dbt = new double[v];
      for (int r = 0; r < rows.numRows(); r++) {
        int row = rows.row(r);
        double lv = vector.prepare(w, row * v, bias);
        double lt = twin.prepare(w, row * v, bias);
        assertEquals(Double.doubleToLongBits(lv), Double.doubleToLongBits(lt), "log-sum-exp of row " + row);
        vector.writeGradient(rows, r, gv, gv.offsetOf(row), dbv);
        twin.writeGradient(rows, r, gt, gt.offsetOf(row), dbt);
      }
      assertArrayEquals(gv.floats(), gt.floats(), "gradient rows, V = " + v);
      assertArrayEquals(dbv, dbt, "bias gradient, V = " + v);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 16, 37, 130, 1000})
  void adamRowsGiveTheVectorUpdatesBits(int v) {
    SplittableRandom random = new SplittableRandom(100 + v);
    for (double l2 : new double[] {0, 1e-3}) {
      for (boolean withData : new boolean[] {true, false}) {
        float[] w = gaussian(random, v, 2);
        float[] m = gaussian(random, v, 0.1);
        float[] vv = gaussian(random, v, 0.1);
        for (int j = 0; j < v; j++) vv[j] *= vv[j];
        float[] data = null;
        if (withData) {
          // Gradients over 25 orders of magnitude: their squares do not sum exactly.
          data = gaussian(random, v + 3, 1);
          for (int j = 0; j < data.length; j++) data[j] *= (float) Math.pow(10, random.nextInt(-20, 6));
        }
        float[] w2 = w.clone();
        float[] m2 = m.clone();
        float[] vv2 = vv.clone();
        double sv = AdamRows.applyRow(w, 0, v, data, 3, 1.7e-4, l2, m, vv, 0.05, 1e-8);
        double st = ScalarAdamRows.applyRow(w2, 0, v, data, 3, 1.7e-4, l2, m2, vv2, 0.05, 1e-8);
        String what = "V = " + v + ", l2 = " + l2 + ", data = " + withData;
        assertEquals(Double.doubleToLongBits(sv), Double.doubleToLongBits(st), "squared norm, " + what);
        assertArrayEquals(w, w2, "weights, " + what);
        assertArrayEquals(m, m2, "first moments, " + what);
        assertArrayEquals(vv, vv2, "second moments, " + what);
      }
    }
  }

  /** The check the warm-up makes before it lets the compiled vector code be used. */
  @Test
  void theCompiledVectorCodePassesTheWarmUpsCheck() {
    assertTrue(VectorSupport.agreesWithTwins());
  }

  /** Whole steps of training: the scalar path and the vector path stay bit-identical step after step. */
  @Test
  void trainingStepsAreTheSameOnEitherPath() {
    int v = 53;
    BigramModel onVectors = BigramLossAggregatorTest.model(v, true, 9);
    BigramModel onScalars = onVectors.copy();
    List<RowBlock> blocks = Occurrences.blocks(Occurrences.random(v, 3000, 0.1, 17), new RowBlocks(v, 3));
    Adam vectorAdam = new Adam(v, true);
    Adam scalarAdam = new Adam(v, true);
    for (int step = 0; step < 6; step++) {
      BigramLossAggregator gv = KernelTest.aggregate(onVectors, blocks, Kernel.FAST, null);
      BigramLossAggregator gs = aggregateOnScalars(onScalars, blocks);
      assertEquals(Double.doubleToLongBits(gv.loss()), Double.doubleToLongBits(gs.loss()), "loss, step " + step);
      double nv = vectorAdam.step(onVectors, gv, 0.1, 1e-4, Adam.Rows.VECTOR);
      double ns = scalarAdam.step(onScalars, gs, 0.1, 1e-4, Adam.Rows.SCALAR);
      assertEquals(Double.doubleToLongBits(nv), Double.doubleToLongBits(ns), "gradient norm, step " + step);
      assertArrayEquals(onVectors.weights(), onScalars.weights(), "weights after step " + step);
      assertArrayEquals(onVectors.bias(), onScalars.bias(), "bias after step " + step);
    }
  }

  private static BigramLossAggregator aggregateOnScalars(BigramModel m, List<RowBlock> blocks) {
    int v = m.numClasses();
    BigramLossAggregator agg = new BigramLossAggregator(v, true, Kernel.FAST);
    for (RowBlock b : blocks) {
      agg.merge(new BigramLossAggregator(v, true, Kernel.FAST)
          .add(b, WeightRows.view(m.weights(), m.bias(), v, b.firstRow(), b.endRow()), null, new ScalarRowMath(v)));
    }
    return agg;
  }

  private static float[] gaussian(SplittableRandom random, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (random.nextGaussian() * scale);
    return x;
  }
}
